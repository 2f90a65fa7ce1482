"""Internal short circuits of a constant-current plating/stripping record: a collapse of the polarisation or a
rise of the voltage noise while current flows.

A dendrite that crosses the electrolyte short-circuits the cell and the polarisation collapses to the ohmic
drop of the metallic path, often preceded by telegraph-like voltage noise (soft shorts); stripping-induced
voids raise the overpotential instead (Kasemchainan et al., Nat. Mater. 18, 1105 (2019); Spencer Jolly et
al., ACS Appl. Mater. Interfaces 12, 678 (2020) for Na | beta''-alumina).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.core.quantity import computed
from nassb.core.value import Value
from nassb.echem.segmentation import (
    HalfCycle,
    SegmentationOptions,
    check_cycling_arrays,
    half_cycle_from_rows,
    jsonable,
    segment_half_cycles,
)


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
            raise InputError(
                "short criteria", "short_resistance_ohm", "a positive resistance in Ohm", self.short_resistance_ohm
            )

    def to_dict(self) -> dict[str, Any]:
        return jsonable(asdict(self))


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

    def onset(self, settings: Mapping[str, Any]) -> Value | None:
        """The onset time as a computed `Value` (None without a short), with `settings` and the criteria."""
        return computed(
            self.short_time_s,
            "s",
            f"short-circuit test ({self.criterion})",
            {**settings, "short_criteria": self.criteria.to_dict()},
        )

    def to_dict(self) -> dict[str, Any]:
        return jsonable(asdict(self))


def _forward_max(values: np.ndarray, window: int) -> np.ndarray:
    import pandas as pd

    return pd.Series(values[::-1]).rolling(window, min_periods=1).max().to_numpy()[::-1]


def _find_short(
    t: np.ndarray, v: np.ndarray, half_cycles: tuple[HalfCycle, ...], ocv_V: float, criteria: ShortCriteria
) -> ShortCircuit:
    """The short-circuit test (`ShortCriteria`) on the half-cycles of a record; the earliest onset wins."""
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
            if np.median(resistance[k : hc_end_position[k]]) < threshold[k]:
                return int(k)
        return None

    threshold = criteria.collapse_fraction * reference
    with np.errstate(invalid="ignore"):
        collapse = (resistance < threshold) & (forward_max < threshold) & held_long_enough
    k = persistent(collapse, threshold)
    if k is not None:
        found.append(
            (
                k,
                "collapse",
                float(reference[k]),
                None,
                f"|V|/|I| fell below {criteria.collapse_fraction:g} x its reference "
                f"({reference[k]:.4g} Ohm) and stayed there while current flowed",
            )
        )
    if criteria.short_resistance_ohm is not None:
        limit = np.full(n, float(criteria.short_resistance_ohm))
        k = persistent((resistance < limit) & (forward_max < limit) & held_long_enough, limit)
        if k is not None:
            found.append(
                (
                    k,
                    "resistance",
                    float(reference[k]) if np.isfinite(reference[k]) else math.nan,
                    None,
                    f"|V|/|I| below {criteria.short_resistance_ohm:g} Ohm while current flowed",
                )
            )
    noisy = _noise_onset(t, v, rows, owner, half_cycles, resistance, reference, level, ocv_V, criteria)
    if noisy is not None:
        k, ratio = noisy
        found.append(
            (
                k,
                "noise",
                float(reference[k]),
                ratio,
                f"high-frequency voltage noise rose {ratio:.3g}-fold (threshold {criteria.noise_factor:g}) "
                f"while |V|/|I| dropped by at least {criteria.min_drop_fraction:g}",
            )
        )
    if not found:
        return none("no collapse of the polarisation and no rise of the voltage noise during constant current")
    k, criterion, before, ratio, description = min(found, key=lambda item: item[0])
    after = float(np.median(resistance[k : k + (criteria.noise_window_points if criterion == "noise" else hold)]))
    return ShortCircuit(
        True, float(t[rows[k]]), int(rows[k]), int(owner[k]), criterion, description, before, after, ratio, criteria
    )


def _noise_onset(
    t, v, rows, owner, half_cycles, resistance, reference, level, ocv_V, criteria
) -> tuple[int, float] | None:
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
    jumps = np.flatnonzero(np.abs(change[first : k + 1]) > criteria.noise_factor * baseline[k])
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
    t, v, i, step, _ = check_cycling_arrays(time_s, voltage_V, current_A, source, min_points=3, step=step)
    half_cycles = segment_half_cycles(
        t, v, i, step=step, ocv_V=ocv_V, rest_current_A=rest_current_A, level_tolerance=level_tolerance, source=source
    )
    return _find_short(t, v, half_cycles, ocv_V, criteria)


def _truncate_at_short(
    half_cycles, short: ShortCircuit, t, v, i, area_cm2, ocv_V, plateau_window
) -> tuple[HalfCycle, ...]:
    """The half-cycles with the one the short cuts recomputed up to its onset and the later ones marked."""
    if not short.short_detected:
        return half_cycles
    result = []
    for h in half_cycles:
        if h.start_row >= short.short_row:
            result.append(replace(h, after_short=True))
        elif h.stop_row > short.short_row:
            if short.short_row - h.start_row >= 3:
                result.append(
                    half_cycle_from_rows(
                        h.index,
                        h.cycle,
                        t,
                        v,
                        i,
                        h.start_row,
                        short.short_row,
                        area_cm2,
                        ocv_V,
                        plateau_window,
                        contains_short=True,
                    )
                )
            else:
                result.append(replace(h, contains_short=True))
        else:
            result.append(h)
    return tuple(result)


def half_cycles_cut_at_short(
    t, v, i, *, area_cm2, step, cycle, options: SegmentationOptions, criteria: ShortCriteria, source: str
) -> tuple[tuple[HalfCycle, ...], ShortCircuit]:
    """The half-cycles of checked arrays (`segment_half_cycles` with `options`) cut at the short found in them,
    and that short: the first step of the symmetric-cell and the CCD analyses."""
    half_cycles = segment_half_cycles(
        t,
        v,
        i,
        area_cm2=area_cm2,
        step=step,
        cycle=cycle,
        ocv_V=options.ocv_V,
        rest_current_A=options.rest_current_A,
        level_tolerance=options.level_tolerance,
        plateau_window=options.plateau_window,
        source=source,
    )
    short = _find_short(t, v, half_cycles, options.ocv_V, criteria)
    cut = _truncate_at_short(half_cycles, short, t, v, i, area_cm2, options.ocv_V, options.plateau_window)
    return cut, short


def before_short(h: HalfCycle, short: ShortCircuit) -> bool:
    """True for a half-cycle whose statistics describe the cell before any short (at least 3 points)."""
    if h.after_short or h.stop_row - h.start_row < 3:
        return False
    return not h.contains_short or h.stop_row <= short.short_row
