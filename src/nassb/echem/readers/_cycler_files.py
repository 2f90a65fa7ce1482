"""Binary and instrument-specific cycler formats: BioLogic .mpr/.mpt, Arbin .res, Neware .nda/.ndax."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.echem.readers._biologic import read_mpr, read_mpt
from nassb.echem.readers._table import IMPEDANCE, impedance_only, wrong_technique

CHARGE_POSITIVE = "positive = charge (oxidation at the working electrode)"


@dataclass
class RawCycling:
    """What one file says, before the common rules: current already positive on charge; `state` is the
    instrument's own -1/0/+1 (discharge/rest/charge) label per row, NaN where it gives none; `mode_keys`
    are per-row codes whose change starts a new step (control mode, step type); counters are cumulative
    charge (mAh) / energy (mWh) columns in the file, each reset by the instrument at most at step starts."""

    source: str
    time_s: np.ndarray
    voltage_V: np.ndarray
    current_A: np.ndarray
    row_label: Callable[[int], str]
    columns: dict[str, str]
    current_sign: str
    cycle: np.ndarray | None = None
    cycle_rule: str = ""
    step: np.ndarray | None = None
    mode_keys: tuple[np.ndarray, ...] = ()
    state: np.ndarray | None = None
    counters_mAh: dict[str, np.ndarray] = field(default_factory=dict)
    energy_mWh: dict[str, np.ndarray] = field(default_factory=dict)
    split_capacity_mAh: dict[str, np.ndarray] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def state_from_labels(labels: Any) -> np.ndarray:
    """-1/0/+1 from step-type labels ('CC_DChg', 'CCCV Chg', 'Rest', Maccor 'C'/'D'/'R', ...); NaN if unknown."""
    unique, inverse = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    values = np.full(unique.size, np.nan)
    for k, label in enumerate(x.strip().lower() for x in unique):
        if re.search(r"dchg|dis|^d$", label):
            values[k] = -1.0
        elif re.search(r"chg|charge|^c$", label):
            values[k] = 1.0
        elif re.search(r"rest|ocv|pause|^r$|^o$", label):
            values[k] = 0.0
    return values[inverse.ravel()]


def orient_current(current: np.ndarray, state: np.ndarray, stored: str) -> tuple[np.ndarray, str]:
    """Current with discharge negative: if the labelled discharge rows carry mostly positive current (the file
    stores |I|, or the opposite sign), discharge rows become -|I| and charge rows +|I|. Returns the current
    and a note for the metadata."""
    discharge = state == -1
    if discharge.any() and np.sum(current[discharge] > 0) > np.sum(current[discharge] < 0):
        out = current.copy()
        out[discharge] = -np.abs(out[discharge])
        out[state == 1] = np.abs(out[state == 1])
        return (
            out,
            f"{CHARGE_POSITIVE}; the file's discharge rows carry positive current: set to -|I| (charge rows +|I|)",
        )
    return current, f"{CHARGE_POSITIVE}; {stored}"


# ----------------------------------------------------------------------------------------------- BioLogic


def read_biologic(path: Path, fmt: str) -> RawCycling:
    """EC-Lab .mpr/.mpt (GCPL, Modulo Bat, CA, CP, OCV, CV): Ewe, the current (I or <I>; in files without a
    measured current the applied one, 'control/V/mA', on galvanostatic rows, 0 on rest rows and dq/dt on
    potentiostatic rows), Ns as the step index, 'cycle number' (else half cycle // 2) as the cycle."""
    table = read_mpr(path) if fmt == "biologic-mpr" else read_mpt(path)
    names, source = table.names, table.source
    if impedance_only(names, table.column):
        raise wrong_technique(source, IMPEDANCE, "a cycling record (time, voltage and current)", "nassb eis")

    def get(name: str) -> np.ndarray | None:
        return table.column(names.index(name)) if name in names else None

    time = get("time/s")
    voltage_name = next((n for n in ("Ewe/V", "<Ewe>/V", "Ecell/V") if n in names), None)
    if time is None or voltage_name is None:
        raise InputError(source, "columns", "'time/s' and 'Ewe/V' (an EC-Lab data file)", names)
    if time.size == 0:
        raise InputError(source, "data", "at least one data row after the column header", "no rows")
    columns = {"time_s": "time/s", "voltage_V": voltage_name}
    mode = get("mode")
    if mode is None and "flags" in names:
        mode = (get("flags").astype(np.int64) & 3).astype(float)
    dq = get("dq/mA.h")
    if dq is not None:
        dt = np.diff(time, prepend=time[0])
        dq_current = np.divide(dq * 3600.0, dt, out=np.zeros_like(dq), where=dt > 0)
    if "I/mA" in names or ("<I>/mA" in names and ("control/V/mA" not in names or mode is None)):
        name = "I/mA" if "I/mA" in names else "<I>/mA"
        current_mA, columns["current_A"] = get(name), name
    elif "control/V/mA" in names and mode is not None:
        potentiostatic = dq_current if dq is not None else (get("<I>/mA") if "<I>/mA" in names else np.zeros_like(time))
        current_mA = np.where(mode == 1, get("control/V/mA"), np.where(mode == 3, 0.0, potentiostatic))
        columns["current_A"] = (
            "control/V/mA (applied, galvanostatic rows); 0 on rest rows; dq/dt on potentiostatic rows"
        )
    elif "control/mA" in names:
        current_mA, columns["current_A"] = get("control/mA"), "control/mA (applied)"
    elif not {"control/V/mA", "dq/mA.h", "dQ/C"} & set(names):
        current_mA, columns["current_A"] = np.zeros_like(time), "none in the file (open-circuit record): 0"
    else:
        raise InputError(
            source, "columns", "a current column: 'I/mA', '<I>/mA', or 'control/V/mA' with the mode flags", names
        )
    cycle, cycle_rule = get("cycle number"), "instrument: EC-Lab 'cycle number'"
    if cycle is None and "half cycle" in names:
        cycle, cycle_rule = get("half cycle") // 2 + 1, "instrument: EC-Lab half cycle // 2 + 1 (EC-Lab's cycle number)"
    elif cycle is None and "loop" in names:
        cycle, cycle_rule = get("loop"), "instrument: EC-Lab technique loop index"
    if cycle is not None:
        columns["cycle"] = next(n for n in ("cycle number", "half cycle", "loop") if n in names)
    if "Ns" in names:
        columns["step"] = "Ns"
    counters: dict[str, np.ndarray] = {}
    for name, factor in (("(Q-Qo)/mA.h", 1.0), ("(Q-Qo)/C", 1 / 3.6), ("Q charge/discharge/mA.h", 1.0)):
        if name in names:
            counters[name] = get(name) * factor
            break
    else:
        if dq is not None:
            counters["dq/mA.h (summed)"] = np.cumsum(dq)
    energy = [n for n in ("Energy charge/W.h", "Energy discharge/W.h") if n in names]
    energy = energy if len(energy) == 2 else [n for n in ("|Energy|/W.h",) if n in names]
    split = None
    if "Q charge/mA.h" in names and "Q discharge/mA.h" in names:
        split = {"charge_capacity_mAh": get("Q charge/mA.h"), "discharge_capacity_mAh": get("Q discharge/mA.h")}
    metadata = dict(table.metadata)
    if mode is not None:
        metadata["control_mode_codes"] = "EC-Lab mode: 1 galvanostatic, 2 potentiostatic, 3 rest"
    return RawCycling(
        source,
        time,
        get(voltage_name),
        current_mA * 1e-3,
        lambda i: f"{table.row_word} {table.row_labels[i]}",
        columns,
        f"{CHARGE_POSITIVE}; EC-Lab's convention (I > 0 anodic), kept as stored",
        cycle=cycle,
        cycle_rule=cycle_rule,
        step=get("Ns"),
        mode_keys=() if mode is None else (mode,),
        state=None if mode is None else np.where(mode == 3, 0.0, np.nan),
        counters_mAh=counters,
        energy_mWh={n: get(n) * 1e3 for n in energy},
        split_capacity_mAh=split,
        metadata=metadata,
    )


# ----------------------------------------------------------------------------------------------- Arbin .res

_ARBIN_COLUMNS = (
    "Data_Point",
    "Test_Time",
    "Step_Index",
    "Cycle_Index",
    "Current",
    "Voltage",
    "Charge_Capacity",
    "Discharge_Capacity",
    "Charge_Energy",
    "Discharge_Energy",
)


def _ole_date(days: float) -> str:
    return (datetime(1899, 12, 30) + timedelta(days=float(days))).isoformat(timespec="seconds")


def read_arbin_res(path: Path) -> RawCycling:
    """Arbin .res (an MS Access database) through the pure-Python `access-parser`: Channel_Normal_Table
    (Test_Time s, Voltage V, Current A, Charge/Discharge_Capacity Ah, Charge/Discharge_Energy Wh, reset by
    Arbin at each cycle) and the Global_Table for the test name, schedule and start date."""
    import pandas as pd

    source = str(path)
    export_hint = "export the test as CSV/XLSX from Arbin's software (MITS Pro / Data Watcher) and read that"
    try:
        from access_parser import AccessParser
    except ImportError:
        raise InputError(
            source,
            "format",
            f"the 'access-parser' package to read Arbin .res files (pip install access-parser), or {export_hint}",
            "access-parser is not installed",
        ) from None
    quiet = logging.getLogger("access_parser")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        db = AccessParser(source)
        if "Channel_Normal_Table" not in db.catalog:
            raise InputError(
                source,
                "tables",
                f"an Arbin .res database with a Channel_Normal_Table (else {export_hint})",
                sorted(db.catalog),
            )
        rows = pd.DataFrame(db.parse_table("Channel_Normal_Table"))
        header = db.parse_table("Global_Table") if "Global_Table" in db.catalog else {}
    except InputError:
        raise
    except Exception as exc:  # access-parser raises ValueError/struct.error/AttributeError/... on damaged files
        raise InputError(
            source,
            "file",
            f"a complete Arbin .res file (an MS Access database); if it is damaged, {export_hint}",
            f"{type(exc).__name__}: {' '.join(str(exc).split())}",
        ) from None
    finally:
        quiet.setLevel(level)
    missing = [c for c in _ARBIN_COLUMNS if c not in rows.columns]
    if rows.empty or missing:
        raise InputError(
            source,
            "Channel_Normal_Table",
            f"data rows with the columns {', '.join(_ARBIN_COLUMNS)}",
            f"missing {missing}" if missing else "no rows",
        )
    if rows["Test_ID"].nunique() > 1:
        raise InputError(
            source,
            "Channel_Normal_Table",
            "one test per .res file (export each test separately)",
            f"{rows['Test_ID'].nunique()} Test_IDs",
        )
    rows = rows.sort_values("Data_Point", kind="stable").reset_index(drop=True)
    col = {c: rows[c].to_numpy(dtype=float) for c in _ARBIN_COLUMNS}
    metadata: dict[str, Any] = {"format": "arbin-res", "instrument": "Arbin (.res database)"}
    for key, name in (
        ("Test_Name", "test_name"),
        ("Schedule_File_Name", "schedule"),
        ("Channel_Number", "channel"),
        ("Creator", "creator"),
        ("Software_Version", "software_version"),
        ("Item_ID", "item_id"),
    ):
        if header.get(key) and header[key][0] not in ("", None):
            metadata[name] = header[key][0]
    if header.get("Start_DateTime"):
        metadata["date"] = _ole_date(header["Start_DateTime"][0])
    points = col["Data_Point"]
    return RawCycling(
        source,
        col["Test_Time"],
        col["Voltage"],
        col["Current"],
        lambda i: f"Channel_Normal_Table Data_Point {points[i]:.0f}",
        {
            "time_s": "Test_Time",
            "voltage_V": "Voltage",
            "current_A": "Current",
            "cycle": "Cycle_Index",
            "step": "Step_Index",
        },
        f"{CHARGE_POSITIVE}; Arbin's convention, kept as stored",
        cycle=col["Cycle_Index"],
        cycle_rule="instrument: Arbin Cycle_Index",
        step=col["Step_Index"],
        counters_mAh={c: col[c] * 1e3 for c in ("Charge_Capacity", "Discharge_Capacity")},
        energy_mWh={c: col[c] * 1e3 for c in ("Charge_Energy", "Discharge_Energy")},
        split_capacity_mAh={
            "charge_capacity_mAh": col["Charge_Capacity"] * 1e3,
            "discharge_capacity_mAh": col["Discharge_Capacity"] * 1e3,
        },
        metadata=metadata,
    )


# ----------------------------------------------------------------------------------------------- Neware


def read_neware(path: Path) -> RawCycling:
    """Neware .nda/.ndax through `NewareNDA` (current signed, mA; capacities and energies reset at each step;
    'Time' is the step time, so the test time is the sum of the earlier steps' durations plus it)."""
    source = str(path)
    try:
        import NewareNDA
    except ImportError:
        raise InputError(
            source,
            "format",
            "the 'NewareNDA' package to read Neware .nda/.ndax files (pip install NewareNDA), "
            "or a CSV export from Neware's BTS software",
            "NewareNDA is not installed",
        ) from None
    quiet = logging.getLogger("newarenda")
    level = quiet.level
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = NewareNDA.read(str(path), log_level="CRITICAL")
    except Exception as exc:  # EOFError/BadZipFile/struct.error/KeyError/... on damaged or truncated files
        raise InputError(
            source,
            "file",
            "a complete Neware .nda/.ndax file that NewareNDA can decode (if it is truncated or "
            "damaged, export the test as CSV from Neware's BTS software)",
            f"{type(exc).__name__}: {' '.join(str(exc).split())}",
        ) from None
    finally:
        quiet.setLevel(level)
    if df.empty:
        raise InputError(source, "data", "at least one data row", "none")
    step = df["Step"].to_numpy(dtype=float)
    step_time = df["Time"].to_numpy(dtype=float)
    run = np.concatenate([[0], np.cumsum(step[1:] != step[:-1])])
    ends = np.concatenate([np.flatnonzero(np.diff(run)), [run.size - 1]])
    offsets = np.concatenate([[0.0], np.cumsum(step_time[ends])[:-1]])
    status = df["Status"].astype(str).to_numpy()
    state = state_from_labels(status)
    current, sign = orient_current(df["Current(mA)"].to_numpy(dtype=float) * 1e-3, state, "NewareNDA's signed current")
    _, status_code = np.unique(status, return_inverse=True)
    num = {
        c: df[c].to_numpy(dtype=float)
        for c in ("Charge_Capacity(mAh)", "Discharge_Capacity(mAh)", "Charge_Energy(mWh)", "Discharge_Energy(mWh)")
    }
    metadata: dict[str, Any] = {
        "format": "neware-nda",
        "instrument": f"Neware ({path.suffix.lower()} via NewareNDA {getattr(NewareNDA, '__version__', '')})".replace(
            " )", ")"
        ),
    }
    if "Timestamp" in df.columns:
        metadata["date"] = str(df["Timestamp"].iloc[0])
    index = df["Index"].to_numpy() if "Index" in df.columns else np.arange(1, len(df) + 1)
    return RawCycling(
        source,
        offsets[run] + step_time,
        df["Voltage"].to_numpy(dtype=float),
        current,
        lambda i: f"record {index[i]}",
        {
            "time_s": "Time (step time, summed over steps)",
            "voltage_V": "Voltage",
            "current_A": "Current(mA)",
            "cycle": "Cycle",
            "step": "Step",
        },
        sign,
        cycle=df["Cycle"].to_numpy(dtype=float),
        cycle_rule="instrument: NewareNDA 'Cycle' "
        "(Neware's 'charge first' count: a new cycle at each charge after a discharge)",
        step=step,
        mode_keys=(status_code.astype(float),),
        state=state,
        counters_mAh={c: num[c] for c in ("Charge_Capacity(mAh)", "Discharge_Capacity(mAh)")},
        energy_mWh={c: num[c] for c in ("Charge_Energy(mWh)", "Discharge_Energy(mWh)")},
        split_capacity_mAh={
            "charge_capacity_mAh": num["Charge_Capacity(mAh)"],
            "discharge_capacity_mAh": num["Discharge_Capacity(mAh)"],
        },
        metadata=metadata,
    )
