"""The cell parameter set: registry, units, ranges, sources, and the round trip through the evaluation JSON."""

import json
import math

import pytest
from conftest import REPO_ROOT

from nassb.cell.design import design_from_dict, read_design
from nassb.cell.parameters import REGISTRY, ParameterSet, definition
from nassb.cell.resolve import resolve_cell
from nassb.core.errors import InputError
from nassb.core.units import convert, parse_unit, si_unit
from nassb.core.value import Computation, DocumentedDefault, KnowledgeBaseRecord, Literature, UserInput, Value

EXAMPLES = sorted((REPO_ROOT / "examples" / "cells").glob("*.toml"))
TIS2 = REPO_ROOT / "examples" / "cells" / "tis2-borohydride-na.toml"
NACRO2 = REPO_ROOT / "examples" / "cells" / "nacro2-nyzc-nps-nasn.toml"
GIVEN = UserInput("test.toml", "somewhere")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_parameter_converts_to_si_and_back(name):
    parameter = REGISTRY[name]
    si = si_unit(parameter.unit)
    for magnitude in (1.0, 3.7e-5, 250.0):
        there = convert(magnitude, parameter.unit, si)
        assert convert(there, si, parameter.unit) == pytest.approx(magnitude, rel=1e-12)
    assert parameter.meaning and parse_unit(parameter.unit)


def test_si_factors_of_the_pybamm_boundary():
    assert convert(100.0, "um", "m") == pytest.approx(1e-4)
    assert convert(1.0, "mA/cm2", "A/m2") == pytest.approx(10.0)
    assert convert(1.0, "Ohm cm2", "Ohm m2") == pytest.approx(1e-4)
    assert convert(1.0, "mAh/cm2", "C/m2") == pytest.approx(36.0e3)  # 3.6 C per mAh, 1e4 cm2 per m2
    assert convert(1.0, "mol/L", "mol/m3") == pytest.approx(1e3)
    assert convert(1.0, "S/cm", "S/m") == pytest.approx(100.0)
    assert convert(5.0, "g/cm3", "kg/m3") == pytest.approx(5e3)


def test_lookup_in_any_compatible_unit():
    params = ParameterSet({"separator.thickness": Value(500.0, "um", GIVEN)})
    assert params.get("separator.thickness", "cm") == pytest.approx(0.05)
    assert params.get("separator.thickness", "m") == pytest.approx(5e-4)
    assert params.get("separator.thickness") == pytest.approx(0.05)  # the canonical unit, cm
    with pytest.raises(InputError, match="dimension"):
        params.get("separator.thickness", "mAh/g")


def test_unknown_names_are_refused_with_the_closest_names():
    with pytest.raises(InputError, match="separator.thickness"):
        ParameterSet({"separator.thicknes": Value(1.0, "um", GIVEN)})
    with pytest.raises(InputError, match="registered parameter"):
        ParameterSet().get("nonsense.parameter")
    with pytest.raises(InputError, match="not resolved"):
        ParameterSet().get("separator.thickness")
    assert definition("interlayer[3].asr") is REGISTRY["interlayer.asr"]


def test_out_of_range_values_name_the_toml_path():
    with pytest.raises(InputError) as caught:
        ParameterSet({"cathode.porosity": Value(1.2, "1", UserInput("cell.toml", "cathode.porosity"))})
    assert caught.value.source == "cell.toml" and caught.value.field == "cathode.porosity"
    assert "[0, 0.9]" in str(caught.value)
    with pytest.raises(InputError, match="separator.thickness"):
        ParameterSet({"separator.thickness": Value(-5.0, "um", Computation("a bug"))})
    with pytest.raises(InputError, match="unit of cm"):
        ParameterSet({"separator.thickness": Value(5.0, "V", GIVEN)})


def test_a_design_value_out_of_its_range_is_refused_by_the_registry():
    data = read_design(TIS2).model_dump(exclude_none=True)
    data["materials"] = {"TiS2": {"ocv_slope_V": -2.0}}
    with pytest.raises(InputError, match=r"\[-1, 5\] V") as caught:
        resolve_cell(design_from_dict(data, "folded.toml"))
    assert (caught.value.source, caught.value.field) == ("folded.toml", "materials.TiS2.ocv_slope_V")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_design_to_parameter_set_to_json_and_back(path):
    parameters = resolve_cell(read_design(path)).parameters
    document = json.loads(json.dumps(parameters.to_dict()))
    back = ParameterSet.from_dict(document)
    assert list(back) == list(parameters)
    for name in parameters:
        assert back.value(name) == parameters.value(name), name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_parameter_has_a_known_source_and_library_values_are_literature(path):
    resolved = resolve_cell(read_design(path))
    kinds = (UserInput, KnowledgeBaseRecord, Literature, Computation, DocumentedDefault)
    for name, value in resolved.parameters.items():
        assert isinstance(value.source, kinds), name
        assert value.source.to_dict()["kind"] != "unknown"
        if isinstance(value.source, DocumentedDefault):
            assert "material library" not in value.source.justification, name
    thickness = resolved.parameters.value("separator.thickness")
    assert thickness.source == UserInput(str(path), "separator.thickness_um")
    assert resolved.parameters.get("separator.thickness", "um") == read_design(path).separator.thickness_um


def test_library_values_cite_their_paper_and_entry():
    resolved = resolve_cell(read_design(NACRO2))
    density = resolved.parameters.value("cathode.active.density")
    assert isinstance(density.source, Literature)
    assert (
        "Komaba" in density.source.citation
        and density.source.held_in == "nassb material library [NaCrO2] density_g_per_cm3"
    )
    assert resolved.material_of("cathode.active.density") == "NaCrO2"
    capacity = resolved.parameters.value("cathode.active.practical_capacity")
    assert isinstance(capacity.source, KnowledgeBaseRecord) and capacity.source.record_id == "001T-0075"


def test_rate_model_inputs_come_from_the_parameter_set():
    resolved = resolve_cell(read_design(NACRO2))
    rate = resolved.rate_parameters
    params = resolved.parameters
    assert rate.separator_resistance_ohm_cm2 == pytest.approx(
        params.get("separator.thickness", "cm") / params.get("separator.ionic_conductivity_effective", "S/cm")
    )
    assert rate.particle_radius_cm == params.get("cathode.active.particle_radius", "cm")
    assert rate.temperature_K == pytest.approx(313.15)
    assert math.isclose(rate.anode_potential_V, params.get("anode.potential", "V"))


def test_layers_carry_roles_in_stacking_order():
    resolved = resolve_cell(read_design(NACRO2))
    roles = [layer.role.name for layer in resolved.layers]
    assert roles.index("CATHODE") < roles.index("SEPARATOR") < roles.index("ANODE")
    separator = next(layer for layer in resolved.layers if layer.role.name == "SEPARATOR")
    assert separator.thickness_cm == pytest.approx(resolved.parameters.get("separator.thickness", "cm"))


def test_a_field_left_out_of_the_file_is_the_schemas_default_not_user_input():
    parameters = resolve_cell(read_design(TIS2)).parameters
    porosity = parameters.value("cathode.porosity")  # not written in the TiS2 example
    assert isinstance(porosity.source, DocumentedDefault) and "schema's default" in porosity.source.justification
    assert isinstance(parameters.value("cell.temperature").source, UserInput)  # temperature_C = 30 is written
