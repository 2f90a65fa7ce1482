"""Symmetric Na | electrolyte | Na cells: plating/stripping overpotential, asymmetry, growth and ASR.

In a symmetric cell each half-cycle strips one electrode and plates the other (I > 0 strips the working
electrode), so an asymmetry between anodic and cathodic half-cycles is an asymmetry between the two
electrodes. ASR = R_int x S, halved for a symmetric cell because the current crosses two Na | electrolyte
interfaces (seed 002 Eq. 8). Half-cycles come from `nassb.echem.segmentation`, the short-circuit test from
`nassb.echem.shorts`, the critical current density from `nassb.echem.ccd`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.core.quantity import computed, quantities_dict
from nassb.core.value import Value
from nassb.echem.segmentation import (
    ANODIC,
    CATHODIC,
    HalfCycle,
    SegmentationOptions,
    check_area,
    check_cycling_arrays,
    jsonable,
)
from nassb.echem.shorts import ShortCircuit, ShortCriteria, before_short, half_cycles_cut_at_short


@dataclass(frozen=True)
class SymmetricCellAnalysis:
    """Plating/stripping analysis of a symmetric cell.

    Summary quantities use the complete half-cycles at the dominant current level (most cycling time,
    within the level tolerance) before any short; the half-cycle cut by the short only when there is no other.
    asymmetry_mV = anodic - cathodic median plateau overpotential.
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
    segmentation: dict[str, Any]

    def quantities(self) -> dict[str, Value | None]:
        """The summary numbers above and the short's onset time (short.short_time_s), with the area, R_bulk,
        current level, stability band, short criteria and segmentation options as settings."""
        settings = {
            "area_cm2": self.area_cm2,
            "R_bulk_ohm": self.R_bulk_ohm,
            "asr_includes_bulk": self.asr_includes_bulk,
            "level_current_A": self.level_current_A,
            "stable_band_fraction": self.stable_band_fraction,
            **self.segmentation,
        }
        values = {
            field: computed(
                getattr(self, field),
                unit,
                SYMMETRIC_METHOD,
                settings,
                None if stderr is None else getattr(self, stderr),
            )
            for field, unit, stderr in _QUANTITIES
        }
        values["short.short_time_s"] = self.short.onset(settings)
        return values

    def to_dict(self) -> dict[str, Any]:
        return {**jsonable(asdict(self)), "quantities": quantities_dict(self.quantities())}


SYMMETRIC_METHOD = (
    "median plateau overpotential |V - ocv| of the half-cycles at the dominant current before any "
    "short; growth by least squares with one intercept per direction; ASR halved for a symmetric "
    "cell (seed 002 Eq. 8)"
)
_QUANTITIES = (
    ("level_current_density_mA_per_cm2", "mA/cm2", None),
    ("anodic_plateau_V", "V", None),
    ("cathodic_plateau_V", "V", None),
    ("asymmetry_mV", "mV", None),
    ("asymmetry_ratio", "1", None),
    ("growth_mV_per_h", "mV/h", "growth_mV_per_h_stderr"),
    ("growth_mV_per_cycle", "mV/cycle", "growth_mV_per_cycle_stderr"),
    ("R_cell_ohm", "Ohm", None),
    ("asr_cell_ohm_cm2", "Ohm cm2", None),
    ("asr_per_interface_ohm_cm2", "Ohm cm2", None),
    ("ohmic_drop_V", "V", None),
    ("interfacial_share", "1", None),
    ("stable_hours", "h", None),
)


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
    t, v, i, step, cycle = check_cycling_arrays(
        time_s, voltage_V, current_A, source, min_points=3, step=step, cycle=cycle
    )
    check_area(area_cm2, source)
    if R_bulk_ohm is not None and not (math.isfinite(R_bulk_ohm) and R_bulk_ohm >= 0):
        raise InputError(source, "R_bulk_ohm", "a non-negative resistance in Ohm", R_bulk_ohm)
    if not 0 < stable_band_fraction:
        raise InputError(source, "stable_band_fraction", "a positive fraction", stable_band_fraction)
    options = SegmentationOptions(ocv_V, rest_current_A, level_tolerance, plateau_window)
    half_cycles, short = half_cycles_cut_at_short(
        t, v, i, area_cm2=area_cm2, step=step, cycle=cycle, options=options, criteria=criteria, source=source
    )
    usable = [h for h in half_cycles if before_short(h, short)]
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
                raise InputError(
                    source,
                    "R_bulk_ohm",
                    f"at most the cell's apparent resistance |V|/|I| = {R_cell:.4g} Ohm",
                    R_bulk_ohm,
                )
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
        segmentation=options.settings(),
    )
