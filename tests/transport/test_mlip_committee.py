"""The MLIP committee (CHGNet and SevenNet-0, `nassb.mlip`) and the MD committee (`nassb.transport.md`) on the
16-atom cubic Na3SbS4 cell of the structure library (a = 7.17 A).

Measured on this cell: CHGNet 0.3.0 relaxes it to a = 7.218 A and SevenNet-0 to 7.231 A (PBE-trained potentials
expand sulfides by ~1 %); at the refined cell the two energies differ by 0.259 eV/atom on their own scales and by
0.008 eV/atom on the common MP2020 scale (the sulfide correction is -0.2515 eV/atom).
"""

from __future__ import annotations

import socket

import pytest

pytest.importorskip("chgnet")
pytest.importorskip("sevenn")

from nassb import mlip  # noqa: E402
from nassb.core.errors import InputError  # noqa: E402
from nassb.structures import load  # noqa: E402
from nassb.transport.md import md_committee  # noqa: E402

REFINED_A = 7.17


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def na3sbs4():
    structure = load("Na3SbS4-cubic")
    assert len(structure) == 16
    return structure


@pytest.fixture(scope="module")
def chgnet():
    return mlip.calculator("chgnet")


@pytest.fixture(scope="module")
def sevennet():
    """SevenNet-0 built with every socket connection refused: its weights come from the wheel, not the network."""
    mlip.sevennet_calculator.cache_clear()

    def refuse(*args, **kwargs):
        raise OSError("network access attempted while loading SevenNet-0")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        return mlip.calculator("sevennet")


def test_factory_names_and_scales(chgnet, sevennet):
    assert mlip.calculator("chgnet") is chgnet and mlip.calculator("SevenNet") is sevennet
    assert mlip.model_name(chgnet) == "CHGNet 0.3.0"
    assert mlip.model_name(sevennet) == "SevenNet-0 11Jul2024"
    assert (mlip.energy_scale(chgnet), mlip.energy_scale(sevennet)) == ("mp2020", "raw")
    with pytest.raises(InputError):
        mlip.calculator("mace")


def test_mp2020_correction_of_a_sulfide(na3sbs4):
    # MP2020 sulfide anion correction: -0.503 eV per S, 8 S in 16 atoms; Na and Sb carry none
    assert mlip.mp2020_correction_eV(na3sbs4) == pytest.approx(8 * -0.503, abs=1e-9)


def test_committee_spread_is_zero_for_identical_calculators(na3sbs4, chgnet):
    energies = mlip.committee_energies(na3sbs4, [chgnet, chgnet])
    assert energies.spread_eV_per_atom == 0.0
    relaxed = mlip.committee_relax(na3sbs4, [chgnet, chgnet], fmax_eV_per_A=0.1, max_steps=60)
    assert relaxed.energy_spread_eV_per_atom == 0.0
    assert relaxed.volume_spread_A3_per_atom == 0.0
    assert relaxed.lattice_spread_A == (0.0, 0.0, 0.0)
    assert relaxed.to_dict()["spread"]["energy_eV_per_atom"] == 0.0


def test_chgnet_and_sevennet_differ_but_agree_closely(na3sbs4, chgnet, sevennet):
    energies = mlip.committee_energies(na3sbs4, [chgnet, sevennet])
    own_difference = energies.energies_eV_per_atom[0] - energies.energies_eV_per_atom[1]
    assert own_difference == pytest.approx(-0.2515, abs=0.05)  # CHGNet carries the sulfide correction
    assert 0 < energies.spread_eV_per_atom < 0.05  # on the common scale: tens of meV/atom at most

    relaxed = mlip.committee_relax(na3sbs4, [chgnet, sevennet], fmax_eV_per_A=0.05, max_steps=200)
    assert relaxed.converged
    for a, b, c in relaxed.lattice_abc_A:
        assert a == pytest.approx(b, rel=1e-4) and a == pytest.approx(c, rel=1e-4)  # stays cubic
        assert a == pytest.approx(REFINED_A, rel=0.05)
    assert 0 < relaxed.energy_spread_eV_per_atom < 0.05
    assert 0 < relaxed.lattice_spread_A[0] < 0.1
    assert relaxed.volume_spread_A3_per_atom > 0


def test_md_committee_one_result_per_model(na3sbs4, chgnet, sevennet, tmp_path):
    calls = []
    committee = md_committee(
        na3sbs4,
        [chgnet, sevennet],
        [800.0],
        0.05,
        equilibration_ps=0.02,
        sample_every=5,
        seed=3,
        friction_per_fs=0.02,
        relax_first=False,
        checkpoint_dir=tmp_path,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert committee.models == ("CHGNet 0.3.0", "SevenNet-0 11Jul2024")
    assert len(committee.results) == 2
    assert all(r.temperatures_K == (800.0,) for r in committee.results)
    assert committee.D_spread_cm2_per_s[0] >= 0
    assert committee.Ea_spread_eV is None and committee.sigma_298K_spread_S_per_cm is None  # one temperature
    assert calls[-1][0] == calls[-1][1] == 2 * committee.results[0].settings[0].total_steps
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model0", "model1"]
    assert committee.to_dict()["spread"]["D_cm2_per_s"]["800.0"] == committee.D_spread_cm2_per_s[0]


def test_material_analysis_refuses_an_unknown_potential():
    from nassb.evaluate.material import analyse_material

    with pytest.raises(InputError, match="committee"):
        analyse_material("Na3SbS4-cubic", md=True, mlip="mace")
