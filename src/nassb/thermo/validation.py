"""Validation of the offline thermodynamics against the seeds and experiment.

* Oxidation limits of seed 003 sec. 3.3 (first-principles values: Na3YCl6 3.75, Na3YBr6 3.36, Na3PS4 2.25,
  Na3AsS4 2.1 V vs Na/Na+), computed on both energy scales (``mp2020`` and ``gga``, see nassb.thermo.entries).
* The Na interface reactions balanced in seed 000 sec. 4.1: 8 Na + Na3PS4 -> 4 Na2S + Na3P and
  8 Na + Na3SbS4 -> 4 Na2S + Na3Sb.
* Formation enthalpies of the CHGNet reference phases against the experimental values the MP2020 scheme was
  fitted to (Wang et al. 2021, Sci. Rep. 11, 15496).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEED_003_OXIDATION_V = {"Na3YCl6": 3.75, "Na3YBr6": 3.36, "Na3PS4": 2.25, "Na3AsS4": 2.1}
SEED_003_LOCATOR = "seed 003 sec. 3.3 (halide SEs), first-principles oxidation limits"
SEED_000_NA_REACTIONS = {"Na3PS4": {"Na2S": 4.0, "Na3P": 1.0}, "Na3SbS4": {"Na2S": 4.0, "Na3Sb": 1.0}}
SEED_000_LOCATOR = "seed 000 sec. 4.1 (anode interface), balanced reactions with Na"


@dataclass
class WindowCheck:
    """One seed oxidation limit against nassb's on both scales, with the reduction limits."""

    formula: str
    seed_oxidation_V: float
    oxidation_mp2020_V: float | None
    oxidation_gga_V: float | None
    reduction_mp2020_V: float
    reduction_gga_V: float
    oxidation_products: list[str]
    reduction_products: list[str]


@dataclass
class ReactionCheck:
    """A seed interface reaction with Na against nassb's products, ratio and type."""

    electrolyte: str
    seed_products: dict[str, float]
    products: dict[str, float]
    na_per_formula_unit: float | None
    reaction_energy_eV_per_atom: float
    interface_type: str


@dataclass
class EnthalpyCheck:
    """Formation enthalpy (eV/atom) of a computed reference phase against experiment."""

    phase_id: str
    formula: str
    computed_eV_per_atom: float
    experiment_eV_per_atom: float
    flag: str


def window_checks() -> list[WindowCheck]:
    """Seed 003's oxidation limits against nassb's windows on the mp2020 and gga scales."""
    from nassb.thermo.stability import phase_stability

    checks = []
    for formula, seed in SEED_003_OXIDATION_V.items():
        corrected = phase_stability(formula).window
        uncorrected = phase_stability(formula, scheme="gga").window
        checks.append(
            WindowCheck(
                formula,
                seed,
                corrected.oxidation_V,
                uncorrected.oxidation_V,
                corrected.reduction_V,
                uncorrected.reduction_V,
                corrected.oxidation_products,
                corrected.reduction_products,
            )
        )
    return checks


def reaction_checks() -> list[ReactionCheck]:
    """Seed 000's Na reactions against nassb's most favourable reaction with Na."""
    from nassb.thermo.reactivity import interface_reaction

    checks = []
    for electrolyte, products in SEED_000_NA_REACTIONS.items():
        result = interface_reaction("Na", electrolyte)
        checks.append(
            ReactionCheck(
                electrolyte,
                products,
                result.products,
                result.mol_A_per_mol_B,
                result.reaction_energy_eV_per_atom,
                result.interface_type,
            )
        )
    return checks


def enthalpy_checks() -> list[EnthalpyCheck]:
    """Every computed reference phase that has an experimental formation enthalpy."""
    from pymatgen.core import Composition

    from nassb.thermo.build import experimental_enthalpies
    from nassb.thermo.entries import element_set, phase_diagram, reference_entries

    measured = experimental_enthalpies()
    entries = reference_entries()
    checks = []
    for entry in entries:
        formula = entry.composition.reduced_formula
        if entry.data["kind"] != "computed" or formula not in measured or entry.composition.is_element:
            continue
        diagram = phase_diagram(element_set(entry.composition), entries)
        row = measured[formula]
        checks.append(
            EnthalpyCheck(
                entry.data["id"],
                formula,
                round(float(diagram.get_form_energy_per_atom(entry)), 4),
                round(row["dH_eV_per_fu"] / Composition(row["formula"]).num_atoms, 4),
                entry.data.get("flag", ""),
            )
        )
    return checks


def run_validation() -> dict[str, Any]:
    """All three checks with summary statistics (max |dV| per scale, enthalpy MAE)."""
    windows = window_checks()
    reactions = reaction_checks()
    enthalpies = enthalpy_checks()
    errors = [abs(check.computed_eV_per_atom - check.experiment_eV_per_atom) for check in enthalpies]
    return {
        "windows": [asdict(check) for check in windows],
        "windows_source": SEED_003_LOCATOR,
        "max_abs_oxidation_error_mp2020_V": max(
            abs(check.oxidation_mp2020_V - check.seed_oxidation_V) for check in windows
        ),
        "max_abs_oxidation_error_gga_V": max(abs(check.oxidation_gga_V - check.seed_oxidation_V) for check in windows),
        "reactions": [asdict(check) for check in reactions],
        "reactions_source": SEED_000_LOCATOR,
        "enthalpies": [asdict(check) for check in enthalpies],
        "enthalpy_mae_eV_per_atom": sum(errors) / len(errors),
        "enthalpy_max_abs_error_eV_per_atom": max(errors),
    }
