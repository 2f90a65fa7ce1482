"""Chemical formulas as pymatgen `Composition`s: one parser for the knowledge base, thermodynamics and the cell."""

from __future__ import annotations


def parse_formula(formula: str):
    """Parse a formula with pymatgen; return the `Composition` or None if it does not parse."""
    from pymatgen.core import Composition

    try:
        composition = Composition(formula)
    except (ValueError, KeyError):
        return None
    return composition if composition.num_atoms > 0 else None
