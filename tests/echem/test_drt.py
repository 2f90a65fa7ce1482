"""DRT: discretisation against quadrature, peaks of RC / ZARC circuits, lambda choice, real files."""

from __future__ import annotations

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.drt import LAMBDA_BOUNDS, _integral, _penalty_matrix, _rbf_matrices, _RidgeSpectrum, compute_drt
from nassb.echem.spectrum import Spectrum

F_HZ = np.logspace(6, -2, 81)
OMEGA = 2 * np.pi * F_HZ


def with_noise(Z: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Complex Gaussian noise with rms |dZ| = fraction * |Z|."""
    rng = np.random.default_rng(seed)
    return Z + fraction / np.sqrt(2) * np.abs(Z) * (rng.standard_normal(Z.size) + 1j * rng.standard_normal(Z.size))


def test_rbf_matrices_match_direct_quadrature():
    from scipy.integrate import quad

    epsilon = 1.8
    omega, ln_tau = np.array([3e2, 7.0]), np.array([-4.0, 0.5])
    A_re, A_im = _rbf_matrices(omega, ln_tau, epsilon)

    def re_integrand(y, w, lt):
        return np.exp(-((epsilon * (y - lt)) ** 2)) / (1 + (w * np.exp(y)) ** 2)

    def im_integrand(y, w, lt):
        return -np.exp(-((epsilon * (y - lt)) ** 2)) * w * np.exp(y) / (1 + (w * np.exp(y)) ** 2)

    for n, w in enumerate(omega):
        for m, lt in enumerate(ln_tau):
            re = quad(re_integrand, lt - 10, lt + 10, args=(w, lt), epsabs=1e-13)[0]
            im = quad(im_integrand, lt - 10, lt + 10, args=(w, lt), epsabs=1e-13)[0]
            assert A_re[n, m] == pytest.approx(re, abs=1e-10)
            assert A_im[n, m] == pytest.approx(im, abs=1e-10)


@pytest.mark.parametrize("derivative", [1, 2])
def test_penalty_matrix_is_the_inner_product_of_derivatives(derivative):
    epsilon, ln_tau = 2.0, np.array([0.0, 0.3, 1.1])
    y = np.linspace(-8, 9, 20001)
    phi = np.exp(-((epsilon * (y[:, None] - ln_tau)) ** 2))
    d = np.gradient(phi, y, axis=0)
    if derivative == 2:
        d = np.gradient(d, y, axis=0)
    numeric = (d.T @ d) * (y[1] - y[0])
    assert _penalty_matrix(ln_tau, epsilon, derivative) == pytest.approx(numeric, rel=1e-3, abs=1e-4)


def test_single_rc():
    Z = 10 + 100 / (1 + 1j * OMEGA * 100 * 1e-6)
    result = compute_drt(Spectrum(F_HZ, with_noise(Z, 0.005, seed=0)))
    assert len(result.peaks) == 1
    peak = result.peaks[0]
    assert peak.tau_s == pytest.approx(1e-4, rel=0.1)
    assert peak.R_ohm == pytest.approx(100, rel=0.05)
    assert peak.C_F == pytest.approx(1e-6, rel=0.1)
    assert result.R_inf_ohm == pytest.approx(10, rel=0.05)
    # the unweighted fit leaves residuals at the level of the noise (0.5 % of |Z| rms), no more
    assert np.sqrt(np.mean(np.abs(result.residuals_ohm) ** 2)) < 1.2 * 0.005 * np.sqrt(np.mean(np.abs(Z) ** 2))
    assert LAMBDA_BOUNDS[0] <= result.lambda_value <= LAMBDA_BOUNDS[1]


def test_two_separated_rc_elements():
    Z = 10 + 100 / (1 + 1j * OMEGA * 1e-5) + 50 / (1 + 1j * OMEGA * 1e-1) + 1j * OMEGA * 1e-7
    result = compute_drt(Spectrum(F_HZ, with_noise(Z, 0.005, seed=1)))
    assert [p.tau_s for p in result.peaks] == pytest.approx([1e-5, 1e-1], rel=0.1)
    assert [p.R_ohm for p in result.peaks] == pytest.approx([100, 50], rel=0.05)
    assert result.L_H == pytest.approx(1e-7, rel=0.3)


def test_zarc_gives_one_broad_peak_following_the_analytic_drt():
    n, tau0 = 0.8, 1e-3
    Z = 10 + 100 / (1 + (1j * OMEGA * tau0) ** n)
    result = compute_drt(Spectrum(F_HZ, Z))
    assert len(result.peaks) == 1
    assert result.peaks[0].tau_s == pytest.approx(tau0, rel=0.1)
    assert result.peaks[0].R_ohm == pytest.approx(100, rel=0.02)
    x = np.log(result.tau_s / tau0)
    analytic = 100 / (2 * np.pi) * np.sin((1 - n) * np.pi) / (np.cosh(n * x) - np.cos((1 - n) * np.pi))
    inside = np.abs(x) < np.log(100)
    assert np.sqrt(np.mean((result.gamma_ohm[inside] - analytic[inside]) ** 2)) < 0.02 * analytic.max()
    rc = compute_drt(Spectrum(F_HZ, 10 + 100 / (1 + 1j * OMEGA * tau0)))

    def fwhm_decades(r):
        above = np.flatnonzero(r.gamma_ohm > r.gamma_ohm.max() / 2)
        return np.log10(r.tau_s[above[-1]] / r.tau_s[above[0]])

    assert fwhm_decades(result) > 3 * fwhm_decades(rc)


@pytest.mark.parametrize("series_c", [False, True])
def test_fast_gcv_equals_the_explicit_influence_matrix(series_c):
    Z = with_noise(10 + 100 / (1 + (1j * OMEGA * 1e-3) ** 0.8) + series_c / (1j * OMEGA * 1e-4), 0.01, seed=2)
    ln_tau = np.sort(-np.log(F_HZ))
    epsilon = 0.5 * 2 * np.sqrt(np.log(2)) / np.mean(np.diff(ln_tau))
    A_re, A_im = _rbf_matrices(OMEGA, ln_tau, epsilon)
    free_re, free_im = [np.ones((F_HZ.size, 1))], [np.zeros((F_HZ.size, 1))]
    if series_c:  # the unpenalised series-C column, projected out like R_inf
        free_re.append(np.zeros((F_HZ.size, 1)))
        free_im.append(-(OMEGA.min() / OMEGA)[:, None])
    n_free = len(free_re)
    A = np.vstack([np.hstack(free_re + [A_re]), np.hstack(free_im + [A_im])])
    b = np.concatenate([Z.real, Z.imag])
    M = np.zeros((A.shape[1], A.shape[1]))
    M[n_free:, n_free:] = _penalty_matrix(ln_tau, epsilon, 1)
    ridge = _RidgeSpectrum(A, b, n_free, M[n_free:, n_free:])
    for lam in (1e-5, 1e-3, 1e-1):
        K = A @ np.linalg.solve(A.T @ A + lam * M, A.T)
        r = b - K @ b
        n = b.size
        explicit = (r @ r / n) / (np.trace(np.eye(n) - K) / n) ** 2
        assert ridge.gcv(np.array([lam]))[0] == pytest.approx(explicit, rel=1e-6)


def test_lambda_methods_and_noise():
    Z = 10 + 100 / (1 + 1j * OMEGA * 1e-5) + 50 / (1 + (1j * OMEGA * 1e-1) ** 0.9)
    quiet = compute_drt(Spectrum(F_HZ, with_noise(Z, 0.001, seed=4)))
    noisy = compute_drt(Spectrum(F_HZ, with_noise(Z, 0.02, seed=4)))
    assert noisy.lambda_value > 10 * quiet.lambda_value  # GCV regularises noisier data more
    fixed = compute_drt(Spectrum(F_HZ, with_noise(Z, 0.005, seed=4)), method=1e-3)
    assert fixed.lambda_value == 1e-3 and fixed.lambda_method == "fixed"
    for result in (
        compute_drt(Spectrum(F_HZ, with_noise(Z, 0.005, seed=4)), method="lcurve"),
        compute_drt(Spectrum(F_HZ, with_noise(Z, 0.005, seed=4)), derivative=2),
        compute_drt(Spectrum(F_HZ, with_noise(Z, 0.005, seed=4)), n_tau=50),
    ):
        assert [p.tau_s for p in result.peaks] == pytest.approx([1e-5, 1e-1], rel=0.15)
        assert result.R_polarization_ohm == pytest.approx(150, rel=0.05)


def test_impedance_scale_and_order_do_not_matter():
    Z = with_noise(10 + 100 / (1 + 1j * OMEGA * 1e-4), 0.005, seed=5)
    base = compute_drt(Spectrum(F_HZ, Z))
    scaled = compute_drt(Spectrum(F_HZ[::-1], 1e-3 * Z[::-1]))
    assert scaled.lambda_value == pytest.approx(base.lambda_value, rel=1e-3)
    assert scaled.gamma_ohm == pytest.approx(1e-3 * base.gamma_ohm, rel=1e-3, abs=1e-6 * base.gamma_ohm.max())
    assert scaled.Z_fit_ohm[::-1] == pytest.approx(1e-3 * base.Z_fit_ohm, rel=1e-5)


def test_input_errors_and_summary():
    spectrum = Spectrum(F_HZ, 10 + 100 / (1 + 1j * OMEGA * 1e-4))
    for kwargs in ({"method": "aic"}, {"method": -1.0}, {"derivative": 3}, {"rbf_coefficient": 0}, {"n_tau": 2}):
        with pytest.raises(InputError):
            compute_drt(spectrum, **kwargs)
    summary = compute_drt(spectrum).to_dict()
    assert {"peaks", "lambda", "R_inf_ohm"} <= set(summary)
    assert set(summary["peaks"][0]) == {"tau_s", "R_ohm", "C_F"}


def test_series_capacitance_of_a_blocking_spectrum():
    # R_inf + RC + series C. The noise is of constant size (0.5 Ohm rms, 0.5 % of the arc), the noise
    # model of the unweighted fit; noise proportional to |Z| would be ~kOhm on the spike at 10 mHz.
    Z = 10 + 100 / (1 + 1j * OMEGA * 1e-4) + 1 / (1j * OMEGA * 1e-5)
    rng = np.random.default_rng(0)
    noisy = Z + 0.5 / np.sqrt(2) * (rng.standard_normal(Z.size) + 1j * rng.standard_normal(Z.size))
    result = compute_drt(Spectrum(F_HZ, noisy))  # auto: -Z'' still rises at the lowest frequency
    assert result.C_series_F == pytest.approx(1e-5, rel=0.05)
    assert result.to_dict()["C_series_F"] == result.C_series_F
    assert len(result.peaks) == 1
    assert result.peaks[0].tau_s == pytest.approx(1e-4, rel=0.1)
    assert result.peaks[0].R_ohm == pytest.approx(100, rel=0.05)
    assert result.R_inf_ohm == pytest.approx(10, rel=0.05)
    # residuals: the noise plus the floor of Gaussian RBFs on an ideal RC (0.29 Ohm rms without noise,
    # the same with and without the series C)
    noiseless = compute_drt(Spectrum(F_HZ, Z)).residuals_ohm
    rc_only = compute_drt(Spectrum(F_HZ, 10 + 100 / (1 + 1j * OMEGA * 1e-4))).residuals_ohm
    assert np.sqrt(np.mean(np.abs(noiseless) ** 2)) == pytest.approx(np.sqrt(np.mean(np.abs(rc_only) ** 2)), rel=0.01)
    assert np.sqrt(np.mean(np.abs(result.residuals_ohm) ** 2)) < np.hypot(0.5, 0.29) * 1.1
    # without the series C the spike becomes a giant peak at the longest tau and is not reproduced
    plain = compute_drt(Spectrum(F_HZ, noisy), capacitance=False)
    assert plain.C_series_F == np.inf
    assert plain.peaks[-1].tau_s > 0.5 / F_HZ.min() and plain.peaks[-1].R_ohm > 1e5
    assert np.max(np.abs(plain.residuals_ohm) / np.abs(Z)) > 0.5


def test_no_series_capacitance_on_a_spectrum_that_closes():
    Z = 10 + 100 / (1 + 1j * OMEGA * 1e-5) + 50 / (1 + (1j * OMEGA * 1e-1) ** 0.9)
    auto = compute_drt(Spectrum(F_HZ, Z))
    plain = compute_drt(Spectrum(F_HZ, Z), capacitance=False)
    assert auto.C_series_F == np.inf and auto.to_dict()["C_series_F"] == np.inf
    assert auto.gamma_ohm == pytest.approx(plain.gamma_ohm)
    # forced onto a noisy RC + R spectrum the series C stays negligible and the peak keeps its R
    noisy = Spectrum(F_HZ, with_noise(10 + 100 / (1 + 1j * OMEGA * 1e-4), 0.005, seed=0))
    forced = compute_drt(noisy, capacitance=True)
    assert 1 / (OMEGA.min() * forced.C_series_F) < 0.01 * 100
    assert forced.peaks[0].R_ohm == pytest.approx(compute_drt(noisy, capacitance=False).peaks[0].R_ohm, rel=0.02)


def test_blocking_electrode_pellet_file(external_dir):
    # LPSCl pellet between steel stamps at -25 C: bulk + grain-boundary arc at 0.05-7 MHz, then the
    # blocking spike (a CPE-like one: phase -78 deg and Z' still rising at 0.1 Hz)
    from nassb.echem.readers import read_spectrum

    path = external_dir / "hybrid-drt" / "LPSCl_Tseries" / "PEIS_TSeq7_-25C_#61_C01.mpr"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    spectrum = read_spectrum(path)
    f, Z, omega = spectrum.frequency_Hz, spectrum.impedance_ohm, spectrum.angular_frequency
    result = compute_drt(spectrum)
    plain = compute_drt(spectrum, capacitance=False)
    # the series C gives at most the measured -Z'' at the lowest frequency, the DRT the rest
    C_apparent = 1 / (omega.min() * -Z[np.argmin(f)].imag)
    assert C_apparent < result.C_series_F < 3 * C_apparent
    # the high-frequency (bulk + grain-boundary) DRT carries the arc: Z' at the -Z'' minimum minus R_inf
    fast = result.tau_s < 1e-5
    R_fast = _integral(result.gamma_ohm[fast], np.log(result.tau_s[fast]))
    assert R_fast == pytest.approx(Z[np.argmin(-Z.imag)].real - result.R_inf_ohm, rel=0.1)
    assert 1e-7 < result.tau_s[fast][np.argmax(result.gamma_ohm[fast])] < 1e-6
    # with the series C the spike is reproduced; above 500 kHz the arc runs past the shortest RBF centre
    relative = np.abs(result.residuals_ohm) / np.abs(Z)
    relative_plain = np.abs(plain.residuals_ohm) / np.abs(Z)
    assert relative[f < 5e5].max() < 0.03 and relative[f < 1e3].max() < 0.01
    assert relative_plain[f < 1e3].max() > 0.2
    # without the C the spike is one peak at the last RBF centre, 5e7 Ohm; with it the slow DRT left
    # over (the CPE's rising Z': 1.8 MOhm at 0.1 Hz) is about a quarter of that
    assert plain.peaks[-1].tau_s > 0.9 / f.min() and plain.peaks[-1].R_ohm > 1e7
    assert result.R_polarization_ohm < 0.3 * plain.R_polarization_ohm


def test_battery_file(external_dir):
    path = external_dir / "pyDRTtools" / "data_1.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    d = np.loadtxt(path, delimiter=",")
    spectrum = Spectrum(d[:, 0], d[:, 1] + 1j * d[:, 2], path.name)
    result = compute_drt(spectrum)
    assert np.abs(result.residuals_ohm).max() < 0.01 * np.abs(spectrum.impedance_ohm).min()
    assert result.R_inf_ohm == pytest.approx(d[:, 1].min(), rel=0.15)
    assert result.L_H > 0  # the high-frequency points are inductive (Z'' > 0)
    taus = [p.tau_s for p in result.peaks]
    assert 2 <= len(taus) <= 8
    assert all(1 / d[:, 0].max() / 10 < t < 10 / d[:, 0].min() for t in taus)
    # the fastest process, ~1 ms, is found by pyDRTtools as well at its lambda (1e-3)
    assert min(taus) == pytest.approx(1.0e-3, rel=0.1)


def test_dummy_cell_file(external_dir):
    path = external_dir / "impedance.py" / "Circuit1_EIS_1.z"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    lines = path.read_text(errors="replace").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("End Comments")) + 1
    d = np.array([[float(v) for v in line.split()] for line in lines[start:] if line.strip()])
    spectrum = Spectrum(d[:, 0], d[:, 4] + 1j * d[:, 5], path.name)
    result = compute_drt(spectrum)
    # an R + RC test circuit: one peak carrying Z'(1 Hz) - R_inf
    assert len(result.peaks) == 1
    assert result.R_inf_ohm == pytest.approx(29.0, rel=0.03)
    assert result.peaks[0].R_ohm == pytest.approx(d[-1, 4] - result.R_inf_ohm, rel=0.03)
    assert 1e-5 < result.peaks[0].tau_s < 1e-2


def test_extended_grid_represents_a_bulk_arc_beyond_the_highest_frequency(external_dir):
    # LPSCl at 25 degC (hybrid-drt): the bulk arc peaks above 7 MHz; on the measured-range grid the top decade is
    # misfitted, one extra decade of RBF centres on each side fits the whole spectrum
    from nassb.echem.readers import read_spectrum

    spectrum = read_spectrum(external_dir / "hybrid-drt" / "LPSCl_Tseries" / "PEIS_TSeq2_25C_#60_C01.mpr")

    def worst_residual(result):
        return float(np.max(np.abs(result.residuals_ohm) / np.abs(spectrum.impedance_ohm)))

    plain, extended = compute_drt(spectrum), compute_drt(spectrum, extend_decades=1.0)
    assert worst_residual(plain) > 0.1
    assert worst_residual(extended) < 0.03
    assert extended.tau_s.min() < plain.tau_s.min() / 5
    with pytest.raises(InputError, match="extend_decades"):
        compute_drt(spectrum, extend_decades=-1)


def test_lambda_at_its_bound_warns_and_only_persistent_peaks_count(external_dir):
    """pyDRTtools' data_1.csv has so little noise that GCV runs to lambda = 1e-7 and resolves 8 peaks; 4 persist
    over three decades of lambda (1 ms, 8 ms, 0.1 s, 30 s), the 4 processes pyDRTtools reports."""
    path = external_dir / "pyDRTtools" / "data_1.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    d = np.loadtxt(path, delimiter=",")
    result = compute_drt(Spectrum(d[:, 0], d[:, 1] + 1j * d[:, 2], path.name))
    assert result.lambda_value == pytest.approx(1e-7) and result.warnings
    assert len(result.peaks) >= 7 and len(result.robust_peaks) == 4
    assert [p.tau_s for p in result.robust_peaks][0] == pytest.approx(1.0e-3, rel=0.1)
    assert result.to_dict()["robust_peak_count"] == 4


def test_a_noisy_two_arc_spectrum_keeps_both_peaks_and_no_warning():
    f = np.logspace(5, -2, 71)
    w = 2 * np.pi * f
    Z = 10 + 50 / (1 + 1j * w * 50 * 1e-6) + 200 / (1 + 1j * w * 200 * 1e-3)
    rng = np.random.default_rng(3)
    Z = Z + 0.005 * np.abs(Z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    result = compute_drt(Spectrum(f, Z, "two arcs"))
    assert not result.warnings
    taus = sorted(p.tau_s for p in result.robust_peaks)
    assert len(taus) == 2
    assert taus[0] == pytest.approx(50e-6, rel=0.3) and taus[1] == pytest.approx(0.2, rel=0.3)
