"""CHGNet NVT molecular dynamics end to end on the 16-atom cell of cubic Na3PS4 (tiny runs: seconds on 2 cores).

Cubic Na3PS4, I-43m, a = 6.9965 A: Na 6b (0, 1/2, 1/2), P 2a (0, 0, 0), S 8c (x, x, x), x = 0.1694
(Jansen and Henseler 1992, J. Solid State Chem. 99, 110).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("chgnet")

from nassb.core.errors import InputError  # noqa: E402
from nassb.mlip import chgnet_calculator  # noqa: E402
from nassb.transport.md import MDSettings, md_conductivity, run_nvt  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def na3ps4():
    from pymatgen.core import Lattice, Structure

    return Structure.from_spacegroup(
        "I-43m", Lattice.cubic(6.9965), ["Na", "P", "S"], [[0, 0.5, 0.5], [0, 0, 0], [0.1694, 0.1694, 0.1694]]
    )


@pytest.fixture(scope="module")
def chgnet():
    return chgnet_calculator()


# 20 equilibration + 30 production steps of 2 fs at 800 K, strong friction so that 0.1 ps thermalises
SHORT = MDSettings(
    temperature_K=800.0, time_ps=0.06, equilibration_ps=0.04, sample_every=5, seed=7, friction_per_fs=0.02
)


class Interrupt(Exception):
    pass


def test_stop_and_continue_is_identical_to_an_uninterrupted_run(chgnet, na3ps4, tmp_path):
    assert len(na3ps4) == 16
    whole = run_nvt(na3ps4, chgnet, SHORT)
    n_frames = SHORT.production_steps // SHORT.sample_every + 1
    assert whole.positions_A.shape == (n_frames, 6, 3)
    np.testing.assert_allclose(whole.times_ps, 0.01 * np.arange(n_frames))

    checkpoint = tmp_path / "run.npz"

    def stop_at_step_27(done: int, total: int) -> None:
        assert total == SHORT.total_steps == 50
        if done == 27:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_nvt(na3ps4, chgnet, SHORT, checkpoint_path=checkpoint, progress=stop_at_step_27, checkpoint_every=10)
    with np.load(checkpoint) as saved:
        assert int(saved["step"]) == 20 and saved["frames_A"].shape[0] == 1
    calls = []
    resumed = run_nvt(
        na3ps4, chgnet, SHORT, checkpoint_path=checkpoint, progress=lambda d, t: calls.append(d), checkpoint_every=10
    )
    assert calls[0] == 21 and calls[-1] == 50
    # the thermostat's random stream is restored with the positions and momenta: the same trajectory, bit for bit
    np.testing.assert_array_equal(resumed.positions_A, whole.positions_A)
    np.testing.assert_array_equal(resumed.frame_temperatures_K, whole.frame_temperatures_K)
    # unwrapped: no jump of a lattice vector between frames 10 fs apart
    assert np.max(np.linalg.norm(np.diff(resumed.positions_A, axis=0), axis=2)) < 1.0

    with pytest.raises(InputError, match="temperature_K"):
        run_nvt(na3ps4, chgnet, replace(SHORT, temperature_K=900.0), checkpoint_path=checkpoint)
    strained = na3ps4.copy()
    strained.scale_lattice(1.03 * na3ps4.volume)
    with pytest.raises(InputError, match="structure"):
        run_nvt(strained, chgnet, SHORT, checkpoint_path=checkpoint)


def test_bad_settings_and_structures_are_refused(chgnet, na3ps4):
    with pytest.raises(InputError, match="timestep_fs"):
        run_nvt(na3ps4, chgnet, replace(SHORT, timestep_fs=10.0))
    with pytest.raises(InputError, match="mobile_ion"):
        run_nvt(na3ps4, chgnet, replace(SHORT, mobile_ion="Li"))
    disordered = na3ps4.copy()
    disordered.replace(0, {"Na": 0.5})
    with pytest.raises(InputError, match="ordered"):
        run_nvt(disordered, chgnet, SHORT)


def test_md_conductivity_pipeline(chgnet, na3ps4, tmp_path):
    done = []
    result = md_conductivity(
        na3ps4,
        chgnet,
        [800.0],
        time_ps=0.1,
        equilibration_ps=0.1,
        sample_every=5,
        seed=3,
        friction_per_fs=0.02,
        checkpoint_dir=tmp_path,
        progress=lambda d, t: done.append((d, t)),
    )
    assert done[-1] == (100, 100)
    assert (tmp_path / "md_800K.npz").exists()
    assert np.isfinite(result.D_cm2_per_s[0]) and result.D_stderr_cm2_per_s[0] > 0
    # the thermostat holds the target roughly (16 atoms: +-20 % instantaneous fluctuations)
    assert 0.7 * 800 < result.mean_temperatures_K[0] < 1.3 * 800
    trajectory = result.trajectories[0]
    assert result.carrier_density_per_cm3 == pytest.approx(6 / (trajectory.volume_A3 * 1e-24))
    assert result.relaxed and trajectory.volume_A3 != pytest.approx(6.9965**3, rel=1e-4)
    data = result.to_dict()
    assert data["Ea_eV"] is None and "three or more" in data["note"]
    assert set(data["D_cm2_per_s"]) == {"800.0"}
    assert data["table"][0]["temperature_K"] == 800.0
    diffusivity = result.quantities()["md_D_800K"]
    assert diffusivity["value"] == result.D_cm2_per_s[0] and diffusivity["unit"] == "cm2/s"
    assert diffusivity["uncertainty"] == result.D_stderr_cm2_per_s[0] and "CHGNet" in diffusivity["settings"]["model"]


@pytest.mark.slow
def test_sodium_diffuses_in_na3ps4_at_high_temperature(chgnet, na3ps4):
    # 16-atom cell, 1000 K, 6 ps production (about 4 min on 2 cores): Na hops, so D* is resolved
    result = md_conductivity(na3ps4, chgnet, [1000.0], time_ps=6.0, equilibration_ps=1.0, sample_every=10, seed=1)
    D, stderr = result.D_cm2_per_s[0], result.D_stderr_cm2_per_s[0]
    assert D > 3 * stderr
    assert 1e-7 < D < 1e-3
    assert 0.85 * 1000 < result.mean_temperatures_K[0] < 1.15 * 1000
