"""Diagnosis of one cell from its measurements: each failure mode of seed 004 Fig. 3 (the vocabulary of
`nassb.interface.failure`) judged by small documented signature tests, ranked by evidence, with the numbers that
calibrate the failure models.

Input: a manifest CSV with columns `file,kind,time_h,cycle,temperature_K` and optionally `pressure_MPa` (paths
relative to the manifest; kind one of `eis`, `symmetric`, `ccd`, `cycling`, `dc`), and the cell's electrode area
and electrolyte thickness. Every file
is read and analysed by the readers and analyses nassb already has (`nassb.echem`).

Signature tests (each a number against a threshold, `Evidence`):

* impedance series (kind eis, ordered by time_h, else cycle; at least 3 spectra within 5 K of each other; fitted with
  R0-p(R1,CPE1)-p(R2,CPE2), arcs assigned by capacitance class, Irvine, Sinclair and West 1990):
  - interfacial resistance growth: (R_last - R_first) / R_first of the electrode-interface arc, with the growth
    law that fits better (R = R0 + b sqrt(t): diffusion-limited, passivating; R = R0 + b t: mixed-conducting,
    linear), its slope over its standard error and its Spearman rank correlation with time (a trend, not one
    outlying fit); interphase_growth when it grows at a capacitance that does not fall;
  - interfacial capacitance change (C_last - C_first) / C_first: falling capacitance while the resistance grows
    is a shrinking contact area (anode_contact_loss);
  - grain-boundary share R_gb / (R_bulk + R_gb + R_interface), its median and relative median absolute deviation
    over the series: a dominant, unchanging grain-boundary arc is electrical_blocking;
* symmetric-cell trace (kind symmetric, `nassb.echem.symmetric`): a short (dendrite); the share of half-cycles whose
  overpotential rises within the half-cycle, rise_fraction above 0.2 (voids at the stripping electrode,
  anode_contact_loss); plateau-overpotential growth over time with flat half-cycles (interphase_growth); traces
  at several stack pressures whose plateau overpotential falls with pressure (anode_contact_loss);
* CCD ramp (kind ccd, `nassb.echem.ccd`): the measured CCD and whether a short ended it (dendrite);
* full-cell cycling (kind cycling, `nassb.echem.full_cell`): Coulombic efficiency above 100 % (a soft short,
  dendrite); capacity retention; the discharge dQ/dV peak of the first and last complete cycles: a peak that
  shrinks at a constant voltage is lost active material (cathode_contact_loss), a peak that shifts is polarisation
  by a growing resistive layer (interphase_growth at the cathode);
* dc files are read and listed; no signature uses them yet.

Score of a mode: the sum over its passed tests of min(value / threshold, 3); the dominant mode has the highest
score, except that a detected short circuit makes dendrite dominant (the cell has failed). The calibrated numbers
(interfacial ASR, resistance growth constant, CCD, contact lost per cycle, fade) carry their standard errors where
a fit gives one; `calibration_toml` writes those a cell design takes ([interfaces]) for `nassb evaluate
--calibration`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nassb.core.errors import InputError

KINDS = ("eis", "symmetric", "ccd", "cycling", "dc")
MODES = ("interphase_growth", "electrical_blocking", "anode_contact_loss", "cathode_contact_loss", "dendrite")
MANIFEST_COLUMNS = ("file", "kind", "time_h", "cycle", "temperature_K", "pressure_MPa")
EIS_CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
GROWTH_THRESHOLD = 0.2  # relative rise of the interfacial resistance over the series
SIGNIFICANCE = 3.0  # slope / standard error
MONOTONIC = 0.9  # Spearman rank correlation of the resistance with time: a trend, not one outlying fit
CAPACITANCE_DROP = 0.3  # relative fall of the interfacial capacitance (contact area)
GRAIN_BOUNDARY_SHARE = 0.5
STABLE_SHARE_CHANGE = 0.2
RISE_FRACTION = 0.2  # rise of |V| within a half-cycle: no plateau
RISING_SHARE = 0.5  # share of half-cycles that rise
CE_SOFT_SHORT = 1.005
FADE_RETENTION = 0.9
PEAK_SHRINK = 0.8
PEAK_SHIFT_V = 0.02
STRENGTH_CAP = 3.0
SAME_TEMPERATURE_K = 5.0  # spectra further apart in temperature are not an ageing series
PRESSURE_DROP = 0.2  # relative fall of the plateau overpotential from the lowest to the highest stack pressure
REMEDY_WORDS = {
    "interphase_growth": ["interlayer", "coating", "catholyte"],
    "electrical_blocking": ["coating", "grain boundary", "buffer"],
    "anode_contact_loss": ["stack pressure", "alloy", "wetting"],
    "cathode_contact_loss": ["catholyte", "coating", "pressure"],
    "dendrite": ["interlayer", "alloy", "electronic"],
}


@dataclass(frozen=True)
class ManifestRow:
    """One measurement of the cell: its file, kind and when it was taken (time_h, cycle; None when not given)."""

    file: Path
    kind: str
    time_h: float | None
    cycle: int | None
    temperature_K: float | None
    pressure_MPa: float | None = None


@dataclass
class Evidence:
    """One signature test: its value against its threshold, whether it passed, and the file it read."""

    mode: str
    test: str
    value: float | None
    unit: str
    threshold: float
    passed: bool
    file: str

    @property
    def strength(self) -> float:
        if not self.passed or self.value is None or self.threshold == 0:
            return 0.0
        return min(abs(self.value / self.threshold), STRENGTH_CAP)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "strength": self.strength}


@dataclass
class Diagnosis:
    """The modes ranked by evidence, the calibrated numbers and what each file gave."""

    modes: list[dict[str, Any]]
    dominant_mode: str | None
    calibrated: dict[str, dict[str, Any]]
    evidence: list[Evidence] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    plots: dict[str, Any] = field(default_factory=dict)  # arrays for the report's figures (not in the JSON)

    def to_dict(self) -> dict[str, Any]:
        return {
            "modes": self.modes,
            "dominant_mode": self.dominant_mode,
            "calibrated": self.calibrated,
            "series": self.series,
            "files": self.files,
        }


def _optional_number(text: str, path: Path, column: str, line: int, integer: bool = False):
    if text == "":
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        expected = "an integer cycle number" if integer else "a number"
        raise InputError(str(path), f"{column} (line {line})", f"{expected} or empty", text) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(str(path), f"{column} (line {line})", "a finite, non-negative number or empty", text)
    return value


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """The rows of a diagnosis manifest (module docstring); errors name the file, the line and the column."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "manifest", f"an existing CSV file with columns {','.join(MANIFEST_COLUMNS)}")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in (reader.fieldnames or [])]
        missing = [name for name in ("file", "kind") if name not in header]
        if missing:
            raise InputError(str(path), "header", f"columns {','.join(MANIFEST_COLUMNS)}", ",".join(header))
        rows = []
        for line, raw in enumerate(reader, start=2):
            row = {key.strip(): (value or "").strip() for key, value in raw.items() if key is not None}
            name, kind = row.get("file", ""), row.get("kind", "").lower()
            if not name:
                raise InputError(str(path), f"file (line {line})", "a measurement file name", name)
            if kind not in KINDS:
                raise InputError(str(path), f"kind (line {line})", f"one of {', '.join(KINDS)}", kind)
            file = Path(name) if Path(name).is_absolute() else path.parent / name
            if not file.is_file():
                raise InputError(str(path), f"file (line {line})", "an existing file", str(file))
            temperature = _optional_number(row.get("temperature_K", ""), path, "temperature_K", line)
            if temperature is not None and not 150.0 <= temperature <= 1000.0:
                raise InputError(
                    str(path), f"temperature_K (line {line})", "a temperature in kelvin (150-1000 K)", temperature
                )
            rows.append(
                ManifestRow(
                    file,
                    kind,
                    _optional_number(row.get("time_h", ""), path, "time_h", line),
                    _optional_number(row.get("cycle", ""), path, "cycle", line, integer=True),
                    temperature,
                    _optional_number(row.get("pressure_MPa", ""), path, "pressure_MPa", line),
                )
            )
    if not rows:
        raise InputError(str(path), "rows", "at least one measurement", 0)
    return rows


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Least squares y = a + b x: (a, b, standard error of b, sum of squared residuals)."""
    design = np.column_stack([np.ones_like(x), x])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    ssr = float(residual @ residual)
    dof = max(len(x) - 2, 1)
    spread = float(np.sum((x - x.mean()) ** 2))
    stderr = math.sqrt(ssr / dof / spread) if spread > 0 else math.inf
    return float(coefficients[0]), float(coefficients[1]), stderr, ssr


def growth_law(time_h: np.ndarray, resistance: np.ndarray) -> dict[str, Any]:
    """Which growth law describes R(t) better, R0 + b sqrt(t) (parabolic) or R0 + b t (linear), its slope with its
    standard error, and for the parabolic law the resistance growth constant k_R = b^2 / 2 (R^2 = 2 k_R t, the
    form of Wenzel et al.'s analysis; Ohm^2 cm^4/s when R is an area-specific resistance)."""
    fits = {
        "parabolic": _line_fit(np.sqrt(time_h * 3600.0), resistance),
        "linear": _line_fit(time_h * 3600.0, resistance),
    }
    law = min(fits, key=lambda name: fits[name][3])
    intercept, slope, stderr, _ = fits[law]
    out = {"law": law, "intercept": intercept, "slope": slope, "slope_stderr": stderr}
    if law == "parabolic":
        out["growth_constant"] = slope**2 / 2.0
        out["growth_constant_stderr"] = abs(slope) * stderr
    return out


def _order(rows: list[ManifestRow]) -> tuple[list[ManifestRow], np.ndarray, str]:
    """Rows in time order and their abscissa (hours, else cycles)."""
    if all(row.time_h is not None for row in rows):
        ordered = sorted(rows, key=lambda row: row.time_h)
        return ordered, np.array([row.time_h for row in ordered], float), "h"
    if all(row.cycle is not None for row in rows):
        ordered = sorted(rows, key=lambda row: row.cycle)
        return ordered, np.array([row.cycle for row in ordered], float), "cycle"
    raise InputError(
        "diagnosis manifest", "time_h / cycle", "a time_h (or a cycle) for every eis row, to order the series", ""
    )


def _contribution(assignment, kinds: tuple[str, ...]):
    found = [item for item in assignment.contributions if item.kind in kinds]
    return max(found, key=lambda item: item.R_ohm) if found else None


def eis_evidence(rows: list[ManifestRow], area_cm2: float, thickness_cm: float) -> tuple[list[Evidence], dict]:
    """The impedance-series signatures (module docstring) and the series itself."""
    from nassb.echem.analysis import Geometry, analyse_spectra
    from nassb.echem.readers import read_spectrum

    if len(rows) < 3:
        return [], {"note": f"{len(rows)} spectra: at least 3 are needed for a growth law"}
    temperatures = [row.temperature_K for row in rows if row.temperature_K is not None]
    if temperatures and max(temperatures) - min(temperatures) > SAME_TEMPERATURE_K:
        note = (
            f"spectra at {min(temperatures):g}-{max(temperatures):g} K: a temperature series, not ageing; no growth "
            "law is fitted across temperatures (nassb eis arrhenius reads it)"
        )
        return [], {"note": note}
    ordered, x, unit = _order(rows)
    spectra = [read_spectrum(row.file) for row in ordered]
    geometry = Geometry(thickness_cm, area_cm2, symmetric=True, electrodes="reversible")
    analyses = analyse_spectra(spectra, EIS_CIRCUIT, geometry, series=False)
    interface, capacitance, grain, total = [], [], [], []
    for analysis in analyses:
        arc = _contribution(analysis.assignment, ("electrode_interface", "surface_layer"))
        gb = _contribution(analysis.assignment, ("grain_boundary",))
        interface.append(arc.R_ohm * area_cm2 / 2.0 if arc else math.nan)  # per interface (seed 002 Eq. 8)
        capacitance.append(arc.C_F if arc and arc.C_F else math.nan)
        grain.append(gb.R_ohm if gb else 0.0)
        total.append(sum(item.R_ohm for item in analysis.assignment.contributions))
    interface, capacitance = np.array(interface), np.array(capacitance)
    files = f"{ordered[0].file.name} .. {ordered[-1].file.name}"
    series = {
        "abscissa": x.tolist(),
        "abscissa_unit": unit,
        "interface_asr_ohm_cm2": interface.tolist(),
        "interface_capacitance_F": capacitance.tolist(),
        "grain_boundary_ohm": grain,
        "total_ohm": total,
        "files": [row.file.name for row in ordered],
    }
    evidence = []
    if np.all(np.isfinite(interface)):
        rise = (interface[-1] - interface[0]) / interface[0]
        hours = x if unit == "h" else x  # cycles stand for time when no time is given
        law = growth_law(hours, interface)
        significance = law["slope"] / law["slope_stderr"] if law["slope_stderr"] > 0 else math.inf
        series["growth"] = law
        capacitance_change = (capacitance[-1] - capacitance[0]) / capacitance[0] if capacitance[0] > 0 else 0.0
        steady = capacitance_change > -CAPACITANCE_DROP  # a growing layer leaves the contact area as it was
        from scipy.stats import spearmanr

        trend = float(spearmanr(x, interface).statistic)
        growing = rise >= GROWTH_THRESHOLD and significance >= SIGNIFICANCE and trend >= MONOTONIC
        evidence += [
            Evidence(
                "interphase_growth",
                f"interfacial resistance rise at a capacitance that does not fall ({law['law']} law, slope/stderr "
                f"{significance:.3g}, rank correlation with time {trend:.2f}, capacitance change "
                f"{100 * capacitance_change:+.0f} %)",
                rise,
                "1",
                GROWTH_THRESHOLD,
                growing and steady,
                files,
            ),
            Evidence(
                "anode_contact_loss",
                "interfacial capacitance fall while the resistance rises (contact area)",
                -capacitance_change,
                "1",
                CAPACITANCE_DROP,
                growing and capacitance_change <= -CAPACITANCE_DROP,
                files,
            ),
        ]
    # median and median absolute deviation: one spectrum whose fit split an arc does not decide
    shares = np.array(grain) / np.array(total)
    share = float(np.median(shares))
    spread = float(np.median(np.abs(shares - share))) / max(share, 1e-12)
    evidence.append(
        Evidence(
            "electrical_blocking",
            f"median grain-boundary share of the resistance (relative spread over the series {100 * spread:.0f} %)",
            share,
            "1",
            GRAIN_BOUNDARY_SHARE,
            bool(share >= GRAIN_BOUNDARY_SHARE and spread < STABLE_SHARE_CHANGE),
            files,
        )
    )
    evidence.append(_drt_blocking(spectra, thickness_cm / area_cm2, files, series))
    return evidence, series


def _drt_blocking(spectra, cell_constant_per_cm: float, files: str, series: dict[str, Any]) -> Evidence:
    """The grain-boundary share of the DRT's polarisation in the first and last spectra, counting only the peaks
    that persist over lambda (`nassb.echem.drt`), each classed by its capacitance C = tau / R."""
    from nassb.echem.assignment import classify_capacitance
    from nassb.echem.drt import compute_drt

    shares, warnings = [], []
    for spectrum in (spectra[0], spectra[-1]):
        result = compute_drt(spectrum)
        warnings += list(result.warnings)
        total = sum(peak.R_ohm for peak in result.robust_peaks)
        blocking = sum(
            peak.R_ohm
            for peak in result.robust_peaks
            if math.isfinite(peak.C_F) and classify_capacitance(peak.C_F, cell_constant_per_cm) == "grain_boundary"
        )
        shares.append(blocking / total if total > 0 else 0.0)
    series["drt_grain_boundary_share"] = shares
    series["drt_warnings"] = warnings
    change = abs(shares[1] - shares[0]) / max(shares[0], 1e-12)
    return Evidence(
        "electrical_blocking",
        f"grain-boundary share of the DRT polarisation (persistent peaks; first {shares[0]:.2f}, last {shares[1]:.2f})",
        min(shares),
        "1",
        GRAIN_BOUNDARY_SHARE,
        bool(min(shares) >= GRAIN_BOUNDARY_SHARE and change < STABLE_SHARE_CHANGE),
        files,
    )


def _trace(time_s, voltage_V, current_A, short_time_s) -> dict[str, Any]:
    return {
        "kind": "trace",
        "time_s": time_s,
        "voltage_V": voltage_V,
        "current_A": current_A,
        "short_time_s": short_time_s,
    }


def _time_series(row: ManifestRow):
    from nassb.echem.readers import read_cycling

    table = read_cycling(row.file).table
    return (
        table["time_s"].to_numpy(float),
        table["voltage_V"].to_numpy(float),
        table["current_A"].to_numpy(float),
        table["cycle"].to_numpy(int) if "cycle" in table else None,
    )


def symmetric_evidence(row: ManifestRow, area_cm2: float) -> tuple[list[Evidence], dict[str, Any]]:
    """Short, within-half-cycle rise (voids) and overpotential growth of a symmetric-cell trace."""
    from nassb.echem.symmetric import analyse_symmetric_cell

    time_s, voltage, current, _ = _time_series(row)
    result = analyse_symmetric_cell(time_s, voltage, current, area_cm2=area_cm2, source=str(row.file))
    halves = [half for half in result.half_cycles if not half.after_short]
    rising = float(np.mean([half.rise_fraction > RISE_FRACTION for half in halves])) if halves else 0.0
    growth = result.growth_mV_per_h or 0.0
    stderr = result.growth_mV_per_h_stderr
    significant = growth > 0 and (stderr is None or stderr == 0 or growth / stderr >= SIGNIFICANCE)
    duration_h = (halves[-1].end_time_s - halves[0].start_time_s) / 3600.0 if halves else 0.0
    early_mV = 1e3 * halves[0].plateau_overpotential_V if halves else 0.0
    relative = growth * duration_h / early_mV if early_mV > 0 else 0.0
    name = row.file.name
    evidence = [
        Evidence(
            "dendrite",
            f"short circuit ({result.short.criterion or 'none'})",
            float(result.short.short_detected),
            "1",
            1.0,
            result.short.short_detected,
            name,
        ),
        Evidence(
            "anode_contact_loss",
            f"share of half-cycles whose |V| rises by > {100 * RISE_FRACTION:g} % within "
            "the half-cycle (voids at the stripping electrode)",
            rising,
            "1",
            RISING_SHARE,
            rising >= RISING_SHARE,
            name,
        ),
        Evidence(
            "interphase_growth",
            f"plateau overpotential rise over the trace ({growth:.3g} mV/h) with flat "
            "half-cycles, relative to the first plateau",
            relative,
            "1",
            GROWTH_THRESHOLD,
            bool(significant and relative >= GROWTH_THRESHOLD and rising < RISING_SHARE),
            name,
        ),
    ]
    plot = _trace(time_s, voltage, current, result.short.short_time_s)
    return evidence, {
        "plot": plot,
        "plateau_mV": 1e3 * float(np.median([half.plateau_overpotential_V for half in halves])) if halves else None,
        "pressure_MPa": row.pressure_MPa,
        "asr_per_interface_ohm_cm2": result.asr_per_interface_ohm_cm2,
        "growth_mV_per_h": growth,
        "growth_mV_per_h_stderr": stderr,
        "short_time_h": None if result.short.short_time_s is None else result.short.short_time_s / 3600,
    }


def ccd_evidence(row: ManifestRow, area_cm2: float) -> tuple[list[Evidence], dict[str, Any]]:
    """The measured CCD of a current ramp and whether a short ended it."""
    from nassb.echem.ccd import critical_current_density

    time_s, voltage, current, _ = _time_series(row)
    result = critical_current_density(time_s, voltage, current, area_cm2=area_cm2, source=str(row.file))
    evidence = [
        Evidence(
            "dendrite",
            f"short during the CCD ramp (CCD {result.ccd_mA_per_cm2 or math.nan:.3g} mA/cm2)",
            float(result.short_detected),
            "1",
            1.0,
            result.short_detected,
            row.file.name,
        )
    ]
    return evidence, {
        "plot": _trace(time_s, voltage, current, result.short_time_s),
        "ccd_mA_per_cm2": result.ccd_mA_per_cm2,
        "ccd_lower_bound": result.ccd_lower_bound,
        "criterion": result.criterion,
    }


def cycling_evidence(row: ManifestRow) -> tuple[list[Evidence], dict[str, Any]]:
    """Coulombic efficiency, retention and the discharge dQ/dV peak of the first and last complete cycles."""
    from nassb.echem.full_cell import differential_capacity, summarise_cycling

    time_s, voltage, current, _ = _time_series(row)  # cycles counted from the current (charge first)
    summary = summarise_cycling(time_s, voltage, current)
    complete = [item for item in summary.cycles if item.complete]
    name = row.file.name
    if len(complete) < 2:
        return [], {"note": "fewer than two complete cycles"}
    efficiencies = [item.coulombic_efficiency for item in complete[1:] if item.coulombic_efficiency]
    retention = complete[-1].discharge_mAh / complete[0].discharge_mAh if complete[0].discharge_mAh > 0 else 1.0
    first, last = (
        differential_capacity(time_s, voltage, current, cycle_number=item.cycle, source=name)
        for item in (complete[0], complete[-1])
    )
    height = float(np.max(np.abs(last.dQdV_mAh_per_V)) / np.max(np.abs(first.dQdV_mAh_per_V)))
    shift = abs(last.peak_voltage_V - first.peak_voltage_V)
    fading = retention < FADE_RETENTION
    evidence = [
        Evidence(
            "dendrite",
            "highest Coulombic efficiency after the first cycle (above 1: a soft short)",
            max(efficiencies, default=0.0),
            "1",
            CE_SOFT_SHORT,
            max(efficiencies, default=0.0) > CE_SOFT_SHORT,
            name,
        ),
        Evidence(
            "cathode_contact_loss",
            f"dQ/dV peak shrink (last / first {height:.2f}) at a constant voltage "
            f"(shift {1e3 * shift:.0f} mV), capacity retention {100 * retention:.1f} %",
            1.0 - height,
            "1",
            1.0 - PEAK_SHRINK,
            bool(fading and height <= PEAK_SHRINK and shift < PEAK_SHIFT_V),
            name,
        ),
        Evidence(
            "interphase_growth",
            f"dQ/dV peak shift (polarisation), capacity retention {100 * retention:.1f} %",
            shift,
            "V",
            PEAK_SHIFT_V,
            bool(shift >= PEAK_SHIFT_V),
            name,
        ),
    ]
    span = complete[-1].cycle - complete[0].cycle
    fade = (1.0 - retention) * 100.0 / span
    curves = [(f"cycle {curve.cycle}", curve.voltage_V, curve.dQdV_mAh_per_V) for curve in (first, last)]
    return evidence, {
        "plot": {"kind": "dqdv", "curves": curves},
        "retention": retention,
        "fade_percent_per_cycle": fade,
        # lost active material (peaks shrinking in place): the contact lost per cycle, geometric over the record
        "contact_loss_per_cycle": 1.0 - retention ** (1.0 / span) if evidence[1].passed else None,
        "peak_height_ratio": height,
        "peak_shift_V": shift,
        "cycles": len(complete),
    }


def diagnose(manifest: str | Path, area_cm2: float, thickness_cm: float, knowledge_base=None) -> Diagnosis:
    """Read every measurement of the manifest, run the signature tests and rank the failure modes."""
    from nassb.interface.failure import kb_records

    for name, value in (("--area-cm2", area_cm2), ("--thickness-cm", thickness_cm)):
        if not (math.isfinite(value) and value > 0):
            raise InputError("command line", name, "a positive number", value)
    rows = read_manifest(manifest)
    evidence: list[Evidence] = []
    series: dict[str, Any] = {}
    calibrated: dict[str, dict[str, Any]] = {}
    eis_rows = [row for row in rows if row.kind == "eis"]
    if eis_rows:
        found, series["eis"] = eis_evidence(eis_rows, area_cm2, thickness_cm)
        evidence += found
        growth = series["eis"].get("growth")
        if growth:
            first = series["eis"]["interface_asr_ohm_cm2"][0]
            calibrated["anode.interface_asr"] = _calibrated(first, None, "Ohm cm2", eis_rows[0].file.name)
            if "growth_constant" in growth:
                calibrated["interphase.resistance_growth_constant"] = _calibrated(
                    growth["growth_constant"], growth["growth_constant_stderr"], "Ohm2 cm4/s", "impedance series"
                )
    names = [row.file.name for row in rows]

    def label(row: ManifestRow) -> str:
        """The file's name, or its path where two files of the manifest share a name."""
        return row.file.name if names.count(row.file.name) == 1 else str(row.file)

    for row in rows:
        if row.kind == "symmetric":
            found, series[label(row)] = symmetric_evidence(row, area_cm2)
            asr = series[label(row)]["asr_per_interface_ohm_cm2"]
            if asr is not None and "anode.interface_asr" not in calibrated:
                calibrated["anode.interface_asr"] = _calibrated(asr, None, "Ohm cm2", row.file.name)
        elif row.kind == "ccd":
            found, series[label(row)] = ccd_evidence(row, area_cm2)
            if series[label(row)]["ccd_mA_per_cm2"] is not None:
                calibrated["anode.critical_current_density"] = _calibrated(
                    series[label(row)]["ccd_mA_per_cm2"], None, "mA/cm2", row.file.name
                )
        elif row.kind == "cycling":
            found, series[label(row)] = cycling_evidence(row)
            if "fade_percent_per_cycle" in series[label(row)]:
                calibrated["cell.capacity_fade_per_cycle"] = _calibrated(
                    series[label(row)]["fade_percent_per_cycle"], None, "%/cycle", row.file.name
                )
            if series[label(row)].get("contact_loss_per_cycle") is not None:
                calibrated["cathode.contact_loss_per_cycle"] = _calibrated(
                    series[label(row)]["contact_loss_per_cycle"], None, "1", row.file.name
                )
        else:
            continue
        evidence += found
    evidence += _pressure_evidence([row for row in rows if row.kind == "symmetric"], series, label)
    modes = []
    for mode in MODES:
        own = [item for item in evidence if item.mode == mode]
        score = sum(item.strength for item in own)
        modes.append(
            {
                "mode": mode,
                "score": score,
                "evidence": [item.to_dict() for item in own],
                "remedies": kb_records(knowledge_base, REMEDY_WORDS[mode]) if score > 0 else [],
            }
        )
    modes.sort(key=lambda item: -item["score"])
    dominant = modes[0]["mode"] if modes[0]["score"] > 0 else None
    if any(item.passed and item.test.startswith("short") for item in evidence):
        dominant = "dendrite"  # a short circuit has ended the cell, whatever else ages it
    files = [{"file": str(row.file), "kind": row.kind, "time_h": row.time_h, "cycle": row.cycle} for row in rows]
    plots = {name: item.pop("plot") for name, item in series.items() if "plot" in item}
    return Diagnosis(modes, dominant, calibrated, evidence, series, files, plots)


# calibrated number -> the [interfaces] field of a cell design that takes it (`nassb evaluate --calibration`)
DESIGN_FIELDS = {
    "anode.interface_asr": "anode_asr_ohm_cm2",
    "interphase.resistance_growth_constant": "anode_interphase_growth_ohm2_cm4_per_s",
    "anode.critical_current_density": "anode_ccd_mA_per_cm2",
    "cathode.contact_loss_per_cycle": "cathode_contact_loss_per_cycle",
}


def calibration_toml(diagnosis: Diagnosis, manifest: str) -> str:
    """The calibration file of a diagnosis: the [interfaces] values a cell design accepts, each with its source and
    standard error as a comment, and the other calibrated numbers as comments."""
    lines = [f"# calibration from `nassb diagnose {manifest}`: measured values for `nassb evaluate --calibration`", ""]
    others = [name for name in diagnosis.calibrated if name not in DESIGN_FIELDS]
    lines += [
        f"# {name} = {diagnosis.calibrated[name]['value']:.6g} {diagnosis.calibrated[name]['unit']}" for name in others
    ]
    lines += ["[interfaces]"]
    for name, design_field in DESIGN_FIELDS.items():
        item = diagnosis.calibrated.get(name)
        if item is None:
            continue
        error = "" if item["stderr"] is None else f" +- {item['stderr']:.3g}"
        lines += [f"# {name}{error} {item['unit']} from {item['source']}", f"{design_field} = {item['value']:.6g}"]
    return "\n".join(lines) + "\n"


def _pressure_evidence(rows: list[ManifestRow], series: dict[str, Any], label) -> list[Evidence]:
    """Symmetric traces at several stack pressures: a plateau overpotential that falls with pressure is a contact
    the pressure restores (Na creep refilling voids, Spencer Jolly et al. 2020), anode_contact_loss."""
    points = sorted(
        (row.pressure_MPa, series[label(row)]["plateau_mV"])
        for row in rows
        if row.pressure_MPa is not None and series[label(row)].get("plateau_mV")
    )
    if len({pressure for pressure, _ in points}) < 2:
        return []
    (low_p, low), (high_p, high) = points[0], points[-1]
    drop = (low - high) / low
    return [
        Evidence(
            "anode_contact_loss",
            f"plateau overpotential fall from {low_p:g} to {high_p:g} MPa ({low:.3g} -> {high:.3g} mV)",
            drop,
            "1",
            PRESSURE_DROP,
            drop >= PRESSURE_DROP,
            ", ".join(label(row) for row in rows if row.pressure_MPa is not None),
        )
    ]


def _calibrated(value: float, stderr: float | None, unit: str, source: str) -> dict[str, Any]:
    return {"value": value, "stderr": stderr, "unit": unit, "source": source}
