"""The Measurements page: impedance (circuit fit, DRT, Kramers-Kronig, Arrhenius series), cycling (summary, critical
current density, symmetric cell) and the diagnosis of one cell from uploaded instrument files.

Each analysis is a background job that calls the library functions the `nassb eis`, `nassb cycling` and
`nassb diagnose` commands call, with the same options and the same checks on them, and writes into its job folder
what those commands write: `results.json` (the command's `--json` document, with the uploaded file's original name
where the command puts the path) and each figure as PNG and HTML (with one `plotly.min.js` beside them), plus the
plotly div that the result page embeds. Uploaded files are reached only through `Workspace.upload_path`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from nassb.cli._output import NUMBER_RULES
from nassb.core.errors import InputError
from nassb.core.io import write_text_atomic
from nassb.echem.circuit_selection import AUTO_CIRCUIT
from nassb.web.app import render
from nassb.web.workspace import LIBRARY_LOCK, Job, JobContext, Workspace

router = APIRouter()
NAV = ("/measurements", "Measurements")

RESULTS = "results.json"
PLOTLY_JS = "plotly.min.js"
# result files a browser shows in place (the rest download)
SHOWN_TYPES = {".html": "text/html", ".js": "application/javascript", ".png": "image/png", ".json": "application/json"}
JOB_KINDS = {
    "eis-fit": "Circuit fit",
    "eis-drt": "DRT",
    "eis-kk": "Kramers-Kronig",
    "eis-arrhenius": "Arrhenius series",
    "cycling-summary": "Cycling summary",
    "cycling-ccd": "Critical current density",
    "cycling-symmetric": "Symmetric cell",
    "diagnosis": "Diagnosis",
}
# what an analysis reads -> the upload kinds (`nassb.web.workspace.sniff_kind`) that may hold it
READABLE_KINDS = {
    "impedance": ("impedance", "impedance_or_cycling"),
    "cycling": ("cycling", "impedance_or_cycling"),
    "measurement": ("impedance", "cycling", "impedance_or_cycling"),
}
FIT_CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3"  # `nassb eis fit --circuit` default
ARRHENIUS_CIRCUIT = "p(R1,CPE1)-p(R2,CPE2)-CPE3"  # `nassb eis arrhenius --circuit` default
CIRCUITS = {
    FIT_CIRCUIT: "series R, bulk and grain-boundary arcs, blocking electrodes (nassb eis fit default)",
    ARRHENIUS_CIRCUIT: "bulk and grain-boundary arcs, blocking electrodes (nassb eis arrhenius default)",
    "R0-p(R1,CPE1)-p(R2,CPE2)": "series R and two arcs (nassb diagnose)",
    "R0-p(R1,CPE1)-CPE2": "series R, one arc, blocking electrodes",
    "R0-p(R1,CPE1)": "series R and one arc",
}
CUSTOM = "custom"
# rows of the Arrhenius and diagnosis tables: one per uploaded file within these bounds ("add a row" adds more)
FEWEST_ROWS, MOST_ROWS = 4, 16
# matplotlib's pyplot is not thread-safe: two jobs draw one after the other
_DRAWING = LIBRARY_LOCK

ImagSign = Literal["", "negative", "positive"]
Weighting = Literal["modulus", "proportional", "unit"]
Electrodes = Literal["blocking", "reversible"]


# ---- formatting for the templates -------------------------------------------------------------------------------
def number(value: Any, digits: int = 4) -> str:
    """`digits` significant digits, without an exponent from 0.001 to 10^6 (7835, not 7.835e+03); empty for a
    missing value (None, NaN, infinite)."""
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return ""
    if 1e-3 <= abs(value) < 1e6:
        return f"{round(value, digits - 1 - math.floor(math.log10(abs(value)))):g}"
    return f"{value:.{digits}g}"


def with_error(value: Any, stderr: Any, digits: int = 4) -> str:
    """'value ± stderr' (the error to two significant digits); the value alone without a finite error."""
    shown = number(value, digits)
    error = number(stderr, 2)
    return f"{shown} ± {error}" if shown and error else shown


# ---- request parsing: the CLI's rules, errors naming the form field ----------------------------------------------
POSITIVE = (0.0, False, math.inf)
NON_NEGATIVE = (0.0, True, math.inf)


def _in_range(value: float, field: str, rule: tuple[float, bool, float]) -> float:
    """`value` if finite and within `rule` (lowest, whether the lowest is allowed, highest), else an InputError."""
    low, low_allowed, high = rule
    above = value >= low if low_allowed else value > low
    if not (math.isfinite(value) and above and value <= high):
        bound = ("[" if low_allowed else "(") + f"{low:g}, {high:g}" + ("]" if math.isfinite(high) else ")")
        raise InputError("request", field, f"a finite number in {bound}", value)
    return value


def _optional_number(text: str, field: str, rule: tuple[float, bool, float] | None = None) -> float | None:
    """A form field as a number within `rule`, by default the CLI's rule for the option of the same name
    (`thickness_cm`: `--thickness-cm`); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError("request", field, "a number", text) from None
    return _in_range(
        value, field, rule or NUMBER_RULES.get("--" + field.replace("_", "-"), (-math.inf, True, math.inf))
    )


def _number(text: str, field: str, rule: tuple[float, bool, float] | None = None) -> float:
    """A required form field as a number (`_optional_number`)."""
    value = _optional_number(text, field, rule)
    if value is None:
        raise InputError("request", field, "a number", "")
    return value


def _lambda(text: str) -> str | float:
    """The DRT regularisation: 'gcv', 'lcurve' or a fixed positive number (as `nassb eis drt --lambda`)."""
    text = text.strip()
    if text in ("gcv", "lcurve"):
        return text
    try:
        return _in_range(float(text), "lambda_method", POSITIVE)
    except (ValueError, InputError):
        raise InputError("request", "lambda_method", "'gcv', 'lcurve' or a positive number", text) from None


def _circuit(choice: str, custom_circuit: str, automatic: bool = False) -> str:
    """The circuit string: a preset (or any circuit string) from `circuit`, `custom_circuit` when it says custom, or
    (where `automatic`) "auto"; parsed here so that a misspelt circuit is a 400 and not a failed job."""
    from nassb.echem.circuits import parse_circuit

    text = (custom_circuit if choice == CUSTOM else choice).strip()
    if automatic and text == AUTO_CIRCUIT:
        return text
    try:
        parse_circuit(text)
    except InputError as error:
        raise InputError("request", "circuit", f"{error.expected} ({error.field})", text) from None
    return text


def _geometry(thickness_text: str, area_text: str, symmetric: bool, electrodes: str):
    """The sample geometry from both fields, None from neither (as `nassb eis fit`)."""
    from nassb.echem.analysis import Geometry

    thickness_cm = _optional_number(thickness_text, "thickness_cm")
    area_cm2 = _optional_number(area_text, "area_cm2")
    if thickness_cm is None and area_cm2 is None:
        return None
    if thickness_cm is None or area_cm2 is None:
        missing = "thickness_cm" if thickness_cm is None else "area_cm2"
        raise InputError("request", missing, "both thickness_cm and area_cm2 (or neither)")
    return Geometry(thickness_cm, area_cm2, symmetric, electrodes)


def _upload(request: Request, upload_id: str, content: str, field: str = "upload") -> tuple[Path, str]:
    """(path, original name) of an upload that may hold `content` (a key of READABLE_KINDS)."""
    space: Workspace = request.app.state.workspace
    stored = space.upload(upload_id)
    if stored.kind not in READABLE_KINDS[content]:
        raise InputError("request", field, f"an uploaded {content} file", stored.kind)
    return space.upload_path(upload_id), stored.original_name


def _label(name: str) -> str:
    """A file-name-safe label from an uploaded file's name (its stem, as the CLI labels)."""
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", Path(name).stem) or "upload"


def _submit(request: Request, kind: str, name: str, function: Callable[[JobContext], dict[str, Any]]) -> dict:
    job = request.app.state.jobs.submit(kind, f"{JOB_KINDS[kind]}: {name}", function)
    return {"job": job.id, "url": f"/measurements/jobs/{job.id}"}


# ---- what a job writes ------------------------------------------------------------------------------------------
def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _write_results(context: JobContext, document: dict[str, Any]) -> None:
    write_text_atomic(context.path(RESULTS, RESULTS), json.dumps(document, indent=2, default=_json_default))


def _write_figure(
    context: JobContext, name: str, draw: Callable[..., tuple[Any, Any]], *args: Any, **kwargs: Any
) -> None:
    """`name`.png and `name`.html of the (matplotlib, plotly) pair `draw(*args, **kwargs)`, as the CLI writes them,
    and `name`.div.html, the plotly div (without plotly.js) that the result page embeds."""
    from nassb.report.figures import write_png_and_html

    with _DRAWING:
        static, interactive = draw(*args, **kwargs)
        for suffix in (".png", ".html"):
            context.path(name + suffix, name + suffix)
        context.path(PLOTLY_JS, PLOTLY_JS)
        write_png_and_html(static, interactive, context.folder / name, shared_plotly_js=True)
    write_text_atomic(context.folder / f"{name}.div.html", interactive.to_html(full_html=False, include_plotlyjs=False))


# ---- impedance ---------------------------------------------------------------------------------------------------
def _spectra(path: Path, name: str, imag_sign: str):
    """Every spectrum of an uploaded file, labelled `stem` or `stem-k` when it holds several (as `nassb eis`)."""
    from nassb.echem.readers import read_spectra

    spectra = read_spectra(path, imag_sign=imag_sign or None)
    stem = _label(name)
    return [(stem if len(spectra) == 1 else f"{stem}-{k}", spectrum) for k, spectrum in enumerate(spectra, start=1)]


@router.post("/api/measurements/eis/fit")
def eis_fit(
    request: Request,
    upload: str = Form(...),
    circuit: str = Form(FIT_CIRCUIT),
    custom_circuit: str = Form(""),
    thickness_cm: str = Form(""),
    area_cm2: str = Form(""),
    symmetric: bool = Form(False),
    electrodes: Electrodes = Form("blocking"),
    weighting: Weighting = Form("modulus"),
    series: bool = Form(False),
    imag_sign: ImagSign = Form(""),
):
    """`nassb eis fit`: circuit fit (or the automatic choice of one), Lin-KK check and (with a geometry) bulk, grain
    boundary and interface."""
    path, name = _upload(request, upload, "impedance")
    circuit_text = _circuit(circuit, custom_circuit, automatic=True)
    if series and circuit_text == AUTO_CIRCUIT:
        raise InputError("request", "series", "one circuit for a series (not the automatic choice per spectrum)")
    geometry = _geometry(thickness_cm, area_cm2, symmetric, electrodes)

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.echem.analysis import analyse_spectra
        from nassb.report.eis_figures import circuit_fit_figures

        context.progress(0.05, "reading")
        labelled = _spectra(path, name, imag_sign)
        context.progress(0.1, f"fitting {len(labelled)} spectra")
        analyses = analyse_spectra([s for _, s in labelled], circuit_text, geometry, weighting, series)
        spectra = [{**a.to_dict(), "file": name, "label": label} for (label, _), a in zip(labelled, analyses)]
        _write_results(context, {"circuit": circuit_text, "spectra": spectra})
        for index, ((label, spectrum), analysis) in enumerate(zip(labelled, analyses)):
            context.progress(0.5 + 0.5 * index / len(labelled), f"plotting {label}")
            title = f"{label}: {analysis.fit.circuit}, chi2 = {analysis.fit.chi2:.3g}"
            _write_figure(context, f"{label}-fit", circuit_fit_figures, spectrum, analysis.fit, title)
        first = analyses[0]
        summary = {"file": name, "circuit": first.fit.circuit, "spectra": len(analyses), "chi2": first.fit.chi2}
        if first.assignment is not None:
            summary["sigma_total_S_per_cm"] = first.assignment.summary.sigma_total_S_per_cm
        return summary

    return _submit(request, "eis-fit", name, run)


@router.post("/api/measurements/eis/drt")
def eis_drt(
    request: Request,
    upload: str = Form(...),
    lambda_method: str = Form("gcv"),
    derivative: int = Form(1),
    extend_decades: str = Form("0"),
    imag_sign: ImagSign = Form(""),
):
    """`nassb eis drt`: distribution of relaxation times with its peaks (tau, R, C)."""
    path, name = _upload(request, upload, "impedance")
    method = _lambda(lambda_method)
    _in_range(derivative, "derivative", NUMBER_RULES["--derivative"])
    decades = _number(extend_decades, "extend_decades")

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.echem.drt import compute_drt
        from nassb.report.eis_figures import drt_result_figures

        labelled = _spectra(path, name, imag_sign)
        documents = []
        for index, (label, spectrum) in enumerate(labelled):
            context.progress(index / len(labelled), f"DRT of {label}")
            result = compute_drt(spectrum, method=method, derivative=derivative, extend_decades=decades)
            with _DRAWING:
                figures = drt_result_figures(label, spectrum, result)
            for suffix, pair in figures.items():
                _write_figure(context, f"{label}-{suffix}", lambda pair=pair: pair)
            documents.append({"file": name, "label": label, **result.to_dict()})
        _write_results(context, {"spectra": documents})
        first = documents[0]
        return {"file": name, "spectra": len(documents), "peaks": len(first["peaks"]), "lambda": first["lambda"]}

    return _submit(request, "eis-drt", name, run)


@router.post("/api/measurements/eis/kk")
def eis_kk(
    request: Request,
    upload: str = Form(...),
    mu: str = Form("0.85"),
    threshold: str = Form("0.015"),
    imag_sign: ImagSign = Form(""),
):
    """`nassb eis kk`: linear Kramers-Kronig test (Lin-KK) with its residuals."""
    path, name = _upload(request, upload, "impedance")
    mu_cutoff = _number(mu, "mu")
    residual_threshold = _number(threshold, "threshold")

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.echem.kk import lin_kk
        from nassb.report.eis_figures import kk_figures

        labelled = _spectra(path, name, imag_sign)
        documents = []
        for index, (label, spectrum) in enumerate(labelled):
            context.progress(index / len(labelled), f"Lin-KK of {label}")
            result = lin_kk(spectrum, c=mu_cutoff, residual_threshold=residual_threshold)
            _write_figure(
                context,
                f"{label}-kk",
                kk_figures,
                spectrum,
                result.residuals_real,
                result.residuals_imag,
                residual_threshold,
                f"{label}: Lin-KK residuals (M = {result.M})",
            )
            documents.append({"file": name, "label": label, **result.to_dict()})
        _write_results(context, {"spectra": documents})
        return {"file": name, "spectra": len(documents), "valid": all(d["valid"] for d in documents)}

    return _submit(request, "eis-kk", name, run)


@router.post("/api/measurements/eis/arrhenius")
def eis_arrhenius(
    request: Request,
    upload: list[str] = Form([]),
    temperature_K: list[str] = Form([]),
    circuit: str = Form(ARRHENIUS_CIRCUIT),
    custom_circuit: str = Form(""),
    thickness_cm: str = Form(...),
    area_cm2: str = Form(...),
    form: Literal["sigmaT", "sigma"] = Form("sigmaT"),
    vtf: bool = Form(False),
    symmetric: bool = Form(False),
    electrodes: Electrodes = Form("blocking"),
    weighting: Weighting = Form("modulus"),
    imag_sign: ImagSign = Form(""),
):
    """`nassb eis arrhenius`: a temperature series (one spectrum per file, each with its temperature in K, as the
    rows of `--manifest`) fitted from the lowest temperature up, and an Arrhenius law per contribution."""
    temperatures = list(temperature_K) + [""] * max(0, len(upload) - len(temperature_K))
    entries, names = [], {}
    for row, (upload_id, temperature) in enumerate(zip(upload, temperatures), start=1):
        if not upload_id.strip():
            continue
        path, name = _upload(request, upload_id.strip(), "impedance", f"upload (row {row})")
        entries.append((path, _number(temperature, f"temperature_K (row {row})", POSITIVE)))
        names[str(path)] = name
    if len(entries) < 3:
        raise InputError(
            "request", "upload", "at least 3 spectra with their temperatures for an Arrhenius fit", len(entries)
        )
    circuit_text = _circuit(circuit, custom_circuit)
    geometry = _geometry(thickness_cm, area_cm2, symmetric, electrodes)
    if geometry is None:
        raise InputError("request", "thickness_cm", "the sample thickness and area (an Arrhenius fit needs sigma)")

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.echem.analysis import analyse_temperature_series
        from nassb.report.eis_figures import arrhenius_series_figures, circuit_fit_figures

        context.progress(0.05, f"fitting {len(entries)} spectra from the lowest temperature up")
        result = analyse_temperature_series(entries, circuit_text, geometry, form, weighting, imag_sign or None, vtf)
        document = result.to_dict()
        for spectrum in document["spectra"]:
            spectrum["file"] = names[spectrum["file"]]
        _write_results(context, document)
        context.progress(0.5, "plotting")
        _write_figure(context, "arrhenius", arrhenius_series_figures, result.plot_series(), form, "Arrhenius")
        for index, (temperature, analysis) in enumerate(zip(result.temperatures_K, result.analyses)):
            context.progress(0.55 + 0.45 * index / len(entries), f"plotting the fit at {temperature:.1f} K")
            label = _label(names[analysis.spectrum.source])
            title = f"{label} ({temperature:.1f} K): chi2 = {analysis.fit.chi2:.3g}"
            _write_figure(
                context, f"{index + 1}-{label}-fit", circuit_fit_figures, analysis.spectrum, analysis.fit, title
            )
        return {
            "spectra": len(entries),
            **{f"Ea_{name}_eV": fitted.get("Ea_eV") for name, fitted in result.arrhenius.items()},
        }

    return _submit(request, "eis-arrhenius", f"{len(entries)} spectra", run)


# ---- cycling -----------------------------------------------------------------------------------------------------
def _cycling_columns(path: Path):
    """(time_s, voltage_V, current_A) of a cycler file, as `nassb cycling` reads it."""
    from nassb.echem.readers import read_cycling

    table = read_cycling(path).table
    return table["time_s"].to_numpy(float), table["voltage_V"].to_numpy(float), table["current_A"].to_numpy(float)


@router.post("/api/measurements/cycling/summary")
def cycling_summary(
    request: Request,
    upload: str = Form(...),
    mass_mg: str = Form(""),
    area_cm2: str = Form(""),
    first_step: Literal["charge", "discharge"] = Form("charge"),
    formula: str = Form(""),
    electrons: str = Form(""),
    theoretical_mAh_per_g: str = Form(""),
):
    """`nassb cycling summary`: capacity per cycle, Coulombic efficiency, energy, retention, fade and dQ/dV."""
    from nassb.chem.capacity import theoretical_capacity_mAh_per_g

    path, name = _upload(request, upload, "cycling")
    mass = _optional_number(mass_mg, "mass_mg")
    area = _optional_number(area_cm2, "area_cm2")
    electron_count = _optional_number(electrons, "electrons")
    theoretical = _optional_number(theoretical_mAh_per_g, "theoretical_mAh_per_g")
    if bool(formula.strip()) != (electron_count is not None):
        raise InputError("request", "formula/electrons", "both (or neither) to compute the theoretical capacity")
    if formula.strip():
        theoretical = theoretical_capacity_mAh_per_g(formula.strip(), electron_count)

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.echem.full_cell import summarise_cycling

        context.progress(0.05, "reading")
        time_s, voltage_V, current_A = _cycling_columns(path)
        context.progress(0.3, "summarising the cycles")
        result = summarise_cycling(
            time_s,
            voltage_V,
            current_A,
            active_mass_mg=mass,
            area_cm2=area,
            theoretical_capacity_mAh_per_g=theoretical,
            first_step=first_step,
            source=name,
        )
        warnings = _summary_figures(context, name, result, time_s, voltage_V, current_A, mass is not None, first_step)
        _write_results(context, {"file": name, **result.to_dict(), "warnings": warnings})
        return {
            "file": name,
            "cycles": len(result.cycles),
            "retention_percent": result.retention_percent,
            "fade_percent_per_cycle": result.fade_percent_per_cycle,
        }

    return _submit(request, "cycling-summary", name, run)


def _summary_figures(context, name, result, time_s, voltage_V, current_A, per_gram, first_step) -> list[str]:
    """The figures of `nassb cycling summary` (`cycling_summary_figures`); returns the warnings for the dQ/dV curves
    that could not be computed."""
    from nassb.report.cycling_figures import cycling_summary_figures

    context.progress(0.5, "plotting")
    with _DRAWING:
        figures, warnings = cycling_summary_figures(name, result, time_s, voltage_V, current_A, per_gram, first_step)
    for suffix, pair in figures.items():
        _write_figure(context, f"{_label(name)}-{suffix}", lambda pair=pair: pair)
    return warnings


@router.post("/api/measurements/cycling/ccd")
def cycling_ccd(
    request: Request,
    upload: str = Form(...),
    area_cm2: str = Form(...),
    R_bulk_ohm: str = Form(""),
    voltage_limit_V: str = Form(""),
):
    """`nassb cycling ccd`: critical current density from a stepped current-density ramp of a symmetric cell."""
    path, name = _upload(request, upload, "cycling")
    area = _number(area_cm2, "area_cm2")
    bulk_ohm = _optional_number(R_bulk_ohm, "R_bulk_ohm")
    limit_V = _optional_number(voltage_limit_V, "voltage_limit_V")

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.echem.ccd import critical_current_density
        from nassb.report.cycling_figures import ccd_result_figures

        context.progress(0.05, "reading")
        time_s, voltage_V, current_A = _cycling_columns(path)
        context.progress(0.3, "finding the failing step")
        result = critical_current_density(
            time_s, voltage_V, current_A, area, R_bulk_ohm=bulk_ohm, voltage_limit_V=limit_V, source=name
        )
        _write_results(context, {"file": name, **result.to_dict()})
        label = _label(name)
        context.progress(0.5, "plotting")
        with _DRAWING:
            figures = ccd_result_figures(name, time_s, voltage_V, current_A, result)
        for suffix, pair in figures.items():
            _write_figure(context, f"{label}-{suffix}", lambda pair=pair: pair)
        return {"file": name, "ccd_mA_per_cm2": result.ccd_mA_per_cm2, "lower_bound": result.ccd_lower_bound}

    return _submit(request, "cycling-ccd", name, run)


@router.post("/api/measurements/cycling/symmetric")
def cycling_symmetric(request: Request, upload: str = Form(...), area_cm2: str = Form(""), R_bulk_ohm: str = Form("")):
    """`nassb cycling symmetric`: plating/stripping overpotentials, ASR, growth and shorts of Na | SE | Na."""
    path, name = _upload(request, upload, "cycling")
    area = _optional_number(area_cm2, "area_cm2")
    bulk_ohm = _optional_number(R_bulk_ohm, "R_bulk_ohm")

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.echem.symmetric import analyse_symmetric_cell
        from nassb.report.cycling_figures import voltage_time_figures

        context.progress(0.05, "reading")
        time_s, voltage_V, current_A = _cycling_columns(path)
        context.progress(0.3, "cutting the half-cycles")
        result = analyse_symmetric_cell(time_s, voltage_V, current_A, area_cm2=area, R_bulk_ohm=bulk_ohm, source=name)
        _write_results(context, {"file": name, **result.to_dict()})
        short = result.short
        title = name + (f": short at {short.short_time_s:.6g} s" if short.short_detected else "")
        context.progress(0.6, "plotting")
        _write_figure(
            context,
            f"{_label(name)}-symmetric",
            voltage_time_figures,
            time_s,
            voltage_V,
            current_A,
            title,
            short.short_time_s,
        )
        return {"file": name, "short": short.short_detected, "stable_hours": result.stable_hours}

    return _submit(request, "cycling-symmetric", name, run)


# ---- diagnosis ---------------------------------------------------------------------------------------------------
@router.post("/api/measurements/diagnose")
def diagnose(
    request: Request,
    upload: list[str] = Form([]),
    kind: list[str] = Form([]),
    time_h: list[str] = Form([]),
    cycle: list[str] = Form([]),
    temperature_K: list[str] = Form([]),
    pressure_MPa: list[str] = Form([]),
    area_cm2: str = Form(...),
    thickness_cm: str = Form(...),
):
    """`nassb diagnose`: one cell's measurements (the rows of its manifest) to its failure modes ranked by evidence,
    with the numbers that calibrate the failure models."""
    from nassb.interface.diagnosis import KINDS

    area = _number(area_cm2, "area_cm2")
    thickness = _number(thickness_cm, "thickness_cm")
    columns = (kind, time_h, cycle, temperature_K, pressure_MPa)
    rows = []
    for row, upload_id in enumerate(upload, start=1):
        if not upload_id.strip():
            continue
        path, name = _upload(request, upload_id.strip(), "measurement", f"upload (row {row})")
        values = [column[row - 1].strip() if row <= len(column) else "" for column in columns]
        if values[0] not in KINDS:
            raise InputError("request", f"kind (row {row})", f"one of {', '.join(KINDS)}", values[0])
        for field, text in zip(("time_h", "cycle", "temperature_K", "pressure_MPa"), values[1:]):
            _optional_number(text, f"{field} (row {row})", NON_NEGATIVE)
        rows.append((path, name, values))
    if not rows:
        raise InputError("request", "upload", "at least one measurement of the cell")

    def run(context: JobContext) -> dict[str, Any]:
        from nassb.interface.diagnosis import calibration_toml
        from nassb.interface.diagnosis import diagnose as run_diagnosis
        from nassb.kb.store import default_knowledge_base
        from nassb.report.diagnosis_report import write_diagnosis_report

        manifest = _stage_manifest(context, rows)
        context.progress(0.1, "diagnosing")
        result = run_diagnosis(manifest, area, thickness, default_knowledge_base())
        _write_results(context, {"diagnosis": result.to_dict()})
        context.progress(0.8, "writing the report")
        with _DRAWING:
            write_diagnosis_report(result, manifest.name, context.path("diagnosis.html", "diagnosis.html"))
        write_text_atomic(context.path("calibration.toml", "calibration.toml"), calibration_toml(result, manifest.name))
        return {"files": len(rows), "dominant_mode": result.dominant_mode}

    return _submit(request, "diagnosis", f"{len(rows)} files", run)


def _stage_manifest(context: JobContext, rows: list[tuple[Path, str, list[str]]]) -> Path:
    """The manifest of `nassb diagnose` in the job folder, naming each upload by its original name through a link
    in `inputs/` (so the report names the files as the user does)."""
    from nassb.interface.diagnosis import MANIFEST_COLUMNS

    inputs = context.folder / "inputs"
    inputs.mkdir(exist_ok=True)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for index, (path, name, values) in enumerate(rows, start=1):
        staged = inputs / f"{index}-{_label(name)}{path.suffix}"
        try:
            os.link(path, staged)
        except OSError:
            shutil.copyfile(path, staged)
        writer.writerow([f"inputs/{staged.name}", *values])
    return write_text_atomic(context.path("manifest.csv", "manifest.csv"), text.getvalue())


# ---- pages -------------------------------------------------------------------------------------------------------
@router.get("/measurements", response_class=HTMLResponse)
def page(request: Request, selected: str = ""):
    """The forms: upload, impedance, cycling, diagnosis; the recent measurement jobs."""
    space: Workspace = request.app.state.workspace
    uploads = space.list_uploads()
    impedance_files = [u for u in uploads if u.kind in READABLE_KINDS["impedance"]]
    measurement_files = [u for u in uploads if u.kind in READABLE_KINDS["measurement"]]
    return render(
        request,
        "measurements.html",
        impedance_files=impedance_files,
        cycling_files=[u for u in uploads if u.kind in READABLE_KINDS["cycling"]],
        measurement_files=measurement_files,
        arrhenius_rows=min(max(FEWEST_ROWS, len(impedance_files)), MOST_ROWS),
        diagnosis_rows=min(max(FEWEST_ROWS, len(measurement_files)), MOST_ROWS),
        selected=selected,
        circuits=CIRCUITS,
        fit_circuit=FIT_CIRCUIT,
        auto=AUTO_CIRCUIT,
        arrhenius_circuit=ARRHENIUS_CIRCUIT,
        custom=CUSTOM,
        jobs=[job for job in space.list_jobs() if job.kind in JOB_KINDS][:15],
        job_kinds=JOB_KINDS,
    )


def _measurement_job(request: Request, job_id: str) -> Job:
    job = request.app.state.workspace.job(job_id)
    if job.kind not in JOB_KINDS:
        raise StarletteHTTPException(404, f"job {job_id} is not a measurement analysis (see /jobs/{job_id})")
    return job


@router.get("/measurements/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str):
    """A measurement job: its progress while it runs, then its numbers, figures and downloads."""
    space: Workspace = request.app.state.workspace
    job = _measurement_job(request, job_id)
    document, figures = None, []
    if job.status == "done":
        document = json.loads(space.result_path(job.id, RESULTS).read_text(encoding="utf-8"))
        folder = space.job_dir(job.id)
        for label in job.results:
            if label.endswith(".html") and (folder / f"{label[:-5]}.div.html").is_file():
                name = label[:-5]
                figures.append((name, (folder / f"{name}.div.html").read_text(encoding="utf-8")))
    return render(
        request,
        "measurements_job.html",
        job=job,
        document=document,
        figures=figures,
        number=number,
        with_error=with_error,
    )


@router.get("/measurements/jobs/{job_id}/files.zip")
def job_archive(request: Request, job_id: str):
    """Every result file of a measurement job in one zip (the HTML figures open offline beside plotly.min.js)."""
    space: Workspace = request.app.state.workspace
    job = _measurement_job(request, job_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for label, filename in job.results.items():
            archive.write(space.result_path(job.id, label), filename)
    headers = {"Content-Disposition": f'attachment; filename="measurements-{job.id}.zip"'}
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


@router.get("/measurements/jobs/{job_id}/view/{label}")
def job_view(request: Request, job_id: str, label: str):
    """A result file shown in the browser instead of downloaded; an HTML figure finds plotly.min.js beside it."""
    job = _measurement_job(request, job_id)
    path = request.app.state.workspace.result_path(job.id, label)
    return FileResponse(path, media_type=SHOWN_TYPES.get(path.suffix, "text/plain; charset=utf-8"))
