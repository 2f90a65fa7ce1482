"""Optimisation: the optimum beats the starting design, respects the constraints and the thin-separator logic."""

import pytest
from conftest import REPO_ROOT

from nassb.cell.design import read_design
from nassb.cell.optimize import design_variant, optimise_design
from nassb.core.errors import InputError

TIS2 = REPO_ROOT / "examples" / "cells" / "tis2-borohydride-na.toml"


def test_design_variant_keeps_the_composition_at_100_percent():
    variant = design_variant(read_design(TIS2), 80.0, 10.0, 50.0)
    composition = variant.cathode.composition_wt
    assert composition.active + composition.catholyte == pytest.approx(100.0)
    assert variant.separator.thickness_um == 50.0 and variant.cathode.active_loading_mg_per_cm2 == 10.0


def test_optimum_is_feasible_and_beats_the_start():
    result = optimise_design(read_design(TIS2), c_rate=1.0, min_separator_um=40.0, min_utilisation=0.8,
                             grid_points=2, refine_evaluations=6)
    best = result.best
    assert best.feasible and best.utilisation >= 0.8
    assert best.separator_um >= 40.0
    assert best.energy_Wh_per_kg > result.start.energy_Wh_per_kg
    # a thinner separator only removes mass and resistance: the optimum sits at the thinnest allowed
    assert best.separator_um == pytest.approx(40.0, abs=5.0)
    assert all(not point.feasible or point.energy_Wh_per_kg <= best.energy_Wh_per_kg for point in result.points)


def test_impossible_constraints_are_reported():
    with pytest.raises(InputError, match="utilisation"):
        optimise_design(read_design(TIS2), c_rate=50.0, active_loading_mg_per_cm2=(30.0, 40.0), min_utilisation=0.99,
                        grid_points=2, refine_evaluations=2)
