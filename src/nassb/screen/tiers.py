"""The screening tiers: each a pure function of a structure (pymatgen JSON dict) -> a flat record of numbers and
strings; a user mistake in the structure raises an InputError, which the run records as the candidate's failure."""

from __future__ import annotations

import json
import math
import operator
import re
from typing import Any

from nassb.core.errors import InputError

TIER_NAMES = {0: "validity", 1: "bvse", 2: "stability", 3: "md"}
# what each tier reads from the screen's settings; these values enter its task keys
TIER_SETTINGS = {
    0: (),
    1: ("resolution_A",),
    2: ("cathode", "entries"),
    3: ("md_temperatures_K", "md_time_ps", "md_equilibration_ps", "md_min_atoms"),
}
# the numeric fields the tiers record, which --filter and --rank-by may name (plus md_D_<T>K_cm2_per_s per MD
# temperature); a misspelt field would otherwise filter nothing
NUMERIC_FIELDS = frozenset(
    (
        "sites",
        "volume_per_atom_A3",
        "Ea_1D_eV",
        "Ea_2D_eV",
        "Ea_3D_eV",
        "carrier_density_per_cm3",
        "na_site_vacancy_fraction",
        "bottleneck_radius_3D_A",
        "hsab_risk_score",
        "relaxed_volume_change_percent",
        "e_above_hull_eV",
        "reduction_limit_V",
        "oxidation_limit_V",
        "na_reaction_eV_per_atom",
        "cathode_reaction_eV_per_atom",
        "hydrolysis_eV_per_formula_unit",
        "h2s_per_formula_unit",
        "md_atoms",
        "md_time_ps",
        "md_Ea_eV",
        "md_Ea_stderr_eV",
        "md_sigma_298K_S_per_cm",
    )
)
_MD_DIFFUSION = re.compile(r"^md_D_[0-9.]+K(_stderr)?_cm2_per_s$")
DEFAULT_SETTINGS = {
    "resolution_A": 0.2,
    "cathode": "NaCrO2",
    "entries": None,
    "md_temperatures_K": [700.0, 850.0, 1000.0],
    "md_time_ps": 20.0,
    "md_equilibration_ps": 2.0,
    "md_min_atoms": 96,
    "top_k": 5,
    "rank_by": "Ea_3D_eV",
}
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


def stability(document: dict, source: str, cathode: str = "NaCrO2", entries: str | None = None) -> dict[str, Any]:
    """Tier 2: CHGNet relaxation (cell and positions, as the shipped reference phases were relaxed:
    `nassb.thermo.stability.target_from_structure`), then on the shipped entries (or those of the `entries` file):
    energy above hull and decomposition, the Na window (grand-potential construction), the most favourable reaction
    with Na metal and with the `cathode` (InterfacialReactivity) and with water (hydrolysis, H2S released). A
    candidate with an element the entries do not cover fails with that reason. The relaxed structure is kept in
    the record (`relaxed_structure`, pymatgen JSON) for tier 3."""
    from nassb.thermo.entries import available_entries, element_set, system_entries
    from nassb.thermo.reactivity import react_targets, reactant, target_hydrolysis
    from nassb.thermo.stability import target_from_structure, target_stability

    structure = _structure(document)
    pool = available_entries(entries)
    system_entries(element_set(structure.composition), pool)  # names uncovered elements before relaxing
    target = target_from_structure(structure, source)
    result = target_stability(target, pool)
    with_na = react_targets(reactant("Na", pool), target, pool)
    with_cathode = react_targets(target, reactant(cathode, pool), pool)
    water = target_hydrolysis(target, pool)
    relaxed = target.entry.structure
    window = result.window

    def per_atom(cell) -> float:
        return cell.volume / len(cell)

    return {
        "relax_converged": bool(target.entry.data.get("relax_converged")),
        "relaxed_volume_change_percent": 100.0 * (per_atom(relaxed) / per_atom(structure) - 1.0),
        "e_above_hull_eV": result.e_above_hull_eV_per_atom,
        "decomposition": ", ".join(f"{amount:.3g} {phase}" for phase, amount in result.decomposition.items()),
        "reduction_limit_V": window.reduction_V if window else None,
        "oxidation_limit_V": window.oxidation_V if window else None,
        "na_reaction_eV_per_atom": with_na.reaction_energy_eV_per_atom,
        "na_interface_type": with_na.interface_type,
        "cathode": cathode,
        "cathode_reaction_eV_per_atom": with_cathode.reaction_energy_eV_per_atom,
        "cathode_interface_type": with_cathode.interface_type,
        "hydrolysis_eV_per_formula_unit": water.reaction_energy_eV_per_formula_unit,
        "h2s_per_formula_unit": water.h2s_per_formula_unit,
        "relaxed_structure": json.dumps(relaxed.as_dict()),
    }


def md(
    document: dict,
    source: str,
    md_temperatures_K: list[float] = (700.0, 850.0, 1000.0),
    md_time_ps: float = 20.0,
    md_equilibration_ps: float = 2.0,
    md_min_atoms: int = 96,
) -> dict[str, Any]:
    """Tier 3: CHGNet NVT molecular dynamics of the tier-2 relaxed structure in a supercell of at least
    `md_min_atoms` atoms at each temperature (`nassb.transport.md.md_conductivity`, no second relaxation): D* with its
    GLS standard error per temperature, and with three or more temperatures the Arrhenius Ea and sigma(298 K)."""
    from nassb.evaluate.material import md_supercell
    from nassb.mlip import chgnet_calculator
    from nassb.transport.md import md_conductivity

    structure = _structure(document)
    result = md_conductivity(
        structure,
        chgnet_calculator(),
        temperatures_K=list(md_temperatures_K),
        time_ps=md_time_ps,
        equilibration_ps=md_equilibration_ps,
        supercell=md_supercell(structure, md_min_atoms),
        relax_first=False,
    )
    record: dict[str, Any] = {
        "md_model": result.model,
        "md_atoms": result.n_atoms,
        "md_time_ps": md_time_ps,
        "md_Ea_eV": result.Ea_eV,
        "md_Ea_stderr_eV": result.arrhenius.Ea_stderr_eV if result.arrhenius else None,
        "md_sigma_298K_S_per_cm": result.sigma_298K_S_per_cm,
        "md_note": result.note,
    }
    for temperature, d_value, d_error in zip(result.temperatures_K, result.D_cm2_per_s, result.D_stderr_cm2_per_s):
        record[f"md_D_{temperature:g}K_cm2_per_s"] = d_value
        record[f"md_D_{temperature:g}K_stderr_cm2_per_s"] = d_error
    return record


TIERS = {0: validity, 1: bvse, 2: stability, 3: md}


def tier_options(tier: int, settings: dict) -> dict[str, Any]:
    """The settings tier `tier` reads (TIER_SETTINGS), with the defaults for those a store does not name."""
    return {name: settings.get(name, DEFAULT_SETTINGS[name]) for name in TIER_SETTINGS[tier]}


def rank_key(rank_by: str) -> tuple[str, bool]:
    """("Ea_3D_eV", False) for "Ea_3D_eV" (smallest first), ("oxidation_limit_V", True) for "-oxidation_limit_V"."""
    descending = rank_by.startswith("-")
    field = rank_by.removeprefix("-").strip()
    check_field(field, "--rank-by")
    return field, descending


def check_field(field: str, option: str) -> None:
    """An InputError naming `option` unless `field` is a numeric field a tier records."""
    if field not in NUMERIC_FIELDS and not _MD_DIFFUSION.match(field):
        expected = "a numeric result field (- in front for largest first), one of " + ", ".join(sorted(NUMERIC_FIELDS))
        raise InputError("command line", option, expected, field)


def parse_filter(text: str) -> tuple[str, str, float]:
    """("Ea_3D_eV", "<", 0.5) from "Ea_3D_eV < 0.5"; an InputError naming `--filter` otherwise."""
    match = _FILTER.match(text)
    if match is None:
        raise InputError("command line", "--filter", "FIELD OP NUMBER with OP one of <, <=, >, >=, ==", text)
    field, op, number = match.groups()
    check_field(field, "--filter")
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
