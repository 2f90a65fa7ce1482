"""The one JSON form of computed numbers (nassb.core.quantity)."""

import math

from nassb.core.quantity import computed, computed_quantities, quantities_dict


def test_computed_value_gives_method_and_settings_and_drops_undetermined_errors():
    value = computed(0.3, "eV", "BVSE", {"resolution_A": 0.2}, uncertainty=math.nan)
    assert value.uncertainty is None
    assert value.to_quantity() == {
        "value": 0.3,
        "unit": "eV",
        "uncertainty": None,
        "method": "BVSE",
        "settings": {"resolution_A": 0.2},
    }
    assert computed(math.inf, "eV", "BVSE", {}) is None


def test_missing_numbers_are_left_out():
    numbers = {"a": (1.0, "eV", None), "b": (None, "eV", None), "c": (float("inf"), "eV", None)}
    assert set(computed_quantities("m", {}, numbers)) == {"a"}
    assert quantities_dict({"x": None}) == {}
