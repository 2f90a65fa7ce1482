"""Synthetic measurement sets of one cell with a known failure mode, for the round trip of `nassb diagnose`.

Each set is what a laboratory would record on a Na | electrolyte | Na pellet and its full cell: impedance spectra
over hours at rest, a symmetric-cell plating/stripping trace and a full-cell cycling record, written as the CSV
files nassb reads, with a manifest. The mode sets the physics, from the models of `nassb.interface` and
`nassb.mechanics`:

* interphase_growth: the interfacial resistance grows as R0 + sqrt(2 k_R t) (the parabolic law of
  `nassb.interface.growth` in its resistance form) at a constant interfacial capacitance; the symmetric trace's
  plateau rises with it; the full cell polarises (its voltage curve shifts by I R);
* anode_contact_loss: the contact fraction f falls with time; R_int = R0 / f and C_int = C0 f; the symmetric trace
  rises within each half-cycle (voids, `nassb.mechanics.contact`);
* electrical_blocking: a grain-boundary arc six times the rest of the resistance, constant in time;
* cathode_contact_loss: the full cell loses active material per cycle (capacity and dQ/dV peak shrink at a
  constant voltage, `nassb.mechanics.contact.cathode_contact_after_cycle`);
* dendrite: the symmetric trace collapses to a short circuit partway;
* no mode (a healthy cell): everything stays as built.

Noise: 0.5 % of |Z| on the spectra, 0.2 mV on the voltages (a seeded generator).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from nassb.echem.circuits import parse_circuit

CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
FREQUENCY_HZ = np.logspace(6, -1, 57)
TIMES_H = (0.0, 12.0, 24.0, 48.0, 96.0, 168.0)
AREA_CM2 = 1.0
THICKNESS_CM = 0.1
MODES = ("interphase_growth", "electrical_blocking", "anode_contact_loss", "cathode_contact_loss", "dendrite")


def _write(path: Path, header: tuple[str, ...], columns) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(zip(*[[f"{value:.8g}" for value in column] for column in columns]))


def _write_trace(path: Path, times, voltages, currents) -> str:
    """Write the pieces of a time series as one time_s, voltage_V, current_A CSV; returns its file name."""
    _write(
        path,
        ("time_s", "voltage_V", "current_A"),
        (np.concatenate(times), np.concatenate(voltages), np.concatenate(currents)),
    )
    return path.name


def spectra(folder: Path, modes, rates: dict[str, float], rng) -> list[tuple[str, float]]:
    """Impedance spectra of a Na | electrolyte | Na pellet at `TIMES_H`; returns (file, time_h) rows."""
    circuit = parse_circuit(CIRCUIT)
    rows = []
    for time_h in TIMES_H:
        interface_asr, capacitance, contact = 20.0, 2e-6, 1.0
        if "interphase_growth" in modes:
            interface_asr += np.sqrt(2.0 * rates["growth_constant"] * time_h * 3600.0)
        if "anode_contact_loss" in modes:
            contact = 1.0 / (1.0 + rates["contact_loss_per_h"] * time_h)
        grain = rates["grain_boundary_ohm"] if "electrical_blocking" in modes else 60.0
        parameters = {
            "R0": 50.0,
            "R1": grain,
            "CPE1_0": 5e-9,
            "CPE1_1": 0.9,
            "R2": 2.0 * interface_asr / AREA_CM2 / contact,  # two interfaces in series
            "CPE2_0": capacitance * contact,
            "CPE2_1": 0.9,
        }
        vector = np.array([parameters[name] for name in circuit.parameter_names])
        impedance = circuit.impedance(vector, 2 * np.pi * FREQUENCY_HZ)
        modulus = np.abs(impedance)
        impedance = impedance + 0.005 * modulus * (
            rng.standard_normal(modulus.size) + 1j * rng.standard_normal(modulus.size)
        )
        name = f"eis_{time_h:05.1f}h.csv"
        _write(folder / name, ("freq_Hz", "Zreal_Ohm", "Zimag_Ohm"), (FREQUENCY_HZ, impedance.real, impedance.imag))
        rows.append((name, time_h))
    return rows


def symmetric_trace(
    folder: Path,
    modes,
    rates: dict[str, float],
    rng,
    current_mA_per_cm2: float = 0.1,
    half_cycle_h: float = 1.0,
    half_cycles: int = 40,
) -> str:
    """A galvanostatic Na | electrolyte | Na plating/stripping trace (one point a minute)."""
    current_A = current_mA_per_cm2 * AREA_CM2 * 1e-3
    points = int(round(half_cycle_h * 60))
    times, voltages, currents = [], [], []
    short_at = int(rates["short_half_cycle"]) if "dendrite" in modes else None
    for index in range(half_cycles):
        sign = 1.0 if index % 2 == 0 else -1.0
        hours = index * half_cycle_h
        resistance = 100.0  # Ohm: bulk and both interfaces
        if "interphase_growth" in modes:
            resistance += 2.0 * np.sqrt(2.0 * rates["growth_constant"] * hours * 3600.0)
        within = np.linspace(0.0, 1.0, points, endpoint=False)
        shape = 1.0 + (rates["void_rise"] * within**3 if "anode_contact_loss" in modes else 0.0)
        overpotential = current_A * resistance * shape
        if short_at is not None and index >= short_at:
            collapse = within >= 0.3 if index == short_at else np.ones_like(within, bool)
            overpotential = np.where(collapse, current_A * 2.0, overpotential)
        times.append((hours + within * half_cycle_h) * 3600.0)
        voltages.append(sign * overpotential + 2e-4 * rng.standard_normal(points))
        currents.append(np.full(points, sign * current_A))
    return _write_trace(folder / "symmetric.csv", times, voltages, currents)


def _ocv_V(fraction: np.ndarray) -> np.ndarray:
    """A two-phase-like insertion curve with one dQ/dV peak at 3.0 V."""
    fraction = np.clip(fraction, 1e-4, 1 - 1e-4)
    return 3.0 + 0.05 * np.log(fraction / (1.0 - fraction))


def cycling_record(
    folder: Path, modes, rates: dict[str, float], rng, cycles: int = 30, capacity_mAh: float = 1.0
) -> str:
    """A full cell cycled at C/5 between 2.7 and 3.3 V (one point every 36 s)."""
    current_A = 0.2 * capacity_mAh * 1e-3
    times, voltages, currents = [], [], []
    clock = 0.0
    for cycle in range(cycles):
        capacity = capacity_mAh * (rates["active_kept_per_cycle"] ** cycle if "cathode_contact_loss" in modes else 1.0)
        resistance = 20.0 + (rates["cathode_ohm_per_cycle"] * cycle if "interphase_growth" in modes else 0.0)
        for sign in (1.0, -1.0):
            duration_s = capacity * 3.6 / current_A
            t = np.arange(0.0, duration_s, 36.0)
            state = t / duration_s if sign > 0 else 1.0 - t / duration_s
            voltage = _ocv_V(0.02 + 0.96 * state) + sign * current_A * resistance
            keep = (voltage <= 3.3) if sign > 0 else (voltage >= 2.7)
            t, voltage = t[keep], voltage[keep]
            times.append(clock + t)
            voltages.append(voltage + 2e-4 * rng.standard_normal(t.size))
            currents.append(np.full(t.size, sign * current_A))
            clock += (t[-1] if t.size else 0.0) + 36.0
    return _write_trace(folder / "cycling.csv", times, voltages, currents)


def draw_rates(rng) -> dict[str, float]:
    """The strength of each mode, drawn uniformly from the ranges the round trip covers."""
    return {
        "growth_constant": rng.uniform(0.01, 0.2),  # Ohm2 cm4/s per interface
        "contact_loss_per_h": rng.uniform(0.01, 0.05),
        "void_rise": rng.uniform(1.0, 3.0),
        "grain_boundary_ohm": rng.uniform(400.0, 1000.0),
        "active_kept_per_cycle": rng.uniform(0.975, 0.99),
        "cathode_ohm_per_cycle": rng.uniform(6.0, 15.0),
        "short_half_cycle": float(rng.integers(10, 30)),
    }


def write_cell(folder: str | Path, modes: str | tuple[str, ...] = (), seed: int = 0) -> tuple[Path, dict[str, float]]:
    """Write one synthetic cell with the failure `modes` (of `MODES`; none for a healthy cell) into `folder`;
    returns its manifest and the rates drawn."""
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown:
        raise ValueError(f"modes must be among {MODES}, got {unknown}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rates = draw_rates(rng)
    rows = [(name, "eis", time_h, "", 298.15) for name, time_h in spectra(folder, modes, rates, rng)]
    rows.append((symmetric_trace(folder, modes, rates, rng), "symmetric", "", "", 298.15))
    rows.append((cycling_record(folder, modes, rates, rng), "cycling", "", "", 298.15))
    manifest = folder / "manifest.csv"
    with open(manifest, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("file", "kind", "time_h", "cycle", "temperature_K"))
        writer.writerows(rows)
    return manifest, rates
