"""The headline numbers of the echem analyses as `Value`s with their method and settings, and the JSON form
the CLI writes under "quantities" (`Value.to_quantity` of each)."""

from __future__ import annotations

import math
from typing import Any, Mapping

from nassb.core.value import Computation, Value


def computed(magnitude: float | None, unit: str, method: str, settings: Mapping[str, Any],
             uncertainty: float | None = None) -> Value | None:
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
