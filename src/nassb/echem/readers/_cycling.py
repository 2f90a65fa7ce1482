"""Cycler files (BioLogic .mpr/.mpt, Arbin .res, Neware .nda/.ndax, CSV/XLSX exports) to one standard table.

Every format reader returns a `RawCycling` (time, voltage, current in the charge-positive convention and
whatever the instrument says about cycles, steps, modes and charge counters); `_assemble` turns it into the
table of `CyclingData`, with one set of rules for the current's direction, cycles, steps and capacities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nassb.core.errors import InputError
from nassb.echem.readers._cycler_files import RawCycling, read_arbin_res, read_biologic, read_neware
from nassb.echem.readers._cycler_tables import read_csv_cycling, read_xlsx_cycling
from nassb.echem.readers._table import decode, format_tables, resolve_format

if TYPE_CHECKING:
    import pandas as pd

CYCLING_FORMATS, _EXTENSIONS, _FORMAT_ALIASES = format_tables(
    ("biologic-mpr", (".mpr",), ("mpr",)),
    ("biologic-mpt", (".mpt",), ("mpt", "biologic")),
    ("arbin-res", (".res",), ("res", "arbin")),
    ("neware-nda", (".nda", ".ndax"), ("nda", "ndax", "neware")),
    ("csv", (".csv", ".txt", ".tsv"), ("text", "txt")),
    ("xlsx", (".xlsx", ".xlsm"), ("excel",)),
)
REQUIRED_COLUMNS = ("time_s", "voltage_V", "current_A", "cycle", "step")
# |I| at or below this fraction of the file's largest |I| counts as rest when the instrument gives no mode
REST_FRACTION = 1e-5
CYCLE_RULE_DERIVED = (
    "derived: cycle 1 from the first row; a new cycle begins at the first charge row that follows "
    "a discharge (rests in between belong to the earlier cycle)"
)
STEP_RULE = (
    "a new step at each change of the instrument's step index or control mode, of the cycle, or of the "
    f"direction of the current (rest, charge, discharge; |I| <= {REST_FRACTION:g} x max |I| is rest unless "
    "the row lies inside an instrument step that carries current)"
)
CAPACITY_RULE = (
    "capacity_mAh / energy_mWh: charge / energy passed since the start of the step (>= 0), from the "
    "instrument's own counters; charge_/discharge_capacity_mAh as the file reports them"
)


@dataclass(frozen=True)
class CyclingData:
    """A cycler record as one table.

    Columns: time_s, voltage_V, current_A (positive = charge, i.e. oxidation at the working electrode;
    negative = discharge), cycle (from 1), step (from 1); capacity_mAh and energy_mWh (since the start
    of the step) when the file has charge/energy counters; charge_capacity_mAh and discharge_capacity_mAh
    when the file splits them. `metadata` records the file's current sign, the cycle and step rules and the
    columns used.
    """

    table: pd.DataFrame
    source: str = "cycling data"
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [c for c in REQUIRED_COLUMNS if c not in self.table.columns]
        if missing:
            raise InputError(self.source, "table", f"the columns {', '.join(REQUIRED_COLUMNS)}", f"missing {missing}")

    def __len__(self) -> int:
        return len(self.table)


def read_cycling(path: str | Path, format: str | None = None) -> CyclingData:
    """A cycler file as a `CyclingData` table (formats: see `CYCLING_FORMATS`; chosen by extension
    unless `format` is given; a .txt/.csv that is an EC-Lab export is read as .mpt).

    The cycle is the instrument's index (EC-Lab cycle number or half cycle // 2 + 1, Arbin Cycle_Index,
    Neware Cycle, a cycle column; +1 when it counts from 0), else derived (CYCLE_RULE_DERIVED); steps
    follow STEP_RULE; the rules used and the file's current sign are recorded in `metadata`.
    """
    path = Path(path)
    fmt = resolve_format(path, format, CYCLING_FORMATS, _FORMAT_ALIASES, _EXTENSIONS, "a cycler file: ")
    if path.stat().st_size == 0:
        raise InputError(str(path), "file", "cycler data", "an empty file")
    if fmt in ("biologic-mpr", "biologic-mpt"):
        raw = read_biologic(path, fmt)
    elif fmt == "arbin-res":
        raw = read_arbin_res(path)
    elif fmt == "neware-nda":
        raw = read_neware(path)
    elif fmt == "xlsx":
        raw = read_xlsx_cycling(path)
    else:
        text = decode(path)
        raw = (
            read_biologic(path, "biologic-mpt")
            if text.startswith("EC-Lab ASCII FILE")
            else read_csv_cycling(path, text)
        )
    return _assemble(raw)


def _require_finite(raw: RawCycling, name: str, values: np.ndarray) -> None:
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise InputError(
            raw.source,
            f"{raw.row_label(int(bad[0]))}, column '{raw.columns.get(name, name)}'",
            f"a finite number in every data row (no NaN or empty field; {bad.size} such rows)",
            float(values[bad[0]]),
        )


def _runs(*keys: np.ndarray) -> np.ndarray:
    """Boolean array: True where any key changes from the previous row (row 0 is False)."""
    change = np.zeros(len(keys[0]), dtype=bool)
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return change


def _direction(raw: RawCycling) -> np.ndarray:
    """-1/0/+1 per row: the instrument's rest/charge/discharge label where it gives one, else the sign of
    the current; a near-zero current inside an instrument step that carries current takes that step's sign."""
    current = raw.current_A
    limit = REST_FRACTION * float(np.max(np.abs(current))) if current.size else 0.0
    sign = np.where(np.abs(current) > limit, np.sign(current), 0.0)
    state = np.full(current.size, np.nan) if raw.state is None else raw.state.astype(float).copy()
    free = np.isnan(state)
    state[free] = sign[free]
    keys = [k for k in (raw.step, *raw.mode_keys) if k is not None]
    if keys:
        import pandas as pd

        run = np.cumsum(_runs(*keys))
        filled = pd.Series(np.where(free & (state == 0), np.nan, state))
        filled = filled.groupby(run).ffill().groupby(run).bfill()
        state = filled.fillna(0.0).to_numpy()
    return state.astype(int)


def _derived_cycles(state: np.ndarray) -> np.ndarray:
    """1 + number of discharge -> charge changes so far (see CYCLE_RULE_DERIVED)."""
    import pandas as pd

    previous = pd.Series(np.where(state != 0, state, np.nan)).ffill().shift(1).to_numpy()
    return 1 + np.cumsum((state == 1) & (previous == -1))


def _since_step_start(counter: np.ndarray, starts: np.ndarray, step_index: np.ndarray) -> np.ndarray:
    """|counter - baseline| where the baseline of a step is the counter's value on the row before the step,
    or 0 when the instrument reset the counter there (the step's first value is nearer 0 than that row's)."""
    first = counter[starts]
    before = np.concatenate([[0.0], counter[starts[1:] - 1]])
    base = np.where(np.abs(first - before) < np.abs(first), before, 0.0)
    return np.abs(counter - base[step_index])


def _assemble(raw: RawCycling) -> CyclingData:
    import pandas as pd

    n = raw.time_s.size
    if n == 0:
        raise InputError(raw.source, "data", "at least one data row", "none")
    for name, values in (("time_s", raw.time_s), ("voltage_V", raw.voltage_V), ("current_A", raw.current_A)):
        _require_finite(raw, name, values)
    for name, values in (
        ("cycle", raw.cycle),
        ("step", raw.step),
        *raw.counters_mAh.items(),
        *raw.energy_mWh.items(),
        *(raw.split_capacity_mAh or {}).items(),
    ):
        if values is not None:
            _require_finite(raw, name, values)
    metadata = dict(
        raw.metadata, file=raw.source, columns=dict(raw.columns), current_sign=raw.current_sign, step_rule=STEP_RULE
    )
    state = _direction(raw)
    if raw.cycle is not None:
        cycle = np.rint(raw.cycle).astype(int)
        if cycle.min() < 0:
            raise InputError(
                raw.source, f"column '{raw.columns.get('cycle', 'cycle')}'", "cycle indices >= 0", int(cycle.min())
            )
        offset = 1 if cycle.min() == 0 else 0
        metadata["cycle_rule"] = raw.cycle_rule + (" (+1: the file counts from 0)" if offset else "")
        cycle = cycle + offset
    else:
        cycle = _derived_cycles(state)
        metadata["cycle_rule"] = CYCLE_RULE_DERIVED
    keys = [state, cycle, *(k for k in (raw.step, *raw.mode_keys) if k is not None)]
    change = _runs(*keys)
    step = 1 + np.cumsum(change)
    table = pd.DataFrame(
        {
            "time_s": raw.time_s.astype(float),
            "voltage_V": raw.voltage_V.astype(float),
            "current_A": raw.current_A.astype(float),
            "cycle": cycle.astype(np.int64),
            "step": step.astype(np.int64),
        }
    )
    starts = np.concatenate([[0], np.flatnonzero(change)])
    for column, counters in (("capacity_mAh", raw.counters_mAh), ("energy_mWh", raw.energy_mWh)):
        if counters:
            table[column] = sum(
                _since_step_start(np.asarray(c, dtype=float), starts, step - 1) for c in counters.values()
            )
    if raw.split_capacity_mAh:
        for column, values in raw.split_capacity_mAh.items():
            table[column] = np.asarray(values, dtype=float)
    if raw.counters_mAh or raw.energy_mWh:
        metadata["capacity_rule"] = CAPACITY_RULE
    metadata.update(n_rows=n, n_cycles=int(np.unique(cycle).size), n_steps=int(step[-1]))
    return CyclingData(table, raw.source, metadata)
