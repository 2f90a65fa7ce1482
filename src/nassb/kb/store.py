"""Loading the knowledge base: read every records CSV, validate each row, normalise units.

A row is never dropped for failing a check: the loader adds a flag (`unparsed_formula`,
`charge_imbalance`, `duplicate`, `rt_assumed`, `unit_not_allowed`) and a line in `issues`.
Rows that break the schema itself (wrong column set, a non-numeric value, an unknown property)
stop the load with an `InputError` naming the file, the row and the field, because such a file
is a transcription mistake to fix, not a value to flag.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from nassb.chem.formula import parse_formula
from nassb.core.constants import ROOM_TEMPERATURE_K
from nassb.core.errors import DataError, InputError
from nassb.core.units import convert, parse_unit
from nassb.core.value import KnowledgeBaseRecord, Value
from nassb.kb.reactions import load_reactions
from nassb.kb.schema import COLUMNS, FAMILIES, METHODS, OTHER_PROPERTY, PROPERTIES, QUALIFIERS, ROLES, TRANSCRIBER_FLAGS
from nassb.kb.validate import CHARGE_CHECK_EXEMPT_FAMILIES, check_charge_balance

RECORDS_DIR = Path(__file__).parent / "records"


@dataclass
class KnowledgeBase:
    """All records as one table (the CSV columns plus normalised ones) and the validation issues."""

    records: pd.DataFrame
    issues: list[str] = field(default_factory=list)
    reactions: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __len__(self) -> int:
        return len(self.records)

    def record(self, record_id: str) -> pd.Series:
        """One record by id; `DataError` if there is none."""
        matches = self.records[self.records["record_id"] == record_id]
        if matches.empty:
            raise DataError(f"no knowledge-base record with id '{record_id}'")
        return matches.iloc[0]

    def value(self, record_id: str, canonical: bool = True) -> Value:
        """A record's number as a `Value` citing the record (canonical unit unless told otherwise)."""
        row = self.record(record_id)
        source = KnowledgeBaseRecord(row["record_id"], row["seed_file"], row["locator"])
        if canonical and not math.isnan(row["value_canonical"]):
            return Value(float(row["value_canonical"]), row["canonical_unit"], source)
        return Value(float(row["value"]), row["unit"], source)

    def cell(self, cell_id: str) -> pd.DataFrame:
        """Every record of one cell: its cathode, electrolyte, anode and results together."""
        rows = self.records[self.records["cell_id"] == cell_id]
        if rows.empty:
            raise DataError(f"no knowledge-base cell with id '{cell_id}'")
        return rows


def _number(text: str, path: Path, row_number: int, column: str) -> float:
    if text == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{path.name} row {row_number}", column, "a number or blank", text) from None


def _check_vocabulary(frame: pd.DataFrame, path: Path) -> None:
    vocabularies = {
        "family": FAMILIES,
        "role": ROLES,
        "qualifier": QUALIFIERS,
        "method": METHODS,
        "property": (*PROPERTIES, OTHER_PROPERTY),
    }
    for column, allowed in vocabularies.items():
        for index, text in frame[column].items():
            if text not in allowed:
                raise InputError(f"{path.name} row {index + 2}", column, f"one of {', '.join(allowed)}", text)
    for index, text in frame["flags"].items():
        for flag in filter(None, text.split(";")):
            if flag not in TRANSCRIBER_FLAGS:
                raise InputError(
                    f"{path.name} row {index + 2}", "flags", f"flags from {', '.join(TRANSCRIBER_FLAGS)}", flag
                )


def read_records_csv(path: Path) -> pd.DataFrame:
    """Read one records file and check its columns, vocabularies and numbers."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(str(path), "file", "a UTF-8 CSV file with the records columns", str(error)) from None
    if tuple(frame.columns) != COLUMNS:
        missing = sorted(set(COLUMNS) - set(frame.columns))
        extra = sorted(set(frame.columns) - set(COLUMNS))
        raise InputError(
            str(path),
            "header",
            f"the {len(COLUMNS)} columns of SCHEMA.md in order",
            f"missing {missing}, extra {extra}",
        )
    frame = frame.apply(lambda column: column.str.strip())
    _check_vocabulary(frame, path)
    for column in (
        "value",
        "value_max",
        "temperature",
        "pressure_MPa",
        "thickness_um",
        "loading_mg_per_cm2",
        "cycles",
        "liquid_uL",
    ):
        frame[column] = [_number(text, path, index + 2, column) for index, text in frame[column].items()]
    if frame["value"].isna().any():
        index = int(frame.index[frame["value"].isna()][0])
        raise InputError(f"{path.name} row {index + 2}", "value", "a number", "")
    frame["source_file"] = path.name
    return frame


def _canonical_unit(property_name: str, unit: str) -> str | None:
    """The unit a record's value is normalised to, or None when the unit does not fit the property."""
    canonical, allowed = PROPERTIES[property_name]
    dimension = parse_unit(unit).dimension
    if parse_unit(canonical).dimension == dimension:
        return canonical
    return next((candidate for candidate in allowed if parse_unit(candidate).dimension == dimension), None)


def _temperature_K(value: float, unit: str) -> tuple[float, bool]:
    if unit == "RT":
        return ROOM_TEMPERATURE_K, True
    if unit in ("degC", "K") and not math.isnan(value):
        return convert(value, unit, "K"), False
    return math.nan, False


def _add_flag(flags: str, flag: str) -> str:
    return flag if not flags else f"{flags};{flag}"


def _canonical_values(row) -> tuple[float, float, str, str | None]:
    """The row's value and upper bound in its property's canonical unit, and a problem if the unit does not fit."""
    if row.property == OTHER_PROPERTY:
        return row.value, row.value_max, row.unit, None
    allowed = PROPERTIES[row.property][1]
    canonical = _canonical_unit(row.property, row.unit) if row.unit in allowed else None
    if canonical is None:
        return math.nan, math.nan, row.unit, f"unit '{row.unit}' is not one of {', '.join(allowed)} for {row.property}"
    upper = convert(row.value_max, row.unit, canonical) if not math.isnan(row.value_max) else math.nan
    return convert(row.value, row.unit, canonical), upper, canonical, None


def _normalise(frame: pd.DataFrame, issues: list[str]) -> pd.DataFrame:
    """Add canonical values and temperatures, parsed formulas and the loader's flags."""
    value_canonical, value_max_canonical, canonical_units, temperatures, reduced, charge = [], [], [], [], [], []
    flags = list(frame["flags"])
    for position, row in enumerate(frame.itertuples(index=False)):
        where = f"{row.source_file} {row.record_id}"
        value, upper, unit, problem = _canonical_values(row)
        value_canonical.append(value)
        value_max_canonical.append(upper)
        canonical_units.append(unit)
        if problem:
            flags[position] = _add_flag(flags[position], "unit_not_allowed")
            issues.append(f"{where}: {problem}")
        temperature_K, assumed = _temperature_K(row.temperature, row.temperature_unit)
        temperatures.append(temperature_K)
        if assumed:
            flags[position] = _add_flag(flags[position], "rt_assumed")
        formula_text, check = row.formula, ""
        if formula_text:
            composition = parse_formula(formula_text)
            if composition is None:
                flags[position] = _add_flag(flags[position], "unparsed_formula")
                issues.append(f"{where}: formula '{formula_text}' does not parse")
                reduced.append("")
            else:
                reduced.append(composition.reduced_formula)
                if row.family not in CHARGE_CHECK_EXEMPT_FAMILIES:
                    result = check_charge_balance(formula_text)
                    check = result.detail
                    if not result.balanced:
                        flags[position] = _add_flag(flags[position], "charge_imbalance")
                        issues.append(f"{where}: {result.detail}")
        else:
            reduced.append("")
        charge.append(check)
    frame = frame.assign(
        value_canonical=value_canonical,
        value_max_canonical=value_max_canonical,
        canonical_unit=canonical_units,
        temperature_K=temperatures,
        reduced_formula=reduced,
        charge_check=charge,
        flags=flags,
    )
    return frame


def _mark_duplicates(frame: pd.DataFrame, issues: list[str]) -> pd.DataFrame:
    """Flag records that repeat an earlier record's material, property, value, temperature and conditions.

    Across seeds the material is matched by reduced formula (two reviews quoting one paper);
    within one seed the system name must match too, so polymorphs of one formula in one table
    (amorphous and orthorhombic Na3NbS4) are not taken for repeats.
    """
    identity = frame["reduced_formula"].where(frame["reduced_formula"] != "", frame["system"].str.lower())
    key = pd.DataFrame(
        {
            "identity": identity,
            "property": frame["property"],
            "role": frame["role"],
            "value": frame["value_canonical"].round(10).astype(str),
            "temperature": frame["temperature_K"].round(1).astype(str),
            "current": frame["current"],
            "cycles": frame["cycles"].astype(str),
            "cell": frame["cell_id"],
        }
    )
    seen: dict[tuple, list[tuple[str, str, str]]] = {}
    duplicate_of = []
    flags = list(frame["flags"])
    for position, values in enumerate(key.itertuples(index=False)):
        record_id, seed, system = (
            frame["record_id"].iat[position],
            frame["seed_file"].iat[position],
            frame["system"].iat[position],
        )
        earlier = seen.setdefault(tuple(values), [])
        original = next(
            (
                other_id
                for other_id, other_seed, other_system in earlier
                if other_seed != seed or other_system == system
            ),
            "",
        )
        if original:
            flags[position] = _add_flag(flags[position], "duplicate")
            issues.append(f"{record_id}: same material, property, value and conditions as {original}")
        earlier.append((record_id, seed, system))
        duplicate_of.append(original)
    return frame.assign(flags=flags, duplicate_of=duplicate_of)


def load_knowledge_base(directory: Path | None = None) -> KnowledgeBase:
    """Read and validate every `seed_*.csv` (records) and `reactions_*.csv` in the records folder."""
    directory = Path(directory) if directory else RECORDS_DIR
    paths = sorted(directory.glob("seed_*.csv"))
    if not paths:
        raise DataError(f"no record files (seed_*.csv) in {directory}")
    frame = pd.concat([read_records_csv(path) for path in paths], ignore_index=True)
    repeated = frame["record_id"][frame["record_id"].duplicated()]
    if not repeated.empty:
        raise InputError(str(directory), "record_id", "unique record ids", sorted(set(repeated)))
    issues: list[str] = []
    frame = _normalise(frame, issues)
    frame = _mark_duplicates(frame, issues)
    reactions, reaction_issues = load_reactions(directory)
    return KnowledgeBase(frame, issues + reaction_issues, reactions)


@lru_cache(maxsize=1)
def default_knowledge_base() -> KnowledgeBase:
    """The shipped knowledge base, loaded and validated once per process."""
    return load_knowledge_base()
