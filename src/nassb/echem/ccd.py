"""Critical current density (CCD) of a symmetric Na | electrolyte | Na cell from a stepped current ramp.

The ramp's half-cycles (`nassb.echem.segmentation`) are grouped into steps of one |j|; the CCD is the step in
which the cell fails: a short (`nassb.echem.shorts`), or, when asked for, a voltage limit or an overpotential
that reaches no plateau (Kasemchainan et al., Nat. Mater. 18, 1105 (2019); Sharafi et al., J. Power Sources
302, 135 (2016)). ASR is halved for a symmetric cell because the current crosses two interfaces (seed 002 Eq. 8).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.core.quantity import computed, quantities_dict
from nassb.core.value import Value
from nassb.echem.segmentation import HalfCycle, SegmentationOptions, check_area, check_cycling_arrays, jsonable
from nassb.echem.shorts import ShortCircuit, ShortCriteria, before_short, half_cycles_cut_at_short


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
        return jsonable(asdict(self))


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
    R_bulk_ohm: float | None
    segmentation: dict[str, Any]
    voltage_limit_V: float | None = None
    divergence_fraction: float | None = None

    def quantities(self) -> dict[str, Value | None]:
        """CCD (a lower bound when `ccd_lower_bound`), the last stable step, the ohmic check's ASR, intercept and
        r^2, and the short's onset time, with the failure criteria and segmentation options as settings."""
        settings = {
            "area_cm2": self.area_cm2,
            "R_bulk_ohm": self.R_bulk_ohm,
            "asr_includes_bulk": self.asr_includes_bulk,
            "ccd_lower_bound": self.ccd_lower_bound,
            "criterion": self.criterion,
            "voltage_limit_V": self.voltage_limit_V,
            "divergence_fraction": self.divergence_fraction,
            **self.segmentation,
        }
        values = {field: computed(getattr(self, field), unit, method, settings) for field, unit, method in _QUANTITIES}
        values["short_time_s"] = self.short.onset(settings)
        return values

    def to_dict(self) -> dict[str, Any]:
        return {**jsonable(asdict(self)), "quantities": quantities_dict(self.quantities())}


CCD_METHOD = "current density of the ramp step in which the cell first fails (short, voltage limit or divergence)"
OHMIC_METHOD = "least squares overpotential = intercept + slope x j over the steps before the failure (seed 002 Eq. 8)"
_QUANTITIES = (
    ("ccd_mA_per_cm2", "mA/cm2", CCD_METHOD),
    ("last_stable_mA_per_cm2", "mA/cm2", CCD_METHOD),
    ("asr_cell_ohm_cm2", "Ohm cm2", OHMIC_METHOD),
    ("asr_per_interface_ohm_cm2", "Ohm cm2", OHMIC_METHOD),
    ("intercept_mV", "mV", OHMIC_METHOD),
    ("r_squared", "1", OHMIC_METHOD),
)


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
    t, v, i, step, _ = check_cycling_arrays(time_s, voltage_V, current_A, source, min_points=3, step=step)
    check_area(area_cm2, source, required=True)
    if voltage_limit_V is not None and not voltage_limit_V > 0:
        raise InputError(source, "voltage_limit_V", "a positive voltage", voltage_limit_V)
    options = SegmentationOptions(ocv_V, rest_current_A, level_tolerance, plateau_window)
    half_cycles, short = half_cycles_cut_at_short(
        t, v, i, area_cm2=area_cm2, step=step, cycle=None, options=options, criteria=criteria, source=source
    )
    if not half_cycles:
        raise InputError(source, "current_A", "constant-current steps (no current flows)", None)

    groups: list[list[HalfCycle]] = [[half_cycles[0]]]
    for h in half_cycles[1:]:
        reference = abs(groups[-1][0].current_A)
        if abs(abs(h.current_A) - reference) <= level_tolerance * reference:
            groups[-1].append(h)
        else:
            groups.append([h])

    steps, failure = [], None
    for n, group in enumerate(groups):
        valid = [h for h in group if before_short(h, short)]
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
                    events.append(
                        (
                            h.end_time_s,
                            f"divergence: overpotential rose by {h.rise_fraction:.3g} (> {divergence_fraction:g}) "
                            "from mid half-cycle to its end, no plateau",
                        )
                    )
                    break
        steps.append(
            CurrentStep(
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
            )
        )
        if events:
            failure = min(events, key=lambda e: e[0])
            break

    fit_steps = [s for s in steps if not s.failed and s.overpotential_mV is not None]
    fit = _line_fit(
        np.array([s.current_mA_per_cm2 for s in fit_steps]), np.array([s.overpotential_mV for s in fit_steps])
    )
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
        criterion=failure[1]
        if failure
        else f"no failure up to the last step: CCD > {steps[-1].current_mA_per_cm2:.4g} mA/cm2 (lower bound)",
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
        R_bulk_ohm=R_bulk_ohm,
        segmentation=options.settings(),
        voltage_limit_V=voltage_limit_V,
        divergence_fraction=divergence_fraction,
    )
