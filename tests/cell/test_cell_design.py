"""The cell design schema: a valid file reads, and each broken rule is an error naming the field and the rule."""

import copy

import pytest

from nassb.cell.design import design_from_dict, read_design
from nassb.core.errors import InputError

VALID = {
    "cell": {"name": "test cell", "temperature_C": 25, "voltage_min_V": 2.0, "voltage_max_V": 3.6},
    "cathode": {
        "active": "NaCrO2",
        "catholyte": "Na3PS4",
        "composition_wt": {"active": 70, "catholyte": 30},
        "active_loading_mg_per_cm2": 10.0,
    },
    "separator": {"material": "Na3PS4", "thickness_um": 500},
    "anode": {"type": "na_metal", "thickness_um": 100},
}


def changed(path: str, value):
    data = copy.deepcopy(VALID)
    *parents, leaf = path.split(".")
    target = data
    for key in parents:
        target = target.setdefault(key, {})
    if value is None:
        del target[leaf]
    else:
        target[leaf] = value
    return data


def error_of(data) -> InputError:
    with pytest.raises(InputError) as caught:
        design_from_dict(data, "cell.toml")
    return caught.value


def test_valid_design_reads_with_defaults():
    design = design_from_dict(VALID, "cell.toml")
    assert design.cell.temperature_K == pytest.approx(298.15)
    assert design.cathode.composition.fractions() == {"active": 0.7, "catholyte": 0.3}
    assert design.anode.material_name == "Na"
    assert design.cell.packaging_mass_fraction == 0.2


@pytest.mark.parametrize(
    ("path", "value", "field", "rule"),
    [
        ("cathode.composition_wt", {"active": 70, "catholyte": 20}, "cathode.composition_wt", "sum to 100"),
        ("separator.thickness_um", -5, "separator.thickness_um", "greater than 0"),
        ("cathode.thickness_um", 60, "cathode", "exactly one of active_loading_mg_per_cm2"),
        ("cathode.catholyte", None, "cathode", "no 'catholyte' material"),
        ("anode.np_ratio", 1.2, "anode", "exactly one of thickness_um"),
        ("cell.voltage_max_V", 1.5, "cell", "voltage_max_V must be above"),
        ("cell.temprature_C", 25, "cell.temprature_C", "Extra inputs are not permitted"),
        ("anode.type", "lithium", "anode.type", "'na_metal', 'alloy' or 'anode_free'"),
    ],
)
def test_broken_rules_name_the_field(path, value, field, rule):
    error = error_of(changed(path, value))
    assert error.source == "cell.toml"
    assert error.field == field
    assert rule in str(error)


def test_liquid_interlayer_in_uL_needs_the_cell_area():
    data = changed("interlayer", [{"type": "liquid", "position": "anode", "liquid_uL": 10}])
    assert "area_cm2" in str(error_of(data))
    data["cell"]["area_cm2"] = 1.0
    assert design_from_dict(data).interlayer[0].liquid_uL == 10


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="existing cell design"):
        read_design(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[cell\nname = 'x'\n")
    with pytest.raises(InputError, match="valid TOML") as caught:
        read_design(broken)
    assert caught.value.source == str(broken)
