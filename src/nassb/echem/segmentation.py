"""Constant-current records cut into half-cycles: the checks on their arrays, the runs of one current sign that
the full-cell and the symmetric-cell analyses share, and the statistics of one half-cycle.

Inputs are plain arrays: time_s, voltage_V (cell voltage, working minus counter electrode), current_A and,
optionally, the cycler's step and cycle indices. Rows count from 0 (the first sample is row 0) in every error
message and in the half-cycles' start_row and stop_row. Sign convention (EC-Lab and most cyclers): I > 0 is
anodic at the working electrode (charge of a full cell), I < 0 is the reverse. The overpotential is
|V - ocv_V| (a symmetric cell has an open-circuit voltage of zero; pass ocv_V to remove an offset).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.errors import InputError

ANODIC = "anodic"
CATHODIC = "cathodic"


def jsonable(value: Any) -> Any:
    """Tuples to lists, numpy scalars to Python numbers, NaN and inf to None."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


@dataclass(frozen=True)
class HalfCycle:
    """One constant-current half-cycle (rows start_row to stop_row - 1 of the input arrays).

    `end_time_s` is the time of the first sample after the half-cycle (when the current changed; the last
    sample of the record for the last half-cycle); the capacity holds each sample's current until the next
    sample. Overpotentials are |V - ocv|: plateau = median over the fraction `plateau_window` of the
    half-cycle's duration, peak = maximum (nucleation or void spike), final = median over its last 5 %;
    rise_fraction = (median over the last 10 % - median over 40-60 %) / the latter (large when the voltage
    reaches no plateau). current_A is the signed median current, direction its sign (anodic: I > 0);
    current density and capacities are magnitudes. `current_density_mA_per_cm2`, `areal_capacity_mAh_per_cm2` and
    `asr_cell_ohm_cm2` (= plateau / |I| x
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
        return jsonable(asdict(self))


REST_FRACTION = 0.01
"""Default rest level: a point rests when |I| <= this fraction of the largest |I| of the record."""


def check_cycling_arrays(time_s, voltage_V, current_A, source: str, *, min_points: int = 2, step=None, cycle=None):
    """(time_s, voltage_V, current_A) as float arrays and (step, cycle) as arrays or None, after checking them:
    three 1-D arrays of equal length, at least `min_points` finite samples, non-decreasing time, and one
    step and cycle value per sample. An error names its row counted from 0 (the first sample is row 0)."""
    arrays = [np.asarray(a, dtype=float) for a in (time_s, voltage_V, current_A)]
    if any(a.ndim != 1 or a.shape != arrays[0].shape for a in arrays):
        raise InputError(
            source, "time_s/voltage_V/current_A", "three 1-D arrays of equal length", [a.shape for a in arrays]
        )
    if arrays[0].size < min_points:
        raise InputError(source, "time_s", f"at least {min_points} points", arrays[0].size)
    for name, values in zip(("time_s", "voltage_V", "current_A"), arrays):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InputError(source, f"{name} (row {bad[0]})", "a finite number", float(values[bad[0]]))
    backwards = np.flatnonzero(np.diff(arrays[0]) < 0)
    if backwards.size:
        row = int(backwards[0]) + 1
        raise InputError(source, f"time_s (row {row})", "non-decreasing time", float(arrays[0][row]))
    extras = []
    for name, values in (("step", step), ("cycle", cycle)):
        if values is not None:
            values = np.asarray(values)
            if values.shape != arrays[0].shape:
                raise InputError(source, name, f"one value per point ({arrays[0].size})", values.shape)
        extras.append(values)
    return (*arrays, *extras)


def current_direction(current_A, rest_current_A: float | None = None) -> np.ndarray:
    """+1 (I > 0), -1 (I < 0) or 0 (rest: |I| <= rest_current_A, default REST_FRACTION x the largest |I|) per point."""
    current = np.asarray(current_A, dtype=float)
    if rest_current_A is not None:
        threshold = rest_current_A
    else:
        threshold = REST_FRACTION * float(np.max(np.abs(current), initial=0.0))
    return np.where(current > threshold, 1, np.where(current < -threshold, -1, 0))


def half_cycle_runs(current_A, *, rest_current_A: float | None = None, step=None) -> list[tuple[int, int, int]]:
    """The half-cycles of a record as (start_row, stop_row, direction): runs of one current direction
    (`current_direction`), also cut where the step index changes when it is given; rests are left out."""
    direction = current_direction(current_A, rest_current_A)
    labels = direction if step is None else direction + 3 * np.concatenate(([0], np.cumsum(step[1:] != step[:-1])))
    return [(a, b, int(direction[a])) for a, b in _runs(labels) if direction[a] != 0]


@dataclass(frozen=True)
class SegmentationOptions:
    """The options of `segment_half_cycles` that shape the half-cycles' statistics: the open-circuit voltage
    ocv_V (V), the rest threshold rest_current_A (A; None: REST_FRACTION x the largest |I|), the relative
    level_tolerance of one current level and the plateau_window (fractions of a half-cycle's duration)."""

    ocv_V: float = 0.0
    rest_current_A: float | None = None
    level_tolerance: float = 0.02
    plateau_window: tuple[float, float] = (0.2, 0.8)

    def settings(self) -> dict[str, Any]:
        """The options as a result records them."""
        return {
            "ocv_V": self.ocv_V,
            "rest_current_A": self.rest_current_A,
            "level_tolerance": self.level_tolerance,
            "plateau_window": list(self.plateau_window),
        }


def check_area(area_cm2: float | None, source: str, required: bool = False) -> None:
    if area_cm2 is None:
        if required:
            raise InputError(source, "area_cm2", "the electrode area in cm2", None)
        return
    if not (math.isfinite(area_cm2) and area_cm2 > 0):
        raise InputError(source, "area_cm2", "a positive area in cm2", area_cm2)


def _runs(labels: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) ranges of constant label."""
    if labels.size == 0:
        return []
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
    magnitude = np.abs(raw[edge : n - edge])
    differences = np.diff(magnitude)
    sigma = (
        1.4826 * float(np.median(np.abs(differences - np.median(differences)))) / math.sqrt(2)
        if differences.size
        else 0.0
    )
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
        if significant and relative > tolerance and _is_step(magnitude[a:b], int(k[best]), min_points):
            stack.extend([(a, a + int(k[best])), (a + int(k[best]), b)])
        else:
            pieces.append((a, b))
    return [(0 if a == 0 else a + edge, n if b == magnitude.size else b + edge) for a, b in sorted(pieces)]


def _is_step(magnitude: np.ndarray, split: int, min_points: int) -> bool:
    """Whether the level change at `split` is a step and not a drift: the medians of the `min_points` samples on
    either side of it differ by at least half the difference of the two pieces' means (a drift, such as the
    current wandering before a short, changes the means but not the neighbours of the split)."""
    jump = abs(
        float(np.median(magnitude[split : split + min_points]))
        - float(np.median(magnitude[split - min_points : split]))
    )
    return jump >= 0.5 * abs(float(magnitude[split:].mean()) - float(magnitude[:split].mean()))


def _constant_current_rows(i, step, rest_current_A, level_tolerance, smooth_points, min_points):
    from scipy.ndimage import median_filter

    smooth = median_filter(i, size=smooth_points, mode="nearest") if smooth_points > 1 else i
    rows = []
    for a, b, _ in half_cycle_runs(smooth, rest_current_A=rest_current_A, step=step):
        if b - a >= min_points:
            rows.extend((a + p, a + q) for p, q in _split_levels(i[a:b], level_tolerance, min_points))
    return rows


def half_cycle_from_rows(
    index, cycle, t, v, i, a, b, area_cm2, ocv_V, plateau_window, contains_short=False, after_short=False
) -> HalfCycle:
    """The statistics (`HalfCycle`) of rows a to b - 1 as one half-cycle."""
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
    piece shorter than `min_points`; a gradual drift, such as the current wandering before a short, is not a
    new level: `_is_step`). Cycle numbers come from `cycle` or count
    returns to the first
    half-cycle's sign.
    """
    t, v, i, step, cycle = check_cycling_arrays(
        time_s, voltage_V, current_A, source, min_points=3, step=step, cycle=cycle
    )
    check_area(area_cm2, source)
    _check_segmentation_options(source, level_tolerance, plateau_window, smooth_points)
    rows = _constant_current_rows(i, step, rest_current_A, level_tolerance, smooth_points, min_points)
    cycles = _cycle_numbers(rows, i, cycle)
    return tuple(
        half_cycle_from_rows(n, c, t, v, i, a, b, area_cm2, ocv_V, plateau_window)
        for n, ((a, b), c) in enumerate(zip(rows, cycles))
    )
