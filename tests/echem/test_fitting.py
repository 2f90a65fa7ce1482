"""Weighted CNLS fits: round trips with noise, calibrated standard errors, batch = one by one, series seeding,
weighting definitions, fixed/bounded parameters, and a real ZPlot file."""

from __future__ import annotations

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.circuits import parse_circuit
from nassb.echem.fitting import fit_batch, fit_series, fit_spectrum, initial_guesses
from nassb.echem.spectrum import Spectrum

CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
# Solid-electrolyte-like: 5 Ohm leads, a bulk arc (peak near 57 kHz) and a grain-boundary/interface arc
# (near 160 Hz), both inside the 1 MHz - 0.1 Hz window.
TRUTH = np.array([5.0, 100.0, 1e-7, 0.9, 400.0, 1e-5, 0.8])
FREQUENCY = np.logspace(6, -1, 60)


def noisy(
    seed: int,
    kind: str = "proportional",
    circuit: str = CIRCUIT,
    truth: np.ndarray = TRUTH,
    frequency: np.ndarray = FREQUENCY,
) -> Spectrum:
    """1 % noise: proportional to each component, or 1 % of |Z| on both components ("modulus")."""
    z = parse_circuit(circuit).impedance(truth, 2 * np.pi * frequency)
    rng = np.random.default_rng(seed)
    e1, e2 = rng.standard_normal(z.size), rng.standard_normal(z.size)
    if kind == "proportional":
        z = z.real * (1 + 0.01 * e1) + 1j * z.imag * (1 + 0.01 * e2)
    else:
        z = z + 0.01 * np.abs(z) * (e1 + 1j * e2)
    return Spectrum(frequency, z, f"synthetic seed {seed}")


def test_round_trip_two_arcs_from_automatic_guess():
    result = fit_spectrum(noisy(seed=0), CIRCUIT, weighting="proportional")
    assert result.success
    assert result.parameter_names == parse_circuit(CIRCUIT).parameter_names
    z_scores = (result.values - TRUTH) / result.stderr
    assert np.all(np.abs(z_scores) < 2.0), z_scores
    assert np.all(result.stderr / TRUTH < 0.03)
    # proportional 1 % noise with proportional weights: chi2 / dof estimates the noise variance 1e-4
    assert 0.6e-4 < result.chi2_reduced < 1.5e-4
    assert result.chi2_reduced == pytest.approx(result.chi2 / (2 * 60 - 7))
    assert np.all(np.abs(result.correlation) <= 1 + 1e-12)
    np.testing.assert_allclose(np.diag(result.correlation), 1.0)


def test_noise_free_spectra_are_recovered_exactly_for_several_topologies():
    frequency = np.logspace(6, -2, 81)
    cases = {
        "R0-p(R1,C1)-Wo1": [10, 200, 1e-7, 300, 2.0],
        "R0-p(R1,C1)-Ws1": [10, 200, 1e-7, 300, 2.0],
        "R0-p(R1,CPE1)-W1": [10, 200, 1e-7, 0.9, 50.0],
        "L0-R0-p(R1,CPE1)": [2e-6, 10, 200, 1e-6, 0.85],
        "R0-p(R1,CPE1)-C1": [10, 200, 1e-6, 0.85, 1e-4],
        "R0-p(R1-Wo1,CPE1)": [10, 200, 100, 1.0, 1e-5, 0.9],
        "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)": [10, 200, 1e-8, 0.9, 500, 1e-6, 0.8, 300, 1e-3, 0.85],
    }
    for circuit, truth in cases.items():
        truth = np.array(truth, dtype=float)
        z = parse_circuit(circuit).impedance(truth, 2 * np.pi * frequency)
        result = fit_spectrum(Spectrum(frequency, z), circuit)
        np.testing.assert_allclose(result.values, truth, rtol=1e-6, err_msg=circuit)
        assert result.chi2 < 1e-20


def test_standard_errors_are_calibrated_over_noise_realisations():
    spectra = [noisy(seed, kind="modulus") for seed in range(40)]
    results = fit_batch(spectra, CIRCUIT, weighting="modulus")
    z_scores = np.array([(r.values - TRUTH) / r.stderr for r in results])
    assert 0.7 < np.sqrt(np.mean(z_scores**2)) < 1.4
    assert np.mean(np.abs(z_scores) < 2.0) > 0.88
    assert np.mean([r.chi2_reduced for r in results]) == pytest.approx(1e-4, rel=0.1)


def test_batch_fit_agrees_with_one_by_one_fits_on_mixed_grids():
    rng = np.random.default_rng(11)
    spectra = []
    for k in range(50):
        r1 = 10 ** rng.uniform(1, 4)
        truth = np.array(
            [
                10 ** rng.uniform(0, 1.5),
                r1,
                (10 ** rng.uniform(-6.5, -5)) ** 0.9 / r1,
                0.9,
                r1 * 10 ** rng.uniform(-1, 1),
                0.0,
                rng.uniform(0.7, 1.0),
            ]
        )
        truth[5] = (10 ** rng.uniform(-3.5, -2)) ** truth[6] / truth[4]
        frequency = np.logspace(rng.uniform(5.5, 6.5), rng.uniform(-1.5, -0.5), int(rng.integers(45, 75)))
        spectra.append(noisy(k, "modulus", truth=truth, frequency=frequency))
    batch = fit_batch(spectra, CIRCUIT)
    for spectrum, b in zip(spectra, batch):
        single = fit_spectrum(spectrum, CIRCUIT)
        assert b.chi2 == pytest.approx(single.chi2, rel=1e-9)
        np.testing.assert_allclose(b.values, single.values, rtol=1e-5)
        assert b.frequency_Hz.size == len(spectrum) == b.residuals_real.size


def test_series_seeds_each_fit_and_falls_back_to_the_automatic_guess():
    temperatures = np.linspace(300, 370, 8)
    k_b = 8.617e-5
    spectra, truths = [], []
    for k, t in enumerate(temperatures):
        truth = TRUTH.copy()
        truth[1] = 100.0 * np.exp(0.30 / k_b * (1 / t - 1 / 300))
        truth[4] = 400.0 * np.exp(0.50 / k_b * (1 / t - 1 / 300))
        spectra.append(noisy(k, "modulus", truth=truth))
        truths.append(truth)
    bad_seed = {"R0": 1e3, "R1": 1.0, "CPE1_0": 1e-2, "CPE1_1": 0.5, "R2": 1.0, "CPE2_0": 1e-12, "CPE2_1": 0.5}
    results = fit_series(spectra, CIRCUIT, initial=bad_seed)
    assert fit_spectrum(spectra[0], CIRCUIT, initial=bad_seed).chi2 > 100 * results[0].chi2  # the seed alone fails
    for k, (result, truth, spectrum) in enumerate(zip(results, truths, spectra)):
        assert result.success
        assert np.all(np.abs(result.values - truth) < 4 * result.stderr)
        assert result.chi2 <= fit_spectrum(spectrum, CIRCUIT).chi2 * (1 + 1e-6)
        if k:
            seeded = fit_spectrum(spectrum, CIRCUIT, initial=results[k - 1].parameters)
            np.testing.assert_allclose(result.values, seeded.values, rtol=1e-9)
    assert results[-1].values[4] < results[0].values[4] / 30  # the grain-boundary R follows its 0.5 eV


def test_chi2_and_residuals_follow_the_stated_definitions():
    spectrum = noisy(seed=3)
    z = spectrum.impedance_ohm
    for weighting in ("modulus", "proportional", "unit"):
        result = fit_spectrum(spectrum, CIRCUIT, weighting=weighting)
        fitted = result.predict(spectrum.frequency_Hz)
        d = z - fitted
        if weighting == "modulus":
            expected = np.sum(np.abs(d) ** 2 / np.abs(z) ** 2)
        elif weighting == "proportional":
            floor = 1e-3 * np.abs(z)
            expected = np.sum(
                (d.real / np.maximum(np.abs(z.real), floor)) ** 2 + (d.imag / np.maximum(np.abs(z.imag), floor)) ** 2
            )
        else:
            expected = np.sum(np.abs(d) ** 2)
        assert result.chi2 == pytest.approx(expected, rel=1e-10)
        assert result.weighting == weighting
        np.testing.assert_allclose(result.residuals_real + 1j * result.residuals_imag, d / np.abs(fitted), rtol=1e-10)
        assert np.abs(result.residuals_real).max() < 0.05


def test_fixed_parameters_bounds_and_initial_dict():
    spectrum = noisy(seed=4)
    fixed = fit_spectrum(spectrum, CIRCUIT, fixed={"R0": 5.0})
    assert fixed.values[0] == 5.0 and fixed.stderr[0] == 0.0 and fixed.fixed == ("R0",)
    assert fixed.to_dict()["parameters"]["R0"]["fixed"] is True
    assert fixed.chi2_reduced == pytest.approx(fixed.chi2 / (2 * 60 - 6))
    bounded = fit_spectrum(spectrum, CIRCUIT, bounds={"CPE1_1": (0.5, 0.85)})
    assert bounded.values[3] == pytest.approx(0.85)
    free = fit_spectrum(spectrum, CIRCUIT)
    assert bounded.chi2 > free.chi2
    again = fit_spectrum(spectrum, CIRCUIT, initial=free.parameters)
    assert again.chi2 == pytest.approx(free.chi2, rel=1e-9)
    assert again.n_iterations <= 3
    partial = fit_spectrum(spectrum, CIRCUIT, initial={"R1": 100.0, "R2": 400.0})
    assert partial.chi2 == pytest.approx(free.chi2, rel=1e-6)


def test_to_dict_and_predict():
    result = fit_spectrum(noisy(seed=5), CIRCUIT)
    d = result.to_dict()
    assert d["circuit"] == CIRCUIT and d["weighting"] == "modulus" and d["n_points"] == 60
    assert list(d["parameters"]) == list(result.parameter_names)
    assert d["parameters"]["CPE1_0"]["unit"] == "Ohm^-1 s^n"
    assert d["parameters"]["R2"]["value"] == pytest.approx(400.0, rel=0.03)
    assert d["chi2"] == result.chi2 and d["success"] is True
    f = np.array([1e5, 1.0])
    np.testing.assert_allclose(result.predict(f), parse_circuit(CIRCUIT).impedance(result.values, 2 * np.pi * f))


def test_automatic_guess_locates_both_arcs():
    guess = initial_guesses(noisy(seed=6), CIRCUIT)[0]
    tau = lambda r, q, n: (r * q) ** (1 / n)  # noqa: E731
    for r, q, n, (tr, tq, tn) in (
        (guess[1], guess[2], guess[3], TRUTH[1:4]),
        (guess[4], guess[5], guess[6], TRUTH[4:7]),
    ):
        assert 0.5 < r / tr < 2.0
        assert 0.3 < tau(r, q, n) / tau(tr, tq, tn) < 3.0
    assert guess[0] == pytest.approx(TRUTH[0], rel=0.5)


def test_input_errors():
    spectrum = noisy(seed=0)
    with pytest.raises(InputError):
        fit_spectrum(spectrum, CIRCUIT, weighting="chi")
    with pytest.raises(InputError):
        fit_spectrum(spectrum, CIRCUIT, initial=[1.0, 2.0])
    with pytest.raises(InputError):
        fit_spectrum(spectrum, CIRCUIT, fixed={"R9": 1.0})
    with pytest.raises(InputError):
        fit_spectrum(spectrum, CIRCUIT, bounds={"R1": (10.0, 1.0)})
    with pytest.raises(InputError):
        fit_spectrum(spectrum, "R0-p(R1,Q1)")


def _read_zplot(path) -> Spectrum:
    lines = path.read_text(encoding="utf8").splitlines()
    start = next(i for i, line in enumerate(lines) if "End Comments" in line) + 1
    rows = np.array([[float(v) for v in line.split("\t")[:6]] for line in lines[start:] if line.strip()])
    return Spectrum(rows[:, 0], rows[:, 4] + 1j * rows[:, 5], path.name)


def test_real_zplot_dummy_cell(external_dir):
    spectrum = _read_zplot(external_dir / "impedance.py" / "Circuit1_EIS_1.z")
    circuit = "L0-R0-p(R1,C1)"
    result = fit_spectrum(spectrum, circuit)
    assert result.success
    inductance, r0, r1, c1 = result.values
    assert np.max(np.hypot(result.residuals_real, result.residuals_imag)) < 0.01
    low_frequency_intercept = spectrum.impedance_ohm.real[np.argmin(spectrum.frequency_Hz)]
    assert r0 + r1 == pytest.approx(low_frequency_intercept, rel=0.005)
    peak = spectrum.frequency_Hz[np.argmax(-spectrum.impedance_ohm.imag)]
    assert r1 * c1 == pytest.approx(1 / (2 * np.pi * peak), rel=0.15)
    assert 0 < inductance < 1e-4 and np.all(result.stderr[1:] / result.values[1:] < 0.01)
    circuits = pytest.importorskip("impedance.models.circuits")
    start = initial_guesses(spectrum, circuit)[0]
    reference = circuits.CustomCircuit(circuit, initial_guess=list(start))
    reference.fit(spectrum.frequency_Hz, spectrum.impedance_ohm, weight_by_modulus=True)
    ours = fit_spectrum(spectrum, circuit, initial=start)
    theirs = np.sum(
        np.abs(spectrum.impedance_ohm - reference.predict(spectrum.frequency_Hz)) ** 2
        / np.abs(spectrum.impedance_ohm) ** 2
    )
    assert ours.chi2 <= theirs * (1 + 1e-6)
