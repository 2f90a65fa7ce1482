"""DC methods: Bruce-Vincent cation transference number, chronoamperometry analysis, electronic
conductivity by DC polarisation with ion-blocking electrodes, transference from conductivities."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.errors import InputError, ModelError


@dataclass(frozen=True)
class BruceVincentResult:
    """t+ with its inputs and the validity flags of the method (small polarisation, 0 <= t+ <= 1)."""

    t_plus: float
    delta_V: float
    I0_A: float
    Iss_A: float
    R0_ohm: float
    Rss_ohm: float
    delta_V_above_limit: bool
    t_plus_in_unit_interval: bool
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChronoamperometryResult:
    """Initial and steady-state currents of a potentiostatic polarisation, with the stationarity check.

    `tail_relative_drift` = |slope of the tail| x tail duration / |Iss|: the fractional change of the
    current across the averaging window; `steady` is true when it is at most `drift_tolerance`.
    """

    I0_A: float
    I0_method: str
    Iss_A: float
    Iss_stderr_A: float
    tail_start_s: float
    tail_points: int
    tail_slope_A_per_s: float
    tail_slope_stderr_A_per_s: float
    tail_relative_drift: float
    drift_tolerance: float
    steady: bool
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def bruce_vincent_transference(
    delta_V: float,
    I0_A: float,
    Iss_A: float,
    R0_ohm: float,
    Rss_ohm: float,
    max_delta_V: float = 0.010,
    strict: bool = False,
) -> BruceVincentResult:
    """t+ = Iss (dV - I0 R0) / (I0 (dV - Iss Rss)) (Bruce and Vincent 1987, J. Electroanal. Chem. 225, 1;
    Evans, Vincent and Bruce 1987, Polymer 28, 2324; seed 004 Eq.5).

    dV is the applied polarisation in V, I0 and Iss the initial and steady-state currents, R0 and Rss the
    interfacial (electrode) resistances before and after polarisation from impedance. The method assumes
    a small polarisation, dV <= 10 mV (seed 004): a larger dV is flagged, or raises `ModelError` when
    `strict`. An interfacial drop I R at or above dV raises `ModelError` (no voltage left for the
    electrolyte). A t+ outside [0, 1] is flagged, not clipped.
    """
    source = "Bruce-Vincent transference"
    if not delta_V > 0:
        raise InputError(source, "delta_V", "a positive polarisation in V", delta_V)
    if not (I0_A > 0 and Iss_A > 0):
        raise InputError(source, "I0_A, Iss_A", "positive currents in A (use magnitudes)", (I0_A, Iss_A))
    if not (R0_ohm >= 0 and Rss_ohm >= 0):
        raise InputError(source, "R0_ohm, Rss_ohm", "non-negative interfacial resistances", (R0_ohm, Rss_ohm))
    notes = []
    above = delta_V > max_delta_V
    if above:
        message = (
            f"dV = {delta_V * 1e3:.1f} mV exceeds {max_delta_V * 1e3:.0f} mV: "
            "the small-polarisation assumption is violated"
        )
        if strict:
            raise ModelError(f"{source}: {message}")
        notes.append(message)
    initial_drop, final_drop = delta_V - I0_A * R0_ohm, delta_V - Iss_A * Rss_ohm
    if initial_drop <= 0 or final_drop <= 0:
        raise ModelError(
            f"{source}: the interfacial drop (I0 R0 = {I0_A * R0_ohm:.4g} V, Iss Rss = {Iss_A * Rss_ohm:.4g} V) "
            f"reaches dV = {delta_V:.4g} V"
        )
    t_plus = Iss_A * initial_drop / (I0_A * final_drop)
    in_range = 0.0 <= t_plus <= 1.0
    if not in_range:
        notes.append(f"t+ = {t_plus:.3f} lies outside [0, 1]: check I0 (time resolution) and R0/Rss")
    return BruceVincentResult(
        float(t_plus),
        float(delta_V),
        float(I0_A),
        float(Iss_A),
        float(R0_ohm),
        float(Rss_ohm),
        above,
        in_range,
        tuple(notes),
    )


def initial_current_from_impedance(delta_V: float, R_electrolyte_ohm: float, R0_ohm: float) -> float:
    """I0 = dV / (R_electrolyte + R0) in A, the current at the instant of the step, from impedance before
    polarisation (Evans, Vincent and Bruce 1987, Polymer 28, 2324), free of the time resolution of the
    measured transient."""
    if not (delta_V > 0 and R_electrolyte_ohm >= 0 and R0_ohm >= 0 and R_electrolyte_ohm + R0_ohm > 0):
        raise InputError(
            "initial current",
            "delta_V, R_electrolyte_ohm, R0_ohm",
            "dV > 0 and non-negative resistances with a positive sum",
            (delta_V, R_electrolyte_ohm, R0_ohm),
        )
    return delta_V / (R_electrolyte_ohm + R0_ohm)


def analyse_chronoamperometry(
    time_s: Sequence[float] | np.ndarray,
    current_A: Sequence[float] | np.ndarray,
    tail_fraction: float = 0.1,
    initial: str = "exponential",
    n_initial_points: int = 5,
    drift_tolerance: float = 0.01,
    source: str = "chronoamperometry",
) -> ChronoamperometryResult:
    """I0 and Iss of a current transient after a potential step at t = 0 (time_s counted from the step).

    Iss is the mean current over the last `tail_fraction` of the record's duration, with the standard
    error of that mean (points taken as independent). Stationarity: a straight line through the same
    tail gives the drift; the record is `steady` when the current changes by at most `drift_tolerance`
    (relative) across the tail. I0: `initial="first"` takes the first recorded point (it underestimates
    I0 when the decay is fast against the sampling); `initial="exponential"` fits ln(I - Iss) linearly
    in t over the first `n_initial_points` points and extrapolates to t = 0, exact for a single
    exponential decay I = Iss + (I0 - Iss) exp(-t/tau); it falls back to the first point, with a note,
    when those points do not decay. Negative (cathodic) transients are handled by their sign.
    """
    time = np.asarray(time_s, dtype=float).ravel()
    current = np.asarray(current_A, dtype=float).ravel()
    if time.shape != current.shape or time.size < 6:
        raise InputError(
            source, "time_s, current_A", "at least 6 (time, current) pairs of equal length", (time.size, current.size)
        )
    if not (np.isfinite(time).all() and np.isfinite(current).all()):
        raise InputError(source, "time_s, current_A", "finite values", "NaN or inf")
    if not (np.diff(time) > 0).all() or time[0] < 0:
        raise InputError(source, "time_s", "non-negative, strictly increasing times from the step", time[:3].tolist())
    if not 0 < tail_fraction < 1:
        raise InputError(source, "tail_fraction", "a fraction between 0 and 1", tail_fraction)
    if initial not in ("exponential", "first"):
        raise InputError(source, "initial", "'exponential' or 'first'", initial)
    if n_initial_points < 2:
        raise InputError(source, "n_initial_points", "at least 2 points to extrapolate", n_initial_points)
    sign = 1.0 if current.mean() >= 0 else -1.0
    magnitude = sign * current
    notes = []

    tail_start = time[-1] - tail_fraction * (time[-1] - time[0])
    tail = time >= tail_start
    if tail.sum() < 3:
        raise InputError(
            source,
            "tail_fraction",
            f"a tail with at least 3 points (the last {tail_fraction:.0%} holds {tail.sum()})",
            tail_fraction,
        )
    t_tail, i_tail = time[tail], magnitude[tail]
    iss = float(i_tail.mean())
    iss_err = float(i_tail.std(ddof=1) / math.sqrt(i_tail.size))
    design = np.column_stack([np.ones_like(t_tail), t_tail - t_tail.mean()])
    coef, residual, *_ = np.linalg.lstsq(design, i_tail, rcond=None)
    dof = i_tail.size - 2
    rss = float(residual[0]) if residual.size else float(np.sum((i_tail - design @ coef) ** 2))
    slope_err = math.sqrt(rss / dof / np.sum((t_tail - t_tail.mean()) ** 2)) if dof > 0 else math.nan
    drift = abs(coef[1]) * (t_tail[-1] - t_tail[0]) / abs(iss) if iss != 0 else math.inf
    steady = bool(drift <= drift_tolerance)
    if not steady:
        notes.append(f"not steady: the current changes by {drift:.1%} across the averaging tail; polarise longer")

    i0, method = float(magnitude[0]), f"first point (t = {time[0]:g} s)"
    if initial == "exponential":
        head = slice(0, min(n_initial_points, time.size))
        excess = magnitude[head] - iss
        usable = excess > 0
        if usable.sum() >= 2:
            slope, intercept = np.polyfit(time[head][usable], np.log(excess[usable]), 1)
            if slope < 0:
                i0 = iss + math.exp(intercept)
                method = f"exponential extrapolation to t = 0 of the first {int(usable.sum())} points"
        if method.startswith("first"):
            notes.append("the first points do not decay above Iss: I0 is the first recorded point")
    return ChronoamperometryResult(
        I0_A=sign * i0,
        I0_method=method,
        Iss_A=sign * iss,
        Iss_stderr_A=iss_err,
        tail_start_s=float(t_tail[0]),
        tail_points=int(t_tail.size),
        tail_slope_A_per_s=float(sign * coef[1]),
        tail_slope_stderr_A_per_s=float(slope_err),
        tail_relative_drift=float(drift),
        drift_tolerance=drift_tolerance,
        steady=steady,
        notes=tuple(notes),
    )


def electronic_conductivity(Iss_A: float, delta_V: float, thickness_cm: float, area_cm2: float) -> float:
    """sigma_e = Iss L / (dV A) in S/cm from DC polarisation with ion-blocking electrodes.

    Hebb-Wagner polarisation (Hebb 1952, J. Chem. Phys. 20, 185; Wagner 1957): once the ionic current
    is blocked, the steady-state current is carried by electrons and holes only.
    """
    if not (Iss_A > 0 and delta_V > 0 and thickness_cm > 0 and area_cm2 > 0):
        raise InputError(
            "electronic conductivity",
            "Iss_A, delta_V, thickness_cm, area_cm2",
            "positive values",
            (Iss_A, delta_V, thickness_cm, area_cm2),
        )
    return Iss_A * thickness_cm / (delta_V * area_cm2)


def ionic_transference_from_conductivities(sigma_ion_S_per_cm: float, sigma_e_S_per_cm: float) -> float:
    """Ionic transference number t_ion = sigma_ion / (sigma_ion + sigma_e) (the ionic share of the total
    conductivity; cf. seed 004 Eq.4, t = mu+/(mu+ + mu-), for two carriers)."""
    if not (sigma_ion_S_per_cm >= 0 and sigma_e_S_per_cm >= 0 and sigma_ion_S_per_cm + sigma_e_S_per_cm > 0):
        raise InputError(
            "ionic transference",
            "sigma_ion_S_per_cm, sigma_e_S_per_cm",
            "non-negative conductivities, not both zero",
            (sigma_ion_S_per_cm, sigma_e_S_per_cm),
        )
    return sigma_ion_S_per_cm / (sigma_ion_S_per_cm + sigma_e_S_per_cm)
