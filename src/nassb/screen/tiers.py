"""The screening tiers: each a pure function of a structure (pymatgen JSON dict) -> a flat record of numbers and
strings; a user mistake in the structure raises an InputError, which the run records as the candidate's failure."""

from __future__ import annotations

import math
import operator
import re
from typing import Any

from nassb.core.errors import InputError

TIER_NAMES = {0: "validity", 1: "bvse"}
_OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
_FILTER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|<|>)\s*([-+0-9.eE]+)\s*$")


def _structure(document: dict):
    from pymatgen.core import Structure

    return Structure.from_dict(document)


def validity(document: dict, source: str) -> dict[str, Any]:
    """Tier 0: a structure nassb can compute with (`check_structure`), charge-balanced with the most probable
    oxidation state per element (`nassb.chem.oxidation.element_oxidation_states`, ICSD statistics), holding Na."""
    from nassb.chem.structure import check_structure

    structure = check_structure(_structure(document), source)
    composition = structure.composition
    if "Na" not in composition:
        raise InputError(source, "composition", "a structure with Na", composition.reduced_formula)
    from nassb.chem.oxidation import element_oxidation_states

    states = element_oxidation_states(composition)
    if states is None:
        raise InputError(source, "composition", "a charge-balanced composition", composition.reduced_formula)
    return {
        "formula": composition.reduced_formula,
        "sites": len(structure),
        "volume_per_atom_A3": structure.volume / len(structure),
        "oxidation_states": ", ".join(f"{element}{value:+g}" for element, value in sorted(states.items())),
    }


def bvse(document: dict, source: str, resolution_A: float = 0.2) -> dict[str, Any]:
    """Tier 1: BVSE percolation barriers (`nassb.transport.bvse`) and the descriptors (`nassb.transport.descriptors`:
    carrier density, bottleneck radius, HSAB air-stability indicator)."""
    from nassb.transport.bvse import bvse_barriers
    from nassb.transport.descriptors import describe

    structure = _structure(document)
    barriers = bvse_barriers(structure, "Na", resolution_A)
    descriptors = describe(structure, "Na", resolution_A)

    def finite(value: float) -> float | None:
        return value if math.isfinite(value) else None

    hsab = descriptors.hsab
    return {
        "Ea_1D_eV": finite(barriers.Ea_1D_eV),
        "Ea_2D_eV": finite(barriers.Ea_2D_eV),
        "Ea_3D_eV": finite(barriers.Ea_3D_eV),
        "carrier_density_per_cm3": descriptors.carrier_density_per_cm3,
        "na_site_vacancy_fraction": descriptors.na_site_vacancy_fraction,
        "bottleneck_radius_3D_A": (descriptors.bottleneck_radius_A or {}).get(3),
        "hsab_risk_score": hsab.risk_score,
        "hsab_verdict": hsab.verdict,
    }


TIERS = {0: validity, 1: bvse}


def parse_filter(text: str) -> tuple[str, str, float]:
    """("Ea_3D_eV", "<", 0.5) from "Ea_3D_eV < 0.5"; an InputError naming `--filter` otherwise."""
    match = _FILTER.match(text)
    if match is None:
        raise InputError("command line", "--filter", "FIELD OP NUMBER with OP one of <, <=, >, >=, ==", text)
    field, op, number = match.groups()
    try:
        value = float(number)
    except ValueError:
        raise InputError("command line", "--filter", "a number after the operator", text) from None
    return field, op, value


def passes(record: dict[str, Any], filters: list[tuple[str, str, float]]) -> bool:
    """Whether a record passes every filter on the fields it has (a missing or empty field fails it)."""
    for field, op, value in filters:
        if field not in record:
            continue
        own = record[field]
        if own is None or (isinstance(own, float) and math.isnan(own)) or not _OPERATORS[op](own, value):
            return False
    return True
