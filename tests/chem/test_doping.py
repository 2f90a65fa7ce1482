"""Aliovalent doping series: charge balance and Na bookkeeping against the seeds' own formulas."""

import pytest
from pymatgen.core import Composition, Lattice, Structure

from nassb.chem.doping import doped_composition, doped_supercell, doping_series, parse_range, parse_substitution
from nassb.core.errors import InputError


def _cubic_na3ps4() -> Structure:
    # Jansen and Henseler 1992, J. Solid State Chem. 99, 110: I-43m, a = 6.9965 A
    return Structure.from_spacegroup(
        "I-43m", Lattice.cubic(6.9965), ["Na", "P", "S"], [[0, 0.5, 0.5], [0, 0, 0], [0.1694] * 3]
    )


@pytest.mark.parametrize(
    ("parent", "substitute", "x", "seed_formula", "vacancies"),
    [
        ("Na3SbS4", "W:Sb", 0.12, "Na2.88Sb0.88W0.12S4", 0.12),  # seed 000 Table 1 (printed Na3.06..., corrected)
        ("Na3SbS4", "Ge:Sb", 0.1, "Na3.1Ge0.1Sb0.9S4", -0.1),  # seed 000 section 4.1.1: Na interstitials
        ("Na3PS4", "Cl:S", 0.2, "Na2.8PS3.8Cl0.2", 0.2),  # seed 000 Table 1
        ("Na3PS4", "W:P", 0.15, "Na2.85P0.85W0.15S4", 0.15),  # seed 000 Table 1
        ("Na3SbS4", "Si:Sb", 0.06, "Na3.06Sb0.94Si0.06S4", -0.06),  # seed 000 Table 1
    ],
)
def test_series_member_is_the_seed_formula(parent, substitute, x, seed_formula, vacancies):
    member = doped_composition(parent, parse_substitution(substitute, parent), x, na_sites_per_formula_unit=3)
    assert Composition(member.formula).almost_equals(Composition(seed_formula), atol=1e-8)
    assert member.charge_balanced
    assert member.na_vacancies_per_formula_unit == pytest.approx(vacancies)
    assert member.na_site_vacancy_fraction == pytest.approx(vacancies / 3)


def test_divalent_cation_on_the_na_site_leaves_one_vacancy_per_dopant():
    member = doping_series("Na3PS4", "Ca:Na", 0.0, 0.1, 0.1)[-1]
    assert Composition(member.formula).almost_equals(Composition("Na2.8Ca0.1PS4"))
    assert member.na_vacancies_per_formula_unit == pytest.approx(0.1)


def test_series_spans_the_range_inclusively_and_every_member_balances():
    series = doping_series("Na3SbS4", "W:Sb", *parse_range("0-0.15"), step=0.05)
    assert [m.x for m in series] == pytest.approx([0.0, 0.05, 0.10, 0.15])
    charges = {"Na": 1, "Sb": 5, "W": 6, "S": -2}
    for member in series:
        amounts = Composition(member.formula).get_el_amt_dict()
        assert sum(charges[element] * amount for element, amount in amounts.items()) == pytest.approx(0, abs=1e-9)


def test_explicit_charges_override_the_guess():
    substitution = parse_substitution("W6+:Sb5+", "Na3SbS4")
    assert (substitution.dopant_oxidation, substitution.host_oxidation, substitution.charge_change) == (6, 5, 1)


@pytest.mark.parametrize(
    ("substitute", "parent", "field"),
    [("Xx:Sb", "Na3SbS4", "substitute"), ("W:P", "Na3SbS4", "host"), ("WSb", "Na3SbS4", "substitute")],
)
def test_bad_substitutions_name_the_field(substitute, parent, field):
    with pytest.raises(InputError) as error:
        parse_substitution(substitute, parent)
    assert error.value.field == field


def test_bad_ranges_are_refused():
    with pytest.raises(InputError):
        parse_range("0.15")
    with pytest.raises(InputError):
        doped_composition("Na3SbS4", parse_substitution("W:Sb", "Na3SbS4"), 1.5)


@pytest.mark.parametrize(("substitute", "na_change"), [("W:P", -1), ("Sn:P", +1), ("Cl:S", -1)])
def test_doped_supercell_is_charge_balanced_with_the_right_na_count(substitute, na_change):
    doped, x = doped_supercell(_cubic_na3ps4(), substitute, 0.125)  # 8 formula units: one dopant
    substitution = parse_substitution(substitute, "Na3PS4")
    assert x == pytest.approx(0.125)
    assert doped.is_ordered
    assert doped.composition[substitution.dopant] == 1
    assert doped.composition[substitution.host] == {"P": 8, "S": 32}[substitution.host] - 1
    assert doped.composition["Na"] == 24 + na_change
    charges = {"Na": 1, "P": 5, "S": -2, "W": 6, "Sn": 4, "Cl": -1}
    assert sum(charges[element.symbol] * amount for element, amount in doped.composition.items()) == 0
    if na_change > 0:  # the interstitial is not on top of another atom
        assert min(doped.distance_matrix[doped.distance_matrix > 0]) > 1.5
