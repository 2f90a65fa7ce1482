"""From a `Table` to `Spectrum` objects (column roles, units, sign convention, sweep splitting)
and to a `TimeSeries`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nassb.core.constants import ZERO_CELSIUS_K
from nassb.core.errors import InputError
from nassb.echem.readers._table import (
    IMPEDANCE,
    SERIES_ALIASES,
    SPECTRUM_ALIASES,
    TIME_SERIES,
    Table,
    expected_columns,
    find_roles,
    has_series_columns,
    has_spectrum_columns,
    holds_impedance,
    impedance_only,
    split_name,
    temperature_K_from_text,
    unit_factor,
    wrong_technique,
)
from nassb.echem.spectrum import Spectrum


@dataclass(frozen=True)
class TimeSeries:
    """A chronoamperometry / chronopotentiometry / DC-polarisation record.

    time_s as the file counts it (EC-Lab counts from the start of the whole experiment, so a step inside
    a sequence starts at t > 0); current_A with the instrument's sign; voltage_V of the working electrode.
    """

    time_s: np.ndarray
    current_A: np.ndarray
    voltage_V: np.ndarray
    source: str = "time series"
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        arrays = [np.asarray(a, dtype=float) for a in (self.time_s, self.current_A, self.voltage_V)]
        if any(a.ndim != 1 or a.shape != arrays[0].shape for a in arrays):
            raise InputError(
                self.source, "time_s/current_A/voltage_V", "three 1-D arrays of equal length", [a.shape for a in arrays]
            )
        if arrays[0].size < 2:
            raise InputError(self.source, "time_s", "at least 2 points", arrays[0].size)
        for name, array in zip(("time_s", "current_A", "voltage_V"), arrays):
            object.__setattr__(self, name, array)

    def __len__(self) -> int:
        return int(self.time_s.size)


def _column(table: Table, j: int) -> np.ndarray:
    """Column j in SI units (Hz, Ohm, s, A, V; phase columns stay in their own unit)."""
    factor = unit_factor(split_name(table.names[j])[1])
    values = table.column(j)
    return values * factor if factor not in (None, 1.0) else values


def _require_finite(table: Table, columns: dict[str, np.ndarray], rows: np.ndarray) -> None:
    for name, values in columns.items():
        bad = np.flatnonzero(~np.isfinite(values[rows]))
        if bad.size:
            row = rows[bad[0]]
            raise InputError(
                table.source,
                f"{table.row_word} {table.row_labels[row]}, column '{name}'",
                "a finite number (no NaN or inf)",
                float(values[row]),
            )


def _require_columns(table: Table, found: bool, expected: str, aliases) -> None:
    """InputError on the table's column names, listing the recognised ones, unless the needed columns were found."""
    if not found:
        raise InputError(
            table.source, "columns", f"{expected}; recognised names: " + expected_columns(aliases), table.names
        )


def _majority_sign(frequency: np.ndarray, stored_imag: np.ndarray) -> str:
    """'positive' if the file seems to store -Z'': most points of the low-frequency half have a positive
    imaginary column (high-frequency points are left out because cable inductance makes them positive)."""
    low = frequency <= np.median(frequency)
    positive, negative = int((stored_imag[low] > 0).sum()), int((stored_imag[low] < 0).sum())
    return "positive" if positive > negative else "negative"


def _sweeps(frequency: np.ndarray, cycle: np.ndarray | None) -> list[tuple[int, int]]:
    """(start, stop) of each sweep: a new cycle/loop value, or a jump back to (nearly) the sweep's start
    frequency (a reversal of at least 90 % of the decades covered so far)."""
    bounds = [0, len(frequency)]
    if cycle is not None:
        bounds = [0, *(np.flatnonzero(np.diff(cycle) != 0) + 1).tolist(), len(frequency)]
    log_f = np.log(frequency)
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        start = a
        for i in range(a + 2, b):
            if i - start < 2:
                continue
            direction = np.sign(log_f[start + 1] - log_f[start])
            step = log_f[i] - log_f[i - 1]
            covered = abs(log_f[i - 1] - log_f[start])
            if direction * step < 0 and covered > 0 and abs(step) >= 0.9 * covered:
                out.append((start, i))
                start = i
        out.append((start, b))
    return out


def _temperature(table: Table, roles: dict[str, int], rows: np.ndarray) -> dict[str, float]:
    if "temperature" in roles:
        values = table.column(roles["temperature"])[rows]
        unit = split_name(table.names[roles["temperature"]])[1]
        if values.size and np.isfinite(values).all():
            return {"temperature_K": round(float(values.mean()) + (0.0 if unit == "K" else ZERO_CELSIUS_K), 6)}
    for key, value in table.metadata.get("header", {}).items():
        if "temp" in key.lower() and (kelvin := temperature_K_from_text(value)) is not None:
            return {"temperature_K": round(kelvin, 6)}
    for text in (table.metadata.get("title", ""), table.source.replace("\\", "/").rsplit("/", 1)[-1]):
        if (kelvin := temperature_K_from_text(text)) is not None:
            return {"temperature_K_from_name": round(kelvin, 6)}
    return {}


def spectra_from_table(table: Table, imag_sign: str | None) -> list[Spectrum]:
    """Every impedance sweep of the table, in the Z'' < 0 (capacitive) convention."""
    roles = table.roles or find_roles(table.names, SPECTRUM_ALIASES)
    if not holds_impedance(table.names) and has_series_columns(find_roles(table.names, SERIES_ALIASES)):
        raise wrong_technique(table.source, TIME_SERIES, IMPEDANCE, "nassb cycling or nassb dc")
    _require_columns(
        table, has_spectrum_columns(roles), "frequency with Z' and Z'' (or |Z| and phase)", SPECTRUM_ALIASES
    )
    cartesian = "real" in roles and ("imag" in roles or "neg_imag" in roles)
    if cartesian:
        imag_role = "imag" if "imag" in roles else "neg_imag"
        picked = {"frequency": roles["frequency"], "real": roles["real"], "imag": roles[imag_role]}
    else:
        phase_role = "phase" if "phase" in roles else "neg_phase"
        imag_role = "imag" if phase_role == "phase" else "neg_imag"
        picked = {"frequency": roles["frequency"], "modulus": roles["modulus"], "phase": roles[phase_role]}
    used = {key: table.names[j] for key, j in picked.items()}
    values = {key: table.column(j) if key == "phase" else _column(table, j) for key, j in picked.items()}
    frequency = values["frequency"]
    if cartesian:
        real, stored = values["real"], values["imag"]
    else:
        in_rad = split_name(used["phase"])[1].lower() == "rad"
        phase = values["phase"] if in_rad else np.deg2rad(values["phase"])
        real, stored = values["modulus"] * np.cos(phase), values["modulus"] * np.sin(phase)
    dc = (frequency == 0) & ~(np.isfinite(real) & (real != 0)) & ~(np.isfinite(stored) & (stored != 0))
    rows = np.flatnonzero(~dc)
    _require_finite(table, {used[key]: values[key] for key in picked}, rows)
    if rows.size == 0:
        raise InputError(table.source, "data", "at least 3 impedance points", 0)
    nonpositive = rows[frequency[rows] <= 0]
    if nonpositive.size:
        row = nonpositive[0]
        raise InputError(
            table.source,
            f"{table.row_word} {table.row_labels[row]}, column '{used['frequency']}'",
            "a strictly positive frequency",
            float(frequency[row]),
        )
    if imag_sign is not None:
        sign, how = imag_sign, "argument"
    elif table.trust_imag_header or imag_role == "neg_imag":
        sign, how = ("positive" if imag_role == "neg_imag" else "negative"), "column header / file format"
    else:
        sign, how = _majority_sign(frequency[rows], stored[rows]), "majority sign of the low-frequency half"
    frequency = frequency[rows]
    impedance = real[rows] + 1j * (stored[rows] if sign == "negative" else -stored[rows])
    cycle = table.column(roles["cycle"])[rows] if "cycle" in roles else None
    sweeps = _sweeps(frequency, cycle)
    spectra = []
    for k, (a, b) in enumerate(sweeps, start=1):
        metadata = dict(table.metadata, file=table.source, columns=dict(used), imag_sign=sign, imag_sign_source=how)
        metadata.update(_temperature(table, roles, rows[a:b]))
        if dc.any():
            metadata["dropped_dc_rows_in_file"] = int(dc.sum())
        if cycle is not None:
            metadata["cycle"] = int(cycle[a]) if float(cycle[a]).is_integer() else float(cycle[a])
        if len(sweeps) > 1:
            metadata.update(spectrum_index=k, n_spectra=len(sweeps))
        source = table.source if len(sweeps) == 1 else f"{table.source} (spectrum {k} of {len(sweeps)})"
        spectra.append(Spectrum(frequency[a:b], impedance[a:b], source, metadata))
    return spectra


def series_from_table(table: Table) -> TimeSeries:
    """Time, current and voltage columns of the table, in s, A and V (for an EC-Lab galvanostatic file
    without a measured-current column, the applied current 'control/mA')."""
    roles = find_roles(table.names, SERIES_ALIASES)
    setpoint = [
        j
        for j, name in enumerate(table.names)
        if split_name(name)[0] == "control" and split_name(name)[1] in ("A", "mA", "µA", "uA")
    ]
    if "current" not in roles and setpoint:
        roles["current"] = setpoint[0]  # galvanostatic EC-Lab files without an I column: the applied current
    if impedance_only(table.names, table.column):
        raise wrong_technique(table.source, IMPEDANCE, TIME_SERIES, "nassb eis")
    _require_columns(table, has_series_columns(roles), "time, current and voltage columns", SERIES_ALIASES)
    columns = {table.names[roles[r]]: _column(table, roles[r]) for r in ("time", "current", "voltage")}
    _require_finite(table, columns, np.arange(len(table)))
    time, current, voltage = columns.values()
    used = {r: table.names[roles[r]] for r in ("time", "current", "voltage")}
    return TimeSeries(time, current, voltage, table.source, dict(table.metadata, file=table.source, columns=used))
