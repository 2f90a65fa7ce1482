"""One JSON form for every computed number: {"value", "unit", "uncertainty", "method", "settings"}
(`Value.to_quantity`).

Result types build their headline numbers as `Value`s with a `Computation` source (`computed`) and write them
under the key "quantities" of their JSON (`quantities_dict`, or `computed_quantities` for numbers of one method).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nassb.core.value import Computation, Value


def computed(
    magnitude: float | None, unit: str, method: str, settings: Mapping[str, Any], uncertainty: float | None = None
) -> Value | None:
    """A computed number as a `Value`, or None when it is missing (None, NaN or infinite); an uncertainty that
    is None, NaN or infinite (not determined) becomes None."""
    if magnitude is None or not math.isfinite(magnitude):
        return None
    if uncertainty is not None and not math.isfinite(uncertainty):
        uncertainty = None
    uncertainty = None if uncertainty is None else float(uncertainty)
    return Value(float(magnitude), unit, Computation(method, dict(settings)), uncertainty)


def quantities_dict(values: Mapping[str, Value | None]) -> dict[str, dict[str, Any]]:
    """{name: value.to_quantity()} for every value that is not None."""
    return {name: value.to_quantity() for name, value in values.items() if value is not None}


def computed_quantities(
    method: str, settings: dict[str, Any], numbers: dict[str, tuple[float | None, str, float | None]]
) -> dict[str, dict[str, Any]]:
    """{name: quantity} of numbers (magnitude, unit, uncertainty) computed by one method with one set of settings;
    a missing number (None, or infinite: e.g. no percolation path) is left out."""
    return quantities_dict(
        {
            name: computed(magnitude, unit, method, settings, uncertainty)
            for name, (magnitude, unit, uncertainty) in numbers.items()
        }
    )
