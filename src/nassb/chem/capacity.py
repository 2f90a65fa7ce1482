"""Theoretical specific capacity from a formula: Q = n F / (3.6 M) in mAh/g.

n electrons (equivalently Na+ ions) exchanged per formula unit, F the Faraday constant in C/mol and M the
molar mass in g/mol from pymatgen's `Composition` (IUPAC standard atomic weights); 1 mAh = 3.6 C. This
is Faraday's law as every battery text states it (e.g. Huggins, "Advanced Batteries", Springer 2009,
ch. 2) and as the seeds quote it (003 section 3.2.1: Sb2S3 946 mAh/g; 002 section 1: Na 1166 mAh/g).
"""

from __future__ import annotations

import math

from nassb.core.constants import FARADAY_C_PER_MOL
from nassb.core.errors import InputError

COULOMB_PER_MAH = 3.6


def molar_mass_g_per_mol(formula: str) -> float:
    """Molar mass in g/mol of a formula pymatgen can parse (`Na3V2(PO4)3`, `C16H6O4`)."""
    from nassb.chem.formula import checked_formula

    composition, problem = checked_formula(str(formula))
    if problem is not None:
        raise InputError(
            "formula",
            "formula",
            f"a chemical formula of real elements, such as Na3V2(PO4)3 (this one has {problem})",
            formula,
        )
    mass = float(composition.weight)
    if not mass > 0:
        raise InputError("formula", "formula", "a formula with at least one atom", formula)
    return mass


def theoretical_capacity_mAh_per_g(formula: str, electrons: float) -> float:
    """Theoretical specific capacity n F / (3.6 M) in mAh per gram of `formula` for `electrons` per formula unit."""
    if not (math.isfinite(electrons) and electrons > 0):
        raise InputError("formula", "electrons", "a positive number of electrons per formula unit", electrons)
    return electrons * FARADAY_C_PER_MOL / (COULOMB_PER_MAH * molar_mass_g_per_mol(formula))


def specific_energy_Wh_per_kg(capacity_mAh_per_g: float, voltage_V: float) -> float:
    """Specific energy in Wh/kg = capacity (mAh/g) x mean voltage (V); seed 000 section 6 gives this estimate."""
    return capacity_mAh_per_g * voltage_V
