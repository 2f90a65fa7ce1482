"""Lin-KK: agreement with impedance.py, valid vs drifting spectra, series C, real files."""

from __future__ import annotations

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.kk import lin_kk
from nassb.echem.spectrum import Spectrum

F_HZ = np.logspace(6, -2, 81)
OMEGA = 2 * np.pi * F_HZ


def two_zarc(omega: np.ndarray) -> np.ndarray:
    """R + L + two ZARCs: a bulk/grain-boundary-like spectrum, Kramers-Kronig compliant."""
    return 20 + 1j * omega * 2e-7 + 100 / (1 + (1j * omega * 1e-5) ** 0.9) + 200 / (1 + (1j * omega * 1e-2) ** 0.8)


def with_noise(Z: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Complex Gaussian noise with rms |dZ| = fraction * |Z|."""
    rng = np.random.default_rng(seed)
    return Z + fraction / np.sqrt(2) * np.abs(Z) * (rng.standard_normal(Z.size) + 1j * rng.standard_normal(Z.size))


def read_columns(path, delimiter=None):
    d = np.loadtxt(path, delimiter=delimiter)
    return Spectrum(d[:, 0], d[:, 1] + 1j * d[:, 2], path.name)


def read_zplot(path):
    """Tiny ZPlot .z parser: the table after 'End Comments' holds f, ..., Z', Z'' in columns 0, 4, 5."""
    lines = path.read_text(errors="replace").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("End Comments")) + 1
    d = np.array([[float(v) for v in line.split()] for line in lines[start:] if line.strip()])
    return Spectrum(d[:, 0], d[:, 4] + 1j * d[:, 5], path.name)


def test_forward_search_matches_impedance_py():
    validation = pytest.importorskip("impedance.validation")
    Z = with_noise(two_zarc(OMEGA), 0.005, seed=3)
    ours = lin_kk(Spectrum(F_HZ, Z), search="forward", max_M=50, add_capacitance=False)
    # impedance.py's linKK loop (M from 1 while mu > c), with its own fit; its eval_linKK
    # builds a circuit string from array reprs, which breaks under numpy 2, so the loop is here.
    M, mu = 0, 1.0
    while mu > 0.85 and M < 50:
        M += 1
        tau = validation.get_tc_distribution(F_HZ, M)
        elements, mu = validation.fit_linKK(F_HZ, tau, M, Z, fit_type="complex", add_cap=False)
    assert ours.M == M
    assert ours.mu == pytest.approx(mu, abs=1e-9)
    assert ours.tau_s == pytest.approx(tau, rel=1e-12)
    assert ours.R_k_ohm == pytest.approx(elements[1:-1], rel=1e-6, abs=1e-9 * np.abs(Z).max())
    assert ours.R_series_ohm == pytest.approx(elements[0], rel=1e-6)
    assert ours.L_H == pytest.approx(elements[-1], rel=1e-6)


def test_noisy_valid_spectrum_passes():
    Z = with_noise(two_zarc(OMEGA), 0.005, seed=11)
    result = lin_kk(Spectrum(F_HZ, Z))
    assert result.valid
    rms = np.sqrt(np.mean(np.concatenate([result.residuals_real, result.residuals_imag]) ** 2))
    # residuals are the noise: 0.35 % per component, less what the fit absorbs
    assert 0.002 < rms < 0.0036
    assert result.max_residual < 0.015
    assert result.pseudo_chi2 == pytest.approx(np.sum(result.residuals_real**2 + result.residuals_imag**2))
    assert result.R_series_ohm == pytest.approx(20, rel=0.05)
    assert result.R_series_ohm + result.R_k_ohm.sum() == pytest.approx(320, rel=0.02)


def test_drift_during_the_sweep_is_flagged():
    Z = with_noise(two_zarc(OMEGA), 0.005, seed=11)
    # time axis of a real sweep: 3 periods per point, at least 1 s, plus 0.5 s settling (26 min)
    t_s = np.cumsum(np.maximum(3 / F_HZ, 1.0) + 0.5)
    drift = 0.05 * np.abs(Z[-1]) * t_s / t_s[-1]  # Z' grows by 5 % of |Z(f_min)| over the sweep
    result = lin_kk(Spectrum(F_HZ, Z + drift))
    assert not result.valid
    assert result.max_residual > 0.015
    worst = np.argmax(np.maximum(np.abs(result.residuals_real), np.abs(result.residuals_imag)))
    assert F_HZ[worst] < 1.0  # the systematic error sits where the drift is, at low frequency


def test_series_capacitance_recovers_blocking_electrode():
    C_F = 1e-4
    Z = two_zarc(OMEGA) + 1 / (1j * OMEGA * C_F)
    without = lin_kk(Spectrum(F_HZ, Z), add_capacitance=False)
    with_c = lin_kk(Spectrum(F_HZ, Z), add_capacitance=True)
    assert with_c.valid and with_c.max_residual < 1e-3
    assert with_c.C_F == pytest.approx(C_F, rel=0.01)
    assert without.max_residual > 10 * with_c.max_residual
    assert lin_kk(Spectrum(F_HZ, Z)).C_F == pytest.approx(C_F, rel=0.01), "the capacitive tail is detected"
    assert lin_kk(Spectrum(F_HZ, two_zarc(OMEGA))).C_F == float("inf"), (
        "no series C for a spectrum that closes on the axis"
    )


def test_noise_free_rc_needs_many_elements_and_fits_exactly():
    Z = 10 + 100 / (1 + 1j * OMEGA * 1e-4)
    result = lin_kk(Spectrum(F_HZ, Z))
    assert result.max_residual < 1e-4
    assert result.R_series_ohm + result.R_k_ohm.sum() == pytest.approx(110, rel=1e-3)


def test_to_dict_and_input_errors():
    spectrum = Spectrum(F_HZ, with_noise(two_zarc(OMEGA), 0.005, seed=1))
    summary = lin_kk(spectrum).to_dict()
    assert set(summary) == {"valid", "mu", "M", "max_residual", "pseudo_chi2"}
    assert isinstance(summary["valid"], bool) and isinstance(summary["M"], int)
    with pytest.raises(InputError):
        lin_kk(spectrum, c=1.5)
    with pytest.raises(InputError):
        lin_kk(spectrum, max_M=0)
    with pytest.raises(InputError):
        lin_kk(spectrum, search="sideways")


def test_dummy_cell_file_valid_with_reverse_search(external_dir):
    path = external_dir / "impedance.py" / "Circuit1_EIS_1.z"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    spectrum = read_zplot(path)
    result = lin_kk(spectrum)
    assert result.valid and result.max_residual < 0.005
    # a physical R + RC test circuit: series R ~ the high-frequency intercept, R + sum R_k ~ Z'(1 Hz)
    assert result.R_series_ohm == pytest.approx(29.0, rel=0.03)
    assert result.R_series_ohm + result.R_k_ohm.sum() == pytest.approx(spectrum.impedance_ohm[-1].real, rel=0.01)
    # Schönleber's forward search stops at a fluctuation of mu with few RC elements, badly under-fitted
    forward = lin_kk(spectrum, search="forward")
    assert forward.M < result.M and forward.max_residual > 0.1


def test_battery_file_valid_with_series_capacitance(external_dir):
    path = external_dir / "pyDRTtools" / "data_1.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    spectrum = read_columns(path, delimiter=",")
    result = lin_kk(spectrum, add_capacitance=True)
    assert result.valid and result.max_residual < 0.005
    assert 5 <= result.M <= len(spectrum)
    assert result.R_series_ohm == pytest.approx(spectrum.impedance_ohm.real.min(), rel=0.1)
