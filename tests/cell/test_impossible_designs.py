"""Designs that cannot exist are refused with the field to change; limits the anode sets are applied."""

import pytest
from conftest import REPO_ROOT

from nassb.cell.design import design_from_dict, read_design
from nassb.cell.rate_model import simulate_discharge
from nassb.cell.resolve import resolve_cell
from nassb.core.errors import InputError

CELLS = REPO_ROOT / "examples" / "cells"
TIS2 = CELLS / "tis2-borohydride-na.toml"
NACRO2 = CELLS / "nacro2-nyzc-nps-nasn.toml"
NA_CAPACITY_mAh_per_g = 1166.0  # F / (3.6 M_Na), knowledge-base record 000-0143
NA_DENSITY_g_per_cm3 = 0.968


def _data(path):
    return read_design(path).model_dump(exclude_none=True)


def _refused(data, field: str, match: str):
    with pytest.raises(InputError, match=match) as caught:
        resolve_cell(design_from_dict(data, "bad.toml"))
    assert (caught.value.source, caught.value.field) == ("bad.toml", field)


def test_anode_free_needs_a_cathode_that_holds_sodium():
    data = _data(TIS2)
    data["anode"] = {"type": "anode_free"}
    _refused(data, "anode.type", "TiS2 .*holds none")


def test_an_anode_free_cell_has_no_np_ratio_and_counts_the_plated_sodium_volume():
    data = _data(NACRO2)
    data["anode"] = {"type": "anode_free"}
    resolved = resolve_cell(design_from_dict(data, "free.toml"))
    assert resolved.np_ratio is None
    plated = next(layer for layer in resolved.layers if layer.role.name == "ANODE")
    assert plated.thickness_cm == pytest.approx(
        resolved.areal_capacity_mAh_per_cm2 / NA_CAPACITY_mAh_per_g / NA_DENSITY_g_per_cm3, rel=2e-3
    )
    assert plated.mass_g_per_cm2 == 0.0
    energy = resolved.energy()
    assert energy.volume_breakdown()[plated.name] > 0


def test_np_below_one_limits_a_sodium_free_cathode_to_the_anodes_sodium():
    data = _data(TIS2)
    data["anode"] = {"type": "na_metal", "np_ratio": 0.5}
    resolved = resolve_cell(design_from_dict(data, "thin.toml"))
    assert resolved.parameters.get("anode.capacity_fraction") == pytest.approx(0.5)
    assert resolved.areal_capacity_mAh_per_cm2 == pytest.approx(0.5 * resolved.parameters.get("cathode.areal_capacity"))
    (slow,) = simulate_discharge(resolved.rate_parameters, [0.05])
    assert slow.utilisation == pytest.approx(0.5, abs=0.01)


def test_np_below_one_does_not_limit_a_sodiated_cathode_on_sodium_metal():
    data = _data(NACRO2)
    data["anode"] = {"type": "na_metal", "np_ratio": 0.5}
    resolved = resolve_cell(design_from_dict(data, "thin.toml"))
    assert resolved.parameters.get("anode.capacity_fraction") == 1.0
    data["anode"] = {"type": "alloy", "material": "Na15Sn4", "np_ratio": 0.5}
    assert resolve_cell(design_from_dict(data, "alloy.toml")).parameters.get(
        "anode.capacity_fraction"
    ) == pytest.approx(0.5)


@pytest.mark.parametrize("anode", [{"type": "na_metal", "thickness_um": 50}, {"type": "anode_free"}])
def test_sodium_above_its_melting_point_is_outside_the_model(anode):
    data = _data(NACRO2)
    data["anode"] = anode
    data["cell"]["temperature_C"] = 120.0
    _refused(data, "cell.temperature_C", "melting point of Na")


def test_a_typo_in_a_materials_table_lists_the_known_keys():
    data = _data(TIS2)
    data["materials"] = {"TiS2": {"diffusivity_cm2_per_sec": 1e-10}}
    with pytest.raises(InputError, match="diffusivity_cm2_per_s") as caught:
        design_from_dict(data, "typo.toml")
    assert caught.value.field == "materials.TiS2.diffusivity_cm2_per_sec"


@pytest.mark.parametrize(
    ("part", "material", "field"),
    [
        ("carbon", "Na", "cathode.carbon"),
        ("catholyte", "NaCrO2", "cathode.catholyte"),
        ("active", "Na3PS4", "cathode.active"),
    ],
)
def test_a_material_in_the_wrong_role_is_refused(part, material, field):
    data = _data(NACRO2)
    data["cathode"][part] = material
    _refused(data, field, "material in the library")


def test_a_separator_that_is_a_cathode_is_refused():
    data = _data(NACRO2)
    data["separator"]["material"] = "TiS2"
    _refused(data, "separator.material", "electrolyte material")


def test_porosity_close_to_one_and_zero_conductivity_name_their_field():
    data = _data(NACRO2)
    data["cathode"]["porosity"] = 0.97
    _refused(data, "cathode.porosity", r"\[0, 0.9\]")
    data = _data(TIS2)
    data["materials"] = {"Na2B10H10-3Na2B12H12": {"ionic_conductivity_S_per_cm": 0.0}}
    _refused(data, "materials.Na2B10H10-3Na2B12H12.ionic_conductivity_S_per_cm", "ionic conductivity")


def test_a_solver_failure_names_the_unusual_parameter(monkeypatch):
    import dataclasses

    from nassb.cell import rate_model
    from nassb.core.errors import ModelError

    parameters = dataclasses.replace(resolve_cell(read_design(TIS2)).rate_parameters, solid_diffusivity_cm2_per_s=1e-25)

    class FailingSolver:
        def solve(self, *args, **kwargs):
            import pybamm

            raise pybamm.SolverError("IDA_CONV_FAIL: the corrector convergence failed repeatedly\nat t = 12.3\n...")

    simulate_discharge(parameters, [0.1])  # builds the model once
    model, _solver = next(iter(rate_model._BUILT.values()))
    monkeypatch.setattr(rate_model, "_BUILT", {(rate_model.MESH_X, rate_model.MESH_R): (model, FailingSolver())})
    with pytest.raises(ModelError) as caught:
        simulate_discharge(parameters, [0.1])
    message = str(caught.value)
    assert "IDA_CONV_FAIL" in message and "at t = 12.3" not in message
    assert "cathode.active.diffusivity = 1e-25 cm2/s" in message


def test_a_cell_that_delivers_nothing_does_not_headline_its_practical_energy():
    from nassb.evaluate import evaluate_design
    from nassb.report.cell_report import render_report

    data = _data(TIS2)
    data["materials"] = {"TiS2": {"exchange_current_density_mA_per_cm2": 1e-30}}
    data["cell"]["c_rates"] = [0.1, 1.0]
    evaluation = evaluate_design(design_from_dict(data, "dead.toml"))
    assert evaluation.delivers_nothing and evaluation.to_dict()["delivers_nothing"] is True
    summary = render_report(evaluation).split('id="summary"')[1].split("<h2")[0]
    assert "delivers no capacity" in summary and "Wh/kg delivered (cell)" in summary
    assert f">{evaluation.energy.Wh_per_kg_cell:.0f}<" not in summary
