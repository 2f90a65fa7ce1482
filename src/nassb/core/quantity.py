"""One JSON form for every computed number: {"value", "unit", "uncertainty", "method", "settings"}."""

from __future__ import annotations

import math
from typing import Any

from nassb.core.value import Computation, Value


def quantity(value: Value) -> dict[str, Any]:
    """The JSON form of `value`: method and settings for a Computation, otherwise its source with its kind."""
    data: dict[str, Any] = {"value": value.magnitude, "unit": value.unit, "uncertainty": value.uncertainty}
    if isinstance(value.source, Computation):
        data.update(method=value.source.method, settings=dict(value.source.settings))
    else:
        data["source"] = {"kind": type(value.source).__name__, **value.source.__dict__}
    return data


def computed_quantities(method: str, settings: dict[str, Any],
                        numbers: dict[str, tuple[float | None, str, float | None]]) -> dict[str, dict[str, Any]]:
    """{name: quantity} of numbers (magnitude, unit, uncertainty) computed by one method with one set of settings;
    a missing number (None, or infinite: e.g. no percolation path) is left out."""
    source = Computation(method, settings)
    return {name: quantity(Value(float(magnitude), unit, source, uncertainty))
            for name, (magnitude, unit, uncertainty) in numbers.items()
            if magnitude is not None and math.isfinite(magnitude)}
