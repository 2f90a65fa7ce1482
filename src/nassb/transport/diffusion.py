"""Diffusion from trajectories: mean squared displacement, D* with its uncertainty, Nernst-Einstein, Arrhenius.

The statistics follow kinisi (McCluskey, Coles and Morgan 2024, J. Chem. Theory Comput. 20, 7553): the MSD is
averaged over all ions and all time origins, its covariance between time lags is modelled from the displacement
statistics, and MSD = 6 D* t + c is fitted by generalised least squares with that covariance, the standard
error of D* coming from the GLS parameter covariance. Where kinisi approximates the covariance by counting
independent observations, it is computed here exactly for Gaussian increments plus an uncorrelated vibrational
offset (see `msd_covariance`), which keeps it positive definite when the offset dominates the MSD.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.constants import BOLTZMANN_J_PER_K, ELEMENTARY_CHARGE_C, ROOM_TEMPERATURE_K
from nassb.core.errors import InputError, ModelError
from nassb.transport.arrhenius import ArrheniusFit, arrhenius_conductivity_S_per_cm, fit_arrhenius

DIMENSIONS = 3
A2_PER_PS_IN_CM2_PER_S = 1e-16 / 1e-12
GAUSSIAN_VARIANCE_FACTOR = 2.0 / DIMENSIONS
DEFAULT_START_FRACTION = 0.1


@dataclass(frozen=True)
class MSDResult:
    """MSD in A^2 at each lag, averaged over `n_ions` ions and every time origin of `n_frames` frames.

    `lag_frames` are the lags in frames (`frame_time_ps` apart), `lag_ps` the same in ps.
    `n_independent` = n_ions (n_frames - 1) / k is the number of non-overlapping observations at a lag of k
    frames (kinisi's count); `squared_displacement_variance_A4` is the variance of the single squared
    displacements at that lag (over all ions and origins), used by the "empirical" variance model.
    """

    lag_frames: np.ndarray
    lag_ps: np.ndarray
    msd_A2: np.ndarray
    n_independent: np.ndarray
    squared_displacement_variance_A4: np.ndarray
    n_ions: int
    n_frames: int
    frame_time_ps: float


@dataclass(frozen=True)
class DiffusionResult:
    """D* (tracer) from MSD = 6 D* t + c fitted by GLS over lags in [start_ps, end_ps], with its standard error.

    `variance_factor` is a in Var(single squared displacement) = a MSD^2 (2/3 for Gaussian displacements);
    `chi2_reduced` is the GLS chi^2 per degree of freedom, a diagnostic: values far above 1 mean the MSD is not
    a straight line over the window (start the fit later).
    """

    D_cm2_per_s: float
    D_stderr_cm2_per_s: float
    intercept_A2: float
    intercept_stderr_A2: float
    start_ps: float
    end_ps: float
    n_lags: int
    variance_model: str
    variance_factor: float
    chi2_reduced: float

    def fitted_msd_A2(self, lag_ps: np.ndarray) -> np.ndarray:
        """The fitted line 6 D* t + c (A^2) at the lags `lag_ps` (ps)."""
        slope_A2_per_ps = 2 * DIMENSIONS * self.D_cm2_per_s / A2_PER_PS_IN_CM2_PER_S
        return slope_A2_per_ps * np.asarray(lag_ps, dtype=float) + self.intercept_A2

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MDArrhenius:
    """Arrhenius fit of MD conductivities (form "sigmaT") and its extrapolation to 298.15 K.

    ln(sigma T) is linear in 1/T with the same slope as ln D*, so Ea is also D*'s activation energy.
    """

    Ea_eV: float
    Ea_stderr_eV: float
    D_298K_cm2_per_s: float
    D_298K_stderr_cm2_per_s: float
    sigma_298K_S_per_cm: float
    sigma_298K_stderr_S_per_cm: float
    haven_ratio: float
    carrier_density_per_cm3: float
    temperatures_K: tuple[float, ...]
    sigma_S_per_cm: tuple[float, ...]
    fit: ArrheniusFit

    def D_cm2_per_s_at(self, temperature_K: float | np.ndarray) -> float | np.ndarray:
        """D* on the fitted line: sigma(T) by the sigma*T Arrhenius law from 298.15 K; D* is proportional to sigma T."""
        reference = self.sigma_298K_S_per_cm
        sigma = arrhenius_conductivity_S_per_cm(reference, ROOM_TEMPERATURE_K, temperature_K, self.Ea_eV)
        return self.D_298K_cm2_per_s * sigma * np.asarray(temperature_K) / (reference * ROOM_TEMPERATURE_K)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _positions_and_times(positions_A, times_ps, source: str) -> tuple[np.ndarray, np.ndarray]:
    if hasattr(positions_A, "positions_A") and hasattr(positions_A, "times_ps"):
        positions_A, times_ps = positions_A.positions_A, positions_A.times_ps
    positions = np.asarray(positions_A, dtype=float)
    if positions.ndim != 3 or positions.shape[2] != DIMENSIONS:
        raise InputError(source, "positions_A", "an array (n_frames, n_ions, 3) in A", positions.shape)
    if positions.shape[0] < 4 or positions.shape[1] < 1:
        raise InputError(source, "positions_A", "at least 4 frames of at least one ion", positions.shape)
    if times_ps is None:
        raise InputError(source, "times_ps", "the time of each frame in ps", None)
    times = np.asarray(times_ps, dtype=float).ravel()
    if times.size != positions.shape[0]:
        raise InputError(source, "times_ps", f"{positions.shape[0]} times, one per frame", times.size)
    steps = np.diff(times)
    if not (np.isfinite(times).all() and (steps > 0).all() and np.allclose(steps, steps[0], rtol=1e-6)):
        raise InputError(source, "times_ps", "equally spaced, increasing times", times[:5].tolist())
    if not np.isfinite(positions).all():
        raise InputError(source, "positions_A", "finite positions", "NaN or infinite values")
    return positions, times


def msd(positions_A, times_ps: Sequence[float] | np.ndarray | None = None, max_lags: int = 100) -> MSDResult:
    """Mean squared displacement of unwrapped positions (or an MDTrajectory), all ions and all time origins.

    At a lag of k frames every frame i <= n_frames - 1 - k is a time origin and the squared displacements
    |r(i + k) - r(i)|^2 of all ions are averaged. The lags are up to `max_lags` integers spread evenly from 1 to
    n_frames - 1 (all of them for shorter runs). No drift correction is applied: the MD of `nassb.transport.md`
    fixes the centre of mass of the whole cell.
    """
    source = "msd"
    positions, times = _positions_and_times(positions_A, times_ps, source)
    if max_lags < 3:
        raise InputError(source, "max_lags", "at least 3 lags", max_lags)
    n_frames, n_ions = positions.shape[:2]
    lags = np.unique(np.round(np.linspace(1, n_frames - 1, min(max_lags, n_frames - 1))).astype(int))
    means, variances = np.empty(lags.size), np.empty(lags.size)
    for index, lag in enumerate(lags):
        squared = np.sum((positions[lag:] - positions[:-lag]) ** 2, axis=2)
        means[index] = squared.mean()
        variances[index] = squared.var()
    frame_time = float(times[1] - times[0])
    return MSDResult(
        lag_frames=lags,
        lag_ps=lags * frame_time,
        msd_A2=means,
        n_independent=n_ions * (n_frames - 1) / lags,
        squared_displacement_variance_A4=variances,
        n_ions=int(n_ions),
        n_frames=int(n_frames),
        frame_time_ps=frame_time,
    )


def msd_covariance(
    lag_frames: np.ndarray, n_frames: int, n_ions: int, step_variance_A2: float, offset_variance_A2: float
) -> np.ndarray:
    """Covariance (A^4) of the all-origin MSD estimates at `lag_frames`, for Gaussian random walkers.

    Model, per Cartesian component: x(t) = R(t) + u(t), R a random walk whose increment over one frame has
    variance q = `step_variance_A2` (= 2 D* dt), u an offset uncorrelated between frames with variance
    s^2 = `offset_variance_A2` (vibration about the site; MSD = 3 q k + 6 s^2, so c = 6 s^2), ions independent.
    Two observations, at lags k_i, k_j from origins t and t + d, have component covariance
    C = q overlap(d) + s^2 [delta(d, k_i - k_j) - delta(d, k_i) - delta(d, -k_j) + delta(d, 0)], where overlap is
    the number of frames the two windows share; for jointly Gaussian variables Cov(X^2, Y^2) = 2 C^2, so the
    squared displacements (three components) covary by 6 C^2. Summing over all origin pairs,
    Sigma_ij = 6 / (n_ions O_i O_j) sum_d n_ij(d) C(d)^2, with O = n_frames - k origins and n_ij(d) the pairs
    at offset d. The diagonal for s = 0 is the all-origin variance of Qian, Sheetz and Elson 1991 (Biophys. J.
    60, 910); with s > 0 it is Michalet's 2010 covariance with localisation error (Phys. Rev. E 82, 041914).
    For s = 0 and k << n_frames it tends to kinisi's Sigma_ij = sigma_i^2 N_i / N_j, sigma_i^2 = (2/3) MSD_i^2 /
    N_i with N = n_ions (n_frames - 1)/k non-overlapping observations, up to a factor 2/3 (overlapping origins
    are partly independent, which the count of non-overlapping windows ignores). u is taken as uncorrelated
    between frames; real vibrations decorrelate within a few hundred fs, so at finer sampling the offset part
    of the covariance is underestimated, which matters only where c is not small against 6 D* t.
    """
    lags = np.asarray(lag_frames, dtype=int)
    origins = n_frames - lags
    kj, oj = lags[:, None], origins[:, None]
    covariance = np.empty((lags.size, lags.size))
    for i, (ki, oi) in enumerate(zip(lags, origins)):
        d = np.arange(-(oi - 1), origins.max())[None, :]
        pairs = np.clip(np.minimum(oi - 1, oj - 1 - d) - np.maximum(0, -d) + 1, 0, None)
        overlap = np.clip(np.minimum(ki, d + kj) - np.maximum(0, d), 0, None)
        offset = (d == ki - kj).astype(float) - (d == ki) - (d == -kj) + (d == 0)
        component = step_variance_A2 * overlap + offset_variance_A2 * offset
        covariance[i] = 6.0 * np.sum(pairs * component**2, axis=1) / (n_ions * oi * origins)
    return 0.5 * (covariance + covariance.T)


def _gls(design: np.ndarray, y: np.ndarray, covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """GLS parameters, their covariance (X^T C^-1 X)^-1 and chi^2, through a Cholesky factor of C."""
    from scipy.linalg import cho_factor, cho_solve

    scale = np.sqrt(np.diag(covariance))
    factor = cho_factor(covariance / np.outer(scale, scale))
    whitened_design = design / scale[:, None]
    whitened_y = y / scale
    parameter_covariance = np.linalg.inv(whitened_design.T @ cho_solve(factor, whitened_design))
    theta = parameter_covariance @ (whitened_design.T @ cho_solve(factor, whitened_y))
    residual = whitened_y - whitened_design @ theta
    return theta, parameter_covariance, float(residual @ cho_solve(factor, residual))


def diffusion_coefficient(
    msd_result: MSDResult,
    start_ps: float | None = None,
    end_ps: float | None = None,
    variance: str = "gaussian",
    iterations: int = 10,
) -> DiffusionResult:
    """Tracer diffusion coefficient D* from MSD(t) = 6 D* t + c by generalised least squares.

    Averaging: the MSD is the mean over all mobile ions and all time origins (`msd`). Diffusive regime: lags in
    [start_ps, end_ps]; by default the first 10 % of the longest lag are skipped (the ballistic and vibrational
    regime, a few hundred fs in a solid electrolyte, must lie inside it: pass `start_ps` when the MSD shows a
    longer sub-diffusive part) and the fit runs to the longest lag. The free intercept c absorbs the
    vibrational offset of the MSD.

    Variance. For Gaussian displacements in 3-D each Cartesian component of Delta r over a lag t has variance
    s^2 = MSD/3, so |Delta r|^2 = s^2 chi^2_3, whose variance is 2 x 3 s^4 = (2/3) MSD^2 (a = 2/3); N
    independent observations average it down to (2/3) MSD^2 / N, the variance kinisi uses. Overlapping time
    origins and the correlation between lags are counted exactly by `msd_covariance` (Gaussian random walk plus
    an uncorrelated vibrational offset). `variance="empirical"` multiplies that covariance by a / (2/3), a being
    the mean over the fitted lags, weighted by their numbers of independent observations, of the measured
    variance of single squared displacements over MSD^2
    (a = (5/3)(1 + alpha_2) - 1, alpha_2 the non-Gaussian parameter), for hopping with heavier tails than a
    Gaussian.

    Iteration (kinisi models the covariance from the fitted line, not from the noisy data): the covariance
    parameters q = 2 D* dt (from the slope) and s^2 = max(c, 0)/6 start from an ordinary least-squares line and
    are updated from each GLS fit, `iterations` times or until D* changes by less than 1e-8 relatively.
    Standard errors: (X^T Sigma^-1 X)^-1, not rescaled by chi^2.
    """
    source = "diffusion_coefficient"
    if variance not in ("gaussian", "empirical"):
        raise InputError(source, "variance", "'gaussian' or 'empirical'", variance)
    lags = msd_result.lag_ps
    start = DEFAULT_START_FRACTION * lags[-1] if start_ps is None else float(start_ps)
    end = lags[-1] if end_ps is None else float(end_ps)
    window = (lags >= start - 1e-12) & (lags <= end + 1e-12)
    if window.sum() < 3:
        raise InputError(
            source,
            "start_ps/end_ps",
            f"a window holding at least 3 lags between {lags[0]:.4g} and {lags[-1]:.4g} ps",
            (start_ps, end_ps),
        )
    t, y = lags[window], msd_result.msd_A2[window]
    scale = 1.0
    if variance == "empirical":
        ratios = msd_result.squared_displacement_variance_A4[window] / np.maximum(y, 1e-300) ** 2
        a = float(np.average(ratios, weights=msd_result.n_independent[window]))
        scale = a / GAUSSIAN_VARIANCE_FACTOR
    design = np.column_stack([t, np.ones_like(t)])
    theta = np.linalg.lstsq(design, y, rcond=None)[0]
    slope_floor = 1e-6 * max(float(np.abs(y).max()), 1e-12) / t[-1]
    for _ in range(iterations):
        previous = theta[0]
        step_variance = max(theta[0], slope_floor) / DIMENSIONS * msd_result.frame_time_ps
        offset_variance = max(theta[1], 0.0) / (2 * DIMENSIONS)
        covariance = scale * msd_covariance(
            msd_result.lag_frames[window], msd_result.n_frames, msd_result.n_ions, step_variance, offset_variance
        )
        theta, parameter_covariance, chi2 = _gls(design, y, covariance)
        if abs(theta[0] - previous) <= 1e-8 * abs(theta[0]):
            break
    return DiffusionResult(
        D_cm2_per_s=float(theta[0] / (2 * DIMENSIONS) * A2_PER_PS_IN_CM2_PER_S),
        D_stderr_cm2_per_s=float(math.sqrt(parameter_covariance[0, 0]) / (2 * DIMENSIONS) * A2_PER_PS_IN_CM2_PER_S),
        intercept_A2=float(theta[1]),
        intercept_stderr_A2=float(math.sqrt(parameter_covariance[1, 1])),
        start_ps=float(t[0]),
        end_ps=float(t[-1]),
        n_lags=int(t.size),
        variance_model=variance,
        variance_factor=GAUSSIAN_VARIANCE_FACTOR * scale,
        chi2_reduced=chi2 / (t.size - 2) if t.size > 2 else math.nan,
    )


def nernst_einstein_sigma_S_per_cm(
    D_cm2_per_s: float | np.ndarray,
    carrier_density_per_cm3: float,
    temperature_K: float | np.ndarray,
    haven_ratio: float = 1.0,
    charge: int = 1,
) -> float | np.ndarray:
    """sigma = n (z e)^2 D* / (H_R kB T) in S/cm (Nernst-Einstein with the Haven ratio).

    D from the tracer MSD is the self-diffusion coefficient D*; the conductivity is governed by the charge
    diffusion coefficient D_sigma = D* / H_R (Haven ratio H_R = D*/D_sigma: Haven and Verkerk 1965, Phys.
    Chem. Glasses 6, 38; 1 neglects ion-ion correlations, which make it smaller than 1 in most fast-ion
    conductors). Units: n in cm^-3, D in cm^2/s, kB T in J, so
    C^2 cm^-1 s^-1 J^-1 = S/cm.
    """
    source = "nernst_einstein_sigma_S_per_cm"
    d = np.asarray(D_cm2_per_s, dtype=float)
    temperature = np.asarray(temperature_K, dtype=float)
    for name, value in (("D_cm2_per_s", d), ("temperature_K", temperature)):
        if not (np.isfinite(value).all() and (value > 0).all()):
            raise InputError(source, name, "finite values above 0", value.tolist())
    for name, value in (("carrier_density_per_cm3", carrier_density_per_cm3), ("haven_ratio", haven_ratio)):
        if not (math.isfinite(value) and value > 0):
            raise InputError(source, name, "a finite value above 0", value)
    if not (isinstance(charge, int) and charge != 0):
        raise InputError(source, "charge", "a non-zero integer charge number", charge)
    sigma = (
        carrier_density_per_cm3
        * (charge * ELEMENTARY_CHARGE_C) ** 2
        * d
        / (haven_ratio * BOLTZMANN_J_PER_K * temperature)
    )
    return float(sigma) if sigma.ndim == 0 else sigma


def md_arrhenius(
    temperatures_K: Sequence[float] | np.ndarray,
    D_cm2_per_s: Sequence[float] | np.ndarray,
    D_stderr_cm2_per_s: Sequence[float] | np.ndarray,
    carrier_density_per_cm3: float,
    haven_ratio: float = 1.0,
    charge: int = 1,
) -> MDArrhenius:
    """Ea, D* and sigma at 298.15 K from MD diffusion coefficients at several temperatures.

    Each D* becomes sigma(T) by Nernst-Einstein, with stderr(sigma) = sigma stderr(D*)/D* (n, H_R fixed);
    `fit_arrhenius` (form "sigmaT", weighted by these errors, Birge-scaled) gives Ea and sigma(298.15 K) with
    its delta-method error; D*(298.15 K) = sigma H_R kB T / (n (z e)^2) carries the same relative error.
    """
    source = "md_arrhenius"
    temperature = np.asarray(temperatures_K, dtype=float).ravel()
    d = np.asarray(D_cm2_per_s, dtype=float).ravel()
    d_err = np.asarray(D_stderr_cm2_per_s, dtype=float).ravel()
    if not (temperature.size == d.size == d_err.size):
        raise InputError(
            source, "D_cm2_per_s", "one D and one stderr per temperature", (temperature.size, d.size, d_err.size)
        )
    if not (d > 0).all():
        raise ModelError(
            f"{source}: D* <= 0 at {temperature[d <= 0].tolist()} K: no diffusion resolved there; "
            "run longer or leave those temperatures out"
        )
    sigma = nernst_einstein_sigma_S_per_cm(d, carrier_density_per_cm3, temperature, haven_ratio, charge)
    fit = fit_arrhenius(temperature, sigma, sigma * d_err / d, form="sigmaT", source=source)
    to_d = (
        haven_ratio
        * BOLTZMANN_J_PER_K
        * ROOM_TEMPERATURE_K
        / (carrier_density_per_cm3 * (charge * ELEMENTARY_CHARGE_C) ** 2)
    )
    return MDArrhenius(
        Ea_eV=fit.Ea_eV,
        Ea_stderr_eV=fit.Ea_stderr_eV,
        D_298K_cm2_per_s=fit.sigma_298K_S_per_cm * to_d,
        D_298K_stderr_cm2_per_s=fit.sigma_298K_stderr_S_per_cm * to_d,
        sigma_298K_S_per_cm=fit.sigma_298K_S_per_cm,
        sigma_298K_stderr_S_per_cm=fit.sigma_298K_stderr_S_per_cm,
        haven_ratio=float(haven_ratio),
        carrier_density_per_cm3=float(carrier_density_per_cm3),
        temperatures_K=tuple(float(t) for t in temperature),
        sigma_S_per_cm=tuple(float(s) for s in sigma),
        fit=fit,
    )
