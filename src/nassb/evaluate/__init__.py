"""The main job: a cell design in, an evaluation out.

`evaluate_design` resolves every property (with its source), computes the stack energy at cathode, stack and cell
level, simulates the discharge at the design's C-rates with the rate model that the electrolyte's class calls for
(single-ion for inorganic solid electrolytes, binary-salt for a polymer or gel electrolyte with t+ < 1,
`nassb.cell.polymer`; the evaluation states which and why), names the process that limits each rate, checks the
chemical compatibility of every solid contact of the stack (`nassb.interface.compatibility`), judges the failure
modes and cycles the cell to its end of life (`nassb.interface.failure`, the seeds' remedies for the dominant mode
ranked), compares the prediction with the literature cell the design reproduces, and lists the nearest literature
cells of the knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nassb.cell.design import CellDesign
from nassb.cell.rate_model import DischargeResult, simulate_discharge
from nassb.cell.resolve import ResolvedCell, resolve_cell
from nassb.cell.stack import StackEnergy
from nassb.core.errors import InputError
from nassb.interface.compatibility import check_interfaces
from nassb.interface.failure import analyse_failure, first_cycle_with_interfaces, rank_mitigations

LITERATURE_CELLS_SHOWN = 8
NOTHING_DELIVERED_UTILISATION = 0.01  # below 1 % of the practical capacity at every simulated rate


@dataclass(frozen=True)
class RatePoint:
    """One C-rate of the rate capability, per active mass and per cell mass and volume."""

    c_rate: float
    current_density_mA_per_cm2: float
    capacity_mAh_per_g: float
    capacity_mAh_per_cm2: float
    utilisation: float
    mean_voltage_V: float
    energy_Wh_per_kg: float
    energy_Wh_per_L: float
    power_W_per_kg: float
    limiting_process: str
    overpotentials_V: dict[str, float]
    min_salt_fraction: float | None = None  # binary-salt model: lowest c_e / c0 in the cathode at the end

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def rate_point(resolved: ResolvedCell, energy: StackEnergy, discharge: DischargeResult) -> RatePoint:
    """Per-mass and per-volume figures of one simulated discharge."""
    active_g_per_cm2 = resolved.parameters.get("cathode.active_loading", "g/cm2")
    capacity = discharge.delivered_capacity_mAh_per_cm2
    energy_Wh_per_kg = discharge.energy_mWh_per_cm2 / energy.cell_mass_g_per_cm2
    duration_h = capacity / discharge.current_density_mA_per_cm2
    return RatePoint(
        c_rate=discharge.c_rate,
        current_density_mA_per_cm2=discharge.current_density_mA_per_cm2,
        capacity_mAh_per_g=capacity / active_g_per_cm2,
        capacity_mAh_per_cm2=capacity,
        utilisation=discharge.utilisation,
        mean_voltage_V=discharge.energy_mWh_per_cm2 / capacity if capacity > 0 else 0.0,
        energy_Wh_per_kg=energy_Wh_per_kg,
        energy_Wh_per_L=discharge.energy_mWh_per_cm2 / energy.cell_thickness_cm,
        power_W_per_kg=energy_Wh_per_kg / duration_h if duration_h > 0 else 0.0,
        limiting_process=discharge.limiting_process,
        overpotentials_V=dict(discharge.overpotentials_V),
        min_salt_fraction=discharge.min_salt_fraction,
    )


@dataclass
class Evaluation:
    """Everything the report shows: resolved design, energy, rate capability, literature comparison."""

    design: CellDesign
    resolved: ResolvedCell
    energy: StackEnergy
    discharges: list[DischargeResult] = field(default_factory=list)
    rate: list[RatePoint] = field(default_factory=list)
    reference: dict[str, Any] | None = None
    literature_cells: list[dict[str, Any]] = field(default_factory=list)
    interfaces: list[Any] = field(default_factory=list)
    failure: Any = None

    @property
    def delivers_nothing(self) -> bool:
        """True when the simulation delivers (almost) no capacity at any rate: the design does not discharge, and
        the energy at its practical capacity must not be shown as its headline."""
        return bool(self.rate) and max(point.utilisation for point in self.rate) < NOTHING_DELIVERED_UTILISATION

    def to_dict(self) -> dict[str, Any]:
        resolved = self.resolved
        return {
            "design": {"name": self.design.cell.name, "source": self.design.source},
            "energy": self.energy.to_dict(),
            "rate": [point.to_dict() for point in self.rate],
            "cathode": {
                "active_loading_mg_per_cm2": resolved.active_loading_mg_per_cm2,
                "thickness_um": resolved.parameters.get("cathode.thickness", "um"),
                "mass_fractions": resolved.mass_fractions,
                "volume_fractions": resolved.volume_fractions,
                "practical_capacity_mAh_per_g": resolved.practical_capacity_mAh_per_g,
                "theoretical_capacity_mAh_per_g": resolved.theoretical_capacity_mAh_per_g,
                "conductivities_S_per_cm": resolved.conductivities,
            },
            "rate_model": {key: value for key, value in resolved.rate_parameters.__dict__.items()},
            "transport_model": {
                **resolved.transport.to_dict(),
                "binary_salt": None if resolved.binary_salt is None else dict(resolved.binary_salt.__dict__),
            },
            "reference": self.reference,
            "literature_cells": self.literature_cells,
            "delivers_nothing": self.delivers_nothing,
            "interfaces": [check.to_dict() for check in self.interfaces],
            "failure": None if self.failure is None else self.failure.failure_dict(),
            "life": None if self.failure is None else self.failure.life.to_dict(),
            "parameters": resolved.parameters.to_dict(),
            "provenance": [{"quantity": name, **value.to_dict()} for name, value in resolved.provenance],
            "defaults_used": [name for name, _ in resolved.defaults_used],
        }

    def _repr_html_(self) -> str:
        """Energy at cell, stack and cathode level, and the capacity and limiting process at each C-rate with the
        rate-capability plot, for a notebook."""
        from nassb.report.cell_figures import PROCESS_LABELS, rate_capability_figures
        from nassb.report.notebook import result_html

        energy = self.energy
        rows = [
            ("cell energy", energy.Wh_per_kg_cell, "Wh/kg"),
            ("cell energy density", energy.Wh_per_L_cell, "Wh/L"),
            ("stack energy", energy.Wh_per_kg_stack, "Wh/kg"),
            ("cathode composite energy", energy.Wh_per_kg_cathode, "Wh/kg"),
            ("areal capacity", energy.areal_capacity_mAh_per_cm2, "mAh/cm²"),
            ("cell voltage", energy.cell_voltage_V, "V"),
        ]
        for point in self.rate:
            rows.append((f"{point.c_rate:g}C capacity", point.capacity_mAh_per_g, "mAh/g"))
            rows.append((f"{point.c_rate:g}C limited by", PROCESS_LABELS[point.limiting_process], ""))
        notes = []
        if self.delivers_nothing:
            notes.append(
                "no capacity delivered at any simulated rate: the energies are those of the practical capacity"
            )
        notes.append(f"{len(self.resolved.defaults_used)} documented defaults used (marked in the report)")
        figure = None
        if self.rate:
            capacity = self.resolved.practical_capacity_mAh_per_g
            figure, _ = rate_capability_figures(self.rate, capacity, self.design.cell.name, self.reference)
        return result_html(self.design.cell.name, rows, notes, figure)


def _reference_c_rate(design: CellDesign, resolved: ResolvedCell) -> float | None:
    reference = design.reference
    if reference is None:
        return None
    if reference.c_rate is not None:
        return reference.c_rate
    if reference.current_density_mA_per_cm2 is not None:
        return reference.current_density_mA_per_cm2 / resolved.parameters.get("cathode.areal_capacity", "mAh/cm2")
    return None


def _words(text: str) -> set[str]:
    return {word.lower() for word in re.split(r"[\s/+|,()\-]+", str(text)) if len(word) > 1}


def literature_cells(design: CellDesign, knowledge_base) -> list[dict[str, Any]]:
    """Knowledge-base cells with a discharge capacity that share the cathode, the separator or the anode."""
    records = knowledge_base.records
    cells = records[(records["role"] == "cell") & (records["property"] == "discharge_capacity")]
    wanted = {
        "cathode": _words(design.cathode.active),
        "electrolyte": _words(design.separator.material),
        "anode": _words(design.anode.material_name or "anode-free"),
    }
    weights = {"cathode": 2, "electrolyte": 1, "anode": 1}
    scored = []
    for _, row in cells.iterrows():
        score = sum(weight for column, weight in weights.items() if wanted[column] & _words(row[column]))
        if score >= 2:
            scored.append((score, row))
    scored.sort(key=lambda item: (-item[0], item[1]["record_id"]))
    return [
        {
            "record_id": row["record_id"],
            "cell_id": row["cell_id"],
            "cathode": row["cathode"],
            "electrolyte": row["electrolyte"],
            "anode": row["anode"],
            "capacity": f"{row['value']:g} {row['unit']}",
            "current": row["current"],
            "seed_file": row["seed_file"],
            "locator": row["locator"],
            "match_score": score,
        }
        for score, row in scored[:LITERATURE_CELLS_SHOWN]
    ]


def evaluate_design(
    design: CellDesign,
    c_rates: list[float] | None = None,
    knowledge_base=None,
    simulate: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Evaluate `design`: energy always; rate capability and the reference comparison when `simulate`."""
    if knowledge_base is None:
        from nassb.kb.store import default_knowledge_base

        knowledge_base = default_knowledge_base()
    resolved = resolve_cell(design, knowledge_base)
    energy = resolved.energy()
    evaluation = Evaluation(
        design,
        resolved,
        energy,
        literature_cells=literature_cells(design, knowledge_base),
        interfaces=check_interfaces(design, resolved.parameters),
    )
    if not simulate:
        return evaluation
    rates = sorted(set(c_rates if c_rates is not None else design.cell.c_rates))
    if any(not rate > 0 for rate in rates):
        raise InputError(design.source, "c_rates", "positive C-rates", rates)
    reference_rate = _reference_c_rate(design, resolved)
    extra = [reference_rate] if reference_rate is not None and reference_rate not in rates else []
    discharges = simulate_discharge(
        resolved.rate_parameters,
        rates + extra,
        model=resolved.transport.model,
        progress=progress,
        electrolyte=resolved.binary_salt,
    )
    by_rate = dict(zip(rates + extra, discharges))
    evaluation.discharges = [by_rate[rate] for rate in rates]
    evaluation.rate = [rate_point(resolved, energy, discharge) for discharge in evaluation.discharges]
    if reference_rate is not None:
        predicted = rate_point(resolved, energy, by_rate[reference_rate])
        reported = design.reference.discharge_capacity_mAh_per_g
        evaluation.reference = {
            **design.reference.model_dump(),
            "c_rate_used": reference_rate,
            "predicted_capacity_mAh_per_g": predicted.capacity_mAh_per_g,
            "reported_capacity_mAh_per_g": reported,
            "difference_percent": None
            if reported is None
            else 100.0 * (predicted.capacity_mAh_per_g - reported) / reported,
            "limiting_process": predicted.limiting_process,
        }
    evaluation.failure = analyse_failure(resolved, evaluation.interfaces)
    if evaluation.reference is not None:
        first = first_cycle_with_interfaces(resolved, evaluation.failure, reference_rate)
        aged = first.discharge_mAh_per_cm2 / resolved.parameters.get("cathode.active_loading", "g/cm2")
        reported = evaluation.reference["reported_capacity_mAh_per_g"]
        evaluation.reference.update(
            predicted_capacity_with_interfaces_mAh_per_g=aged,
            difference_with_interfaces_percent=None if reported is None else 100.0 * (aged - reported) / reported,
            limiting_process_with_interfaces=first.limiting_process,
        )
    rank_mitigations(design, evaluation.failure, knowledge_base)
    return evaluation
