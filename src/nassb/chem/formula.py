"""Chemical formulas as pymatgen `Composition`s: one parser for the knowledge base, thermodynamics and the cell."""

from __future__ import annotations

import math
import re

MAX_ATOMS_PER_FORMULA = 1000.0  # a formula unit of a battery material has tens of atoms; 1e400 is a typo
_ZERO_AMOUNT = re.compile(r"(?:[A-Z][a-z]?|\))0(?:\.0*)?(?![.\d])")


def checked_formula(formula: str):
    """(Composition or None, the problem or None): one pymatgen parse and the checks of `formula_problem`."""
    from pymatgen.core import Composition

    if _ZERO_AMOUNT.search(formula):
        return None, "an amount of zero (leave the element out instead)"
    try:
        composition = Composition(formula)
    except (ValueError, KeyError) as error:
        return None, str(error)
    unknown = [str(element) for element in composition.elements if type(element).__name__ == "DummySpecies"]
    if unknown:
        return None, f"element symbols only ({', '.join(unknown)} is not an element)"
    amounts = list(composition.values())
    if not amounts or composition.num_atoms <= 0:
        return None, "no atoms"
    if not all(math.isfinite(amount) for amount in amounts) or composition.num_atoms > MAX_ATOMS_PER_FORMULA:
        return None, f"amounts that sum to at most {MAX_ATOMS_PER_FORMULA:g} atoms per formula unit"
    return composition, None


def formula_problem(formula: str) -> str | None:
    """Why `formula` is not a usable chemical formula, or None when it is (zero, infinite or absurd amounts,
    symbols pymatgen does not know)."""
    return checked_formula(formula)[1]


def parse_formula(formula: str):
    """Parse a formula with pymatgen; return the `Composition`, or None if it does not parse or has zero, infinite
    or absurd amounts (`formula_problem` says which)."""
    return checked_formula(formula)[0]


# Reduced formulas that hide a dimer anion: a 1:1 alkali chalcogenide holds X2(2-) (persulfide, perselenide), as
# pymatgen already writes Na2O2 for the peroxide. Value: (formula as written, reduced formula units in one unit).
DIMER_ANION_FORMULAS: dict[str, tuple[str, int]] = {
    f"{alkali}{chalcogen}": (f"{alkali}2{chalcogen}2", 2)
    for alkali in ("Li", "Na", "K")
    for chalcogen in ("S", "Se", "Te")
}


def display_formula(composition) -> tuple[str, int]:
    """The formula to print for a phase (Na2S2, not pymatgen's reduced 'NaS') and how many reduced formula units
    one unit of it holds (2 for Na2S2), so that amounts per reduced unit can be divided by it."""
    reduced = composition.reduced_formula
    return DIMER_ANION_FORMULAS.get(reduced, (reduced, 1))
