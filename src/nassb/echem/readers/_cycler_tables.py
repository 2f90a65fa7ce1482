"""Cycler exports as tables (CSV/TXT/TSV and XLSX): the header row is found through column-name aliases.

Names are compared lower-case without spaces, '_' and '.', after removing a unit written as '(unit)',
'[unit]', '/unit' or a trailing '_unit'. A column without a unit is taken in s, V, A, Ah, Wh (Arbin's
export units) and the assumption is recorded in the metadata. Time may be numbers (s, min, h), durations
('144:02:18') or, without a time column, date-times (seconds from the first row).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.echem.readers._cycler_files import CHARGE_POSITIVE, RawCycling, orient_current, state_from_labels
from nassb.echem.readers._table import IMPEDANCE, impedance_only, wrong_technique

# role -> normalised header names, most specific first (a test time wins over a bare 'time')
ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("testtime", "totaltime", "cumulativetime", "elapsedtime", "runtime", "progtime", "time", "t"),
    "datetime": ("datetime", "date", "timestamp", "realtime", "systemtime", "absolutetime", "dpttime"),
    "voltage": ("voltage", "ewe", "<ewe>", "cellvoltage", "potential", "volts", "ecell", "vcell", "v", "e", "u"),
    "current": ("current", "i", "<i>", "amps", "amp", "icell", "cellcurrent"),
    "cycle": ("cycleindex", "cyclenumber", "cycle", "cycleno", "cycle#", "cycleid", "cyclenr"),
    "step": ("stepindex", "stepnumber", "step", "stepno", "step#", "ns", "stepid", "stepnr"),
    "steptype": ("steptype", "status", "stepname", "stepmode", "state", "md", "type"),
    "capacity": ("capacity", "cap", "(q-qo)", "q", "amphr"),
    "charge_capacity": ("chargecapacity", "chgcap", "chgcapacity", "chargecap", "qcharge", "capacitycharge"),
    "discharge_capacity": (
        "dischargecapacity",
        "dchgcap",
        "dchgcapacity",
        "dischargecap",
        "qdischarge",
        "capacitydischarge",
    ),
    "energy": ("energy", "|energy|", "watthr"),
    "charge_energy": ("chargeenergy", "chgenergy", "energycharge"),
    "discharge_energy": ("dischargeenergy", "dchgenergy", "energydischarge"),
}
# unit kind -> normalised unit -> factor to s, A, V, mAh, mWh; the first entry is the default for a bare name
_UNITS: dict[str, dict[str, float]] = {
    "time": {
        "s": 1.0,
        "sec": 1.0,
        "secs": 1.0,
        "seconds": 1.0,
        "ms": 1e-3,
        "min": 60.0,
        "mins": 60.0,
        "h": 3600.0,
        "hr": 3600.0,
        "hrs": 3600.0,
        "hour": 3600.0,
        "hours": 3600.0,
        "d": 86400.0,
        "day": 86400.0,
        "days": 86400.0,
    },
    "current": {"a": 1.0, "ma": 1e-3, "ua": 1e-6, "na": 1e-9},
    "voltage": {"v": 1.0, "mv": 1e-3},
    "capacity": {"ah": 1e3, "mah": 1.0, "uah": 1e-3, "c": 1 / 3.6, "mc": 1e-3 / 3.6},
    "energy": {"wh": 1e3, "mwh": 1.0, "uwh": 1e-3, "kwh": 1e6, "j": 1 / 3.6, "mj": 1e-3 / 3.6},
}
_KIND = {
    "time": "time",
    "current": "current",
    "voltage": "voltage",
    "capacity": "capacity",
    "charge_capacity": "capacity",
    "discharge_capacity": "capacity",
    "energy": "energy",
    "charge_energy": "energy",
    "discharge_energy": "energy",
}
_ALL_UNITS = {u for table in _UNITS.values() for u in table}
_HEADER_SCAN = 200


def _unit(text: str) -> str:
    return re.sub(r"[\s.·*\-]", "", text.lower().replace("µ", "u").replace("μ", "u"))


def split_header(name: str) -> tuple[str, str]:
    """('chgcap', 'ah') from 'Chg. Cap.(Ah)': the normalised key and the normalised unit ('' if none)."""
    s = str(name).strip().strip('"').strip()
    base, unit = s, ""
    bracket = re.match(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]$", s)
    suffix = re.match(r"^(.*[^_\s])[_\s]+([A-Za-zµμ]+)$", s)
    if bracket and bracket.group(1) and _unit(bracket.group(2)) in _ALL_UNITS:
        base, unit = bracket.group(1), _unit(bracket.group(2))
    elif "/" in s and s.rpartition("/")[0] and _unit(s.rpartition("/")[2]) in _ALL_UNITS:
        base, unit = s.rpartition("/")[0], _unit(s.rpartition("/")[2])
    elif suffix and _unit(suffix.group(2)) in _ALL_UNITS:
        base, unit = suffix.group(1), _unit(suffix.group(2))
    return re.sub(r"[\s_.]", "", base.lower()), unit


def find_cycling_roles(names: list[str]) -> dict[str, int]:
    keys = [split_header(n)[0] for n in names]
    roles: dict[str, int] = {}
    for role, options in ALIASES.items():
        for alias in options:
            if alias in keys and keys.index(alias) not in roles.values():
                roles[role] = keys.index(alias)
                break
    return roles


def _complete(roles: dict[str, int]) -> bool:
    return {"voltage", "current"} <= roles.keys() and bool({"time", "datetime"} & roles.keys())


def _missing(roles: dict[str, int]) -> list[str]:
    missing = [r for r in ("voltage", "current") if r not in roles]
    return missing + ([] if {"time", "datetime"} & roles.keys() else ["time (or date-time)"])


def expected_header() -> str:
    shown = ("time", "datetime", "voltage", "current", "cycle", "step", "capacity")
    return "; ".join(f"{role}: {', '.join(ALIASES[role][:6])}" for role in shown)


def _header_error(source: str, best: list[str] | None) -> InputError:
    got = "no header row"
    if best is not None:
        got = f"missing {', '.join(_missing(find_cycling_roles(best)))} among {best}"
    return InputError(
        source,
        "column headers",
        "a header row naming time (or a date-time), voltage and current; "
        "recognised names (case, spaces, '_', '.' and units ignored): " + expected_header(),
        got,
    )


class _Columns:
    """Numeric access to the columns of a parsed frame, with errors naming the row and column."""

    def __init__(self, source: str, frame: Any, names: list[str], row_label: Callable[[int], str]):
        self.source, self.frame, self.names, self.row_label = source, frame, names, row_label

    def numbers(self, j: int) -> np.ndarray:
        import pandas as pd

        series = self.frame.iloc[:, j]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            return series.to_numpy(dtype=float)
        text = series.astype("string").str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = np.flatnonzero(values.isna().to_numpy() & text.notna().to_numpy() & (text != "").fillna(False).to_numpy())
        if bad.size:
            raise InputError(
                self.source, f"{self.row_label(int(bad[0]))}, column '{self.names[j]}'", "a number", text.iloc[bad[0]]
            )
        return values.to_numpy(dtype=float)

    def seconds(self, j: int, factor: Callable[[], float]) -> tuple[np.ndarray, str]:
        """A time column in s and how it was read ('' for numbers, times `factor()`; durations such as
        '144:02:18'; date-times, counted from the first row)."""
        import pandas as pd

        series = self.frame.iloc[:, j]
        if pd.api.types.is_datetime64_any_dtype(series):
            return ((series - series.iloc[0]) / pd.Timedelta(seconds=1)).to_numpy(
                dtype=float
            ), "s from the first row (date-times)"
        text = series.astype("string").str.strip()
        if pd.api.types.is_numeric_dtype(series) or pd.to_numeric(text, errors="coerce").notna().mean() > 0.5:
            return self.numbers(j) * factor(), ""
        try:
            return (pd.to_timedelta(text) / pd.Timedelta(seconds=1)).to_numpy(dtype=float), "s (durations h:mm:ss)"
        except (ValueError, TypeError):
            pass
        try:
            stamps = pd.to_datetime(text, format="mixed")
            return ((stamps - stamps.iloc[0]) / pd.Timedelta(seconds=1)).to_numpy(
                dtype=float
            ), "s from the first row (date-times)"
        except (ValueError, TypeError):
            pass
        bad = int(np.flatnonzero(pd.to_timedelta(text, errors="coerce").isna().to_numpy())[0])
        raise InputError(
            self.source,
            f"{self.row_label(bad)}, column '{self.names[j]}'",
            "a time: a number, a duration such as '12:34:56', or a date-time",
            text.iloc[bad],
        )


def _raw_from_frame(columns: _Columns, roles: dict[str, int], metadata: dict[str, Any]) -> RawCycling:
    import pandas as pd

    names, source = columns.names, columns.source
    columns_roles = dict(roles)
    required = {"time", "voltage", "current"} | ({"datetime"} if "time" not in roles else set())
    empty = [r for r, j in roles.items() if r not in required and columns.frame.iloc[:, j].isna().all()]
    roles = {r: j for r, j in roles.items() if r not in empty}
    used = {role: names[j] for role, j in roles.items()}
    units: dict[str, str] = {}

    def factor(role: str) -> float:
        kind = _KIND[role]
        unit = split_header(names[roles[role]])[1]
        if not unit:
            default = next(iter(_UNITS[kind]))
            units[role] = f"{default} (assumed: no unit in the header)"
            return _UNITS[kind][default]
        if unit not in _UNITS[kind]:
            raise InputError(
                source, f"column '{names[roles[role]]}'", f"a {kind} unit ({', '.join(_UNITS[kind])})", unit
            )
        units[role] = unit
        return _UNITS[kind][unit]

    if "time" in roles:
        time, how = columns.seconds(roles["time"], lambda: factor("time"))
    else:
        time, how = columns.seconds(roles["datetime"], lambda: 1.0)
        time, how = time - time[0], how or "s from the first row (unix time)"
    if how:
        units["time"] = how
    voltage = columns.numbers(roles["voltage"]) * factor("voltage")
    current = columns.numbers(roles["current"]) * factor("current")
    state, mode_keys = None, ()
    if "steptype" in roles:
        labels = columns.frame.iloc[:, roles["steptype"]].astype("string").fillna("").to_numpy(dtype=str)
        if not all(re.fullmatch(r"[-+0-9.eE]*", x) for x in labels[:100]):
            state = state_from_labels(labels)
            mode_keys = (pd.factorize(labels)[0].astype(float),)
    counter = {
        role: columns.numbers(roles[role]) * factor(role)
        for role in ("capacity", "charge_capacity", "discharge_capacity", "energy", "charge_energy", "discharge_energy")
        if role in roles
    }
    split = None
    if "charge_capacity" in counter and "discharge_capacity" in counter:
        split = {
            "charge_capacity_mAh": counter["charge_capacity"],
            "discharge_capacity_mAh": counter["discharge_capacity"],
        }
        capacities = {used[r]: counter[r] for r in ("charge_capacity", "discharge_capacity")}
    else:
        capacities = {used["capacity"]: counter["capacity"]} if "capacity" in counter else {}
    if "charge_energy" in counter and "discharge_energy" in counter:
        energies = {used[r]: counter[r] for r in ("charge_energy", "discharge_energy")}
    else:
        energies = {used["energy"]: counter["energy"]} if "energy" in counter else {}
    if state is not None and (state == -1).any():
        current, sign = orient_current(current, state, "as stored (checked against the step-type column)")
    elif split is not None and not (current < 0).any():
        grows = np.diff(split["discharge_capacity_mAh"], prepend=split["discharge_capacity_mAh"][0]) > 0
        steady = np.diff(split["charge_capacity_mAh"], prepend=split["charge_capacity_mAh"][0]) <= 0
        current, sign = orient_current(
            current,
            np.where(grows & steady, -1.0, np.nan),
            "as stored (checked against the charge/discharge capacity columns)",
        )
    else:
        sign = f"{CHARGE_POSITIVE}; assumed as stored (no step-type column to check it against)"
    cycle = columns.numbers(roles["cycle"]) if "cycle" in roles else None
    step = columns.numbers(roles["step"]) if "step" in roles else None
    metadata = dict(metadata, units=units)
    if empty:
        metadata["ignored_empty_columns"] = [names[j] for r, j in columns_roles.items() if r in empty]
    return RawCycling(
        source,
        time,
        voltage,
        current,
        columns.row_label,
        {
            {"time": "time_s", "datetime": "time_s", "voltage": "voltage_V", "current": "current_A"}.get(r, r): n
            for r, n in used.items()
        },
        sign,
        cycle=cycle,
        cycle_rule=f"instrument: column '{used['cycle']}'" if cycle is not None else "",
        step=step,
        mode_keys=mode_keys,
        state=state,
        counters_mAh=capacities,
        energy_mWh=energies,
        split_capacity_mAh=split,
        metadata=metadata,
    )


def _split_fields(line: str, sep: str | None) -> list[str]:
    return line.split() if sep is None else next(csv.reader([line], delimiter=sep))


def read_csv_cycling(path: Path, text: str) -> RawCycling:
    """A delimited cycler export (tab, ';', ',' or whitespace), its header row anywhere in the first 200 lines."""
    import pandas as pd

    source = str(path)
    lines = text.splitlines()
    header, best = None, None
    for i, line in enumerate(lines[:_HEADER_SCAN]):
        for sep in ("\t", ";", ",", None):
            if sep is not None and sep not in line:
                continue
            fields = [f.strip() for f in _split_fields(line, sep)]
            roles = find_cycling_roles(fields)
            if _complete(roles):
                header = (i, sep, fields, roles)
                break
            if len(roles) > (len(find_cycling_roles(best)) if best else 0):
                best = fields
        if header:
            break
    if header is None:
        raise _header_error(source, best)
    at, sep, names, roles = header
    first = next((line for line in lines[at + 1 :] if line.strip()), "")
    decimal = "," if sep != "," and re.search(r"\d,\d", first) else "."
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep if sep is not None else r"\s+",
            header=None,
            skiprows=at + 1,
            names=list(range(len(names))),
            index_col=False,
            decimal=decimal,
            skip_blank_lines=False,
            engine="c" if sep is not None else "python",
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(
            source, "data", f"rows of {len(names)} fields separated like the header row", " ".join(str(exc).split())
        ) from None
    frame = frame.dropna(how="all")
    lines_of = frame.index.to_numpy() + at + 2
    frame = frame.reset_index(drop=True)
    columns = _Columns(source, frame, names, lambda k: f"line {lines_of[k]}")
    if impedance_only(names, columns.numbers):
        raise wrong_technique(source, IMPEDANCE, "a cycling record (time, voltage and current)", "nassb eis")
    metadata: dict[str, Any] = {"format": "csv", "instrument": _instrument(names)}
    if at:
        metadata["preamble"] = [line.strip() for line in lines[:at] if line.strip()][:20]
    return _raw_from_frame(columns, roles, metadata)


def read_xlsx_cycling(path: Path) -> RawCycling:
    """An Excel export: every sheet whose header row (within its first 30 rows) names time, voltage and current;
    sheets with the same header are joined in order (Arbin splits long tests over sheets 'Channel_N_1', '_2', ...)."""
    import pandas as pd

    source = str(path)
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None)
    except ImportError:
        raise InputError(
            source,
            "format",
            "the 'openpyxl' package to read .xlsx files (pip install openpyxl), or a CSV export",
            "openpyxl is not installed",
        ) from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, ValueError on damaged workbooks
        raise InputError(
            source, "file", "a readable .xlsx workbook", f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        ) from None
    found, best = [], None
    for sheet, frame in sheets.items():
        for r in range(min(30, len(frame))):
            fields = ["" if pd.isna(x) else str(x).strip() for x in frame.iloc[r]]
            roles = find_cycling_roles(fields)
            if _complete(roles):
                found.append((sheet, r, fields, roles, frame))
                break
            if len(roles) > (len(find_cycling_roles(best)) if best else 0):
                best = fields
    if not found:
        raise _header_error(source, best)
    _, _, names, roles, _ = found[0]
    parts, labels = [], []
    for sheet, r, fields, _, frame in found:
        if fields != names:
            continue
        part = frame.iloc[r + 1 :].dropna(how="all")
        parts.append(part)
        labels += [(sheet, int(k) + 1) for k in part.index]
    frame = pd.concat(parts, ignore_index=True).infer_objects()
    columns = _Columns(source, frame, names, lambda k: f"sheet '{labels[k][0]}' row {labels[k][1]}")
    metadata = {"format": "xlsx", "instrument": _instrument(names), "sheets": [p[0] for p in found if p[2] == names]}
    return _raw_from_frame(columns, roles, metadata)


def _instrument(names: list[str]) -> str:
    keys = {split_header(n)[0] for n in names}
    if {"testtime", "stepindex", "cycleindex", "chargecapacity"} <= keys:
        return "Arbin (export)"
    if {"cycleindex", "stepindex", "steptype", "chgcap"} <= keys:
        return "Neware BTS (export)"
    return "unknown (generic table)"
