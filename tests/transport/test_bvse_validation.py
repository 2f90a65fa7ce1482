"""BVSE of the seed electrolytes against their measured activation energies (issue: Spearman and outliers)."""

import math

import pytest
from pymatgen.core import Composition

from nassb.transport.bvse_validation import CASES, case_structure, measured_activation_energy_eV, run_validation


@pytest.fixture(scope="module")
def validation():
    return run_validation()


def test_at_least_ten_seed_electrolytes_are_ranked(validation):
    assert len(validation.rows) >= 10
    assert -1.0 <= validation.spearman_rho <= 1.0
    assert 0.0 <= validation.spearman_p <= 1.0


def test_every_case_is_a_3d_conductor_in_bvse(validation):
    # all of these are 3D Na+ conductors (seed 000 sections 2-3, seed 001 section 4.1): the landscape must span 3D
    for row in validation.rows:
        assert row.dimensionality == 3, row.label
        assert 0.1 < row.Ea_bvse_eV < 2.0, row.label


def test_measured_values_are_the_knowledge_base_medians():
    # seed 000 Table 1 row 2: Na3SbS4 25.77 kJ/mol = 0.267 eV; seed 002 Table 1: 0.20 eV -> median 0.234 eV
    assert measured_activation_energy_eV(("000-0004", "002T-0119")) == pytest.approx((0.2671 + 0.20) / 2, abs=1e-3)


def test_doped_cases_model_the_seed_composition():
    for case in CASES:
        if case.substitute is None:
            continue
        structure, x_realised = case_structure(case)
        assert abs(x_realised - case.x) <= 0.05, case.label
        target = Composition(case.label)
        modelled = structure.composition.fractional_composition
        for element in target:
            assert modelled[element] == pytest.approx(target.fractional_composition[element], abs=0.01), (
                case.label,
                element,
            )


def test_outliers_carry_their_stated_caveat(validation):
    for outlier in validation.outliers:
        label = outlier.split(":")[0]
        case = next(case for case in CASES if case.label == label)
        assert (case.caveat or "no caveat recorded") in outlier
    assert all(math.isfinite(row.Ea_experiment_eV) for row in validation.rows)
