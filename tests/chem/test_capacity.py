"""Theoretical capacity n F / (3.6 M) against the values the seed reviews print (DOMAIN.md section 3)."""

from __future__ import annotations

import pytest

from nassb.chem.capacity import molar_mass_g_per_mol, specific_energy_Wh_per_kg, theoretical_capacity_mAh_per_g
from nassb.core.errors import InputError


@pytest.mark.parametrize(
    ("formula", "electrons", "printed_mAh_per_g", "rel", "where"),
    [
        ("Na", 1, 1166, 1e-3, "002 section 1 (Introduction): Na metal ~1166 mAh/g; 000 section 1 prints 1165"),
        ("Na2S", 2, 687, 1e-3, "000 section 6.3: theoretical capacity of Na2S (687 mAh/g)"),
        ("TiS2", 1, 239, 2e-3, "001 section 5.4: theoretical capacity of TiS2 (239 mAh/g)"),
        ("FeS2", 4, 894, 1e-3, "001 Table 2, FeS2|Na3PS4|Na row: 894"),
        ("C16H6O4", 4, 409, 1e-3, "003 section 5.3.1 and 001 Table 2: PTO 409 mAh/g"),
        ("Sb2S3", 12, 946, 1e-3, "003 section 3.2.1: Sb2S3 946 mAh/g (3 Na2S + 2 Na3Sb)"),
        # 1675 is 2F/(3.6 x 32.00); with M(S) = 32.06 g/mol the value is 1672 (0.2 % lower).
        ("S", 2, 1675, 2.5e-3, "001 Table 2, S cathode rows: 1675"),
    ],
)
def test_theoretical_capacity_matches_the_seeds(formula, electrons, printed_mAh_per_g, rel, where):
    assert theoretical_capacity_mAh_per_g(formula, electrons) == pytest.approx(printed_mAh_per_g, rel=rel), where


def test_polyanion_and_layered_oxide_textbook_values():
    # Na3V2(PO4)3 -> NaV2(PO4)3 (2 Na, V3+/V4+): the textbook 117.6 mAh/g; M = 455.77 g/mol.
    assert molar_mass_g_per_mol("Na3V2(PO4)3") == pytest.approx(455.77, abs=0.01)
    assert theoretical_capacity_mAh_per_g("Na3V2(PO4)3", 2) == pytest.approx(117.6, abs=0.1)
    # NaCrO2 cycles 0.5 Na reversibly: 125 mAh/g; 001 Table 2 lists 120 mAh/g for NaCrO2 cells (96 % of it).
    half_na = theoretical_capacity_mAh_per_g("NaCrO2", 0.5)
    assert half_na == pytest.approx(125.3, abs=0.1)
    assert 120 / half_na == pytest.approx(0.958, abs=0.001)
    # capacity is linear in the electrons exchanged
    assert theoretical_capacity_mAh_per_g("NaCrO2", 1) == pytest.approx(2 * half_na, rel=1e-12)


def test_specific_energy_of_pbqs():
    # 003 section 3.3: PBQS 557 Wh/kg = 2.08 V x 268 mAh/g; formula from 000 section 6.
    assert specific_energy_Wh_per_kg(268, 2.08) == pytest.approx(557, abs=0.5)


@pytest.mark.parametrize("formula", ["", "Xx2", "NaCl)"])
def test_unparseable_formula_is_an_input_error(formula):
    with pytest.raises(InputError, match="formula"):
        theoretical_capacity_mAh_per_g(formula, 1)


@pytest.mark.parametrize("electrons", [0, -1, float("nan")])
def test_electrons_must_be_positive(electrons):
    with pytest.raises(InputError, match="electrons"):
        theoretical_capacity_mAh_per_g("Na", electrons)
