"""Automatic circuit choice: round trips from each kind of preset with seeded noise, the AICc definition, refusals,
batch = one by one, and real pellet spectra."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.analysis import analyse_spectra
from nassb.echem.circuit_selection import CANDIDATE_CIRCUITS, MAX_RELATIVE_STDERR, aicc, select_circuit, select_circuits
from nassb.echem.circuits import parse_circuit
from nassb.echem.kk import lin_kk
from nassb.echem.readers import read_spectrum
from nassb.echem.spectrum import Spectrum

FREQUENCY_HZ = np.logspace(7, -1, 81)
# 100 Ohm series, a bulk arc near 340 kHz (2 kOhm), a grain-boundary arc near 80 Hz (5 kOhm), a blocking electrode
BULK = [2000.0, 1e-9, 0.9]
GRAIN_BOUNDARY = [5000.0, 1e-6, 0.85]
ELECTRODE = [2e-6, 0.88]
GENERATING = {
    "R0-p(R1,CPE1)": [100.0, *BULK],
    "R0-p(R1,CPE1)-CPE2": [100.0, *BULK, *ELECTRODE],
    "R0-p(R1,CPE1)-p(R2,CPE2)": [100.0, *BULK, *GRAIN_BOUNDARY],
    "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3": [100.0, *BULK, *GRAIN_BOUNDARY, *ELECTRODE],
}
# file -> (the choice, whether that fit's residuals stay within the Lin-KK threshold of a valid spectrum)
REAL = {
    "eisfitpython/Example-2/Example2a.txt": ("R0-p(R1,CPE1)-p(R2,CPE2)-CPE3", True),  # pellet s05751 at 25 degC
    # Li6PS5Cl at -25 degC: the best preset still leaves 3 % residuals, but every parameter is determined
    "hybrid-drt/LPSCl_Tseries/PEIS_TSeq7_-25C_#61_C01.mpr": ("R0-p(R1,CPE1)-p(R2,CPE2)", False),
}


def simulated(circuit: str, seed: int = 1) -> Spectrum:
    """The circuit's impedance with complex noise of 0.5 % of |Z| (as examples/eis/synthetic-series)."""
    z = parse_circuit(circuit).impedance(GENERATING[circuit], 2 * np.pi * FREQUENCY_HZ)
    rng = np.random.default_rng(seed)
    z = z + 0.005 * np.abs(z) * (rng.standard_normal(z.size) + 1j * rng.standard_normal(z.size)) / math.sqrt(2)
    return Spectrum(FREQUENCY_HZ, z, f"simulated {circuit}")


def assert_consistent(selection) -> None:
    """One candidate chosen, delta 0, accepted; every candidate with a lower AICc was refused, with a reason."""
    assert [c.chosen for c in selection.candidates].count(True) == 1
    assert selection.chosen.delta_aicc == 0 and selection.chosen.refused_because is None
    for candidate in selection.candidates:
        assert candidate.delta_aicc == pytest.approx(candidate.aicc - selection.chosen.aicc)
        if candidate.delta_aicc < 0:
            assert candidate.refused_because, candidate


@pytest.mark.parametrize("circuit", list(GENERATING))
def test_round_trip_picks_the_generating_circuit_and_its_resistances(circuit):
    selection = select_circuit(simulated(circuit))
    assert selection.circuit == circuit, [c.to_dict() for c in selection.candidates]
    assert_consistent(selection)
    truth = dict(zip(parse_circuit(circuit).parameter_names, GENERATING[circuit]))
    for name, value in selection.fit.parameters.items():
        if name.startswith("R"):
            assert value == pytest.approx(truth[name], rel=0.03), name
    rows = selection.to_dict()["candidates"]
    assert [row["circuit"] for row in rows] == list(CANDIDATE_CIRCUITS)
    assert {"circuit", "n_parameters", "chi2", "aicc", "delta_aicc", "chosen", "refused_because"} == set(rows[0])


def test_one_arc_data_refuse_every_larger_candidate_as_undetermined():
    selection = select_circuit(simulated("R0-p(R1,CPE1)"))
    for candidate in selection.candidates[1:]:
        assert candidate.delta_aicc > 0 and "standard error above 100% of the value" in candidate.refused_because


def test_aicc_is_the_small_sample_criterion_of_hurvich_and_tsai():
    # N = 10 values, 3 parameters + the weights' scale: 10 ln(2/10) + 2*4 + 2*4*5/(10 - 4 - 1)
    assert aicc(2.0, 10, 3) == pytest.approx(10 * math.log(0.2) + 8 + 8)
    assert aicc(2.0, 10, 8) == math.inf  # N - K - 1 = 0


def test_the_choice_repeats_and_a_batch_chooses_as_one_by_one():
    spectra = [simulated("R0-p(R1,CPE1)-CPE2"), simulated("R0-p(R1,CPE1)-p(R2,CPE2)-CPE3", seed=2)]
    batch = select_circuits(spectra)
    for spectrum, selection in zip(spectra, batch):
        alone = select_circuit(spectrum)
        assert alone.to_dict() == select_circuit(spectrum).to_dict()
        assert selection.circuit == alone.circuit
        for a, b in zip(selection.candidates, alone.candidates):
            assert a.aicc == pytest.approx(b.aicc, rel=1e-6, abs=1e-6)


def test_no_determined_candidate_and_a_seeded_series_are_refused():
    with pytest.raises(InputError, match="R2"):
        select_circuit(simulated("R0-p(R1,CPE1)"), candidates=("R0-p(R1,CPE1)-p(R2,CPE2)",))
    with pytest.raises(InputError, match="circuit"):
        analyse_spectra([simulated("R0-p(R1,CPE1)")] * 2, "auto", series=True)


@pytest.mark.parametrize("name", list(REAL))
def test_real_pellet_spectra_get_a_circuit_with_determined_parameters(external_dir, name):
    spectrum = read_spectrum(external_dir / name)
    selection = select_circuit(spectrum)
    circuit, within_kk = REAL[name]
    assert selection.circuit == circuit
    assert_consistent(selection)
    fit = selection.fit
    assert fit.success and np.all(np.abs(fit.stderr / fit.values) <= MAX_RELATIVE_STDERR)
    kk = lin_kk(spectrum)
    worst_residual = max(np.abs(fit.residuals_real).max(), np.abs(fit.residuals_imag).max())
    assert kk.valid and (worst_residual < kk.residual_threshold) == within_kk
