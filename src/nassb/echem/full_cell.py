"""Full- and half-cell galvanostatic cycling: capacity, Coulombic efficiency, energy, retention, dQ/dV.

Inputs are plain arrays of equal length: time_s, voltage_V (cell, or working electrode vs Na+/Na),
current_A with positive = charge, and optionally a cycle number per point. Capacity and energy come
from integrating the current and the power V*I over time, never from an instrument's capacity column.
Two integration rules (`method`):
- "trapezoid": current piecewise linear between samples; an interval in which the current changes
  sign is split at the linear zero crossing, so charge and discharge are integrated separately. Exact
  for constant and linearly varying current.
- "hold": the current logged at a sample flowed over the whole interval that ends at it, the voltage
  varies linearly (EC-Lab's dq column and most cyclers log this way). Exact for galvanostatic steps
  even when the logger samples a rest or a step change sparsely, where the trapezoid smears half an
  interval of current across the step edge.
Coulombic efficiency is (capacity of the second half) / (capacity of the first half) of a cycle:
discharge/charge when cycles start with a charge (`first_step="charge"`: a cathode-first full cell or a
cathode against Na metal), charge/discharge when they start with a discharge (`first_step="discharge"`:
an anode such as hard carbon against Na metal, or a cell assembled charged). The second half is the
"reversible" capacity that retention, fade and utilisation use.
A half cycle with less than 1 % of the largest half-cycle capacity in the record counts as absent.
dQ/dV (incremental capacity analysis) follows Dubarry et al., J. Power Sources 219 (2012) 204.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from nassb.core.errors import InputError, ModelError
from nassb.core.quantity import computed, quantities_dict
from nassb.core.value import Value
from nassb.echem.segmentation import check_cycling_arrays, current_direction, half_cycle_runs

FIRST_STEPS = ("charge", "discharge")
METHODS = ("trapezoid", "hold")
AS_PER_MAH = 3.6
CAPACITY_METHOD = (
    "charge and energy by integrating I and V I over time; CE = capacity of the second half / the first half of a cycle"
)
UTILISATION_METHOD = "reversible mAh/g of the reference cycle / theoretical mAh/g"
RETENTION_METHOD = "100 Q_n / Q_ref of the reversible capacity; fade = -slope of its least-squares line against n"
_CYCLE_QUANTITIES = (
    ("charge_mAh", "mAh"),
    ("discharge_mAh", "mAh"),
    ("coulombic_efficiency", "1"),
    ("charge_mAh_per_g", "mAh/g"),
    ("discharge_mAh_per_g", "mAh/g"),
    ("charge_mAh_per_cm2", "mAh/cm2"),
    ("discharge_mAh_per_cm2", "mAh/cm2"),
    ("mean_discharge_voltage_V", "V"),
    ("discharge_energy_Wh_per_kg", "Wh/kg"),
)
NEGLIGIBLE_FRACTION = 0.01


def current_A_from_c_rate(c_rate: float, capacity_mAh: float) -> float:
    """Current in A that (dis)charges `capacity_mAh` at `c_rate` (1C = the capacity in one hour)."""
    _positive("C-rate", "c_rate", c_rate)
    _positive("C-rate", "capacity_mAh", capacity_mAh)
    return c_rate * capacity_mAh / 1000.0


def c_rate_from_current(current_A: float, capacity_mAh: float) -> float:
    """C-rate of a current magnitude |current_A| for a cell of `capacity_mAh`."""
    _positive("C-rate", "capacity_mAh", capacity_mAh)
    return abs(current_A) * 1000.0 / capacity_mAh


def current_density_mA_per_cm2_from_c_rate(c_rate: float, areal_capacity_mAh_per_cm2: float) -> float:
    """Areal current density in mA/cm2 = C-rate x areal capacity in mAh/cm2."""
    _positive("C-rate", "c_rate", c_rate)
    _positive("C-rate", "areal_capacity_mAh_per_cm2", areal_capacity_mAh_per_cm2)
    return c_rate * areal_capacity_mAh_per_cm2


def c_rate_from_current_density(current_density_mA_per_cm2: float, areal_capacity_mAh_per_cm2: float) -> float:
    """C-rate of |current density| (mA/cm2) on an electrode of `areal_capacity_mAh_per_cm2`."""
    _positive("C-rate", "areal_capacity_mAh_per_cm2", areal_capacity_mAh_per_cm2)
    return abs(current_density_mA_per_cm2) / areal_capacity_mAh_per_cm2


def areal_capacity_mAh_per_cm2_from_c_rate(current_density_mA_per_cm2: float, c_rate: float) -> float:
    """Areal capacity in mAh/cm2 that a current density (mA/cm2) at `c_rate` implies."""
    _positive("C-rate", "c_rate", c_rate)
    return abs(current_density_mA_per_cm2) / c_rate


def utilisation(capacity_mAh_per_g: float, theoretical_mAh_per_g: float) -> float:
    """Fraction of the theoretical capacity delivered (see `nassb.chem.capacity`)."""
    _positive("utilisation", "theoretical_mAh_per_g", theoretical_mAh_per_g)
    return capacity_mAh_per_g / theoretical_mAh_per_g


def assign_cycles(current_A, *, first_step: str = "charge", rest_current_A: float | None = None) -> np.ndarray:
    """Cycle number per point: a cycle starts where a `first_step` step follows the opposite one.

    Half-cycles are the runs of `nassb.echem.segmentation.half_cycle_runs`: points with |I| <= rest_current_A
    (default 1 % of max |I|) are rest and stay in the running cycle.
    The first cycle that starts with `first_step` is 1; whatever precedes it (e.g. the initial
    discharge of a cathode-first cell, or an opening rest) is cycle 0. This reproduces EC-Lab's
    cycle numbers for first_step="charge".
    """
    sign = _first_sign(first_step)
    current = np.asarray(current_A, dtype=float)
    starts = np.zeros(current.size, dtype=int)
    previous = 0
    for start, _, direction in half_cycle_runs(current, rest_current_A=rest_current_A):
        starts[start] = direction == sign and previous != sign
        previous = direction
    return np.cumsum(starts)


@dataclass(frozen=True)
class CycleCapacity:
    """Charge, discharge and energy of one cycle; per-gram and per-area values are None without mass or area.

    coulombic_efficiency and the mean voltages are None when the half they need is absent.
    """

    cycle: int
    charge_mAh: float
    discharge_mAh: float
    charge_energy_Wh: float
    discharge_energy_Wh: float
    coulombic_efficiency: float | None
    mean_charge_voltage_V: float | None
    mean_discharge_voltage_V: float | None
    charge_mAh_per_g: float | None
    discharge_mAh_per_g: float | None
    charge_mAh_per_cm2: float | None
    discharge_mAh_per_cm2: float | None
    discharge_energy_Wh_per_kg: float | None
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CapacityOptions:
    """The keyword options of `cycle_capacities` and `summarise_cycling`.

    active_mass_mg: active mass in mg (None: no per-gram values); area_cm2: electrode area in cm2 (None: no
    per-area values); first_step: "charge" or "discharge", the half that opens a cycle; method: "trapezoid" or
    "hold", the rule that integrates I and V I over time; rest_current_A: |I| in A at or below which a point
    rests (None: 1 % of max |I|); source: the record's name in error messages.
    """

    active_mass_mg: float | None = None
    area_cm2: float | None = None
    first_step: str = "charge"
    method: str = "trapezoid"
    rest_current_A: float | None = None
    source: str = "cycling data"


def cycle_capacities(time_s, voltage_V, current_A, cycle=None, **options: Any) -> tuple[CycleCapacity, ...]:
    """Per-cycle charge and discharge capacity (mAh, mAh/g, mAh/cm2), energy (Wh, Wh/kg), CE, mean voltages.

    `options` are the fields of `CapacityOptions` (active_mass_mg, area_cm2, first_step, method,
    rest_current_A, source). `cycle` None: cycles found by `assign_cycles`; given, it must put a cycle's
    halves in the order `first_step` says. The interval between two samples belongs to the cycle of its later
    sample. Cycles with no half above the negligible level are not reported.
    """
    o = CapacityOptions(**options)
    source = o.source
    time, voltage, current, cycles = _arrays(
        source, time_s, voltage_V, current_A, cycle, o.first_step, o.rest_current_A
    )
    mass_g = _optional_positive(source, "active_mass_mg", o.active_mass_mg)
    area = _optional_positive(source, "area_cm2", o.area_cm2)
    mass_g = None if mass_g is None else mass_g / 1000.0
    q_pos, q_neg, e_pos, e_neg = _interval_integrals(time, voltage, current, o.method, source)
    labels, index = np.unique(cycles[1:], return_inverse=True)
    sums = [np.bincount(index, weights=w, minlength=labels.size) for w in (q_pos, -q_neg, e_pos, -e_neg)]
    charge_mAh, discharge_mAh = sums[0] / AS_PER_MAH, sums[1] / AS_PER_MAH
    charge_Wh, discharge_Wh = sums[2] / 3600.0, sums[3] / 3600.0
    floor = NEGLIGIBLE_FRACTION * max(float(np.max(charge_mAh, initial=0.0)), float(np.max(discharge_mAh, initial=0.0)))
    if floor <= 0:
        raise InputError(
            source, "current_A", "a record that passes charge (non-zero current)", "zero current throughout"
        )
    second_is_discharge = _first_sign(o.first_step) > 0
    results = []
    for k, label in enumerate(labels):
        has_charge, has_discharge = charge_mAh[k] > floor, discharge_mAh[k] > floor
        if not (has_charge or has_discharge):
            continue
        complete = bool(has_charge and has_discharge)
        ce = None
        if complete:
            ce = float(discharge_mAh[k] / charge_mAh[k] if second_is_discharge else charge_mAh[k] / discharge_mAh[k])
        results.append(
            CycleCapacity(
                cycle=int(label),
                charge_mAh=float(charge_mAh[k]),
                discharge_mAh=float(discharge_mAh[k]),
                charge_energy_Wh=float(charge_Wh[k]),
                discharge_energy_Wh=float(discharge_Wh[k]),
                coulombic_efficiency=ce,
                mean_charge_voltage_V=float(1000.0 * charge_Wh[k] / charge_mAh[k]) if has_charge else None,
                mean_discharge_voltage_V=float(1000.0 * discharge_Wh[k] / discharge_mAh[k]) if has_discharge else None,
                charge_mAh_per_g=_per(charge_mAh[k], mass_g),
                discharge_mAh_per_g=_per(discharge_mAh[k], mass_g),
                charge_mAh_per_cm2=_per(charge_mAh[k], area),
                discharge_mAh_per_cm2=_per(discharge_mAh[k], area),
                discharge_energy_Wh_per_kg=_per(discharge_Wh[k], None if mass_g is None else mass_g / 1000.0),
                complete=complete,
            )
        )
    return tuple(results)


@dataclass(frozen=True)
class Retention:
    """Capacity retention at the last cycle (% of the reference cycle) and the linear-fit fade (% per cycle).

    fade_percent_per_cycle = -slope of the least-squares line through 100 Q_n / Q_ref against n over the
    reference cycle and every later one; positive means the capacity falls.
    """

    reference_cycle: int
    last_cycle: int
    n_cycles: int
    retention_percent: float
    fade_percent_per_cycle: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def capacity_retention(
    cycles: Sequence[int],
    capacity: Sequence[float],
    reference_cycle: int | None = None,
    source: str = "capacity series",
) -> Retention:
    """Retention and fade of a capacity series (any unit) from `reference_cycle` (default: the first)."""
    numbers = np.asarray(cycles, dtype=float)
    values = np.asarray(capacity, dtype=float)
    if numbers.ndim != 1 or numbers.shape != values.shape:
        raise InputError(
            source, "cycles/capacity", "two 1-D sequences of equal length", f"{numbers.shape} vs {values.shape}"
        )
    if not np.all(np.isfinite(values)) or not np.all(np.isfinite(numbers)):
        raise InputError(source, "capacity", "finite values", "NaN or inf")
    order = np.argsort(numbers, kind="stable")
    numbers, values = numbers[order], values[order]
    reference = numbers[0] if reference_cycle is None else float(reference_cycle)
    if reference not in numbers:
        raise InputError(
            source, "reference_cycle", f"one of the cycles {numbers.astype(int).tolist()}", reference_cycle
        )
    keep = numbers >= reference
    numbers, values = numbers[keep], values[keep]
    if numbers.size < 2:
        raise InputError(source, "cycles", "at least two cycles from the reference cycle on", int(numbers.size))
    if values[0] <= 0:
        raise InputError(
            source, f"capacity of reference cycle {int(reference)}", "a positive capacity", float(values[0])
        )
    relative = 100.0 * values / values[0]
    slope = np.polyfit(numbers, relative, 1)[0]
    return Retention(int(reference), int(numbers[-1]), int(numbers.size), float(relative[-1]), float(-slope))


@dataclass(frozen=True)
class DifferentialCapacity:
    """dQ/dV of one half cycle on a uniform voltage grid (ascending voltage_V).

    Q is the capacity passed in that half, counted positive and growing with time, so dQ/dV is positive
    on charge and negative on discharge (discharge peaks hang below the axis).
    """

    cycle: int
    direction: str
    voltage_V: np.ndarray
    dQdV_mAh_per_V: np.ndarray
    capacity_mAh: float
    voltage_step_V: float
    smoothing_window_V: float
    method: str

    @property
    def peak_voltage_V(self) -> float:
        """Voltage of the largest |dQ/dV|."""
        return float(self.voltage_V[np.argmax(np.abs(self.dQdV_mAh_per_V))])

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["voltage_V"] = self.voltage_V.tolist()
        out["dQdV_mAh_per_V"] = self.dQdV_mAh_per_V.tolist()
        out["peak_voltage_V"] = self.peak_voltage_V
        return out


def differential_capacity(
    time_s,
    voltage_V,
    current_A,
    cycle=None,
    *,
    cycle_number: int,
    direction: str = "discharge",
    voltage_step_V: float = 0.002,
    smoothing_window_V: float = 0.02,
    first_step: str = "charge",
    method: str = "trapezoid",
    rest_current_A: float | None = None,
    source: str = "cycling data",
) -> DifferentialCapacity:
    """dQ/dV of the `direction` half of cycle `cycle_number`.

    Method: Q(t) by the same integration as `cycle_capacities` over the points of that half (|I| above the
    rest level); monotonic filtering keeps only points that set a new voltage maximum (charge) or minimum
    (discharge), which drops noise reversals and constant-voltage holds; Q is interpolated linearly on a
    uniform grid of `voltage_step_V`; dQ/dV is the first derivative of a Savitzky-Golay quadratic fitted
    over `smoothing_window_V` (Savitzky and Golay, Anal. Chem. 36 (1964) 1627).
    """
    from scipy.signal import savgol_filter

    if direction not in FIRST_STEPS:
        raise InputError(source, "direction", "'charge' or 'discharge'", direction)
    if not (voltage_step_V > 0 and smoothing_window_V >= 2 * voltage_step_V):
        raise InputError(
            source,
            "voltage_step_V/smoothing_window_V",
            "a positive step and a window of at least two steps",
            (voltage_step_V, smoothing_window_V),
        )
    time, voltage, current, cycles = _arrays(source, time_s, voltage_V, current_A, cycle, first_step, rest_current_A)
    sign = _first_sign(direction)
    q_pos, q_neg, _, _ = _interval_integrals(time, voltage, current, method, source)
    passed = np.r_[0.0, np.cumsum(q_pos if sign > 0 else -q_neg)] / AS_PER_MAH
    selected = np.flatnonzero((cycles == cycle_number) & (current_direction(current, rest_current_A) == sign))
    if selected.size < 3:
        raise InputError(
            source, f"cycle {cycle_number}", f"a {direction} half with at least 3 points", int(selected.size)
        )
    v, q = voltage[selected], passed[selected] - passed[selected[0]]
    extreme = np.maximum.accumulate(sign * v)
    keep = np.r_[True, sign * v[1:] > extreme[:-1]]
    v, q = v[keep], q[keep]
    order = np.argsort(v)
    v, q = v[order], q[order]
    grid = np.arange(v[0], v[-1] + 0.5 * voltage_step_V, voltage_step_V)
    window = int(round(smoothing_window_V / voltage_step_V)) | 1
    if grid.size < max(window, 5):
        raise ModelError(
            f"{source}: cycle {cycle_number} {direction} spans {v[-1] - v[0]:.4g} V, too little for a "
            f"{smoothing_window_V} V smoothing window"
        )
    q_grid = np.interp(grid, v, q)
    dqdv = savgol_filter(q_grid, window, polyorder=2, deriv=1, delta=voltage_step_V, mode="interp")
    return DifferentialCapacity(
        int(cycle_number),
        direction,
        grid,
        dqdv,
        float(passed[selected[-1]] - passed[selected[0]]),
        float(voltage_step_V),
        float(smoothing_window_V),
        method,
    )


@dataclass(frozen=True)
class CyclingSummary:
    """Per-cycle metrics and the life metrics of a cycling record.

    retention_percent / fade_percent_per_cycle use the reversible capacity (see the module docstring) of
    complete cycles from `reference_cycle` on; None with fewer than two. `utilisation` is the reference
    cycle's reversible mAh/g over `theoretical_capacity_mAh_per_g` (None without mass or theoretical value).
    """

    cycles: tuple[CycleCapacity, ...]
    first_step: str
    coulombic_efficiency_convention: str
    method: str
    reference_cycle: int | None
    last_cycle: int | None
    retention_percent: float | None
    fade_percent_per_cycle: float | None
    active_mass_mg: float | None
    area_cm2: float | None
    theoretical_capacity_mAh_per_g: float | None
    utilisation: float | None
    rest_current_A: float | None

    def quantities(self) -> dict[str, Value | None]:
        """Per cycle n the capacities, CE, mean discharge voltage and specific energy as "cycle_n.field", then
        retention, fade and utilisation; the settings name the integration rule, the first step (which sets
        the CE convention), the mass, area and reference cycle."""
        settings = {
            "method": self.method,
            "first_step": self.first_step,
            "coulombic_efficiency_convention": self.coulombic_efficiency_convention,
            "active_mass_mg": self.active_mass_mg,
            "area_cm2": self.area_cm2,
            "rest_current_A": self.rest_current_A,
        }
        values = {
            f"cycle_{c.cycle}.{field}": computed(getattr(c, field), unit, CAPACITY_METHOD, settings)
            for c in self.cycles
            for field, unit in _CYCLE_QUANTITIES
        }
        life = {
            **settings,
            "reference_cycle": self.reference_cycle,
            "last_cycle": self.last_cycle,
            "theoretical_capacity_mAh_per_g": self.theoretical_capacity_mAh_per_g,
        }
        values["retention_percent"] = computed(self.retention_percent, "%", RETENTION_METHOD, life)
        values["fade_percent_per_cycle"] = computed(self.fade_percent_per_cycle, "%/cycle", RETENTION_METHOD, life)
        values["utilisation"] = computed(self.utilisation, "1", UTILISATION_METHOD, life)
        return values

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cycles"] = [c.to_dict() for c in self.cycles]
        out["quantities"] = quantities_dict(self.quantities())
        return out


def summarise_cycling(
    time_s,
    voltage_V,
    current_A,
    cycle=None,
    *,
    theoretical_capacity_mAh_per_g: float | None = None,
    reference_cycle: int | None = None,
    **options: Any,
) -> CyclingSummary:
    """Capacity, CE, energy and mean voltage per cycle plus retention, fade and utilisation.

    `options` are those of `cycle_capacities` (`CapacityOptions`); theoretical_capacity_mAh_per_g in mAh/g;
    reference_cycle None: the first complete cycle.
    """
    o = CapacityOptions(**options)
    source, first_step = o.source, o.first_step
    per_cycle = cycle_capacities(time_s, voltage_V, current_A, cycle, **options)
    complete = [c for c in per_cycle if c.complete]
    reversible_key = "discharge" if _first_sign(first_step) > 0 else "charge"
    reference = reference_cycle if reference_cycle is not None else (complete[0].cycle if complete else None)
    if reference is not None and reference not in [c.cycle for c in complete]:
        raise InputError(
            source, "reference_cycle", f"a complete cycle, one of {[c.cycle for c in complete]}", reference
        )
    retention = None
    if reference is not None and sum(c.cycle >= reference for c in complete) >= 2:
        retention = capacity_retention(
            [c.cycle for c in complete], [getattr(c, f"{reversible_key}_mAh") for c in complete], reference, source
        )
    usage = None
    if theoretical_capacity_mAh_per_g is not None and o.active_mass_mg is not None and reference is not None:
        reference_row = next(c for c in complete if c.cycle == reference)
        usage = utilisation(getattr(reference_row, f"{reversible_key}_mAh_per_g"), theoretical_capacity_mAh_per_g)
    convention = "discharge/charge" if reversible_key == "discharge" else "charge/discharge"
    return CyclingSummary(
        cycles=per_cycle,
        first_step=first_step,
        coulombic_efficiency_convention=convention,
        method=o.method,
        reference_cycle=reference,
        last_cycle=None if retention is None else retention.last_cycle,
        retention_percent=None if retention is None else retention.retention_percent,
        fade_percent_per_cycle=None if retention is None else retention.fade_percent_per_cycle,
        active_mass_mg=o.active_mass_mg,
        area_cm2=o.area_cm2,
        theoretical_capacity_mAh_per_g=theoretical_capacity_mAh_per_g,
        utilisation=usage,
        rest_current_A=o.rest_current_A,
    )


def _interval_integrals(time, voltage, current, method, source):
    """Per interval: charge (A s) and energy (W s) passed on charge (>= 0) and on discharge (<= 0)."""
    if method not in METHODS:
        raise InputError(source, "method", f"one of {METHODS}", method)
    dt = np.diff(time)
    a, b = current[:-1], current[1:]
    if method == "hold":
        q = b * dt
        e = b * 0.5 * (voltage[:-1] + voltage[1:]) * dt
        return np.where(q > 0, q, 0.0), np.where(q < 0, q, 0.0), np.where(q > 0, e, 0.0), np.where(q < 0, e, 0.0)
    pa, pb = a * voltage[:-1], b * voltage[1:]
    crossing = a * b < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(crossing, a / (a - b), 0.0)
    q_a = np.where(crossing, 0.5 * a * fraction * dt, 0.5 * (a + b) * dt)
    q_b = np.where(crossing, 0.5 * b * (1.0 - fraction) * dt, 0.0)
    e_a = np.where(crossing, 0.5 * pa * fraction * dt, 0.5 * (pa + pb) * dt)
    e_b = np.where(crossing, 0.5 * pb * (1.0 - fraction) * dt, 0.0)
    positive = (a + b > 0) & ~crossing
    q_pos = np.where(crossing, np.where(a > 0, q_a, q_b), np.where(positive, q_a, 0.0))
    q_neg = np.where(crossing, np.where(a < 0, q_a, q_b), np.where(positive, 0.0, q_a))
    e_pos = np.where(crossing, np.where(a > 0, e_a, e_b), np.where(positive, e_a, 0.0))
    e_neg = np.where(crossing, np.where(a < 0, e_a, e_b), np.where(positive, 0.0, e_a))
    return q_pos, q_neg, e_pos, e_neg


def _arrays(source, time_s, voltage_V, current_A, cycle, first_step, rest_current_A):
    _first_sign(first_step, source)
    time, voltage, current, _, cycles = check_cycling_arrays(time_s, voltage_V, current_A, source, cycle=cycle)
    if cycles is None:
        return time, voltage, current, assign_cycles(current, first_step=first_step, rest_current_A=rest_current_A)
    return time, voltage, current, cycles.astype(int)


def _first_sign(step, source="cycling data"):
    if step not in FIRST_STEPS:
        raise InputError(source, "first_step", "'charge' or 'discharge'", step)
    return 1 if step == "charge" else -1


def _per(value, divisor):
    return None if divisor is None else float(value / divisor)


def _positive(source, field, value):
    if not (np.isfinite(value) and value > 0):
        raise InputError(source, field, "a positive finite number", value)


def _optional_positive(source, field, value):
    if value is not None:
        _positive(source, field, value)
    return value
