"""Optimisation: the optimum beats the starting design, respects the constraints and the thin-separator logic."""

import pytest
from conftest import REPO_ROOT

from nassb.cell.design import read_design
from nassb.cell.optimize import VARIABLE_PARAMETERS, optimise_design, variant_parameters
from nassb.cell.resolve import resolve_cell
from nassb.core.errors import InputError
from nassb.core.value import Computation

TIS2 = REPO_ROOT / "examples" / "cells" / "tis2-borohydride-na.toml"


def test_the_optimiser_changes_only_the_parameters_it_names():
    design = read_design(TIS2)
    start = resolve_cell(design).parameters
    variant = resolve_cell(design, overrides=variant_parameters(80.0, 10.0, 50.0)).parameters
    assert variant.get("cathode.active.mass_fraction", "%") == 80.0
    assert variant.get("cathode.active_loading", "mg/cm2") == 10.0 and variant.get("separator.thickness", "um") == 50.0
    assert variant.get("cathode.active.mass_fraction") + variant.get(
        "cathode.catholyte.mass_fraction"
    ) == pytest.approx(1.0)
    named = {name for name, _ in VARIABLE_PARAMETERS.values()}
    for name in variant:
        if name in named:
            assert variant.value(name).source.method.startswith("design optimisation")
        elif not isinstance(variant.value(name).source, Computation):
            assert variant.value(name) == start.value(name), name
    assert variant.value("cathode.catholyte.mass_fraction").source.method == "the other parts scaled to keep 100 %"
    assert set(variant) == set(start)
    assert variant.get("separator.area_resistance") == pytest.approx(
        start.get("separator.area_resistance") * 50.0 / start.get("separator.thickness", "um")
    )


def test_optimum_is_feasible_and_beats_the_start():
    result = optimise_design(
        read_design(TIS2), c_rate=1.0, min_separator_um=40.0, min_utilisation=0.8, grid_points=2, refine_evaluations=6
    )
    best = result.best
    assert best.feasible and best.utilisation >= 0.8
    assert best.separator_um >= 40.0
    assert best.energy_Wh_per_kg > result.start.energy_Wh_per_kg
    # a thinner separator only removes mass and resistance: the optimum sits at the thinnest allowed
    assert best.separator_um == pytest.approx(40.0, abs=5.0)
    assert all(not point.feasible or point.energy_Wh_per_kg <= best.energy_Wh_per_kg for point in result.points)


def test_impossible_constraints_are_reported():
    with pytest.raises(InputError, match="utilisation"):
        optimise_design(
            read_design(TIS2),
            c_rate=50.0,
            active_loading_mg_per_cm2=(30.0, 40.0),
            min_utilisation=0.99,
            grid_points=2,
            refine_evaluations=2,
        )
