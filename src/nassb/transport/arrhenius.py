"""Arrhenius and Vogel-Tammann-Fulcher fits of ionic conductivity against temperature.

Arrhenius (seed 004 Eq.1): sigma T = A exp(-Ea / kB T) (form "sigmaT", A in S K/cm; the usual form for
hopping conductors, where the prefactor carries 1/T from the Nernst-Einstein relation) or
sigma = sigma0 exp(-Ea / kB T) (form "sigma", sigma0 in S/cm). The two forms give activation energies
that differ by about kB T_mean over the fitted range: Ea(sigma) = Ea(sigmaT) - kB T_mean.

VTF (seed 004 Eq.2; Vogel 1921 Phys. Z. 22, 645; Fulcher 1925 J. Am. Ceram. Soc. 8, 339; Tammann and
Hesse 1926 Z. Anorg. Allg. Chem. 156, 245): sigma = A T^(-1/2) exp(-B / (T - T0)), for polymer electrolytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.constants import BOLTZMANN_EV_PER_K, ROOM_TEMPERATURE_K
from nassb.core.errors import InputError

PREFACTOR_UNITS = {"sigmaT": "S K/cm", "sigma": "S/cm"}
_RSS_FLOOR = 1e-18  # squared ln-residual below any measurement; keeps AICc finite on noiseless data


def arrhenius_conductivity_S_per_cm(
    sigma_ref_S_per_cm: float,
    reference_K: float,
    temperature_K: float | Sequence[float] | np.ndarray,
    Ea_eV: float,
    form: str = "sigmaT",
) -> float | np.ndarray:
    """Conductivity (S/cm) at `temperature_K` from its value at `reference_K` and the activation energy (seed 004 Eq.1).

    Form "sigmaT": sigma = sigma_ref (T_ref / T) exp(-Ea/kB (1/T - 1/T_ref)); form "sigma": without T_ref / T.
    """
    if form not in PREFACTOR_UNITS:
        raise InputError("arrhenius_conductivity_S_per_cm", "form", " or ".join(PREFACTOR_UNITS), form)
    temperature = np.asarray(temperature_K, dtype=float)
    power = 1.0 if form == "sigmaT" else 0.0
    sigma = (
        sigma_ref_S_per_cm
        * (reference_K / temperature) ** power
        * np.exp(-Ea_eV / BOLTZMANN_EV_PER_K * (1.0 / temperature - 1.0 / reference_K))
    )
    return float(sigma) if sigma.ndim == 0 else sigma


@dataclass(frozen=True)
class ArrheniusFit:
    """A straight line ln(sigma T^m) = ln(prefactor) - Ea / (kB T) with m = 1 ("sigmaT") or 0 ("sigma").

    Standard errors come from the covariance of the weighted least-squares line (see `fit_arrhenius`);
    `prefactor_stderr` is the first-order (delta-method) error prefactor x stderr(ln prefactor).
    `residuals_ln` are ln(data) - ln(model) in the order of `temperature_K`.
    """

    form: str
    Ea_eV: float
    Ea_stderr_eV: float
    prefactor: float
    prefactor_stderr: float
    prefactor_unit: str
    ln_prefactor: float
    ln_prefactor_stderr: float
    covariance_ln_prefactor_Ea_eV: float
    sigma_298K_S_per_cm: float
    sigma_298K_stderr_S_per_cm: float
    extrapolated_to_298K: bool
    r_squared: float
    weighted: bool
    n_points: int
    temperature_K: tuple[float, ...]
    residuals_ln: tuple[float, ...]

    def predict(self, temperature_K: float | Sequence[float] | np.ndarray) -> float | np.ndarray:
        """Conductivity in S/cm at the given temperature(s) in K, on the fitted line through sigma(298.15 K)."""
        return arrhenius_conductivity_S_per_cm(
            self.sigma_298K_S_per_cm, ROOM_TEMPERATURE_K, temperature_K, self.Ea_eV, self.form
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class KinkFit:
    """A single Arrhenius line against two lines (a kink or a phase transition), chosen by AICc.

    `model` is "single", "joined" (continuous, slope change at `break_temperature_K`) or "unjoined"
    (separate lines, allowing a jump). `break_bracket_K` holds the measured temperatures on either side
    of the break. `low_T` and `high_T` are the two segments, only when a kink is detected. The AICc of
    each candidate is given (None where there were too few points to compute it).
    """

    kink_detected: bool
    model: str
    criterion: str
    break_temperature_K: float | None
    break_bracket_K: tuple[float, float] | None
    single: ArrheniusFit
    low_T: ArrheniusFit | None
    high_T: ArrheniusFit | None
    aicc_single: float | None
    aicc_joined: float | None
    aicc_unjoined: float | None
    delta_aicc: float | None
    min_delta_aicc: float
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VTFFit:
    """sigma = A T^(-1/2) exp(-B / (T - T0)); A in S K^(1/2)/cm, B and T0 in K, pseudo-Ea = kB B in eV.

    `T0_at_bound` is true when T0 ended on its upper bound (min(T) - margin) or at 0 K: then the data
    do not determine T0 and its standard error is not meaningful.
    """

    A_S_K05_per_cm: float
    A_stderr_S_K05_per_cm: float
    B_K: float
    B_stderr_K: float
    pseudo_Ea_eV: float
    pseudo_Ea_stderr_eV: float
    T0_K: float
    T0_stderr_K: float
    T0_at_bound: bool
    sigma_298K_S_per_cm: float | None
    r_squared: float
    weighted: bool
    n_points: int
    temperature_K: tuple[float, ...]
    residuals_ln: tuple[float, ...]

    def predict(self, temperature_K: float | Sequence[float] | np.ndarray) -> float | np.ndarray:
        """Conductivity in S/cm at the given temperature(s) in K (must lie above T0)."""
        temperature = np.asarray(temperature_K, dtype=float)
        sigma = self.A_S_K05_per_cm / np.sqrt(temperature) * np.exp(-self.B_K / (temperature - self.T0_K))
        return float(sigma) if sigma.ndim == 0 else sigma

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _prepare(temperature_K, sigma_S_per_cm, sigma_stderr_S_per_cm, source: str, min_points: int):
    temperature = np.asarray(temperature_K, dtype=float).ravel()
    sigma = np.asarray(sigma_S_per_cm, dtype=float).ravel()
    if temperature.shape != sigma.shape:
        raise InputError(
            source, "sigma_S_per_cm", "one conductivity per temperature", f"{sigma.size} vs {temperature.size}"
        )
    if temperature.size < min_points:
        raise InputError(source, "temperature_K", f"at least {min_points} temperatures", temperature.size)
    if not (np.isfinite(temperature).all() and (temperature > 0).all()):
        raise InputError(source, "temperature_K", "finite temperatures above 0 K", temperature.tolist())
    if not (np.isfinite(sigma).all() and (sigma > 0).all()):
        raise InputError(source, "sigma_S_per_cm", "finite conductivities above 0 S/cm", sigma.tolist())
    if np.unique(temperature).size < 3:
        raise InputError(source, "temperature_K", "at least 3 distinct temperatures", np.unique(temperature).tolist())
    weights = np.ones_like(sigma)
    if sigma_stderr_S_per_cm is not None:
        stderr = np.asarray(sigma_stderr_S_per_cm, dtype=float).ravel()
        if stderr.shape != sigma.shape or not (np.isfinite(stderr).all() and (stderr > 0).all()):
            raise InputError(
                source, "sigma_stderr_S_per_cm", "one positive standard error per conductivity", stderr.tolist()
            )
        weights = (sigma / stderr) ** 2
    return temperature, sigma, weights, sigma_stderr_S_per_cm is not None


def _inverse_normal(design: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(X^T W X)^-1, computed on unit-norm columns so that parameters of very different scale survive."""
    norms = np.sqrt(np.sum(weights[:, None] * design**2, axis=0))
    norms[norms == 0] = 1.0
    scaled = design / norms
    return np.linalg.pinv(scaled.T @ (scaled * weights[:, None])) / np.outer(norms, norms)


def _wls(design: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted least squares: parameters, (X^T W X)^-1 and the weighted residual sum of squares."""
    root = np.sqrt(weights)
    theta, *_ = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)
    unscaled = _inverse_normal(design, weights)
    wrss = float(np.sum(weights * (y - design @ theta) ** 2))
    return theta, unscaled, wrss


def _covariance_scale(wrss: float, dof: int, weighted: bool) -> float:
    """Residual variance (unweighted) or the Birge ratio max(1, chi2/dof) (weighted by given stderrs)."""
    if dof <= 0:
        return math.nan
    return max(1.0, wrss / dof) if weighted else wrss / dof


def _line_fit(x, y, weights, intercept, slope, covariance, form, weighted, temperature) -> ArrheniusFit:
    """An `ArrheniusFit` from a line y = intercept + slope x (x = 1/T) and its 2x2 covariance."""
    var_a, var_b, cov_ab = covariance[0, 0], covariance[1, 1], covariance[0, 1]
    x_rt = 1.0 / ROOM_TEMPERATURE_K
    power = 1.0 if form == "sigmaT" else 0.0
    ln_sigma_rt = intercept + slope * x_rt - power * math.log(ROOM_TEMPERATURE_K)
    var_rt = var_a + x_rt**2 * var_b + 2.0 * x_rt * cov_ab
    sigma_rt = math.exp(ln_sigma_rt)
    residuals = y - (intercept + slope * x)
    mean = np.sum(weights * y) / np.sum(weights)
    total = float(np.sum(weights * (y - mean) ** 2))
    r_squared = 1.0 - float(np.sum(weights * residuals**2)) / total if total > 0 else 1.0
    prefactor = math.exp(intercept)
    return ArrheniusFit(
        form=form,
        Ea_eV=float(-slope * BOLTZMANN_EV_PER_K),
        Ea_stderr_eV=float(math.sqrt(var_b) * BOLTZMANN_EV_PER_K),
        prefactor=prefactor,
        prefactor_stderr=float(prefactor * math.sqrt(var_a)),
        prefactor_unit=PREFACTOR_UNITS[form],
        ln_prefactor=float(intercept),
        ln_prefactor_stderr=float(math.sqrt(var_a)),
        covariance_ln_prefactor_Ea_eV=float(-cov_ab * BOLTZMANN_EV_PER_K),
        sigma_298K_S_per_cm=sigma_rt,
        sigma_298K_stderr_S_per_cm=float(sigma_rt * math.sqrt(max(var_rt, 0.0))),
        extrapolated_to_298K=not (temperature.min() <= ROOM_TEMPERATURE_K <= temperature.max()),
        r_squared=float(r_squared),
        weighted=weighted,
        n_points=int(x.size),
        temperature_K=tuple(float(t) for t in temperature),
        residuals_ln=tuple(float(r) for r in residuals),
    )


def _check_form(form: str, source: str) -> None:
    if form not in PREFACTOR_UNITS:
        raise InputError(source, "form", "'sigmaT' (ln(sigma T) against 1/T) or 'sigma' (ln sigma against 1/T)", form)


def fit_arrhenius(
    temperature_K: Sequence[float] | np.ndarray,
    sigma_S_per_cm: Sequence[float] | np.ndarray,
    sigma_stderr_S_per_cm: Sequence[float] | np.ndarray | None = None,
    form: str = "sigmaT",
    source: str = "Arrhenius fit",
) -> ArrheniusFit:
    """Fit ln(sigma T) (form "sigmaT") or ln(sigma) (form "sigma") linearly against 1/T (seed 004 Eq.1).

    Without standard errors: ordinary least squares, covariance s^2 (X^T X)^-1 with s^2 = RSS/(n - 2).
    With standard errors of sigma: weights 1/stderr(ln sigma)^2 = (sigma/stderr)^2, covariance
    (X^T W X)^-1 multiplied by the Birge ratio max(1, chi2/(n - 2)) (Birge 1932, Phys. Rev. 40, 207),
    so the quoted errors never understate the scatter of the points about the line.
    """
    _check_form(form, source)
    temperature, sigma, weights, weighted = _prepare(temperature_K, sigma_S_per_cm, sigma_stderr_S_per_cm, source, 3)
    x = 1.0 / temperature
    y = np.log(sigma) + (np.log(temperature) if form == "sigmaT" else 0.0)
    design = np.column_stack([np.ones_like(x), x])
    theta, unscaled, wrss = _wls(design, y, weights)
    covariance = unscaled * _covariance_scale(wrss, x.size - 2, weighted)
    return _line_fit(x, y, weights, theta[0], theta[1], covariance, form, weighted, temperature)


def _aicc(wrss: float, weight_sum: float, n: int, k: int) -> float | None:
    """AICc of a Gaussian least-squares model with k parameters (noise variance included)."""
    if n - k - 1 <= 0:
        return None
    return n * math.log(max(wrss, _RSS_FLOOR * weight_sum) / n) + 2 * k + 2 * k * (k + 1) / (n - k - 1)


def _hinge_design(x: np.ndarray, x_break: float) -> np.ndarray:
    shifted = x - x_break
    return np.column_stack([np.ones_like(x), np.minimum(shifted, 0.0), np.maximum(shifted, 0.0)])


def _best_hinge(x, y, weights, min_points: int) -> tuple[float, float] | None:
    """Break position x_b (1/T) minimising the weighted RSS of a continuous two-line fit, and that RSS."""
    from scipy.optimize import minimize_scalar

    n = x.size
    best = None
    for j in range(min_points - 1, n - min_points):
        result = minimize_scalar(
            lambda xb: _wls(_hinge_design(x, xb), y, weights)[2],
            bounds=(x[j], x[j + 1]),
            method="bounded",
            options={"xatol": 1e-9 * abs(x[j + 1] - x[j]) + 1e-15},
        )
        if best is None or result.fun < best[1]:
            best = (float(result.x), float(result.fun))
    return best


def _segment_from_hinge(x, y, weights, x_break, form, weighted, temperature, side):
    """One side of the joined fit as an `ArrheniusFit`, its covariance including the break position.

    The covariance of (a, b_high, b_low, x_b) is the Gauss-Newton one of the full segmented model
    (Muggeo 2003, Stat. Med. 22, 3055), propagated to the side's intercept a - b x_b and slope b.
    """
    design = _hinge_design(x, x_break)
    theta, _, wrss = _wls(design, y, weights)
    jacobian = np.column_stack([design, -np.where(x < x_break, theta[1], theta[2])])  # d model / d x_b
    covariance = _inverse_normal(jacobian, weights) * _covariance_scale(wrss, x.size - 4, weighted)
    column = 1 if side == "high_T" else 2
    gradient = np.zeros((2, 4))
    gradient[0, 0], gradient[0, column], gradient[0, 3] = 1.0, -x_break, -theta[column]
    gradient[1, column] = 1.0
    line_covariance = gradient @ covariance @ gradient.T
    mask = x <= x_break if side == "high_T" else x >= x_break
    return _line_fit(
        x[mask],
        y[mask],
        weights[mask],
        theta[0] - theta[column] * x_break,
        theta[column],
        line_covariance,
        form,
        weighted,
        temperature[mask],
    )


def fit_arrhenius_with_kink(
    temperature_K: Sequence[float] | np.ndarray,
    sigma_S_per_cm: Sequence[float] | np.ndarray,
    sigma_stderr_S_per_cm: Sequence[float] | np.ndarray | None = None,
    form: str = "sigmaT",
    min_points_per_side: int = 3,
    min_delta_aicc: float = 2.0,
    source: str = "Arrhenius kink fit",
) -> KinkFit:
    """One Arrhenius line against two, to detect a kink or a phase transition (order-disorder, melting).

    Candidates, all weighted least squares in ln(sigma T^m) against x = 1/T as in `fit_arrhenius`:
    "single" (2 line parameters); "joined": continuous lines with a slope change at x_b, x_b refined
    continuously between data points (3 line parameters + x_b); "unjoined": separate lines on either side
    of a split between adjacent data points, allowing a jump (4 + the split). Every break leaves at least
    `min_points_per_side` points on each side. The model is chosen by the small-sample corrected Akaike
    criterion AICc = n ln(RSS/n) + 2k + 2k(k+1)/(n-k-1) (Hurvich and Tsai 1989, Biometrika 76, 297), k
    counting the line parameters, the break and the noise variance; a model needs n > k + 1. A kink is
    reported when the better two-line model beats the single line by more than `min_delta_aicc` (2 by
    default: Burnham and Anderson 2002, models within 2 have comparable support). An unjoined break is
    placed at the midpoint in 1/T of the two measured temperatures that bracket it. Measured on straight
    series with 2 % noise, 300-450 K: false kinks in 0 % (10 points), 3 % (13) and 7.5 % (20) of draws
    (the break scan searches many positions); a 0.35 -> 0.25 eV kink is found in 78 % (8 points) to 100 %
    (10 or more) of draws. Segment errors use the
    pooled residual variance of the two-line fit; joined segments include the break position's uncertainty,
    unjoined ones are conditional on the split.
    """
    _check_form(form, source)
    if min_points_per_side < 2:
        raise InputError(
            source, "min_points_per_side", "at least 2 points on each side of a break", min_points_per_side
        )
    temperature, sigma, weights, weighted = _prepare(temperature_K, sigma_S_per_cm, sigma_stderr_S_per_cm, source, 3)
    single = fit_arrhenius(temperature, sigma, sigma_stderr_S_per_cm, form, source)
    order = np.argsort(1.0 / temperature)
    temperature, sigma, weights = temperature[order], sigma[order], weights[order]
    x = 1.0 / temperature
    y = np.log(sigma) + (np.log(temperature) if form == "sigmaT" else 0.0)
    n, weight_sum = x.size, float(weights.sum())
    aicc_single = _aicc(_wls(np.column_stack([np.ones(n), x]), y, weights)[2], weight_sum, n, 3)

    hinge = _best_hinge(x, y, weights, min_points_per_side)
    aicc_joined = _aicc(hinge[1], weight_sum, n, 5) if hinge else None
    split, aicc_unjoined = None, None
    for i in range(min_points_per_side - 1, n - min_points_per_side):
        wrss = sum(
            _wls(np.column_stack([np.ones(part.sum()), x[part]]), y[part], weights[part])[2]
            for part in (np.arange(n) <= i, np.arange(n) > i)
        )
        if split is None or wrss < split[1]:
            split = (i, wrss)
    if split is not None:
        aicc_unjoined = _aicc(split[1], weight_sum, n, 6)

    candidates = {
        name: value for name, value in (("joined", aicc_joined), ("unjoined", aicc_unjoined)) if value is not None
    }

    def single_line(delta: float | None, reason: str) -> KinkFit:
        return KinkFit(
            False,
            "single",
            "AICc",
            None,
            None,
            single,
            None,
            None,
            aicc_single,
            aicc_joined,
            aicc_unjoined,
            delta,
            min_delta_aicc,
            reason,
        )

    if not candidates:
        return single_line(
            None,
            f"{n} points: too few to test for a kink (two-line AICc needs at least 7 joined, 8 unjoined, "
            f"and {min_points_per_side} points per side)",
        )
    best = min(candidates, key=candidates.get)
    delta = aicc_single - candidates[best]
    if delta <= min_delta_aicc:
        return single_line(
            delta, f"no kink: the best two-line model ({best}) improves AICc by {delta:.2f} <= {min_delta_aicc}"
        )

    if best == "joined":
        x_break = hinge[0]
        high = _segment_from_hinge(x, y, weights, x_break, form, weighted, temperature, "high_T")
        low = _segment_from_hinge(x, y, weights, x_break, form, weighted, temperature, "low_T")
        below = x[x >= x_break]
        above = x[x <= x_break]
        bracket = (float(1.0 / below.min()), float(1.0 / above.max()))
        break_temperature = 1.0 / x_break
    else:
        i = split[0]
        scale = _covariance_scale(split[1], n - 4, weighted)
        segments = []
        for part in (np.arange(n) <= i, np.arange(n) > i):
            theta, unscaled, _ = _wls(np.column_stack([np.ones(part.sum()), x[part]]), y[part], weights[part])
            segments.append(
                _line_fit(
                    x[part],
                    y[part],
                    weights[part],
                    theta[0],
                    theta[1],
                    unscaled * scale,
                    form,
                    weighted,
                    temperature[part],
                )
            )
        high, low = segments
        bracket = (float(temperature[i + 1]), float(temperature[i]))
        break_temperature = 2.0 / (x[i] + x[i + 1])
    note = (
        f"kink ({best}) near {break_temperature:.1f} K: Ea {low.Ea_eV:.3f} eV below, {high.Ea_eV:.3f} eV above; "
        f"AICc improves by {delta:.2f}"
    )
    return KinkFit(
        True,
        best,
        "AICc",
        float(break_temperature),
        bracket,
        single,
        low,
        high,
        aicc_single,
        aicc_joined,
        aicc_unjoined,
        delta,
        min_delta_aicc,
        note,
    )


def fit_vtf(
    temperature_K: Sequence[float] | np.ndarray,
    sigma_S_per_cm: Sequence[float] | np.ndarray,
    sigma_stderr_S_per_cm: Sequence[float] | np.ndarray | None = None,
    T0_margin_K: float = 1.0,
    source: str = "VTF fit",
) -> VTFFit:
    """Fit sigma = A T^(-1/2) exp(-B/(T - T0)) (seed 004 Eq.2; Vogel 1921, Fulcher 1925, Tammann and Hesse 1926).

    Least squares in ln sigma (weights as in `fit_arrhenius`), with 0 <= T0 <= min(T) - `T0_margin_K` and
    B >= 0. The model is linear in (ln A, B) at fixed T0, so T0 is first profiled on a grid, then all three
    parameters are refined by scipy's trust-region least squares. Standard errors from the Jacobian
    covariance (J^T J)^-1 scaled as in `fit_arrhenius` (dof n - 3).
    """
    from scipy.optimize import least_squares

    temperature, sigma, weights, weighted = _prepare(temperature_K, sigma_S_per_cm, sigma_stderr_S_per_cm, source, 4)
    t0_max = float(temperature.min()) - T0_margin_K
    if t0_max <= 0:
        raise InputError(
            source, "temperature_K", f"temperatures above T0_margin_K = {T0_margin_K} K", float(temperature.min())
        )
    y = np.log(sigma) + 0.5 * np.log(temperature)
    root = np.sqrt(weights)

    def profile(t0: float) -> tuple[np.ndarray, float]:
        design = np.column_stack([np.ones_like(temperature), -1.0 / (temperature - t0)]) * root[:, None]
        theta, *_ = np.linalg.lstsq(design, y * root, rcond=None)
        return theta, float(np.sum((y * root - design @ theta) ** 2))

    grid = np.linspace(0.0, t0_max, 200)
    profiles = [(t0, *profile(t0)) for t0 in grid]
    t0_start, theta_start, _ = min((p for p in profiles if p[1][1] > 0), key=lambda p: p[2], default=profiles[0])

    def residuals(params: np.ndarray) -> np.ndarray:
        ln_a, b, t0 = params
        return root * (y - ln_a + b / (temperature - t0))

    start = np.array([theta_start[0], max(theta_start[1], 1e-6), min(t0_start, t0_max)])
    result = least_squares(residuals, start, bounds=([-np.inf, 0.0, 0.0], [np.inf, np.inf, t0_max]), x_scale="jac")
    ln_a, b, t0 = (float(v) for v in result.x)
    wrss = float(np.sum(result.fun**2))
    covariance = _inverse_normal(result.jac, np.ones(temperature.size)) * _covariance_scale(
        wrss, temperature.size - 3, weighted
    )
    stderr = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    at_bound = t0 >= t0_max - 1e-6 * max(t0_max, 1.0) or t0 <= 1e-6
    ln_residuals = y - ln_a + b / (temperature - t0)
    mean = np.sum(weights * y) / np.sum(weights)
    total = float(np.sum(weights * (y - mean) ** 2))
    a_value = math.exp(ln_a)
    sigma_rt = None
    if ROOM_TEMPERATURE_K > t0:
        sigma_rt = a_value / math.sqrt(ROOM_TEMPERATURE_K) * math.exp(-b / (ROOM_TEMPERATURE_K - t0))
    return VTFFit(
        A_S_K05_per_cm=a_value,
        A_stderr_S_K05_per_cm=float(a_value * stderr[0]),
        B_K=b,
        B_stderr_K=float(stderr[1]),
        pseudo_Ea_eV=b * BOLTZMANN_EV_PER_K,
        pseudo_Ea_stderr_eV=float(stderr[1] * BOLTZMANN_EV_PER_K),
        T0_K=t0,
        T0_stderr_K=float(stderr[2]),
        T0_at_bound=bool(at_bound),
        sigma_298K_S_per_cm=sigma_rt,
        r_squared=float(1.0 - wrss / total) if total > 0 else 1.0,
        weighted=weighted,
        n_points=int(temperature.size),
        temperature_K=tuple(float(t) for t in temperature),
        residuals_ln=tuple(float(r) for r in ln_residuals),
    )
