"""Turn a relaxed structure into a library entry: symmetrize it, reduce it to its asymmetric unit, write the TOML.

Used by ``scripts/build_structures.py``, which builds the entries of source kind "structure type + relaxation" by
substitution on a published structure type and an MLIP relaxation. The symmetrization is pymatgen's
``SpacegroupAnalyzer`` (spglib; Togo and Tanaka 2018, arXiv:1808.01590): the refined (standard conventional) cell at
the given ``symprec``, whose symmetry-distinct sites and Wyckoff letters become the ``[[sites]]`` of the entry.
"""

from __future__ import annotations

from typing import Any

__all__ = ["asymmetric_unit", "entry_toml", "lattice_parameters"]

FRACTION_DIGITS = 5
LATTICE_DIGITS = 4


def lattice_parameters(structure: Any) -> dict[str, float]:
    """a, b, c (A), alpha, beta, gamma (degrees) and the volume (A^3) of `structure`'s cell, rounded for a TOML."""
    lattice = structure.lattice
    a, b, c = lattice.abc
    alpha, beta, gamma = lattice.angles
    return {
        "a_A": round(a, LATTICE_DIGITS),
        "b_A": round(b, LATTICE_DIGITS),
        "c_A": round(c, LATTICE_DIGITS),
        "alpha_deg": round(alpha, 3),
        "beta_deg": round(beta, 3),
        "gamma_deg": round(gamma, 3),
        "volume_A3": round(lattice.volume, 2),
    }


def _fraction(value: float) -> float:
    """A fractional coordinate for the TOML: a special position k/12 (1/3, 1/6, ...) kept to 10 digits, so that
    `Structure.from_spacegroup` (frac tolerance 1e-5) merges its images again; others to FRACTION_DIGITS."""
    value = float(value) % 1.0
    twelfths = round(value * 12)
    if abs(value * 12 - twelfths) < 1e-4:
        return round((twelfths / 12) % 1.0, 10)
    return round(round(value, FRACTION_DIGITS) % 1.0, FRACTION_DIGITS)


def asymmetric_unit(structure: Any, symprec: float) -> dict[str, Any]:
    """The space group, the standard conventional cell and the symmetry-distinct sites of `structure` at `symprec`.

    Returns {"symbol", "number", "lattice" (as `lattice_parameters`), "sites" (label, species, wyckoff, frac),
    "formula", "formula_units_per_cell", "structure" (the refined conventional cell)}. Labels are the element and a
    running number in the order spglib lists the orbits.
    """
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    analyzer = SpacegroupAnalyzer(structure, symprec=symprec)
    refined = analyzer.get_refined_structure()
    symmetrized = SpacegroupAnalyzer(refined, symprec=symprec).get_symmetrized_structure()
    counts: dict[str, int] = {}
    sites = []
    for orbit, wyckoff in zip(symmetrized.equivalent_sites, symmetrized.wyckoff_symbols, strict=True):
        element = orbit[0].specie.symbol
        counts[element] = counts.get(element, 0) + 1
        sites.append(
            {
                "label": f"{element}{counts[element]}",
                "species": {element: 1.0},
                "wyckoff": wyckoff,
                "frac": [_fraction(value) for value in orbit[0].frac_coords],
            }
        )
    reduced, units = refined.composition.get_reduced_composition_and_factor()
    return {
        "symbol": analyzer.get_space_group_symbol(),
        "number": analyzer.get_space_group_number(),
        "lattice": lattice_parameters(refined),
        "sites": sites,
        "formula": reduced.formula.replace(" ", ""),
        "formula_units_per_cell": int(units),
        "structure": refined,
    }


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _value(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(key)} = {_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _table(name: str, table: dict[str, Any], array: bool = False) -> list[str]:
    """TOML lines of `table`: scalars and lists inline, nested tables as [name.key], lists of tables as [[name.key]]."""
    lines = [f"[[{name}]]" if array else f"[{name}]"]
    later: list[str] = []
    for key, value in table.items():
        if isinstance(value, dict) and (key.startswith("lattice") or key.startswith("mlip_check")):
            later += ["", *_table(f"{name}.{key}", value)]
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for item in value:
                later += ["", *_table(f"{name}.{key}", item, array=True)]
        else:
            lines.append(f"{key} = {_value(value)}")
    return lines + later


def entry_toml(
    comment: str, name: str, source_kind: str, unit: dict[str, Any], setting: str, construction: dict[str, Any]
) -> str:
    """The TOML text of a constructed entry: header comment, name, space group, lattice, sites and [construction]."""
    lattice = {key: value for key, value in unit["lattice"].items() if key != "volume_A3"}
    lines = [
        f"# {comment}",
        f"name = {_value(name)}",
        f"formula = {_value(unit['formula'])}",
        f"formula_units_per_cell = {unit['formula_units_per_cell']}",
        f"source_kind = {_value(source_kind)}",
        "",
        "[space_group]",
        f"symbol = {_value(unit['symbol'])}",
        f"number = {unit['number']}",
        f"setting = {_value(setting)}",
        "",
        *_table("lattice", lattice),
    ]
    for site in unit["sites"]:
        lines += ["", "[[sites]]", *(f"{key} = {_value(value)}" for key, value in site.items())]
    lines += ["", *_table("construction", construction)]
    return "\n".join(lines) + "\n"
