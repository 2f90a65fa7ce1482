"""Distribution of relaxation times (DRT) by Tikhonov-regularised, non-negative least squares.

Z(omega) = R_inf + j omega L + 1/(j omega C) + integral gamma(ln tau) / (1 + j omega tau) d ln tau,
with gamma expanded on Gaussian radial basis functions centred at tau_m = 1/f_m (T. H. Wan,
M. Saccoccio, C. Chen, F. Ciucci, Electrochim. Acta 184 (2015) 483-499; the discretisation, shape
factor and penalty matrix follow their pyDRTtools). Real and imaginary parts are fitted together,
unweighted, with a penalty lambda * ||d^k gamma / d(ln tau)^k||^2 (k = 1 or 2) and gamma, R_inf, L,
1/C >= 0. The optional series capacitance C takes the capacitive spike of blocking electrodes, which
no finite tau represents; it is the series C of the Lin-KK test (M. Schönleber, D. Klotz,
E. Ivers-Tiffée, Electrochim. Acta 131 (2014) 20-27). lambda comes from generalised cross-validation
(P. Craven, G. Wahba, Numer. Math. 31 (1979) 377-403; as in pyDRTtools, J. Electrochem. Soc. 170
(2023) 030502), from the corner of the L-curve (P. C. Hansen, D. P. O'Leary, SIAM J. Sci. Comput. 14
(1993) 1487), or is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.core.quantity import computed, quantities_dict
from nassb.core.value import Value
from nassb.echem.kk import _capacitive_low_frequency_end
from nassb.echem.peaks import basin_boundaries, prominent_peaks
from nassb.echem.spectrum import Spectrum

LAMBDA_BOUNDS = (1e-7, 1.0)
"""Search interval of lambda for GCV and the L-curve (pyDRTtools' bounds)."""

PERSISTENCE_DECADES = 3.0
"""A peak is robust when a peak within `PERSISTENCE_TOLERANCE_DECADES` of its tau is also found at every lambda
from the chosen one up to this many decades higher (capped at the upper bound)."""
PERSISTENCE_TOLERANCE_DECADES = 0.25

_FWHM_GAUSSIAN = 2.0 * np.sqrt(np.log(2.0))
DRT_METHOD = "Tikhonov-regularised NNLS on Gaussian RBFs (Wan et al. 2015, pyDRTtools)"


def _integral(y: np.ndarray, x: np.ndarray) -> float:
    """Trapezoidal integral of y over x."""
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


@dataclass(frozen=True)
class DRTPeak:
    """One DRT peak: its relaxation time, the resistance under it and C = tau / R."""

    tau_s: float
    R_ohm: float
    C_F: float


@dataclass(frozen=True)
class DRTResult:
    """Outcome of `compute_drt`.

    `gamma_ohm` is gamma per unit ln tau on the grid `tau_s` (the RBF centres' range extended by half
    a decade on each side, ten points per centre); `Z_fit_ohm` and `residuals_ohm` (Z - Z_fit) are
    at the measured frequencies, in the spectrum's order. `C_series_F` is inf without a series
    capacitance (or when the fit sets 1/C to 0). `settings` are the options of `compute_drt` that shaped it,
    with `capacitance` as used.
    """

    tau_s: np.ndarray
    gamma_ohm: np.ndarray
    R_inf_ohm: float
    L_H: float
    C_series_F: float
    lambda_value: float
    lambda_method: str
    derivative: int
    Z_fit_ohm: np.ndarray
    residuals_ohm: np.ndarray
    peaks: tuple[DRTPeak, ...]
    settings: dict[str, Any]
    robust_peaks: tuple[DRTPeak, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def R_polarization_ohm(self) -> float:
        """Total polarisation resistance, the integral of gamma over ln tau."""
        return float(_integral(self.gamma_ohm, np.log(self.tau_s)))

    def quantities(self) -> dict[str, Value | None]:
        """lambda (chosen by its method), R_inf, L, the series C (when finite), the polarisation resistance and
        each peak's tau, R and C as "peak_k.field" (k from 1, shortest tau first)."""
        settings = {**self.settings, "lambda": self.lambda_value}
        values = {
            "lambda": computed(
                self.lambda_value, "1", f"DRT regularisation parameter by {self.lambda_method}", self.settings
            ),
            "R_inf_ohm": computed(self.R_inf_ohm, "Ohm", DRT_METHOD, settings),
            "L_H": computed(self.L_H, "H", DRT_METHOD, settings),
            "C_series_F": computed(self.C_series_F, "F", DRT_METHOD, settings),
            "R_polarization_ohm": computed(self.R_polarization_ohm, "Ohm", DRT_METHOD, settings),
        }
        for number, peak in enumerate(self.peaks, start=1):
            for field, unit in (("tau_s", "s"), ("R_ohm", "Ohm"), ("C_F", "F")):
                values[f"peak_{number}.{field}"] = computed(getattr(peak, field), unit, DRT_METHOD, settings)
        return values

    def to_dict(self) -> dict:
        """The summary a report or the CLI shows."""
        return {
            "peaks": [{"tau_s": p.tau_s, "R_ohm": p.R_ohm, "C_F": p.C_F} for p in self.peaks],
            "robust_peak_tau_s": [p.tau_s for p in self.robust_peaks],
            "robust_peak_count": len(self.robust_peaks),
            "warnings": list(self.warnings),
            "lambda": self.lambda_value,
            "R_inf_ohm": self.R_inf_ohm,
            "L_H": self.L_H,
            "C_series_F": self.C_series_F,
            "R_polarization_ohm": self.R_polarization_ohm,
            "quantities": quantities_dict(self.quantities()),
        }

    def _repr_html_(self) -> str:
        """lambda, R_inf, L, the series C, the polarisation resistance and each peak, with the DRT plot, for a
        notebook."""
        from nassb.report.eis_figures import drt_figures
        from nassb.report.notebook import result_html

        rows = [
            (f"lambda ({self.lambda_method})", self.lambda_value, ""),
            ("R_inf", self.R_inf_ohm, "Ohm"),
            ("L", self.L_H, "H"),
            ("series C", self.C_series_F, "F"),
            ("polarisation resistance", self.R_polarization_ohm, "Ohm"),
        ]
        for number, peak in enumerate(self.peaks, start=1):
            rows += [(f"peak {number} tau", peak.tau_s, "s"), (f"peak {number} R", peak.R_ohm, "Ohm")]
            rows.append((f"peak {number} C", peak.C_F, "F"))
        notes = [f"{len(self.robust_peaks)} of {len(self.peaks)} peaks robust to a larger lambda", *self.warnings]
        labels = [f"{peak.R_ohm:.3g} Ohm" for peak in self.peaks]
        static, _ = drt_figures(self.tau_s, self.gamma_ohm, [peak.tau_s for peak in self.peaks], labels, "DRT")
        return result_html("Distribution of relaxation times", rows, notes, static)


def _rbf_matrices(omega: np.ndarray, ln_tau: np.ndarray, epsilon: float) -> tuple[np.ndarray, np.ndarray]:
    """A_re[n, m] = int phi_m(y) / (1 + (omega_n e^y)^2) dy and A_im = -int phi_m(y) omega_n e^y / (...) dy.

    phi_m(y) = exp(-(epsilon (y - ln tau_m))^2). Both depend on u = ln(omega_n tau_m) only and are
    integrated by the trapezoidal rule over |x| < 6.3/epsilon with step min(0.25, 0.25/epsilon),
    which converges geometrically for these analytic integrands (error below 1e-10).
    """
    half_width = np.sqrt(-np.log(1e-17)) / epsilon
    step = min(0.25, 0.25 / epsilon)
    nodes = np.linspace(-half_width, half_width, 2 * int(np.ceil(half_width / step)) + 1)
    weights = np.exp(-((epsilon * nodes) ** 2)) * (nodes[1] - nodes[0])
    u = np.log(omega)[:, None] + ln_tau[None, :]
    unique_u, inverse = np.unique(np.round(u, 10), return_inverse=True)
    t = np.exp(unique_u[:, None] + nodes[None, :])
    d = 1.0 / (1.0 + t * t)
    g_re = d @ weights
    g_im = -(t * d) @ weights
    return g_re[inverse].reshape(u.shape), g_im[inverse].reshape(u.shape)


def _penalty_matrix(ln_tau: np.ndarray, epsilon: float, derivative: int) -> np.ndarray:
    """M[n, m] = int phi_n^(k) phi_m^(k) dy for Gaussian RBFs, closed form (Wan et al. 2015, eq. 38)."""
    a = epsilon * (ln_tau[:, None] - ln_tau[None, :])
    if derivative == 1:
        return epsilon * (1.0 - a**2) * np.exp(-(a**2) / 2.0) * np.sqrt(np.pi / 2.0)
    return epsilon**3 * (3.0 - 6.0 * a**2 + a**4) * np.exp(-(a**2) / 2.0) * np.sqrt(np.pi / 2.0)


class _RidgeSpectrum:
    """Closed-form ridge solution for every lambda at once.

    With M_rbf = V diag(w) V^T and x_rbf = V diag(w^-1/2) z the penalty becomes ||z||^2; the
    unpenalised columns (R_inf, L, 1/C) are projected out, and the SVD U S W^T of the projected,
    transformed matrix gives the residual norm, the seminorm and the trace of the influence matrix
    as sums over singular values (Hansen, Rank-Deficient and Discrete Ill-Posed Problems, 1998).
    """

    def __init__(self, A: np.ndarray, b: np.ndarray, n_free: int, M_rbf: np.ndarray):
        w, V = np.linalg.eigh(M_rbf)
        w = np.maximum(w, w.max() * 1e-13)
        self.L = np.sqrt(w)[:, None] * V.T
        Q, _ = np.linalg.qr(A[:, :n_free])
        B = A[:, n_free:] @ (V / np.sqrt(w))
        B -= Q @ (Q.T @ B)
        b_perp = b - Q @ (Q.T @ b)
        U, self.s, _ = np.linalg.svd(B, full_matrices=False)
        self.beta = U.T @ b_perp
        self.outside = max(float(b_perp @ b_perp - self.beta @ self.beta), 0.0)
        self.n = b.size
        self.n_free = n_free

    def residual_norm2(self, lam: np.ndarray) -> np.ndarray:
        shrink = lam[:, None] / (self.s**2 + lam[:, None])
        return np.sum((shrink * self.beta) ** 2, axis=1) + self.outside

    def seminorm2(self, lam: np.ndarray) -> np.ndarray:
        return np.sum((self.s * self.beta / (self.s**2 + lam[:, None])) ** 2, axis=1)

    def gcv(self, lam: np.ndarray) -> np.ndarray:
        dof = self.n - self.n_free - np.sum(self.s**2 / (self.s**2 + lam[:, None]), axis=1)
        return (self.residual_norm2(lam) / self.n) / (dof / self.n) ** 2


def _gcv_lambda(ridge: _RidgeSpectrum) -> float:
    """Global minimum of the GCV score on a 20-per-decade grid, refined by a bounded Brent search."""
    from scipy.optimize import minimize_scalar

    log_grid = np.linspace(np.log10(LAMBDA_BOUNDS[0]), np.log10(LAMBDA_BOUNDS[1]), 141)
    scores = ridge.gcv(10.0**log_grid)
    i = int(np.argmin(scores))
    lo, hi = log_grid[max(i - 1, 0)], log_grid[min(i + 1, log_grid.size - 1)]
    best = minimize_scalar(
        lambda t: ridge.gcv(np.array([10.0**t]))[0], bounds=(lo, hi), method="bounded", options={"xatol": 1e-3}
    )
    return float(10.0**best.x) if best.fun <= scores[i] else float(10.0 ** log_grid[i])


def _lcurve_lambda(ridge: _RidgeSpectrum) -> float:
    """lambda at the maximum curvature of (log residual norm, log seminorm), 40 points per decade."""
    log_grid = np.linspace(np.log10(LAMBDA_BOUNDS[0]), np.log10(LAMBDA_BOUNDS[1]), 281)
    lam = 10.0**log_grid
    x = 0.5 * np.log(ridge.residual_norm2(lam))
    y = 0.5 * np.log(ridge.seminorm2(lam))
    dx, dy = np.gradient(x, log_grid), np.gradient(y, log_grid)
    ddx, ddy = np.gradient(dx, log_grid), np.gradient(dy, log_grid)
    curvature = (dx * ddy - ddx * dy) / np.maximum(dx**2 + dy**2, 1e-300) ** 1.5
    return float(lam[int(np.argmax(curvature[2:-2])) + 2])


def _peaks(tau_s: np.ndarray, gamma: np.ndarray, prominence: float) -> tuple[DRTPeak, ...]:
    """Local maxima of gamma with prominence above `prominence` * max(gamma); R is gamma integrated
    over ln tau across the peak's basin, bounded by the lowest points between it and its neighbours."""
    if gamma.max() <= 0.0:
        return ()
    index = prominent_peaks(gamma, prominence * gamma.max())[0]
    ln_tau = np.log(tau_s)
    edges = [0] + basin_boundaries(gamma, index) + [gamma.size - 1]
    peaks = []
    for k, i in enumerate(index):
        lo, hi = edges[k], edges[k + 1]
        R = _integral(gamma[lo : hi + 1], ln_tau[lo : hi + 1])
        peaks.append(DRTPeak(tau_s=float(tau_s[i]), R_ohm=R, C_F=float(tau_s[i] / R) if R > 0 else float("inf")))
    return tuple(peaks)


def compute_drt(
    spectrum: Spectrum,
    method: str | float = "gcv",
    derivative: int = 1,
    rbf_coefficient: float = 0.5,
    inductance: bool = True,
    capacitance: bool | None = None,
    n_tau: int | None = None,
    peak_prominence: float = 0.05,
    extend_decades: float = 0.0,
) -> DRTResult:
    """DRT of a spectrum (Wan et al. 2015, pyDRTtools' "simple" run with Gaussian RBFs).

    RBF centres are tau_m = 1/f_m at the measured frequencies, or `n_tau` log-spaced centres over
    the same range; `extend_decades` adds centres with the same spacing that many decades beyond
    both ends (0 by default, as pyDRTtools; about 1 lets an arc whose peak lies just above the highest
    measured frequency, like a bulk arc at room temperature, be represented). The shape factor is epsilon =
    `rbf_coefficient` * FWHM / mean(delta ln tau)
    (pyDRTtools' "FWHM coefficient"). `method` picks lambda: "gcv" (default), "lcurve", or a
    positive number. lambda is chosen on the unconstrained ridge solution, evaluated for all lambda
    at once from one SVD (GCV: grid over LAMBDA_BOUNDS then Brent; L-curve: grid), and the
    non-negative solution is computed once, at that lambda, by NNLS on the stacked system
    [A; sqrt(lambda) L] x = [Z; 0]. Peaks are local maxima of gamma with a prominence above
    `peak_prominence` times the largest gamma.

    `capacitance` adds a series C (one more unpenalised, non-negative unknown, 1/(omega_min C) on
    the column -j omega_min/omega, handled like R_inf and L) for spectra without a low-frequency
    real-axis intercept (blocking electrodes); without it their capacitive spike ends up as one
    giant peak at the largest tau. None (default) adds it when -Z'' still rises at the lowest
    frequency, the Lin-KK rule (`nassb.echem.kk`); on a spectrum that closes on the real axis that
    rule follows the noise of the last two points, and a C added there stays negligible (1/C ~ 0,
    C_series_F huge or inf). A spike that is a CPE rather than an ideal C (Z' still rising towards
    low frequency) keeps gamma at the longest tau, which carries that rising Z'.

    On spectra with very little noise GCV can keep falling down to the lower bound (1e-7; e.g. the
    battery spectra shipped with pyDRTtools), which resolves more, narrower peaks; "lcurve" or a
    fixed lambda (pyDRTtools' starting value is 1e-3) gives a smoother DRT. The result then carries a warning, and
    `robust_peaks` holds the peaks that persist (within PERSISTENCE_TOLERANCE_DECADES of tau) at every lambda up to
    PERSISTENCE_DECADES decades above the chosen one: the peaks to count.
    """
    from scipy.optimize import nnls

    source = spectrum.source
    if derivative not in (1, 2):
        raise InputError(source, "derivative", "1 or 2 (order of the penalised derivative)", derivative)
    if not rbf_coefficient > 0.0:
        raise InputError(source, "rbf_coefficient", "a positive FWHM coefficient", rbf_coefficient)
    if isinstance(method, str) and method not in ("gcv", "lcurve"):
        raise InputError(source, "method", "'gcv', 'lcurve' or a positive lambda", method)
    if not isinstance(method, str):
        try:
            fixed = float(method)
        except (TypeError, ValueError):
            fixed = float("nan")
        if not (np.isfinite(fixed) and fixed > 0.0):
            raise InputError(source, "method", "'gcv', 'lcurve' or a positive lambda", method)
    if n_tau is not None and n_tau < 3:
        raise InputError(source, "n_tau", "at least 3 RBF centres", n_tau)
    if not (np.isfinite(extend_decades) and 0.0 <= extend_decades <= 3.0):
        raise InputError(source, "extend_decades", "a number of decades between 0 and 3", extend_decades)

    f = spectrum.frequency_Hz
    omega = spectrum.angular_frequency
    Z = spectrum.impedance_ohm
    if n_tau is None:
        ln_tau = np.sort(-np.log(f))
    else:
        ln_tau = np.linspace(-np.log(f.max()), -np.log(f.min()), int(n_tau))
    spacing = float(np.mean(np.diff(ln_tau)))
    extra = int(round(extend_decades * np.log(10.0) / spacing))
    if extra:
        steps = spacing * np.arange(1, extra + 1)
        ln_tau = np.concatenate([ln_tau[0] - steps[::-1], ln_tau, ln_tau[-1] + steps])
    epsilon = rbf_coefficient * _FWHM_GAUSSIAN / spacing
    A_re, A_im = _rbf_matrices(omega, ln_tau, epsilon)

    free_re = [np.ones_like(omega)]
    free_im = [np.zeros_like(omega)]
    if inductance:
        free_re.append(np.zeros_like(omega))
        free_im.append(omega / omega.max())
    if capacitance is None:
        capacitance = _capacitive_low_frequency_end(omega, Z)
    if capacitance:
        free_re.append(np.zeros_like(omega))
        free_im.append(-omega.min() / omega)
    n_free = len(free_re)
    A = np.vstack([np.column_stack(free_re + [A_re]), np.column_stack(free_im + [A_im])])
    b = np.concatenate([Z.real, Z.imag])

    ridge = _RidgeSpectrum(A, b, n_free, _penalty_matrix(ln_tau, epsilon, derivative))
    if method == "gcv":
        lam = _gcv_lambda(ridge)
    elif method == "lcurve":
        lam = _lcurve_lambda(ridge)
    else:
        lam = fixed

    def solve(lam_value: float) -> np.ndarray:
        penalty = np.hstack([np.zeros((ln_tau.size, n_free)), np.sqrt(lam_value) * ridge.L])
        solution, _ = nnls(np.vstack([A, penalty]), np.concatenate([b, np.zeros(ln_tau.size)]), maxiter=50 * A.shape[1])
        return solution

    x = solve(lam)
    fit = A @ x
    Z_fit = fit[: f.size] + 1j * fit[f.size :]
    tau_s = np.logspace(ln_tau[0] / np.log(10) - 0.5, ln_tau[-1] / np.log(10) + 0.5, 10 * ln_tau.size)
    basis = np.exp(-((epsilon * (np.log(tau_s)[:, None] - ln_tau[None, :])) ** 2))
    gamma = basis @ x[n_free:]
    peaks = _peaks(tau_s, gamma, peak_prominence)
    higher = [value for value in lam * 10.0 ** np.arange(1.0, PERSISTENCE_DECADES + 1.0) if value <= LAMBDA_BOUNDS[1]]
    others = [_peaks(tau_s, basis @ solve(value)[n_free:], peak_prominence) for value in higher]
    robust = tuple(
        peak
        for peak in peaks
        if all(
            any(abs(np.log10(peak.tau_s / other.tau_s)) <= PERSISTENCE_TOLERANCE_DECADES for other in found)
            for found in others
        )
    )
    warnings = ()
    if isinstance(method, str) and lam <= LAMBDA_BOUNDS[0] * 1.0001:
        warnings = (
            f"lambda by {method} is at its lower bound ({LAMBDA_BOUNDS[0]:g}): the spectrum has so little noise that "
            f"the regularisation resolves spurious narrow peaks; {len(robust)} of {len(peaks)} peaks persist up to "
            f"{PERSISTENCE_DECADES:g} decades of lambda (count those)",
        )
    return DRTResult(
        tau_s=tau_s,
        gamma_ohm=gamma,
        R_inf_ohm=float(x[0]),
        L_H=float(x[1] / omega.max()) if inductance else 0.0,
        C_series_F=float(1.0 / (x[n_free - 1] * omega.min())) if capacitance and x[n_free - 1] > 0 else float("inf"),
        lambda_value=lam,
        lambda_method=method if isinstance(method, str) else "fixed",
        derivative=derivative,
        Z_fit_ohm=Z_fit,
        residuals_ohm=Z - Z_fit,
        peaks=peaks,
        robust_peaks=robust,
        warnings=warnings,
        settings={
            "lambda_method": method if isinstance(method, str) else "fixed",
            "derivative": derivative,
            "rbf_coefficient": rbf_coefficient,
            "inductance": inductance,
            "capacitance": bool(capacitance),
            "n_tau": n_tau,
            "peak_prominence": peak_prominence,
            "extend_decades": extend_decades,
        },
    )
