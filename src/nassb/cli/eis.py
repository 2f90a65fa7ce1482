"""`nassb eis`: circuit fits, DRT and Kramers-Kronig of impedance files, temperature series to Arrhenius."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import numpy as np
import typer
from rich.markup import escape
from rich.progress import track
from rich.table import Table

from nassb.cli._output import console, format_number, json_option, output_dir_option, save_figures, write_json
from nassb.core.errors import InputError

eis_app = typer.Typer(
    help="Impedance spectra: circuit fits, DRT, Kramers-Kronig, Arrhenius series.", no_args_is_help=True
)

_FILES = typer.Argument(..., help="Impedance files: BioLogic .mpr/.mpt, Gamry .DTA, ZView .z, CSV/TXT.")
_OUTPUT = output_dir_option(Path("eis-output"), "Folder for the PNG and HTML plots.")
_PLOTS = typer.Option(True, "--plots/--no-plots", help="Write a PNG and an HTML plot per spectrum (about 1 s each).")
_JSON = json_option("Also write the results to this JSON file.")
_IMAG_SIGN = typer.Option(
    None,
    "--imag-sign",
    help="'negative' if the file stores Z'' (capacitive < 0), 'positive' if it stores -Z''; detected when omitted.",
)
_CIRCUIT = typer.Option(
    "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3",
    "--circuit",
    help="Equivalent circuit in impedance.py syntax, or 'auto': per spectrum, the preset with the lowest AICc whose "
    "parameters are determined.",
)
_THICKNESS = typer.Option(None, "--thickness-cm", help="Sample thickness between the electrodes, cm.")
_AREA = typer.Option(None, "--area-cm2", help="Electrode area, cm2.")


class Weighting(str, Enum):
    modulus = "modulus"
    proportional = "proportional"
    unit = "unit"


class Electrodes(str, Enum):
    blocking = "blocking"
    reversible = "reversible"


class Form(str, Enum):
    sigmaT = "sigmaT"
    sigma = "sigma"


def _geometry(thickness_cm, area_cm2, symmetric: bool, electrodes: Electrodes):
    from nassb.echem.analysis import Geometry

    if thickness_cm is None and area_cm2 is None:
        return None
    if thickness_cm is None or area_cm2 is None:
        missing = "--thickness-cm" if thickness_cm is None else "--area-cm2"
        raise InputError("command line", missing, "both --thickness-cm and --area-cm2 (or neither)")
    return Geometry(thickness_cm, area_cm2, symmetric, electrodes.value)


def _read_all(files: list[Path], imag_sign: str | None):
    """Every spectrum of every file, labelled `stem` or `stem-k` when a file holds several."""
    from nassb.echem.readers import read_spectra

    labelled = []
    for file in files:
        spectra = read_spectra(file, imag_sign=imag_sign)
        for index, spectrum in enumerate(spectra, start=1):
            label = file.stem if len(spectra) == 1 else f"{file.stem}-{index}"
            labelled.append((re.sub(r"[^A-Za-z0-9_.+-]", "_", label), spectrum))
    return labelled


@eis_app.command("fit")
def fit(
    files: list[Path] = _FILES,
    circuit: str = _CIRCUIT,
    thickness_cm: float | None = _THICKNESS,
    area_cm2: float | None = _AREA,
    symmetric: bool = typer.Option(False, "--symmetric", help="Symmetric cell: the interfacial ASR is halved."),
    electrodes: Electrodes = typer.Option(
        Electrodes.blocking, "--electrodes", help="Ion-blocking or Na-reversible electrodes."
    ),
    weighting: Weighting = typer.Option(Weighting.modulus, "--weighting", help="CNLS weighting."),
    series: bool = typer.Option(
        False, "--series", help="The files are a time or temperature series: each fit seeds the next."
    ),
    imag_sign: str | None = _IMAG_SIGN,
    output_dir: Path = _OUTPUT,
    plots: bool = _PLOTS,
    json_path: Path | None = _JSON,
) -> None:
    """Fit an equivalent circuit to each spectrum, check it by Lin-KK and assign bulk, grain boundary and interface."""
    from nassb.echem.analysis import analyse_spectra
    from nassb.report.eis_figures import circuit_fit_figures

    geometry = _geometry(thickness_cm, area_cm2, symmetric, electrodes)
    labelled = _read_all(files, imag_sign)
    with console.status(f"fitting {len(labelled)} spectra"):
        analyses = analyse_spectra([spectrum for _, spectrum in labelled], circuit, geometry, weighting.value, series)
    table = Table(title=f"circuit {circuit}, {weighting.value} weighting")
    for column in ("spectrum", "chi2", "Lin-KK", "contribution", "R (Ohm)", "C (F)", "sigma (S/cm)", "ASR (Ohm cm2)"):
        table.add_column(column, justify="left" if column in ("spectrum", "contribution", "Lin-KK") else "right")
    for (label, spectrum), analysis in track(
        list(zip(labelled, analyses)), description="plotting", console=console, transient=True
    ):
        fit_result = analysis.fit
        kk = "valid" if analysis.kk.valid else f"NOT valid ({100 * analysis.kk.max_residual:.2g}%)"
        contributions = analysis.assignment.contributions if analysis.assignment else []
        first = [label, format_number(fit_result.chi2, 3), kk]
        if not contributions:
            table.add_row(*first, "", "", "", "", "")
        for index, contribution in enumerate(contributions):
            table.add_row(
                *(first if index == 0 else ["", "", ""]),
                contribution.kind,
                format_number(contribution.R_ohm),
                format_number(contribution.C_F, 3),
                format_number(contribution.sigma_S_per_cm, 3),
                format_number(contribution.asr_ohm_cm2, 3),
            )
        if plots:
            save_figures(
                *circuit_fit_figures(
                    spectrum, fit_result, f"{label}: {fit_result.circuit}, chi2 = {fit_result.chi2:.3g}"
                ),
                output_dir / f"{label}-fit",
            )
    console.print(table)
    for (label, _), analysis in zip(labelled, analyses):
        if analysis.selection is not None:
            console.print(_selection_table(label, analysis.selection))
    if geometry is not None:
        for (label, _), analysis in zip(labelled, analyses):
            for note in analysis.assignment.summary.notes:
                console.print(f"[dim]{label}: {note}[/]")
    if plots:
        console.print(f"plots in {output_dir}/ (Nyquist, Bode and residuals per spectrum)")
    if json_path:
        write_json(json_path, {"circuit": circuit, "spectra": [analysis.to_dict() for analysis in analyses]})


def _selection_table(label: str, selection) -> Table:
    """The candidates of an automatic circuit choice with their AICc and why any was refused."""
    from nassb.echem.circuit_selection import MAX_RELATIVE_STDERR

    table = Table(
        title=f"{label}: {escape(selection.circuit)} chosen (lowest AICc among candidates with every standard error "
        f"<= {MAX_RELATIVE_STDERR:.0%} of its value)"
    )
    for column in ("circuit", "parameters", "chi2", "AICc", "delta AICc", "verdict"):
        table.add_column(column, justify="left" if column in ("circuit", "verdict") else "right")
    for candidate in selection.candidates:
        verdict = "[green]chosen[/]" if candidate.chosen else escape(candidate.refused_because or "accepted")
        table.add_row(
            escape(candidate.circuit),
            str(candidate.n_parameters),
            format_number(candidate.chi2, 3),
            f"{candidate.aicc:.2f}",
            f"{candidate.delta_aicc:+.2f}",
            verdict,
        )
    return table


@eis_app.command("drt")
def drt(
    files: list[Path] = _FILES,
    lambda_method: str = typer.Option("gcv", "--lambda", help="'gcv', 'lcurve' or a fixed regularisation parameter."),
    derivative: int = typer.Option(1, "--derivative", help="Order of the derivative penalised (1 or 2)."),
    extend_decades: float = typer.Option(
        0.0,
        "--extend-decades",
        help="Extend the tau grid this many decades beyond the measured range "
        "(about 1 for a bulk arc at the frequency limit).",
    ),
    imag_sign: str | None = _IMAG_SIGN,
    output_dir: Path = _OUTPUT,
    plots: bool = _PLOTS,
    json_path: Path | None = _JSON,
) -> None:
    """Distribution of relaxation times (Tikhonov + non-negativity on Gaussian RBFs); peaks with tau, R and C."""
    from nassb.echem.drt import compute_drt
    from nassb.report.eis_figures import drt_result_figures

    method: str | float = lambda_method
    if lambda_method not in ("gcv", "lcurve"):
        try:
            method = float(lambda_method)
        except ValueError:
            raise InputError(
                "command line", "--lambda", "'gcv', 'lcurve' or a positive number", lambda_method
            ) from None
    documents = []
    for label, spectrum in track(_read_all(files, imag_sign), description="DRT", console=console, transient=True):
        result = compute_drt(spectrum, method=method, derivative=derivative, extend_decades=extend_decades)
        table = Table(
            title=f"{label}: DRT, lambda = {result.lambda_value:.3g} ({result.lambda_method}), "
            f"R_inf = {result.R_inf_ohm:.4g} Ohm"
        )
        for column in ("peak", "tau (s)", "f (Hz)", "R (Ohm)", "C (F)", "persists over lambda"):
            table.add_column(column, justify="right")
        for index, peak in enumerate(result.peaks, start=1):
            table.add_row(
                str(index),
                format_number(peak.tau_s, 3),
                format_number(1 / (2 * np.pi * peak.tau_s), 3),
                format_number(peak.R_ohm),
                format_number(peak.C_F, 3),
                "yes" if peak in result.robust_peaks else "no",
            )
        console.print(table)
        for warning in result.warnings:
            console.print(f"[yellow]warning:[/] {escape(warning)}")
        if plots:
            for suffix, pair in drt_result_figures(label, spectrum, result).items():
                save_figures(*pair, output_dir / f"{label}-{suffix}")
        documents.append({"file": spectrum.source, "label": label, **result.to_dict()})
    if plots:
        console.print(f"plots in {output_dir}/")
    if json_path:
        write_json(json_path, {"spectra": documents})


@eis_app.command("kk")
def kk(
    files: list[Path] = _FILES,
    mu_cutoff: float = typer.Option(0.85, "--mu", help="mu criterion cutoff c (Schonleber 2014)."),
    threshold: float = typer.Option(0.015, "--threshold", help="Largest relative residual of a valid spectrum."),
    imag_sign: str | None = _IMAG_SIGN,
    output_dir: Path = _OUTPUT,
    plots: bool = _PLOTS,
    json_path: Path | None = _JSON,
) -> None:
    """Linear Kramers-Kronig test (Lin-KK): flags spectra that drift or are non-linear."""
    from nassb.echem.kk import lin_kk
    from nassb.report.eis_figures import kk_figures

    table = Table(title="Lin-KK")
    for column in ("spectrum", "valid", "M", "mu", "max residual (%)", "pseudo chi2"):
        table.add_column(column, justify="left" if column == "spectrum" else "right")
    documents = []
    for label, spectrum in track(_read_all(files, imag_sign), description="Lin-KK", console=console, transient=True):
        result = lin_kk(spectrum, c=mu_cutoff, residual_threshold=threshold)
        verdict = "[green]yes[/]" if result.valid else "[red]no[/]"
        table.add_row(
            label,
            verdict,
            str(result.M),
            f"{result.mu:.3f}",
            f"{100 * result.max_residual:.3g}",
            format_number(result.pseudo_chi2, 3),
        )
        if plots:
            save_figures(
                *kk_figures(
                    spectrum,
                    result.residuals_real,
                    result.residuals_imag,
                    threshold,
                    f"{label}: Lin-KK residuals (M = {result.M})",
                ),
                output_dir / f"{label}-kk",
            )
        documents.append({"file": spectrum.source, "label": label, **result.to_dict()})
    console.print(table)
    if json_path:
        write_json(json_path, {"spectra": documents})


@eis_app.command("arrhenius")
def arrhenius(
    manifest: Path = typer.Option(
        ..., "--manifest", help="CSV with columns file,temperature_K (paths relative to it)."
    ),
    circuit: str = typer.Option(
        "p(R1,CPE1)-p(R2,CPE2)-CPE3", "--circuit", help="Equivalent circuit in impedance.py syntax."
    ),
    thickness_cm: float = typer.Option(..., "--thickness-cm", help="Pellet thickness, cm."),
    area_cm2: float = typer.Option(..., "--area-cm2", help="Electrode area, cm2."),
    form: Form = typer.Option(
        Form.sigmaT, "--form", help="Fit ln(sigma*T) (usual for hopping) or ln(sigma) against 1/T."
    ),
    vtf: bool = typer.Option(False, "--vtf", help="Also fit Vogel-Tammann-Fulcher (polymer electrolytes)."),
    symmetric: bool = typer.Option(False, "--symmetric"),
    electrodes: Electrodes = typer.Option(Electrodes.blocking, "--electrodes"),
    weighting: Weighting = typer.Option(Weighting.modulus, "--weighting"),
    imag_sign: str | None = _IMAG_SIGN,
    output_dir: Path = _OUTPUT,
    json_path: Path | None = _JSON,
) -> None:
    """Fit every spectrum of a temperature series and an Arrhenius law per contribution (bulk, grain boundary,
    total)."""
    from nassb.echem.analysis import analyse_temperature_series, read_manifest
    from nassb.report.eis_figures import arrhenius_series_figures, circuit_fit_figures

    entries = read_manifest(manifest)
    geometry = _geometry(thickness_cm, area_cm2, symmetric, electrodes)
    with console.status(f"fitting {len(entries)} spectra from the lowest temperature up"):
        result = analyse_temperature_series(entries, circuit, geometry, form.value, weighting.value, imag_sign, vtf)
    table = Table(
        title=f"Arrhenius ({'ln(sigma T)' if form is Form.sigmaT else 'ln(sigma)'} against 1/T), "
        f"{len(entries)} temperatures"
    )
    for column in ("contribution", "Ea (eV)", "sigma 298 K (S/cm)", "prefactor", "R^2", "kink"):
        table.add_column(column, justify="left" if column in ("contribution", "kink") else "right")
    vtf_lines = []
    for name, fitted in result.arrhenius.items():
        if fitted.get("Ea_eV") is None:
            table.add_row(name, "not resolved", "", "", "", "")
            continue
        kink = fitted["kink"]
        table.add_row(
            name,
            f"{fitted['Ea_eV']:.3f} ± {fitted['Ea_stderr_eV']:.1g}",
            format_number(fitted["sigma_298K_S_per_cm"], 3),
            f"{fitted['prefactor']:.3g} {fitted['prefactor_unit']}",
            f"{fitted['r_squared']:.4f}",
            f"at {kink['break_temperature_K']:.0f} K" if kink.get("detected") else "none",
        )
        if "vtf" in fitted:
            law = fitted["vtf"]
            bound = " (T0 at its bound: not determined)" if law["T0_at_bound"] else ""
            vtf_lines.append(
                f"{name} VTF: B = {law['B_K']:.4g} ± {law['B_stderr_K']:.2g} K "
                f"(pseudo-Ea {law['pseudo_Ea_eV']:.3f} eV), T0 = {law['T0_K']:.4g} K{bound}"
            )
    console.print(table)
    for line in vtf_lines:
        console.print(line)
    save_figures(
        *arrhenius_series_figures(result.plot_series(), form.value, f"Arrhenius: {manifest.name}"),
        output_dir / "arrhenius",
    )
    for temperature, analysis in zip(result.temperatures_K, result.analyses):
        spectrum, fit_result = analysis.spectrum, analysis.fit
        label = Path(spectrum.source).stem
        save_figures(
            *circuit_fit_figures(spectrum, fit_result, f"{label} ({temperature:.1f} K): chi2 = {fit_result.chi2:.3g}"),
            output_dir / f"{label}-fit",
        )
    console.print(f"plots in {output_dir}/ (arrhenius.png/html and one fit per temperature)")
    if json_path:
        write_json(json_path, result.to_dict())
