"""`Value`: every number nassb uses or prints, with its unit, its origin and its uncertainty."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from nassb.core.errors import InputError
from nassb.core.units import convert, convert_difference, parse_unit


@dataclass(frozen=True)
class UserInput:
    """A number the user gave: the file (or 'command line') and the field it was read from."""

    file: str
    field: str

    def describe(self) -> str:
        return f"user input: {self.file} [{self.field}]"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "user_input", "file": self.file, "toml_path": self.field}


@dataclass(frozen=True)
class KnowledgeBaseRecord:
    """A number from the curated knowledge base: its record id, seed file and locator in the seed."""

    record_id: str
    seed_file: str
    locator: str

    def describe(self) -> str:
        return f"knowledge base {self.record_id}: {self.seed_file}, {self.locator}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "knowledge_base",
            "record_id": self.record_id,
            "seed_file": self.seed_file,
            "locator": self.locator,
        }


@dataclass(frozen=True)
class Literature:
    """A number from the literature outside the seeds: the citation, where in it, and the nassb table that holds it."""

    citation: str
    locator: str = ""
    held_in: str = ""

    def describe(self) -> str:
        where = f", {self.locator}" if self.locator else ""
        held = f" [{self.held_in}]" if self.held_in else ""
        return f"literature{held}: {self.citation}{where}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "literature", "citation": self.citation, "locator": self.locator, "held_in": self.held_in}


@dataclass(frozen=True)
class Computation:
    """A number nassb computed: the method (with its primary reference) and the settings used."""

    method: str
    settings: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        if not self.settings:
            return f"computed: {self.method}"
        settings = ", ".join(f"{key}={val}" for key, val in sorted(self.settings.items()))
        return f"computed: {self.method} ({settings})"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "computation", "method": self.method, "settings": dict(self.settings)}


@dataclass(frozen=True)
class DocumentedDefault:
    """A default nassb falls back on, with the justification a report shows beside it."""

    justification: str

    def describe(self) -> str:
        return f"default: {self.justification}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "default", "justification": self.justification}


Source = UserInput | KnowledgeBaseRecord | Literature | Computation | DocumentedDefault


def source_from_dict(data: dict[str, Any]) -> Source:
    """The source a `to_dict` wrote (round trip of the JSON form); an unknown kind is an InputError."""
    fields = {key: val for key, val in data.items() if key != "kind"}
    kind = data.get("kind")
    if kind == "user_input":
        return UserInput(fields["file"], fields["toml_path"])
    if kind == "knowledge_base":
        return KnowledgeBaseRecord(**fields)
    if kind == "literature":
        return Literature(**fields)
    if kind == "computation":
        return Computation(fields["method"], dict(fields.get("settings", {})))
    if kind == "default":
        return DocumentedDefault(**fields)
    raise InputError("source", "kind", "user_input, knowledge_base, literature, computation or default", kind)


@dataclass(frozen=True)
class Value:
    """A magnitude in a unit, with its source and an optional standard uncertainty (same unit)."""

    magnitude: float
    unit: str
    source: Source
    uncertainty: float | None = None

    def __post_init__(self) -> None:
        parse_unit(self.unit, source=self.source.describe(), field="unit")
        if not isinstance(self.magnitude, (int, float)) or math.isnan(self.magnitude):
            raise InputError(self.source.describe(), "magnitude", "a number", self.magnitude)
        if self.uncertainty is not None and self.uncertainty < 0:
            raise InputError(self.source.describe(), "uncertainty", "a non-negative number", self.uncertainty)

    def to(self, unit: str) -> Value:
        """The same quantity in another unit of the same dimension; the source is kept."""
        magnitude = convert(self.magnitude, self.unit, unit)
        uncertainty = None
        if self.uncertainty is not None:
            uncertainty = convert_difference(self.uncertainty, self.unit, unit)
        return replace(self, magnitude=magnitude, unit=unit, uncertainty=uncertainty)

    def __str__(self) -> str:
        text = f"{self.magnitude:.4g}"
        if self.uncertainty is not None:
            text += f" ± {self.uncertainty:.2g}"
        return f"{text} {self.unit} ({self.source.describe()})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: magnitude, unit, uncertainty and the source with its kind."""
        return {
            "magnitude": self.magnitude,
            "unit": self.unit,
            "uncertainty": self.uncertainty,
            "source": self.source.to_dict(),
        }

    def to_quantity(self) -> dict[str, Any]:
        """The one JSON form of a result number: value, unit, uncertainty and, for a `Computation`, its method
        and settings; any other source comes whole under "source"."""
        quantity = {"value": self.magnitude, "unit": self.unit, "uncertainty": self.uncertainty}
        if isinstance(self.source, Computation):
            return {**quantity, "method": self.source.method, "settings": dict(self.source.settings)}
        return {**quantity, "source": self.source.to_dict()}
