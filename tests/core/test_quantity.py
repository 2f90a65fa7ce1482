from nassb.core.quantity import computed_quantities, quantity
from nassb.core.value import Computation, UserInput, Value


def test_computed_value_gives_method_and_settings():
    value = Value(0.3, "eV", Computation("BVSE", {"resolution_A": 0.2}), 0.01)
    assert quantity(value) == {"value": 0.3, "unit": "eV", "uncertainty": 0.01, "method": "BVSE",
                               "settings": {"resolution_A": 0.2}}


def test_other_sources_are_named_with_their_kind():
    data = quantity(Value(1e-3, "S/cm", UserInput("cell.toml", "sigma")))
    assert data["source"] == {"kind": "UserInput", "file": "cell.toml", "field": "sigma"} and "method" not in data


def test_missing_numbers_are_left_out():
    numbers = {"a": (1.0, "eV", None), "b": (None, "eV", None), "c": (float("inf"), "eV", None)}
    assert set(computed_quantities("m", {}, numbers)) == {"a"}
