"""Design optimisation: the most energy at a target C-rate over active fraction, loading and separator thickness.

The three variables are cell parameters set by name (`VARIABLE_PARAMETERS`, passed to `resolve_cell` as
overrides); everything computed from them (volume fractions, thickness, separator resistance) follows.

The objective is the cell's specific energy (Wh/kg) or energy density (Wh/L) delivered at the target
C-rate, simulated with the single-ion rate model. Constraints: the separator is at least
`min_separator_um` thick and the cathode delivers at least `min_utilisation` of its capacity at that rate.
Search: a grid over the three variables, then a bounded Nelder-Mead refinement from the best feasible
grid point (Gao & Han, Comput. Optim. Appl. 51 (2012) 259, adaptive parameters, as scipy implements it),
with infeasible points scored -inf.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from nassb.cell.design import CellDesign
from nassb.cell.rate_model import simulate_discharge
from nassb.cell.resolve import resolve_cell
from nassb.core.errors import InputError
from nassb.core.value import Computation, Value

VARIABLES = ("active_wt_percent", "active_loading_mg_per_cm2", "separator_um")
INFEASIBLE_LOSS = 1e9


@dataclass(frozen=True)
class OptimisationPoint:
    """One evaluated design: the three variables and what it delivers at the target rate."""

    active_wt_percent: float
    active_loading_mg_per_cm2: float
    separator_um: float
    energy_Wh_per_kg: float
    energy_Wh_per_L: float
    utilisation: float
    feasible: bool

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class OptimisationResult:
    """The best feasible point, the starting design's point, and every point evaluated."""

    objective: str
    c_rate: float
    best: OptimisationPoint
    start: OptimisationPoint
    points: list[OptimisationPoint] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "objective": self.objective,
            "c_rate": self.c_rate,
            "best": self.best.to_dict(),
            "start": self.start.to_dict(),
            "evaluations": len(self.points),
            "points": [point.to_dict() for point in self.points],
        }


# optimisation variable -> (cell parameter it sets, unit of the variable)
VARIABLE_PARAMETERS = {
    "active_wt_percent": ("cathode.active.mass_fraction", "%"),
    "active_loading_mg_per_cm2": ("cathode.active_loading", "mg/cm2"),
    "separator_um": ("separator.thickness", "um"),
}


def variant_parameters(
    active_wt_percent: float, active_loading_mg_per_cm2: float, separator_um: float
) -> dict[str, Value]:
    """The parameters the optimiser sets, by name; resolution scales the other composite parts to keep 100 %."""
    values = dict(zip(VARIABLES, (active_wt_percent, active_loading_mg_per_cm2, separator_um)))
    return {
        name: Value(values[variable], unit, Computation("design optimisation (nassb.cell.optimize)"))
        for variable, (name, unit) in VARIABLE_PARAMETERS.items()
    }


def _evaluate(
    design: CellDesign, c_rate: float, min_utilisation: float, knowledge_base, variables: tuple[float, float, float]
) -> OptimisationPoint:
    resolved = resolve_cell(design, knowledge_base, overrides=variant_parameters(*variables))
    energy = resolved.energy()
    discharge = simulate_discharge(
        resolved.rate_parameters, [c_rate], model=resolved.transport.model, electrolyte=resolved.binary_salt
    )[0]
    return OptimisationPoint(
        *variables,
        energy_Wh_per_kg=discharge.energy_mWh_per_cm2 / energy.cell_mass_g_per_cm2,
        energy_Wh_per_L=discharge.energy_mWh_per_cm2 / energy.cell_thickness_cm,
        utilisation=discharge.utilisation,
        feasible=discharge.utilisation >= min_utilisation,
    )


def optimise_design(
    design: CellDesign,
    c_rate: float,
    objective: Literal["Wh_per_kg", "Wh_per_L"] = "Wh_per_kg",
    active_wt_percent: tuple[float, float] = (50.0, 85.0),
    active_loading_mg_per_cm2: tuple[float, float] = (5.0, 40.0),
    separator_um: tuple[float, float] | None = None,
    min_separator_um: float = 30.0,
    min_utilisation: float = 0.8,
    grid_points: int = 4,
    refine_evaluations: int = 40,
    knowledge_base=None,
    progress: Callable[[int, int], None] | None = None,
) -> OptimisationResult:
    """Maximise `objective` at `c_rate` within the bounds; see the module docstring for the method."""
    from scipy.optimize import minimize

    if objective not in ("Wh_per_kg", "Wh_per_L"):
        raise InputError("optimise", "objective", "Wh_per_kg or Wh_per_L", objective)
    if not (c_rate > 0 and 0 < min_utilisation <= 1 and grid_points >= 2):
        raise InputError(
            "optimise",
            "c_rate / min_utilisation / grid_points",
            "c_rate > 0, 0 < min_utilisation <= 1, grid_points >= 2",
            (c_rate, min_utilisation, grid_points),
        )
    if separator_um is None:
        separator_um = (min_separator_um, max(min_separator_um, design.separator.thickness_um))
    bounds = [
        active_wt_percent,
        active_loading_mg_per_cm2,
        (max(separator_um[0], min_separator_um), max(separator_um[1], min_separator_um)),
    ]
    for name, (low, high) in zip(VARIABLES, bounds):
        if not (0 < low <= high):
            raise InputError("optimise", name, "bounds 0 < low <= high", (low, high))
    if knowledge_base is None:
        from nassb.kb.store import default_knowledge_base

        knowledge_base = default_knowledge_base()
    key = f"energy_{objective}"
    total = grid_points**3 + refine_evaluations
    points: list[OptimisationPoint] = []

    def score(variables) -> float:
        clipped = tuple(float(np.clip(value, low, high)) for value, (low, high) in zip(variables, bounds))
        point = _evaluate(design, c_rate, min_utilisation, knowledge_base, clipped)
        points.append(point)
        if progress is not None:
            progress(min(len(points), total), total)
        return getattr(point, key) if point.feasible else -math.inf

    def loss(variables) -> float:
        value = score(variables)
        return -value if np.isfinite(value) else INFEASIBLE_LOSS

    if design.cathode.composition_wt is None:
        raise InputError(
            design.source, "cathode.composition_wt", "a composition by weight to optimise the active fraction"
        )
    parameters = resolve_cell(design, knowledge_base).parameters
    start_values = tuple(parameters.get(name, unit) for name, unit in VARIABLE_PARAMETERS.values())
    start = _evaluate(design, c_rate, min_utilisation, knowledge_base, start_values)
    axes = [np.linspace(low, high, grid_points) for low, high in bounds]
    for variables in itertools.product(*axes):
        score(variables)
    feasible = [point for point in points if point.feasible]
    if feasible:
        seed = max(feasible, key=lambda point: getattr(point, key))
        minimize(
            loss,
            x0=[seed.active_wt_percent, seed.active_loading_mg_per_cm2, seed.separator_um],
            method="Nelder-Mead",
            bounds=bounds,
            options={"maxfev": refine_evaluations, "xatol": 0.5, "fatol": 0.5},
        )
        feasible = [point for point in points if point.feasible]
    if not feasible:
        raise InputError(
            design.source,
            "optimise",
            f"at least one design within the bounds reaching {min_utilisation:.0%} utilisation "
            f"at {c_rate:g}C; widen the bounds or lower the C-rate",
        )
    best = max(feasible, key=lambda point: getattr(point, key))
    return OptimisationResult(objective, c_rate, best, start, points)
