"""Cycle life: the rate model run cycle after cycle while the interfaces age.

Each cycle is a charge and a discharge at the cycling C-rate; the discharge is simulated with the rate model
(`nassb.cell.rate_model`), the charge is counted (its capacity is the discharge's plus the charge the side reactions
took). Between cycles the states of the failure modes advance with the time and charge passed:

* interphase growth (`nassb.interface.growth`): each growing contact's thickness at the elapsed time (Deal-Grove
  with Wagner's k); its resistance L / sigma_ion joins the anode side (Na | electrolyte), the separator (catholyte |
  separator) or the cathode (active | catholyte, per particle surface, brought to the electrode area through the
  active surface a L_cathode f_c); the Na the anode-side interphase locks and the active material the cathode-side
  interphase consumes are taken from the inventory;
* electrical blocking (`nassb.interface.blocking`): the space-charge resistance of the active | catholyte contact,
  constant in time, on the same particle-surface basis;
* anode contact loss (`nassb.mechanics.contact`, Na metal and plated Na only, not behind a liquid or polymer
  interlayer, which keeps the contact): the contact fraction f_a after each stripping half-cycle; the anode
  interface resistance and the local current scale with 1 / f_a;
* cathode contact loss: f_c after each cycle; the capacity and the active surface scale with f_c, so the same
  current is carried by less active material;
* dendrite: the plating current per contact area j / f_a against the plating CCD (`nassb.interface.dendrite`):
  above it the cell shorts on the next plating and the run stops.

A polymer or gel electrolyte (binary salt, `nassb.cell.polymer`) adds a salt gradient that the per-cycle model (the
fast single-ion one) does not carry: its share is measured once, as the capacity of the binary-salt DFN over that of
the single-ion model for the pristine cell at the cycling current (`salt_limited_fraction`), and every cycle's
capacity is scaled by it. The current stays the same through the life, so the salt gradient across the film does
too; what this leaves out is the interplay of the salt polarisation with the growing resistances.

The Na inventory (mol/cm2) is kept in three pools, cyclable Na (in the cathode and the anode), Na locked in the
anode-side interphase and Na locked in the cathode-side interphase, and their sum is constant.
The run stops at the first failure: a short, a contact fraction below `CONTACT_LOST`, or a capacity below the stop
fraction of the first cycle's. The mode that ended the life is the one whose reset to its pristine state would
regain the most capacity at the end (a counterfactual run of the rate model).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nassb.cell.rate_model import SALT_KEY, RateModelParameters, simulate_discharge
from nassb.core.constants import FARADAY_C_PER_MOL
from nassb.core.errors import InputError, ModelError

MODES = ("interphase_growth", "electrical_blocking", "anode_contact_loss", "cathode_contact_loss", "dendrite")
CONTACT_LOST = 0.05
CONTACT_FLOOR = 1e-9
RETENTION_END_OF_LIFE = 0.8
MODE_MIN_SHARE = 0.01  # a mode whose reset regains less than 1 % of the first cycle's capacity ended nothing
MAH_PER_MOL = FARADAY_C_PER_MOL / 3.6


@dataclass(frozen=True)
class GrowingContact:
    """One growing interphase of the cell: where it sits, its growth law and what it consumes."""

    side: str  # "anode", "separator" or "cathode"
    interface: str
    parabolic_cm2_per_s: float
    linear_cm_per_s: float
    ionic_S_per_cm: float
    sodium_mol_per_cm3: float
    partner_mol_per_cm3: float


@dataclass(frozen=True)
class LifeInputs:
    """Everything the cycle-life run needs besides the rate model's parameters (see the module docstring)."""

    c_rate: float
    contacts: tuple[GrowingContact, ...]
    space_charge_ohm_cm2_particle: float
    active_surface_per_area: float  # cm2 of particle surface per cm2 of electrode (a L_cathode)
    anode_contact_model: bool
    anode_contact_fraction: float
    anode_supply_mA_per_cm2: float
    void_charge_mAh_per_cm2: float
    plating_ccd_per_asr_V: float  # crack-opening overpotential: plating CCD = eta_c / ASR
    cathode_contact_fraction: float
    cathode_strain: float
    cathode_unclosed_share: float
    contact_loss_coefficient: float
    active_molar_mass_g_per_mol: float
    active_loading_g_per_cm2: float
    active_sodium_per_formula: float
    sodium_inventory_mAh_per_cm2: float
    base_anode_asr_ohm_cm2: float
    base_cathode_asr_ohm_cm2: float
    measured_ccd_mA_per_cm2: float | None = None  # replaces the crack-opening CCD when measured
    cathode_loss_per_cycle: float | None = None  # replaces the strain-driven contact loss when measured
    salt_limited_fraction: float = 1.0  # binary-salt / single-ion capacity at the cycling current (polymer, gel)


@dataclass
class CycleRecord:
    """One cycle: capacities, efficiency, resistance contributions (Ohm cm2) and the state of each mode."""

    cycle: int
    time_h: float
    discharge_mAh_per_cm2: float
    charge_mAh_per_cm2: float
    coulombic_efficiency: float
    retention: float
    resistances_ohm_cm2: dict[str, float]
    anode_contact_fraction: float
    cathode_contact_fraction: float
    interphase_thickness_nm: dict[str, float]
    sodium_mol_per_cm2: dict[str, float]
    limiting_process: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class LifeResult:
    """A cycled run: per-cycle records, the cycle at 80 % retention, the mode that ended the life and why it
    stopped."""

    per_cycle: list[CycleRecord] = field(default_factory=list)
    cycles_to_80_percent: int | None = None
    end_of_life_mode: str | None = None
    stop_reason: str = ""
    stated_cycles: int = 0
    capacity_retention_percent: float | None = None
    mode_capacity_regained: dict[str, float] = field(default_factory=dict)
    interphase_capacity_regained: dict[str, float] = field(default_factory=dict)
    end_of_life_interface: str | None = None

    def to_dict(self, per_cycle: bool = True) -> dict[str, Any]:
        return {
            "cycles_to_80_percent": self.cycles_to_80_percent,
            "end_of_life_mode": self.end_of_life_mode,
            "stop_reason": self.stop_reason,
            "stated_cycles": self.stated_cycles,
            "capacity_retention_percent": self.capacity_retention_percent,
            "mode_capacity_regained_mAh_per_cm2": self.mode_capacity_regained,
            "interphase_capacity_regained_mAh_per_cm2": self.interphase_capacity_regained,
            "end_of_life_interface": self.end_of_life_interface,
            "cycles_run": len(self.per_cycle),
            "per_cycle": [record.to_dict() for record in self.per_cycle] if per_cycle else [],
        }


@dataclass
class _State:
    anode_contact: float
    cathode_contact: float
    thickness_cm: dict[str, float]
    pools: dict[str, float]  # mol/cm2


def _thickness(contact: GrowingContact, time_s: float) -> float:
    from nassb.interface.growth import thickness_cm

    return thickness_cm(time_s, contact.parabolic_cm2_per_s, contact.linear_cm_per_s)


def _resets_interphase(reset: str | None, side: str) -> bool:
    """Whether `reset` ("interphase_growth" or "interphase_growth:<side>") drops the interphase of `side`."""
    return reset == "interphase_growth" or reset == f"interphase_growth:{side}"


def _resistances(inputs: LifeInputs, state: _State, reset: str | None = None) -> dict[str, float]:
    """Resistance contributions (Ohm cm2 of electrode) of the aged interfaces; `reset` drops one mode's ageing
    (a mode of `MODES`, or "interphase_growth:<side>" for the interphase of one side)."""
    anode_contact = inputs.anode_contact_fraction if reset == "anode_contact_loss" else state.anode_contact
    cathode_contact = inputs.cathode_contact_fraction if reset == "cathode_contact_loss" else state.cathode_contact
    # a contact lost completely (the run stops on it) still divides: floor it at a vanishing area
    anode_contact, cathode_contact = max(anode_contact, CONTACT_FLOOR), max(cathode_contact, CONTACT_FLOOR)
    surface = inputs.active_surface_per_area * cathode_contact
    out = {"anode_interphase": 0.0, "separator_interphase": 0.0, "cathode_interphase": 0.0}
    for contact in inputs.contacts:
        if not _resets_interphase(reset, contact.side):
            film = state.thickness_cm[contact.interface] / contact.ionic_S_per_cm if contact.ionic_S_per_cm else 0.0
            out[f"{contact.side}_interphase"] += film / (
                anode_contact if contact.side == "anode" else surface if contact.side == "cathode" else 1.0
            )
    out["space_charge"] = 0.0 if reset == "electrical_blocking" else inputs.space_charge_ohm_cm2_particle / surface
    out["anode_interface"] = inputs.base_anode_asr_ohm_cm2 / anode_contact
    out["cathode_interface"] = inputs.base_cathode_asr_ohm_cm2
    return out


def _discharge(
    base: RateModelParameters, inputs: LifeInputs, state: _State, nominal_mAh_per_cm2: float, reset: str | None = None
):
    """The discharge of the aged cell: returns (delivered mAh/cm2, limiting process, resistances)."""
    resistances = _resistances(inputs, state, reset)
    cathode_contact = inputs.cathode_contact_fraction if reset == "cathode_contact_loss" else state.cathode_contact
    active_left = max(0.0, 1.0 - _active_consumed_fraction(inputs, state, reset))
    capacity = nominal_mAh_per_cm2 * cathode_contact * active_left
    locked = MAH_PER_MOL * sum(
        state.pools[f"{side}_interphase"] for side in ("anode", "cathode") if not _resets_interphase(reset, side)
    )
    inventory = max(0.0, inputs.sodium_inventory_mAh_per_cm2 - locked)
    if capacity <= 0 or inventory <= 0:
        return 0.0, "capacity lost", resistances
    fraction = min(1.0, inventory / capacity)
    parameters = dataclasses.replace(
        base,
        areal_capacity_mAh_per_cm2=capacity,
        anode_interface_asr_ohm_cm2=resistances["anode_interphase"] + resistances["anode_interface"],
        cathode_interface_asr_ohm_cm2=resistances["cathode_interface"]
        + resistances["separator_interphase"]
        + resistances["cathode_interphase"]
        + resistances["space_charge"],
        anode_capacity_fraction=fraction,
    )
    current_c_rate = inputs.c_rate * nominal_mAh_per_cm2 / capacity  # the same current through what is left
    try:
        result = simulate_discharge(parameters, [current_c_rate])[0]
    except ModelError:
        # the aged cell starts below the cut-off voltage (the solver finds no discharge): it delivers nothing
        return 0.0, "no discharge: the aged cell starts below the cut-off voltage", resistances
    delivered = result.delivered_capacity_mAh_per_cm2 * inputs.salt_limited_fraction
    limiting = SALT_KEY if inputs.salt_limited_fraction < 0.5 else result.limiting_process
    return delivered, limiting, resistances


def _active_consumed_fraction(inputs: LifeInputs, state: _State, reset: str | None) -> float:
    if _resets_interphase(reset, "cathode"):
        return 0.0
    return (
        state.pools.get("active_consumed", 0.0) * inputs.active_molar_mass_g_per_mol / inputs.active_loading_g_per_cm2
    )


def run_life(
    base: RateModelParameters,
    inputs: LifeInputs,
    cycles: int,
    stated_cycles: int | None = None,
    stop_fraction: float = 0.5,
    progress: Callable[[int, int], None] | None = None,
) -> LifeResult:
    """Cycle the cell `cycles` times or to its first failure (module docstring)."""
    if cycles < 1:
        raise InputError("cell cycle", "--cycles", "at least one cycle", cycles)
    if not 0 < stop_fraction < 1:
        raise InputError("cell cycle", "stop fraction", "a fraction between 0 and 1", stop_fraction)
    nominal = base.areal_capacity_mAh_per_cm2
    cycle_h = 2.0 / inputs.c_rate
    strip_h = 1.0 / inputs.c_rate
    current = inputs.c_rate * nominal
    state = _State(
        inputs.anode_contact_fraction,
        inputs.cathode_contact_fraction,
        {contact.interface: 0.0 for contact in inputs.contacts},
        {
            "cyclable": inputs.sodium_inventory_mAh_per_cm2 / MAH_PER_MOL,
            "anode_interphase": 0.0,
            "cathode_interphase": 0.0,
            "active_consumed": 0.0,
        },
    )
    result = LifeResult(stated_cycles=stated_cycles or cycles)
    first = None
    for cycle in range(1, cycles + 1):
        time_s = cycle * cycle_h * 3600.0
        locked_before = state.pools["anode_interphase"] + state.pools["cathode_interphase"]
        for contact in inputs.contacts:
            new = _thickness(contact, time_s)
            grown = new - state.thickness_cm[contact.interface]
            state.thickness_cm[contact.interface] = new
            if contact.side == "anode":
                sodium = grown * contact.sodium_mol_per_cm3 * state.anode_contact
                state.pools["anode_interphase"] += sodium
                state.pools["cyclable"] -= sodium
            elif contact.side == "cathode":
                area = inputs.active_surface_per_area * state.cathode_contact
                sodium = grown * contact.sodium_mol_per_cm3 * area
                state.pools["cathode_interphase"] += sodium
                state.pools["cyclable"] -= sodium
                state.pools["active_consumed"] += grown * contact.partner_mol_per_cm3 * area
        if inputs.anode_contact_model:
            from nassb.mechanics.contact import anode_contact_after_stripping

            before = state.anode_contact
            state.anode_contact = anode_contact_after_stripping(
                before, current, inputs.anode_supply_mA_per_cm2, strip_h, inputs.void_charge_mAh_per_cm2
            )
        if inputs.cathode_loss_per_cycle is not None:
            state.cathode_contact *= 1.0 - inputs.cathode_loss_per_cycle
        elif inputs.cathode_strain:
            from nassb.mechanics.contact import cathode_contact_after_cycle

            state.cathode_contact = cathode_contact_after_cycle(
                state.cathode_contact,
                inputs.contact_loss_coefficient,
                inputs.cathode_unclosed_share,
                inputs.cathode_strain,
            )
        delivered, limiting, resistances = _discharge(base, inputs, state, nominal)
        side_mAh = (state.pools["anode_interphase"] + state.pools["cathode_interphase"] - locked_before) * MAH_PER_MOL
        charge = delivered + side_mAh
        first = delivered if first is None else first
        record = CycleRecord(
            cycle=cycle,
            time_h=cycle * cycle_h,
            discharge_mAh_per_cm2=delivered,
            charge_mAh_per_cm2=charge,
            coulombic_efficiency=delivered / charge if charge > 0 else 0.0,
            retention=delivered / first if first > 0 else 0.0,
            resistances_ohm_cm2=resistances,
            anode_contact_fraction=state.anode_contact,
            cathode_contact_fraction=state.cathode_contact,
            interphase_thickness_nm={name: value * 1e7 for name, value in state.thickness_cm.items()},
            sodium_mol_per_cm2={k: v for k, v in state.pools.items() if k != "active_consumed"},
            limiting_process=limiting,
        )
        result.per_cycle.append(record)
        if progress is not None:
            progress(cycle, cycles)
        if result.cycles_to_80_percent is None and record.retention < RETENTION_END_OF_LIFE:
            result.cycles_to_80_percent = cycle
        stop = _stop_reason(inputs, state, current, resistances, record, stop_fraction)
        if stop:
            result.stop_reason = stop
            break
    if not result.stop_reason:
        result.stop_reason = f"{cycles} cycles run"
    stated = result.stated_cycles
    if len(result.per_cycle) >= stated:
        result.capacity_retention_percent = 100.0 * result.per_cycle[stated - 1].retention
    result.mode_capacity_regained = _regained(base, inputs, state, nominal)
    result.interphase_capacity_regained = _regained(
        base, inputs, state, nominal, [f"interphase_growth:{contact.side}" for contact in inputs.contacts]
    )
    result.end_of_life_mode = _end_of_life_mode(result)
    result.end_of_life_interface = _end_of_life_interface(result, inputs)
    return result


def _stop_reason(inputs, state, current, resistances, record, stop_fraction) -> str:
    if inputs.anode_contact_model:
        if state.anode_contact < CONTACT_LOST:
            return "anode contact lost (voids)"
        asr = resistances["anode_interphase"] + resistances["anode_interface"]
        plating_ccd = plating_ccd_mA_per_cm2(inputs, asr)
        if current / state.anode_contact > plating_ccd:
            return "short circuit: plating current per contact area above the crack-opening CCD (dendrite)"
    if state.cathode_contact < CONTACT_LOST:
        return "cathode contact lost"
    if record.retention < stop_fraction:
        return f"capacity below {100 * stop_fraction:g} % of the first cycle"
    return ""


def plating_ccd_mA_per_cm2(inputs: LifeInputs, anode_asr_ohm_cm2: float) -> float:
    """The plating CCD: the measured one, else the crack-opening overpotential over the anode ASR (Porz et al.)."""
    if inputs.measured_ccd_mA_per_cm2 is not None:
        return inputs.measured_ccd_mA_per_cm2
    return math.inf if anode_asr_ohm_cm2 <= 0 else 1e3 * inputs.plating_ccd_per_asr_V / anode_asr_ohm_cm2


def _regained(base, inputs, state, nominal, resets: list[str] | None = None) -> dict[str, float]:
    """Capacity (mAh/cm2) the aged cell regains when one mode (or one side's interphase) is reset."""
    delivered, _, _ = _discharge(base, inputs, state, nominal)
    if resets is None:
        resets = ["interphase_growth", "electrical_blocking", "cathode_contact_loss"]
        resets += ["anode_contact_loss"] if inputs.anode_contact_model else []
    regained = {}
    for reset in resets:
        again, _, _ = _discharge(base, inputs, state, nominal, reset=reset)
        regained[reset.removeprefix("interphase_growth:")] = max(0.0, again - delivered)
    return regained


def _end_of_life_interface(result: LifeResult, inputs: LifeInputs) -> str | None:
    """Where the end-of-life mode acts: the interphase whose reset regains most, or the side of the mode."""
    mode = result.end_of_life_mode
    if mode == "interphase_growth" and result.interphase_capacity_regained:
        side = max(result.interphase_capacity_regained, key=result.interphase_capacity_regained.get)
        return next(contact.interface for contact in inputs.contacts if contact.side == side)
    return {
        "dendrite": "anode",
        "anode_contact_loss": "anode",
        "cathode_contact_loss": "cathode",
        "electrical_blocking": "cathode",
    }.get(mode)


def _end_of_life_mode(result: LifeResult) -> str | None:
    if result.stop_reason.startswith("short"):
        return "dendrite"
    if result.stop_reason.startswith("anode contact"):
        return "anode_contact_loss"
    if result.stop_reason.startswith("cathode contact"):
        return "cathode_contact_loss"
    first = result.per_cycle[0].discharge_mAh_per_cm2 if result.per_cycle else 0.0
    if not result.mode_capacity_regained or max(result.mode_capacity_regained.values()) <= MODE_MIN_SHARE * first:
        return None
    return max(result.mode_capacity_regained, key=result.mode_capacity_regained.get)
