"""Filtering the knowledge base, and record tables ready for output."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from nassb.core.errors import InputError
from nassb.kb.schema import COLUMNS, FAMILIES, OTHER_PROPERTY, PROPERTIES, ROLES
from nassb.kb.store import KnowledgeBase

# the record's columns as exported: the printed forms left out, the loader's computed columns added after
# the column they derive from
_PRINTED_ONLY = ("formula_printed", "value_printed")
_COMPUTED_AFTER = {
    "qualifier": ("value_canonical", "value_max_canonical", "canonical_unit", "temperature_K"),
    "flags": ("duplicate_of", "charge_check"),
}
OUTPUT_COLUMNS = tuple(
    name for column in COLUMNS if column not in _PRINTED_ONLY for name in (column, *_COMPUTED_AFTER.get(column, ()))
)


@dataclass(frozen=True)
class RecordFilter:
    """What to select. Values are compared in the property's canonical unit (see `PROPERTIES`)."""

    family: str | None = None
    role: str | None = None
    property: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    min_temperature_K: float | None = None
    max_temperature_K: float | None = None
    text: str | None = None
    seed: str | None = None
    exclude_flags: tuple[str, ...] = ()

    def check(self) -> None:
        """Reject filters that can only be typing mistakes, naming the option and the choices."""
        if self.family is not None and self.family not in FAMILIES:
            raise InputError("query", "--family", f"one of {', '.join(FAMILIES)}", self.family)
        if self.role is not None and self.role not in ROLES:
            raise InputError("query", "--role", f"one of {', '.join(ROLES)}", self.role)
        if self.property is not None and self.property not in (*PROPERTIES, OTHER_PROPERTY):
            raise InputError("query", "--property", f"one of {', '.join(PROPERTIES)}", self.property)
        if (self.min_value is not None or self.max_value is not None) and self.property is None:
            raise InputError("query", "--min/--max", "a --property to say which canonical unit the bounds are in")
        for option, low, high in (
            ("--min/--max", self.min_value, self.max_value),
            ("--tmin-K/--tmax-K", self.min_temperature_K, self.max_temperature_K),
        ):
            if low is not None and high is not None and low > high:
                raise InputError("query", option, "a lower bound that does not exceed the upper bound", (low, high))
        for option, temperature in (("--tmin-K", self.min_temperature_K), ("--tmax-K", self.max_temperature_K)):
            if temperature is not None and not temperature >= 0:
                raise InputError("query", option, "a temperature of at least 0 K", temperature)


def select(knowledge_base: KnowledgeBase, query: RecordFilter) -> pd.DataFrame:
    """The records matching every given filter, in record-id order."""
    query.check()
    records = knowledge_base.records
    mask = pd.Series(True, index=records.index)
    for column, wanted in (("family", query.family), ("role", query.role), ("property", query.property)):
        if wanted is not None:
            mask &= records[column] == wanted
    if query.min_value is not None:
        mask &= records["value_canonical"] >= query.min_value
    if query.max_value is not None:
        mask &= records["value_canonical"] <= query.max_value
    if query.min_temperature_K is not None:
        mask &= records["temperature_K"] >= query.min_temperature_K
    if query.max_temperature_K is not None:
        mask &= records["temperature_K"] <= query.max_temperature_K
    if query.seed is not None:
        mask &= records["seed_file"].str.startswith(query.seed)
    if query.text:
        haystack = records[
            [
                "system",
                "formula",
                "formula_printed",
                "note",
                "conditions",
                "cathode",
                "electrolyte",
                "anode",
                "interlayer",
            ]
        ].agg(" ".join, axis=1)
        mask &= haystack.str.contains(query.text, case=False, regex=False)
    for flag in query.exclude_flags:
        mask &= ~records["flags"].str.split(";").apply(lambda flags, f=flag: f in flags)
    return records.loc[mask].sort_values("record_id")


def to_plain_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN becomes None, flags a list."""
    rows = []
    for row in frame[list(OUTPUT_COLUMNS)].to_dict(orient="records"):
        clean = {key: (None if isinstance(val, float) and math.isnan(val) else val) for key, val in row.items()}
        clean["flags"] = [flag for flag in clean["flags"].split(";") if flag]
        rows.append(clean)
    return rows


def summary_counts(knowledge_base: KnowledgeBase) -> dict[str, pd.Series]:
    """Record counts by family, role, seed, property and flag."""
    records = knowledge_base.records
    flags = records["flags"].str.split(";").explode()
    return {
        "family": records["family"].value_counts(),
        "role": records["role"].value_counts(),
        "seed": records["seed_file"].value_counts().sort_index(),
        "property": records["property"].value_counts(),
        "flag": flags[flags != ""].value_counts(),
    }
