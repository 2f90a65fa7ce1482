"""Symmetric Na | electrolyte | Na cells: half-cycles, overpotential, ASR, short circuits, critical current.

Inputs are plain arrays: time_s, voltage_V (cell voltage, working minus counter electrode), current_A and,
optionally, the cycler's step and cycle indices. Sign convention (EC-Lab and most cyclers): I > 0 is anodic
at the working electrode, i.e. Na is stripped from the working electrode and plated on the counter
electrode; I < 0 is the reverse. In a symmetric cell each half-cycle strips one electrode and plates the
other, so an asymmetry between anodic and cathodic half-cycles is an asymmetry between the two electrodes.
The overpotential is |V - ocv_V| (a symmetric cell has an open-circuit voltage of zero; pass ocv_V to
remove an offset).

ASR = R_int x S, halved for a symmetric cell because the current crosses two Na | electrolyte
interfaces (seed 002 Eq. 8). Stripping-induced voids raise the overpotential during stripping
(Kasemchainan et al., Nat. Mater. 18, 1105 (2019); Spencer Jolly et al., ACS Appl. Mater. Interfaces 12,
678 (2020) for Na | beta''-alumina); a dendrite that crosses the electrolyte short-circuits the cell and
the polarisation collapses to the ohmic drop of the metallic path, often preceded by telegraph-like
voltage noise (soft shorts). The critical current density is measured with a stepped current ramp
(Kasemchainan 2019; Sharafi et al., J. Power Sources 302, 135 (2016)).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from nassb.core.errors import InputError

ANODIC = "anodic"
CATHODIC = "cathodic"


def _jsonable(value: Any) -> Any:
    """Tuples to lists, numpy scalars to Python numbers, NaN and inf to None."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


@dataclass(frozen=True)
class ShortCriteria:
    """Thresholds of the short-circuit test (`detect_short`); every field is reported with the result.

    Collapse: the apparent resistance |V - ocv| / |I| falls below `collapse_fraction` x a reference, stays
    below for `hold_points` points (or to the end of the record, at least 3 points) and its median over the
    rest of that half-cycle is below too. The reference is the lower of the median over the previous
    `reference_points` constant-current points and the lowest plateau |V|/|I| of the earlier half-cycles,
    so a polarisation that falls back to its earlier level (voids refilled when the current reverses) is
    not a short.
    Resistance (only when `short_resistance_ohm` is given): |V - ocv| / |I| below that value, same hold.
    Noise (soft short): the standard deviation of the point-to-point voltage change (divided by |I|) over
    `noise_window_points` exceeds `noise_factor` x its earlier median for `noise_window_points` points while
    the mean apparent resistance drops by at least `min_drop_fraction`; the first `settle_fraction` of each
    half-cycle (nucleation spike, RC charging) is left out of the noise test.
    """

    collapse_fraction: float = 0.25
    hold_points: int = 10
    reference_points: int = 30
    short_resistance_ohm: float | None = None
    noise_factor: float = 4.0
    noise_window_points: int = 20
    min_drop_fraction: float = 0.1
    settle_fraction: float = 0.1

    def __post_init__(self) -> None:
        for name in ("collapse_fraction", "min_drop_fraction", "settle_fraction"):
            if not 0 < getattr(self, name) < 1:
                raise InputError("short criteria", name, "a fraction between 0 and 1", getattr(self, name))
        for name in ("hold_points", "reference_points", "noise_window_points"):
            if int(getattr(self, name)) != getattr(self, name) or getattr(self, name) < 2:
                raise InputError("short criteria", name, "a whole number of points, at least 2", getattr(self, name))
        if not self.noise_factor > 1:
            raise InputError("short criteria", "noise_factor", "a factor above 1", self.noise_factor)
        if self.short_resistance_ohm is not None and not self.short_resistance_ohm > 0:
            raise InputError("short criteria", "short_resistance_ohm", "a positive resistance in Ohm", self.short_resistance_ohm)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class HalfCycle:
    """One constant-current half-cycle (rows start_row to stop_row - 1 of the input arrays).

    `end_time_s` is the time of the first sample after the half-cycle (when the current changed; the last
    sample of the record for the last half-cycle); the capacity holds each sample's current until the next
    sample. Overpotentials are |V - ocv|: plateau = median over the fraction `plateau_window` of the
    half-cycle's duration, peak = maximum (nucleation or void spike), final = median over its last 5 %;
    rise_fraction = (median over the last 10 % - median over 40-60 %) / the latter (large when the voltage
    reaches no plateau). current_A is the signed median current, direction its sign (anodic: I > 0);
    current density and capacities are magnitudes. `current_density_mA_per_cm2`, `areal_capacity_mAh_per_cm2` and `asr_cell_ohm_cm2` (= plateau / |I| x
    area, both interfaces and the electrolyte together) are None without an area. `contains_short` marks
    a half-cycle cut at a short's onset (its statistics cover the time before it), `after_short` one
    that started after it.
    """

    index: int
    cycle: int
    direction: str
    start_row: int
    stop_row: int
    start_time_s: float
    end_time_s: float
    current_A: float
    current_density_mA_per_cm2: float | None
    capacity_mAh: float
    areal_capacity_mAh_per_cm2: float | None
    plateau_overpotential_V: float
    peak_overpotential_V: float
    peak_time_s: float
    final_overpotential_V: float
    rise_fraction: float
    R_apparent_ohm: float
    asr_cell_ohm_cm2: float | None
    plateau_window: tuple[float, float]
    contains_short: bool = False
    after_short: bool = False

    @property
    def mid_time_s(self) -> float:
        return 0.5 * (self.start_time_s + self.end_time_s)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class ShortCircuit:
    """The outcome of the short-circuit test; `criterion` is "collapse", "resistance", "noise" or None.

    `resistance_before_ohm` is the reference apparent resistance before the onset and
    `resistance_after_ohm` the median over the hold window after it; `noise_ratio` is the rise of the
    high-frequency noise at the onset (noise criterion only).
    """

    short_detected: bool
    short_time_s: float | None
    short_row: int | None
    half_cycle_index: int | None
    criterion: str | None
    description: str
    resistance_before_ohm: float | None
    resistance_after_ohm: float | None
    noise_ratio: float | None
    criteria: ShortCriteria

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class SymmetricCellAnalysis:
    """Plating/stripping analysis of a symmetric cell.

    Summary quantities use the complete half-cycles at the dominant current level (most cycling time,
    within the level tolerance) before any short; the half-cycle cut by the short only when there is no other. asymmetry_mV = anodic - cathodic median plateau overpotential.
    Growth rates are least-squares slopes of the plateau overpotential against the half-cycle's mid time
    and against its cycle number (one intercept per direction, so an asymmetry does not bias the slope),
    with standard errors. R_cell_ohm is the median apparent
    resistance of the first two such half-cycles; asr_per_interface_ohm_cm2 = (R_cell - R_bulk) x area / 2
    (seed 002 Eq. 8), or R_cell x area / 2 when R_bulk is not given (then `asr_includes_bulk` is true and
    the value is an upper bound); interfacial_share = (R_cell - R_bulk) / R_cell. stable_hours is the time
    from the first half-cycle to the start of the first one whose apparent resistance leaves
    +-stable_band_fraction of the early value, or to the short, whichever is first; `stable_until_end`
    marks a lower bound (neither happened).
    """

    half_cycles: tuple[HalfCycle, ...]
    area_cm2: float | None
    R_bulk_ohm: float | None
    level_current_A: float | None
    level_current_density_mA_per_cm2: float | None
    anodic_plateau_V: float | None
    cathodic_plateau_V: float | None
    asymmetry_mV: float | None
    asymmetry_ratio: float | None
    growth_mV_per_h: float | None
    growth_mV_per_h_stderr: float | None
    growth_mV_per_cycle: float | None
    growth_mV_per_cycle_stderr: float | None
    R_cell_ohm: float | None
    asr_cell_ohm_cm2: float | None
    asr_per_interface_ohm_cm2: float | None
    asr_includes_bulk: bool
    ohmic_drop_V: float | None
    interfacial_share: float | None
    stable_hours: float | None
    stable_band_fraction: float
    stable_until_end: bool
    stability_limit: str | None
    short: ShortCircuit

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class CurrentStep:
    """One current-density step of a CCD ramp: its half-cycles share |j| within the level tolerance.

    overpotential_mV is the median plateau overpotential of its half-cycles (before a short), peak the
    largest |V - ocv|, rise_fraction the largest growth of |V - ocv| from mid half-cycle to its end.
    """

    index: int
    current_mA_per_cm2: float
    overpotential_mV: float | None
    peak_overpotential_mV: float | None
    start_time_s: float
    end_time_s: float
    n_half_cycles: int
    areal_capacity_mAh_per_cm2: float
    rise_fraction: float
    failed: bool

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class CriticalCurrentDensity:
    """CCD from a stepped current ramp: the current density of the step in which the cell fails.

    Failure is the short (`detect_short`), or, when asked for, |V - ocv| reaching `voltage_limit_V` or the
    overpotential diverging (rise_fraction above `divergence_fraction`: no plateau). Without a failure
    `ccd_mA_per_cm2` is the last step and `ccd_lower_bound` is true (CCD > last step). `steps` stop at the
    failing step; `short_detected` covers the whole record (also a short after an earlier failure). The
    ohmic check fits overpotential = intercept + slope x j over the steps before the failure (two steps
    give no standard error): asr_cell_ohm_cm2 = slope, asr_per_interface_ohm_cm2 = (slope - R_bulk x area) / 2 (seed 002
    Eq. 8; upper bound including the bulk when R_bulk is not given).
    """

    ccd_mA_per_cm2: float | None
    ccd_lower_bound: bool
    criterion: str
    short_detected: bool
    short_time_s: float | None
    failure_time_s: float | None
    last_stable_mA_per_cm2: float | None
    steps: tuple[CurrentStep, ...]
    asr_cell_ohm_cm2: float | None
    asr_per_interface_ohm_cm2: float | None
    asr_includes_bulk: bool
    intercept_mV: float | None
    r_squared: float | None
    short: ShortCircuit
    area_cm2: float
    voltage_limit_V: float | None = None
    divergence_fraction: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _arrays(time_s, voltage_V, current_A, step, cycle, source: str):
    t = np.asarray(time_s, dtype=float)
    v = np.asarray(voltage_V, dtype=float)
    i = np.asarray(current_A, dtype=float)
    if t.ndim != 1 or v.shape != t.shape or i.shape != t.shape:
        raise InputError(source, "time_s/voltage_V/current_A", "three 1-D arrays of one length", f"{t.shape}, {v.shape}, {i.shape}")
    if t.size < 3:
        raise InputError(source, "time_s", "at least 3 points", t.size)
    for name, values in (("time_s", t), ("voltage_V", v), ("current_A", i)):
        bad = ~np.isfinite(values)
        if bad.any():
            raise InputError(source, f"{name} (row {int(np.flatnonzero(bad)[0])})", "finite numbers", "NaN or inf")
    if (np.diff(t) < 0).any():
        row = int(np.flatnonzero(np.diff(t) < 0)[0]) + 1
        raise InputError(source, f"time_s (row {row})", "non-decreasing times", float(t[row]))
    extras = []
    for name, values in (("step", step), ("cycle", cycle)):
        if values is None:
            extras.append(None)
            continue
        values = np.asarray(values)
        if values.shape != t.shape:
            raise InputError(source, name, f"one value per point ({t.size})", values.shape)
        extras.append(values)
    return t, v, i, extras[0], extras[1]


def _check_area(area_cm2: float | None, source: str, required: bool = False) -> None:
    if area_cm2 is None:
        if required:
            raise InputError(source, "area_cm2", "the electrode area in cm2", None)
        return
    if not (math.isfinite(area_cm2) and area_cm2 > 0):
        raise InputError(source, "area_cm2", "a positive area in cm2", area_cm2)


def _runs(labels: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) ranges of constant label."""
    edges = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = np.concatenate(([0], edges))
    stops = np.concatenate((edges, [labels.size]))
    return list(zip(starts.tolist(), stops.tolist()))


def _split_levels(raw: np.ndarray, tolerance: float, min_points: int) -> list[tuple[int, int]]:
    """Split one same-sign run into constant-|I| pieces by binary segmentation (local indices).

    The split that maximises the two-sample statistic |mean_right - mean_left| / (sigma sqrt(1/k + 1/(m-k)))
    is kept when that statistic exceeds sqrt(2 ln m) + 3 (a conservative bound for the maximum over all
    split points of pure noise) and the relative level change exceeds `tolerance`; sigma is the robust
    (MAD) noise of the current from its point-to-point differences. The first and last samples of the run
    (often averaged over the switching) take no part in the search. Vostrikova, Soviet Math. Dokl. 24, 55
    (1981); Killick and Eckley, J. Stat. Softw. 58 (2014), for the method and its penalties.
    """
    n = raw.size
    edge = 1 if n > 2 * min_points + 2 else 0
    magnitude = np.abs(raw[edge:n - edge])
    differences = np.diff(magnitude)
    sigma = 1.4826 * float(np.median(np.abs(differences - np.median(differences)))) / math.sqrt(2) if differences.size else 0.0
    pieces, stack = [], [(0, magnitude.size)]
    while stack:
        a, b = stack.pop()
        m = b - a
        if m < 2 * min_points:
            pieces.append((a, b))
            continue
        total = np.cumsum(magnitude[a:b])
        k = np.arange(min_points, m - min_points + 1)
        left = total[k - 1] / k
        right = (total[-1] - total[k - 1]) / (m - k)
        contrast = np.abs(right - left) * np.sqrt(k * (m - k) / m)
        best = int(np.argmax(contrast))
        significant = contrast[best] > (math.sqrt(2 * math.log(m)) + 3) * sigma
        relative = abs(right[best] - left[best]) / max(left[best], right[best])
        if significant and relative > tolerance:
            stack.extend([(a, a + int(k[best])), (a + int(k[best]), b)])
        else:
            pieces.append((a, b))
    return [(0 if a == 0 else a + edge, n if b == magnitude.size else b + edge) for a, b in sorted(pieces)]


def _segment_rows(t, i, step, rest_current_A, level_tolerance, smooth_points, min_points) -> list[tuple[int, int]]:
    from scipy.ndimage import median_filter

    smooth = median_filter(i, size=smooth_points, mode="nearest") if smooth_points > 1 else i
    magnitude = np.abs(smooth)
    if magnitude.max() == 0:
        return []
    threshold = 0.01 * magnitude.max() if rest_current_A is None else rest_current_A
    state = np.where(magnitude > threshold, np.sign(smooth), 0.0)
    labels = state.copy()
    if step is not None:
        change = np.concatenate(([0], np.cumsum(step[1:] != step[:-1])))
        labels = state + 3.0 * change
    rows = []
    for a, b in _runs(labels):
        if state[a] == 0 or b - a < min_points:
            continue
        rows.extend((a + p, a + q) for p, q in _split_levels(i[a:b], level_tolerance, min_points))
    return rows


def _half_cycle(index, cycle, t, v, i, a, b, area_cm2, ocv_V, plateau_window, contains_short=False, after_short=False) -> HalfCycle:
    times = t[a:b]
    eta = np.abs(v[a:b] - ocv_V)
    end = float(t[b]) if b < t.size else float(times[-1])
    duration = end - float(times[0])
    fraction = (times - times[0]) / duration if duration > 0 else np.zeros(times.size)
    lo, hi = plateau_window
    middle = (fraction >= lo) & (fraction <= hi)
    plateau = float(np.median(eta[middle] if middle.any() else eta))
    tail = fraction >= 0.95
    final = float(np.median(eta[tail])) if tail.any() else float(eta[-1])
    centre = (fraction >= 0.4) & (fraction <= 0.6)
    last = fraction >= 0.9
    mid_level = float(np.median(eta[centre])) if centre.any() else plateau
    end_level = float(np.median(eta[last])) if last.any() else final
    rise = (end_level - mid_level) / mid_level if mid_level > 0 else 0.0
    held = np.diff(np.append(times, end))
    current = float(np.median(i[a:b]))
    capacity_mAh = float(np.sum(np.abs(i[a:b]) * held)) * 1e3 / 3600.0
    peak = int(np.argmax(eta))
    R_apparent = plateau / abs(current)
    return HalfCycle(
        index=index,
        cycle=cycle,
        direction=ANODIC if current > 0 else CATHODIC,
        start_row=int(a),
        stop_row=int(b),
        start_time_s=float(times[0]),
        end_time_s=end,
        current_A=current,
        current_density_mA_per_cm2=None if area_cm2 is None else abs(current) * 1e3 / area_cm2,
        capacity_mAh=capacity_mAh,
        areal_capacity_mAh_per_cm2=None if area_cm2 is None else capacity_mAh / area_cm2,
        plateau_overpotential_V=plateau,
        peak_overpotential_V=float(eta[peak]),
        peak_time_s=float(times[peak]),
        final_overpotential_V=final,
        rise_fraction=float(rise),
        R_apparent_ohm=R_apparent,
        asr_cell_ohm_cm2=None if area_cm2 is None else R_apparent * area_cm2,
        plateau_window=(float(lo), float(hi)),
        contains_short=contains_short,
        after_short=after_short,
    )


def _cycle_numbers(rows, i, cycle) -> list[int]:
    if cycle is not None:
        return [int(np.median(cycle[a:b])) for a, b in rows]
    numbers, current, first_sign, previous_sign = [], 0, None, None
    for a, b in rows:
        sign = np.sign(np.median(i[a:b]))
        if first_sign is None:
            first_sign = sign
        elif sign == first_sign and previous_sign != first_sign:
            current += 1
        numbers.append(current)
        previous_sign = sign
    return numbers


def _check_segmentation_options(source, level_tolerance, plateau_window, smooth_points) -> None:
    if not 0 < level_tolerance < 1:
        raise InputError(source, "level_tolerance", "a relative tolerance between 0 and 1", level_tolerance)
    lo, hi = plateau_window
    if not 0 <= lo < hi <= 1:
        raise InputError(source, "plateau_window", "fractions 0 <= start < end <= 1 of the half-cycle", plateau_window)
    if smooth_points < 1:
        raise InputError(source, "smooth_points", "a positive number of points", smooth_points)


def segment_half_cycles(
    time_s,
    voltage_V,
    current_A,
    *,
    area_cm2: float | None = None,
    step=None,
    cycle=None,
    ocv_V: float = 0.0,
    rest_current_A: float | None = None,
    level_tolerance: float = 0.02,
    plateau_window: tuple[float, float] = (0.2, 0.8),
    smooth_points: int = 5,
    min_points: int = 3,
    source: str = "cycling data",
) -> tuple[HalfCycle, ...]:
    """Split a plating/stripping record into constant-current half-cycles; rests are left out.

    The current is smoothed by a running median of `smooth_points` samples (measured currents are noisy);
    a point rests when |I| <= rest_current_A (default 1 % of the largest |I|). A new half-cycle starts
    where the sign changes, where the step index changes (when given) or where |I| moves to a new level
    (binary segmentation: a change above `level_tolerance` that stands out of the current's noise; no
    piece shorter than `min_points`). A measured current that really drifts between levels is split
    there: pass the set-point (control) current when the cycler records it. Cycle numbers come from `cycle` or count returns to the first
    half-cycle's sign.
    """
    t, v, i, step, cycle = _arrays(time_s, voltage_V, current_A, step, cycle, source)
    _check_area(area_cm2, source)
    _check_segmentation_options(source, level_tolerance, plateau_window, smooth_points)
    rows = _segment_rows(t, i, step, rest_current_A, level_tolerance, smooth_points, min_points)
    cycles = _cycle_numbers(rows, i, cycle)
    return tuple(_half_cycle(n, c, t, v, i, a, b, area_cm2, ocv_V, plateau_window) for n, ((a, b), c) in enumerate(zip(rows, cycles)))


def _forward_max(values: np.ndarray, window: int) -> np.ndarray:
    import pandas as pd

    return pd.Series(values[::-1]).rolling(window, min_periods=1).max().to_numpy()[::-1]


def _find_short(t: np.ndarray, v: np.ndarray, half_cycles: tuple[HalfCycle, ...], ocv_V: float, criteria: ShortCriteria) -> ShortCircuit:
    import pandas as pd

    def none(description: str) -> ShortCircuit:
        return ShortCircuit(False, None, None, None, None, description, None, None, None, criteria)

    if not half_cycles:
        return none("no constant-current half-cycle")
    rows = np.concatenate([np.arange(h.start_row, h.stop_row) for h in half_cycles])
    owner = np.concatenate([np.full(h.stop_row - h.start_row, n) for n, h in enumerate(half_cycles)])
    level = np.abs(np.array([h.current_A for h in half_cycles]))[owner]
    eta = np.abs(v[rows] - ocv_V)
    resistance = eta / level
    n = rows.size
    hold = criteria.hold_points
    remaining = np.minimum(hold, n - np.arange(n))
    held_long_enough = remaining >= min(hold, 3)
    hc_end_position = np.cumsum([h.stop_row - h.start_row for h in half_cycles])[owner]
    trailing = pd.Series(resistance).rolling(criteria.reference_points, min_periods=5).median().shift(1).to_numpy()
    best_before = np.minimum.accumulate(np.r_[np.inf, [h.R_apparent_ohm for h in half_cycles]])[:-1][owner]
    reference = np.fmin(trailing, best_before)
    reference[~np.isfinite(reference)] = np.nan
    forward_max = _forward_max(resistance, hold)
    found: list[tuple[int, str, float, float | None, str]] = []

    def persistent(candidates: np.ndarray, threshold: np.ndarray) -> int | None:
        for k in np.flatnonzero(candidates):
            if np.median(resistance[k:hc_end_position[k]]) < threshold[k]:
                return int(k)
        return None

    threshold = criteria.collapse_fraction * reference
    with np.errstate(invalid="ignore"):
        collapse = (resistance < threshold) & (forward_max < threshold) & held_long_enough
    k = persistent(collapse, threshold)
    if k is not None:
        found.append((k, "collapse", float(reference[k]), None,
                      f"|V|/|I| fell below {criteria.collapse_fraction:g} x its reference "
                      f"({reference[k]:.4g} Ohm) and stayed there while current flowed"))
    if criteria.short_resistance_ohm is not None:
        limit = np.full(n, float(criteria.short_resistance_ohm))
        k = persistent((resistance < limit) & (forward_max < limit) & held_long_enough, limit)
        if k is not None:
            found.append((k, "resistance", float(reference[k]) if np.isfinite(reference[k]) else math.nan, None,
                          f"|V|/|I| below {criteria.short_resistance_ohm:g} Ohm while current flowed"))
    noisy = _noise_onset(t, v, rows, owner, half_cycles, resistance, reference, level, ocv_V, criteria)
    if noisy is not None:
        k, ratio = noisy
        found.append((k, "noise", float(reference[k]), ratio,
                      f"high-frequency voltage noise rose {ratio:.3g}-fold (threshold {criteria.noise_factor:g}) "
                      f"while |V|/|I| dropped by at least {criteria.min_drop_fraction:g}"))
    if not found:
        return none("no collapse of the polarisation and no rise of the voltage noise during constant current")
    k, criterion, before, ratio, description = min(found, key=lambda item: item[0])
    after = float(np.median(resistance[k:k + (criteria.noise_window_points if criterion == "noise" else hold)]))
    return ShortCircuit(True, float(t[rows[k]]), int(rows[k]), int(owner[k]), criterion, description, before, after, ratio, criteria)


def _noise_onset(t, v, rows, owner, half_cycles, resistance, reference, level, ocv_V, criteria) -> tuple[int, float] | None:
    """Onset (position in the constant-current sequence) of a sustained rise of the voltage noise."""
    import pandas as pd

    window = criteria.noise_window_points
    n = rows.size
    if n < 3 * window:
        return None
    starts = np.array([h.start_time_s for h in half_cycles])[owner]
    ends = np.array([h.end_time_s for h in half_cycles])[owner]
    times = t[rows]
    settled = times >= starts + criteria.settle_fraction * (ends - starts)
    same = np.concatenate(([False], owner[1:] == owner[:-1]))
    change = np.full(n, np.nan)
    signed = v[rows] - ocv_V
    ok = same & settled
    change[1:][ok[1:]] = (signed[1:] - signed[:-1])[ok[1:]] / level[1:][ok[1:]]
    series = pd.Series(change)
    noise = series.rolling(window, min_periods=window // 2).std().to_numpy()
    baseline = pd.Series(noise).rolling(5 * window, min_periods=window).median().shift(window).to_numpy()
    floor = 1e-4 * np.nan_to_num(reference, nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = noise / np.maximum(baseline, floor)
        elevated = ratio > criteria.noise_factor
    forward_min = -_forward_max(-np.where(elevated, 1.0, 0.0), window)
    mean_ahead = pd.Series(resistance[::-1]).rolling(window, min_periods=window).mean().to_numpy()[::-1]
    before = np.concatenate((np.full(window, np.nan), reference[:-window])) if n > window else np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        candidates = elevated & (forward_min > 0.5) & (mean_ahead < (1 - criteria.min_drop_fraction) * before)
    hits = np.flatnonzero(candidates)
    if hits.size == 0:
        return None
    k = int(hits[0])
    first = max(k - window + 1, 0)
    jumps = np.flatnonzero(np.abs(change[first:k + 1]) > criteria.noise_factor * baseline[k])
    return (first + int(jumps[0]) if jumps.size else k), float(ratio[k])


def detect_short(
    time_s,
    voltage_V,
    current_A,
    *,
    step=None,
    ocv_V: float = 0.0,
    criteria: ShortCriteria = ShortCriteria(),
    rest_current_A: float | None = None,
    level_tolerance: float = 0.02,
    source: str = "cycling data",
) -> ShortCircuit:
    """Test a constant-current record for an internal short circuit (criteria in `ShortCriteria`).

    A hard short is a sudden collapse of the polarisation while current flows (the current takes a
    metallic path through a dendrite); a soft short shows first as telegraph-like voltage noise with a
    partial drop of the polarisation. A gradual fall of the overpotential (an interface that improves)
    and stationary noise are not shorts. The earliest onset of the criteria is reported.
    """
    t, v, i, step, _ = _arrays(time_s, voltage_V, current_A, step, None, source)
    half_cycles = segment_half_cycles(t, v, i, step=step, ocv_V=ocv_V, rest_current_A=rest_current_A, level_tolerance=level_tolerance, source=source)
    return _find_short(t, v, half_cycles, ocv_V, criteria)


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float] | None:
    """Ordinary least squares y = a + b x: (b, stderr of b, a, r^2); stderr is NaN for two points."""
    if x.size < 2 or np.ptp(x) == 0:
        return None
    xm, ym = x.mean(), y.mean()
    sxx = float(np.sum((x - xm) ** 2))
    slope = float(np.sum((x - xm) * (y - ym)) / sxx)
    intercept = float(ym - slope * xm)
    residual = y - intercept - slope * x
    stderr = math.sqrt(float(np.sum(residual**2)) / (x.size - 2) / sxx) if x.size > 2 else math.nan
    total = float(np.sum((y - ym) ** 2))
    r_squared = 1.0 - float(np.sum(residual**2)) / total if total > 0 else 1.0
    return slope, stderr, intercept, r_squared


def _common_slope(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple[float, float] | None:
    """Least squares y = a_group + b x (one intercept per direction, one slope): (b, stderr of b)."""
    labels = np.unique(groups)
    design = np.column_stack([x] + [(groups == label).astype(float) for label in labels])
    dof = x.size - design.shape[1]
    if dof < 1 or np.ptp(x) == 0:
        return None
    coefficients, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    if rank < design.shape[1]:
        return None
    residual = y - design @ coefficients
    covariance = float(np.sum(residual**2)) / dof * np.linalg.inv(design.T @ design)
    return float(coefficients[0]), math.sqrt(max(float(covariance[0, 0]), 0.0))


def _truncate_at_short(half_cycles, short: ShortCircuit, t, v, i, area_cm2, ocv_V, plateau_window) -> tuple[HalfCycle, ...]:
    if not short.short_detected:
        return half_cycles
    result = []
    for h in half_cycles:
        if h.start_row >= short.short_row:
            result.append(replace(h, after_short=True))
        elif h.stop_row > short.short_row:
            if short.short_row - h.start_row >= 3:
                result.append(_half_cycle(h.index, h.cycle, t, v, i, h.start_row, short.short_row, area_cm2, ocv_V, plateau_window, contains_short=True))
            else:
                result.append(replace(h, contains_short=True))
        else:
            result.append(h)
    return tuple(result)


def _before_short(h: HalfCycle, short: ShortCircuit) -> bool:
    """True for a half-cycle whose statistics describe the cell before any short (at least 3 points)."""
    if h.after_short or h.stop_row - h.start_row < 3:
        return False
    return not h.contains_short or h.stop_row <= short.short_row


def _dominant_level(half_cycles: list[HalfCycle], tolerance: float) -> float | None:
    """The |I| level (within the tolerance) that holds the most cycling time."""
    if not half_cycles:
        return None
    levels = np.abs(np.array([h.current_A for h in half_cycles]))
    durations = np.array([h.end_time_s - h.start_time_s for h in half_cycles])
    close = np.abs(levels[:, None] - levels[None, :]) <= tolerance * levels[:, None]
    best = int(np.argmax(close.astype(float) @ durations))
    return float(np.median(levels[close[best]]))


def analyse_symmetric_cell(
    time_s,
    voltage_V,
    current_A,
    *,
    area_cm2: float | None = None,
    R_bulk_ohm: float | None = None,
    step=None,
    cycle=None,
    ocv_V: float = 0.0,
    stable_band_fraction: float = 0.2,
    criteria: ShortCriteria = ShortCriteria(),
    rest_current_A: float | None = None,
    level_tolerance: float = 0.02,
    plateau_window: tuple[float, float] = (0.2, 0.8),
    source: str = "cycling data",
) -> SymmetricCellAnalysis:
    """Half-cycles, polarisation asymmetry, overpotential growth, ASR (halved: seed 002 Eq. 8),
    interfacial share against I x R_bulk, hours of stable cycling and the short-circuit test."""
    t, v, i, step, cycle = _arrays(time_s, voltage_V, current_A, step, cycle, source)
    _check_area(area_cm2, source)
    if R_bulk_ohm is not None and not (math.isfinite(R_bulk_ohm) and R_bulk_ohm >= 0):
        raise InputError(source, "R_bulk_ohm", "a non-negative resistance in Ohm", R_bulk_ohm)
    if not 0 < stable_band_fraction:
        raise InputError(source, "stable_band_fraction", "a positive fraction", stable_band_fraction)
    half_cycles = segment_half_cycles(t, v, i, area_cm2=area_cm2, step=step, cycle=cycle, ocv_V=ocv_V, rest_current_A=rest_current_A,
                                      level_tolerance=level_tolerance, plateau_window=plateau_window, source=source)
    short = _find_short(t, v, half_cycles, ocv_V, criteria)
    half_cycles = _truncate_at_short(half_cycles, short, t, v, i, area_cm2, ocv_V, plateau_window)
    usable = [h for h in half_cycles if _before_short(h, short)]
    if any(not h.contains_short for h in usable):
        usable = [h for h in usable if not h.contains_short]
    level = _dominant_level(usable, level_tolerance)
    used = [h for h in usable if level is not None and abs(abs(h.current_A) - level) <= level_tolerance * level]

    def median_plateau(direction: str) -> float | None:
        values = [h.plateau_overpotential_V for h in used if h.direction == direction]
        return float(np.median(values)) if values else None

    anodic, cathodic = median_plateau(ANODIC), median_plateau(CATHODIC)
    asymmetry = None if anodic is None or cathodic is None else (anodic - cathodic) * 1e3
    ratio = None if asymmetry is None or cathodic == 0 else anodic / cathodic
    plateau_mV = np.array([h.plateau_overpotential_V for h in used]) * 1e3
    directions = np.array([h.direction for h in used])
    by_time = _common_slope(np.array([h.mid_time_s for h in used]) / 3600.0, plateau_mV, directions)
    by_cycle = _common_slope(np.array([h.cycle for h in used], dtype=float), plateau_mV, directions)

    R_cell = asr_cell = asr_interface = ohmic_drop = share = None
    if used:
        R_cell = float(np.median([h.R_apparent_ohm for h in used[:2]]))
        if R_bulk_ohm is not None:
            if R_bulk_ohm > R_cell:
                raise InputError(source, "R_bulk_ohm", f"at most the cell's apparent resistance |V|/|I| = {R_cell:.4g} Ohm", R_bulk_ohm)
            ohmic_drop = level * R_bulk_ohm
            share = (R_cell - R_bulk_ohm) / R_cell
        if area_cm2 is not None:
            asr_cell = R_cell * area_cm2
            asr_interface = (R_cell - (R_bulk_ohm or 0.0)) * area_cm2 / 2.0

    stable_hours, until_end, limit = None, False, None
    if used:
        early = R_cell
        start = half_cycles[0].start_time_s
        leaving = [h for h in used if abs(h.R_apparent_ohm - early) > stable_band_fraction * early]
        stop_band = leaving[0].start_time_s if leaving else None
        stop_short = short.short_time_s
        candidates = [(s, name) for s, name in ((stop_band, "band"), (stop_short, "short")) if s is not None]
        if candidates:
            stop, limit = min(candidates)
        else:
            stop, until_end = max(h.end_time_s for h in half_cycles), True
        stable_hours = (stop - start) / 3600.0
    return SymmetricCellAnalysis(
        half_cycles=half_cycles,
        area_cm2=area_cm2,
        R_bulk_ohm=R_bulk_ohm,
        level_current_A=level,
        level_current_density_mA_per_cm2=None if level is None or area_cm2 is None else level * 1e3 / area_cm2,
        anodic_plateau_V=anodic,
        cathodic_plateau_V=cathodic,
        asymmetry_mV=asymmetry,
        asymmetry_ratio=ratio,
        growth_mV_per_h=None if by_time is None else by_time[0],
        growth_mV_per_h_stderr=None if by_time is None else by_time[1],
        growth_mV_per_cycle=None if by_cycle is None else by_cycle[0],
        growth_mV_per_cycle_stderr=None if by_cycle is None else by_cycle[1],
        R_cell_ohm=R_cell,
        asr_cell_ohm_cm2=asr_cell,
        asr_per_interface_ohm_cm2=asr_interface,
        asr_includes_bulk=R_bulk_ohm is None,
        ohmic_drop_V=ohmic_drop,
        interfacial_share=share,
        stable_hours=stable_hours,
        stable_band_fraction=stable_band_fraction,
        stable_until_end=until_end,
        stability_limit=limit,
        short=short,
    )


def critical_current_density(
    time_s,
    voltage_V,
    current_A,
    area_cm2: float,
    *,
    R_bulk_ohm: float | None = None,
    step=None,
    ocv_V: float = 0.0,
    voltage_limit_V: float | None = None,
    divergence_fraction: float | None = None,
    criteria: ShortCriteria = ShortCriteria(),
    rest_current_A: float | None = None,
    level_tolerance: float = 0.02,
    plateau_window: tuple[float, float] = (0.2, 0.8),
    source: str = "cycling data",
) -> CriticalCurrentDensity:
    """Critical current density from a stepped current ramp (increasing |j| steps of plating/stripping).

    CCD is the current density of the step in which the cell first fails: the short (`detect_short`),
    or, when given, |V - ocv| >= voltage_limit_V or an overpotential that does not reach a plateau
    (rise_fraction > divergence_fraction). Without a failure the CCD is a lower bound (> last step).
    """
    t, v, i, step, _ = _arrays(time_s, voltage_V, current_A, step, None, source)
    _check_area(area_cm2, source, required=True)
    if voltage_limit_V is not None and not voltage_limit_V > 0:
        raise InputError(source, "voltage_limit_V", "a positive voltage", voltage_limit_V)
    half_cycles = segment_half_cycles(t, v, i, area_cm2=area_cm2, step=step, ocv_V=ocv_V, rest_current_A=rest_current_A,
                                      level_tolerance=level_tolerance, plateau_window=plateau_window, source=source)
    if not half_cycles:
        raise InputError(source, "current_A", "constant-current steps (no current flows)", None)
    short = _find_short(t, v, half_cycles, ocv_V, criteria)
    half_cycles = _truncate_at_short(half_cycles, short, t, v, i, area_cm2, ocv_V, plateau_window)

    groups: list[list[HalfCycle]] = [[half_cycles[0]]]
    for h in half_cycles[1:]:
        reference = abs(groups[-1][0].current_A)
        if abs(abs(h.current_A) - reference) <= level_tolerance * reference:
            groups[-1].append(h)
        else:
            groups.append([h])

    steps, failure = [], None
    for n, group in enumerate(groups):
        valid = [h for h in group if _before_short(h, short)]
        events = []
        if short.half_cycle_index in [h.index for h in group]:
            events.append((short.short_time_s, f"short ({short.criterion}): {short.description}"))
        if voltage_limit_V is not None:
            for h in group:
                rows = np.arange(h.start_row, h.stop_row)
                hit = np.flatnonzero(np.abs(v[rows] - ocv_V) >= voltage_limit_V)
                if hit.size:
                    events.append((float(t[rows[hit[0]]]), f"voltage limit: |V| reached {voltage_limit_V:g} V"))
                    break
        if divergence_fraction is not None:
            for h in valid:
                if h.rise_fraction > divergence_fraction:
                    events.append((h.end_time_s, f"divergence: overpotential rose by {h.rise_fraction:.3g} (> {divergence_fraction:g}) "
                                                 "from mid half-cycle to its end, no plateau"))
                    break
        steps.append(CurrentStep(
            index=n,
            current_mA_per_cm2=float(np.median([abs(h.current_A) for h in group])) * 1e3 / area_cm2,
            overpotential_mV=float(np.median([h.plateau_overpotential_V for h in valid])) * 1e3 if valid else None,
            peak_overpotential_mV=max(h.peak_overpotential_V for h in valid) * 1e3 if valid else None,
            start_time_s=group[0].start_time_s,
            end_time_s=group[-1].end_time_s,
            n_half_cycles=len(group),
            areal_capacity_mAh_per_cm2=float(np.median([h.areal_capacity_mAh_per_cm2 for h in group])),
            rise_fraction=max((h.rise_fraction for h in valid), default=0.0),
            failed=bool(events),
        ))
        if events:
            failure = min(events, key=lambda e: e[0])
            break

    fit_steps = [s for s in steps if not s.failed and s.overpotential_mV is not None]
    fit = _line_fit(np.array([s.current_mA_per_cm2 for s in fit_steps]), np.array([s.overpotential_mV for s in fit_steps]))
    asr_cell = asr_interface = intercept = r_squared = None
    if fit is not None:
        asr_cell = fit[0]
        intercept, r_squared = fit[2], fit[3]
        asr_interface = (asr_cell - (R_bulk_ohm or 0.0) * area_cm2) / 2.0

    if failure is None:
        last_stable = steps[-1].current_mA_per_cm2
    else:
        last_stable = steps[-2].current_mA_per_cm2 if len(steps) > 1 else None
    return CriticalCurrentDensity(
        ccd_mA_per_cm2=steps[-1].current_mA_per_cm2,
        ccd_lower_bound=failure is None,
        criterion=failure[1] if failure else f"no failure up to the last step: CCD > {steps[-1].current_mA_per_cm2:.4g} mA/cm2 (lower bound)",
        short_detected=short.short_detected,
        short_time_s=short.short_time_s,
        failure_time_s=failure[0] if failure else None,
        last_stable_mA_per_cm2=last_stable,
        steps=tuple(steps),
        asr_cell_ohm_cm2=asr_cell,
        asr_per_interface_ohm_cm2=asr_interface,
        asr_includes_bulk=R_bulk_ohm is None,
        intercept_mV=intercept,
        r_squared=r_squared,
        short=short,
        area_cm2=area_cm2,
        voltage_limit_V=voltage_limit_V,
        divergence_fraction=divergence_fraction,
    )
