import json

import pytest

from nassb.core import Computation, DocumentedDefault, InputError, KnowledgeBaseRecord, Literature, UserInput, Value


def test_conversion_keeps_the_source_and_scales_the_uncertainty():
    source = KnowledgeBaseRecord("000-0001", "000_1aab2d4f9fddafb9.txt", "Table 1 row 1")
    sigma = Value(0.20, "mS/cm", source, uncertainty=0.02)
    converted = sigma.to("S/cm")
    assert converted.magnitude == pytest.approx(2.0e-4)
    assert converted.uncertainty == pytest.approx(2.0e-5)
    assert converted.source is source


def test_temperature_uncertainty_is_not_shifted_by_the_celsius_offset():
    temperature = Value(25.0, "degC", UserInput("cell.toml", "temperature"), uncertainty=0.5).to("K")
    assert temperature.magnitude == pytest.approx(298.15)
    assert temperature.uncertainty == pytest.approx(0.5)


def test_every_source_kind_describes_itself():
    sources = [
        UserInput("design.toml", "separator.thickness_um"),
        KnowledgeBaseRecord("004-0010", "004_987e8a203ea704ee.txt", "section 3.1"),
        Computation("Arrhenius extrapolation (004 Eq. 1)", {"temperature_K": 298.15}),
        DocumentedDefault("room temperature taken as 25 degC"),
    ]
    texts = [str(Value(1.0, "V", source)) for source in sources]
    assert "design.toml" in texts[0]
    assert "section 3.1" in texts[1]
    assert "temperature_K=298.15" in texts[2]
    assert "25 degC" in texts[3]


def test_to_dict_is_json_ready_and_names_the_source_kind():
    value = Value(3.75, "V", Computation("grand potential", {"entries": "mp2020"}))
    payload = json.loads(json.dumps(value.to_dict()))
    assert payload["source"] == {"kind": "computation", "method": "grand potential", "settings": {"entries": "mp2020"}}


@pytest.mark.parametrize(
    "source",
    [
        UserInput("cell.toml", "separator.thickness_um"),
        KnowledgeBaseRecord("000-0001", "000.txt", "Table 1"),
        Literature("Komaba et al. 2010", "Fig. 2", "library"),
        Computation("m", {"a": 1}),
        DocumentedDefault("why"),
    ],
)
def test_every_source_kind_round_trips_through_json(source):
    from nassb.core.value import source_from_dict

    assert source_from_dict(json.loads(json.dumps(source.to_dict()))) == source
    with pytest.raises(InputError, match="kind"):
        source_from_dict({"kind": "rumour"})


def test_to_quantity_gives_method_and_settings_of_a_computation_and_the_source_otherwise():
    computed = Value(2.5e-4, "S/cm", Computation("L / (A R)", {"circuit": "p(R1,CPE1)"}), uncertainty=1e-5)
    assert computed.to_quantity() == {
        "value": 2.5e-4,
        "unit": "S/cm",
        "uncertainty": 1e-5,
        "method": "L / (A R)",
        "settings": {"circuit": "p(R1,CPE1)"},
    }
    given = Value(0.1, "cm", UserInput("cell.toml", "thickness_cm")).to_quantity()
    assert given["source"] == {"kind": "user_input", "file": "cell.toml", "toml_path": "thickness_cm"}
    assert "method" not in given


def test_bad_values_are_refused():
    with pytest.raises(InputError, match="unit"):
        Value(1.0, "parsecs", UserInput("x.toml", "thickness"))
    with pytest.raises(InputError, match="uncertainty"):
        Value(1.0, "V", UserInput("x.toml", "voltage"), uncertainty=-1.0)
    with pytest.raises(InputError, match="magnitude"):
        Value(float("nan"), "V", UserInput("x.toml", "voltage"))
