"""The impedance workflow a researcher runs on pellets and cells, as library functions the CLI calls:
fit a circuit (or choose one, `nassb.echem.circuit_selection`), check Kramers-Kronig, assign the arcs (bulk,
grain boundary, interface) and turn a temperature series into Arrhenius laws per contribution.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nassb.core.constants import ROOM_TEMPERATURE_K
from nassb.core.errors import InputError
from nassb.core.quantity import computed, quantities_dict
from nassb.core.value import Value
from nassb.echem.assignment import Arc, Assignment, assign_contributions, series_classes
from nassb.echem.circuit_selection import AUTO_CIRCUIT, CircuitSelection, select_circuits
from nassb.echem.circuits import Circuit, parse_circuit
from nassb.echem.fitting import FitResult, fit_batch, fit_series
from nassb.echem.kk import KKResult, lin_kk
from nassb.echem.readers import read_spectra
from nassb.echem.spectrum import Spectrum
from nassb.echem.temperature_series import CONTRIBUTION_FIELDS, arrhenius_by_contribution
from nassb.transport.arrhenius import arrhenius_conductivity_S_per_cm, fit_vtf

ARRHENIUS_METHOD = (
    "least squares of ln(sigma T) or ln(sigma) against 1/T (seed 004 Eq.1), weighted by the "
    "conductivities' standard errors with the Birge ratio when every point has one"
)


@dataclass(frozen=True)
class Geometry:
    """Sample geometry: thickness between the electrodes (cm), electrode area (cm2), symmetric cell or not,
    and whether the electrodes block Na+ ("blocking") or exchange it ("reversible", e.g. Na metal)."""

    thickness_cm: float
    area_cm2: float
    symmetric: bool = False
    electrodes: str = "blocking"

    def __post_init__(self) -> None:
        for name in ("thickness_cm", "area_cm2"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise InputError("sample geometry", name, "a positive number", value)
        if self.electrodes not in ("blocking", "reversible"):
            raise InputError("sample geometry", "electrodes", "'blocking' or 'reversible'", self.electrodes)


@dataclass(frozen=True)
class SpectrumAnalysis:
    """One spectrum with its circuit fit, its Lin-KK check, (with a geometry) the assigned contributions and (when
    the circuit was chosen automatically) the candidates it was chosen from."""

    spectrum: Spectrum
    fit: FitResult
    kk: KKResult
    assignment: Assignment | None
    selection: CircuitSelection | None = None

    def quantities(self) -> dict[str, Value | None]:
        """The fit's parameters and chi2 (`FitResult.quantities`) and, when assigned, the contributions'
        R, C, sigma and ASR (`Assignment.quantities`)."""
        values = self.fit.quantities()
        if self.assignment is not None:
            values.update(self.assignment.quantities({"circuit": self.fit.circuit, "weighting": self.fit.weighting}))
        return values

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `nassb eis fit` for this spectrum."""
        document = {"file": self.spectrum.source, **self.fit.to_dict(), "kk": self.kk.to_dict()}
        if self.assignment is not None:
            document["contributions"] = [contribution.to_dict() for contribution in self.assignment.contributions]
            document["summary"] = self.assignment.summary.to_dict()
        else:
            document["contributions"] = []
        if self.selection is not None:
            document["circuit_selection"] = self.selection.to_dict()
        for key in ("temperature_K", "temperature_K_from_name"):
            if key in self.spectrum.metadata:
                document[key] = self.spectrum.metadata[key]
        document["quantities"] = quantities_dict(self.quantities())
        return document


def arcs_of_fit(fit: FitResult, model: Circuit) -> tuple[list[Arc], float | None, float | None]:
    """The fitted R||C and R||CPE blocks as `Arc`s (with standard errors), and the series resistance
    (the sum of resistors outside any parallel block, with its standard error), or None if there is none."""
    values = dict(zip(fit.parameter_names, fit.values))
    errors = dict(zip(fit.parameter_names, fit.stderr))
    arcs = []
    for block in model.arcs():
        if not block.top_level:
            continue
        R_name = block.resistor
        if block.capacitor_kind == "C":
            (C_name,) = block.capacitor_parameters
            arcs.append(Arc(values[R_name], values[C_name], 1.0, errors[R_name], errors[C_name], None))
        else:
            Q_name, n_name = block.capacitor_parameters
            arcs.append(
                Arc(values[R_name], values[Q_name], values[n_name], errors[R_name], errors[Q_name], errors[n_name])
            )
    series = model.series_resistances()
    if not series:
        return arcs, None, None
    return arcs, sum(values[name] for name in series), math.sqrt(sum(errors[name] ** 2 for name in series))


def _assign(
    fit_arcs: tuple[list[Arc], float | None, float | None],
    geometry: Geometry,
    source: str,
    classes: Sequence[str] | None,
) -> Assignment:
    """Assign the arcs of one fit (as `arcs_of_fit` gives them) to bulk, grain boundary and interface."""
    arcs, series_R_ohm, series_R_stderr_ohm = fit_arcs
    return assign_contributions(
        arcs,
        geometry.thickness_cm,
        geometry.area_cm2,
        series_R_ohm=series_R_ohm,
        series_R_stderr_ohm=series_R_stderr_ohm,
        symmetric=geometry.symmetric,
        electrodes=geometry.electrodes,
        source=source,
        classes=classes,
    )


def analyse_spectra(
    spectra: Sequence[Spectrum],
    circuit: str,
    geometry: Geometry | None = None,
    weighting: str = "modulus",
    series: bool = False,
    initial: dict[str, float] | None = None,
) -> list[SpectrumAnalysis]:
    """Fit, Kramers-Kronig-check and assign each spectrum.

    `circuit` "auto" chooses the circuit of each spectrum among the candidate presets (`select_circuits`; not for
    a series, whose fits must share one circuit). With `series` the spectra are a time or temperature series
    fitted in the order given, each fit seeding the next (`fit_series`), and each arc gets one class for the whole
    series (`series_classes`); otherwise they are fitted together by the vectorised batch fit and each spectrum is
    assigned on its own.
    """
    spectra = list(spectra)
    selections: list[CircuitSelection | None] = [None] * len(spectra)
    if circuit == AUTO_CIRCUIT:
        if series or initial is not None:
            raise InputError("fit", "circuit", "a circuit string for a seeded series fit", circuit)
        selections = select_circuits(spectra, weighting=weighting)
        fits = [selection.fit for selection in selections]
    elif series:
        fits = fit_series(spectra, parse_circuit(circuit), initial=initial, weighting=weighting)
    else:
        fits = fit_batch(spectra, parse_circuit(circuit), initial=initial, weighting=weighting)
    if geometry is None:
        return [
            SpectrumAnalysis(spectrum, fit, lin_kk(spectrum), None, selection)
            for spectrum, fit, selection in zip(spectra, fits, selections)
        ]
    fit_arcs = [arcs_of_fit(fit, fit.model) for fit in fits]
    classes = None
    if series and fit_arcs[0][0]:
        classes = series_classes([arcs for arcs, _, _ in fit_arcs], geometry.thickness_cm, geometry.area_cm2)
    return [
        SpectrumAnalysis(spectrum, fit, lin_kk(spectrum), _assign(arcs, geometry, fit.circuit, classes), selection)
        for spectrum, fit, arcs, selection in zip(spectra, fits, fit_arcs, selections)
    ]


def read_manifest(path: str | Path) -> list[tuple[Path, float]]:
    """Rows (file, temperature_K) of a temperature-series manifest CSV with columns `file,temperature_K`.

    Relative file names are taken relative to the manifest's folder.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "manifest", "an existing CSV file with columns file,temperature_K")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in (reader.fieldnames or [])]
        if "file" not in header or "temperature_K" not in header:
            raise InputError(str(path), "header", "columns 'file' and 'temperature_K'", ",".join(header))
        rows = []
        for line_number, row in enumerate(reader, start=2):
            row = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
            name, temperature = row.get("file", ""), row.get("temperature_K", "")
            if not name:
                raise InputError(str(path), f"file (line {line_number})", "a spectrum file name", name)
            try:
                temperature_K = float(temperature)
            except ValueError:
                raise InputError(
                    str(path), f"temperature_K (line {line_number})", "a temperature in K", temperature
                ) from None
            if not (math.isfinite(temperature_K) and temperature_K > 0):
                raise InputError(
                    str(path), f"temperature_K (line {line_number})", "a positive temperature in K", temperature
                )
            file = Path(name) if Path(name).is_absolute() else path.parent / name
            rows.append((file, temperature_K))
    if len(rows) < 3:
        raise InputError(str(path), "rows", "at least 3 temperatures for an Arrhenius fit", len(rows))
    return rows


@dataclass(frozen=True)
class TemperatureSeriesAnalysis:
    """Every spectrum of a temperature series analysed, and the Arrhenius law of each contribution."""

    temperatures_K: tuple[float, ...]
    analyses: tuple[SpectrumAnalysis, ...]
    arrhenius: dict[str, dict[str, Any]]
    form: str

    def plot_series(self, points: int = 50) -> dict[str, dict[str, Any]]:
        """Per fitted contribution: measured (temperature_K, sigma_S_per_cm) and the fitted law on a grid,
        as `nassb.report.eis_figures.arrhenius_series_figures` takes them."""
        series = {}
        for name, fitted in self.arrhenius.items():
            if fitted.get("Ea_eV") is None:
                continue
            field = CONTRIBUTION_FIELDS[name]
            measured = [(T, getattr(a.assignment.summary, field)) for T, a in zip(self.temperatures_K, self.analyses)]
            measured = [(T, sigma) for T, sigma in measured if sigma is not None]
            temperatures = np.array([T for T, _ in measured])
            grid_K = np.linspace(temperatures.min(), temperatures.max(), points)
            law = arrhenius_conductivity_S_per_cm(
                fitted["sigma_298K_S_per_cm"], ROOM_TEMPERATURE_K, grid_K, fitted["Ea_eV"], self.form
            )
            series[name] = {
                "temperature_K": temperatures,
                "sigma_S_per_cm": [sigma for _, sigma in measured],
                "fit_temperature_K": grid_K,
                "fit_sigma_S_per_cm": law,
                "label": f"{name}: Ea = {fitted['Ea_eV']:.3f} ± {fitted['Ea_stderr_eV']:.1g} eV",
            }
        return series

    @property
    def form_meaning(self) -> str:
        """The law the Arrhenius fit is of."""
        return "ln(sigma*T) = ln(A) - Ea/(kB T)" if self.form == "sigmaT" else "ln(sigma) = ln(A) - Ea/(kB T)"

    def quantities(self) -> dict[str, Value | None]:
        """Per fitted contribution: Ea, prefactor and sigma at 298 K with their standard errors, as
        "contribution.field"; the settings name the Arrhenius form, the weighting of the Arrhenius fit, the
        temperatures used and the circuit fit the conductivities come from."""
        fit = self.analyses[0].fit
        values: dict[str, Value | None] = {}
        for name, fitted in self.arrhenius.items():
            if fitted.get("Ea_eV") is None:
                continue
            settings = {
                "form": self.form,
                "form_meaning": self.form_meaning,
                "weighted_by_sigma_stderr": fitted["weighted"],
                "n_points": fitted["n_points"],
                "temperature_range_K": fitted["temperature_range_K"],
                "circuit": fit.circuit,
                "weighting": fit.weighting,
            }
            for field, unit, stderr in (
                ("Ea_eV", "eV", "Ea_stderr_eV"),
                ("prefactor", fitted["prefactor_unit"], "prefactor_stderr"),
                ("sigma_298K_S_per_cm", "S/cm", "sigma_298K_stderr_S_per_cm"),
            ):
                values[f"{name}.{field}"] = computed(fitted[field], unit, ARRHENIUS_METHOD, settings, fitted[stderr])
        return values

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `nassb eis arrhenius`."""
        return {
            "form": self.form,
            "form_meaning": self.form_meaning,
            "contributions": self.arrhenius,
            "spectra": [
                {"temperature_K": T, **analysis.to_dict()} for T, analysis in zip(self.temperatures_K, self.analyses)
            ],
            "quantities": quantities_dict(self.quantities()),
        }


def analyse_temperature_series(
    entries: Sequence[tuple[Path, float]],
    circuit: str,
    geometry: Geometry,
    form: str = "sigmaT",
    weighting: str = "modulus",
    imag_sign: str | None = None,
    vtf: bool = False,
) -> TemperatureSeriesAnalysis:
    """Fit every spectrum from the lowest temperature up (each fit seeding the next), assign the arcs and
    fit Arrhenius per contribution (bulk, grain boundary, total) with kink detection.

    The series is fitted from low to high temperature because the bulk arc is best resolved at low
    temperature; its parameters then seed the spectra where it moves towards the frequency limit.
    """
    if form not in ("sigmaT", "sigma"):
        raise InputError("eis arrhenius", "form", "'sigmaT' or 'sigma'", form)
    ordered = sorted(entries, key=lambda entry: entry[1])
    spectra = []
    for file, _ in ordered:
        found = read_spectra(file, imag_sign=imag_sign)
        if len(found) != 1:
            raise InputError(str(file), "spectra", "one spectrum per file of a temperature series", len(found))
        spectra.extend(found)
    analyses = analyse_spectra(spectra, circuit, geometry, weighting=weighting, series=True)
    temperatures = tuple(temperature for _, temperature in ordered)
    rows = [(temperature, analysis.assignment.summary) for temperature, analysis in zip(temperatures, analyses)]
    arrhenius = arrhenius_by_contribution(rows, form=form, source="eis arrhenius")
    if vtf:
        for name, fitted in arrhenius.items():
            points = [(T, getattr(summary, CONTRIBUTION_FIELDS[name])) for T, summary in rows]
            points = [(T, sigma) for T, sigma in points if sigma is not None]
            if len(points) >= 4:
                fitted["vtf"] = fit_vtf(
                    [T for T, _ in points], [sigma for _, sigma in points], source=f"VTF fit of {name}"
                ).to_dict()
    return TemperatureSeriesAnalysis(temperatures, tuple(analyses), arrhenius, form)
