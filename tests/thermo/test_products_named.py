"""Products are named as chemists write them, and elemental B and Si do not make an interphase conducting."""

import pytest
from pymatgen.core import Composition

from nassb.chem.formula import display_formula, formula_problem
from nassb.thermo.reactivity import interface_type, is_electronic_conductor


@pytest.mark.parametrize(
    ("formula", "shown", "units"),
    [("Na2S2", "Na2S2", 2), ("NaS", "Na2S2", 2), ("Na2O2", "Na2O2", 1), ("Na2S", "Na2S", 1), ("Na3PS4", "Na3PS4", 1)],
)
def test_dimer_anions_keep_their_formula(formula, shown, units):
    assert display_formula(Composition(formula)) == (shown, units)


def test_semiconducting_metalloids_are_not_electronic_conductors():
    assert not is_electronic_conductor("B") and not is_electronic_conductor("Si")
    assert is_electronic_conductor("Sb") and is_electronic_conductor("Na3Sb") and is_electronic_conductor("NaSn")
    assert interface_type(-0.2, ["NaBH4", "B"]) == "III"
    assert interface_type(-0.2, ["Na2S", "Na3Sb"]) == "II"


@pytest.mark.parametrize("formula", ["NaCl0", "Na1e400Cl", "Na(PO4)0", "Na1e6Cl", "Xx2O"])
def test_formulas_with_impossible_amounts_are_refused(formula):
    assert formula_problem(formula) is not None
    assert formula_problem("Na0.5CrO2") is None
