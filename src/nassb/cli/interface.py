"""`nassb interface`: reactions between two phases, their products and the interphase type."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from nassb.cli._output import (
    THERMO_ENTRIES_HELP,
    THERMO_SCHEME_HELP,
    console,
    json_option,
    output_dir_option,
    output_file_option,
    status_messages,
    write_figures_and_json,
)

interface_app = typer.Typer(
    help="Interfaces between phases: reaction energy, products and interphase type.", no_args_is_help=True
)


@interface_app.command("react")
def react(
    phase_a: str = typer.Argument(..., help="Phase A: formula, CIF/POSCAR or nassb structure name (e.g. Na)."),
    phase_b: str = typer.Argument(..., help="Phase B (e.g. Na3PS4)."),
    entries: Path | None = typer.Option(None, "--entries", help=THERMO_ENTRIES_HELP),
    scheme: str = typer.Option("mp2020", "--scheme", help=THERMO_SCHEME_HELP),
    json_path: Path | None = json_option("Write the results to this JSON file."),
    output: Path | None = output_dir_option(None, "Folder for the reaction plot (PNG, HTML).", "--output", "-o"),
) -> None:
    """Most negative reaction energy between A and B, its mixing ratio and products, and the interphase type."""
    from nassb.report.thermo_figures import reaction_figures
    from nassb.thermo.reactivity import interface_reaction

    with status_messages(f"{phase_a} | {phase_b}") as progress:
        result = interface_reaction(phase_a, phase_b, entries, progress=progress, scheme=scheme)
    data = result.to_dict()
    table = Table("quantity", "value", "unit")
    table.add_row("reaction energy", f"{result.reaction_energy_eV_per_atom:.4f}", "eV/atom of mixture")
    table.add_row(f"molar fraction of {result.reactant_A}", f"{result.ratio:.4f}", "")
    if result.mol_A_per_mol_B is not None and result.interface_type != "I":
        table.add_row(f"{result.reactant_A} per {result.reactant_B}", f"{result.mol_A_per_mol_B:.4g}", "mol/mol")
    table.add_row("reaction", result.reaction, "")
    table.add_row("interface type", f"{result.interface_type}: {result.interface_rule}", "")
    console.print(table)
    write_figures_and_json(
        data,
        "reaction",
        lambda: reaction_figures(result),
        output,
        f"{result.reactant_A}-{result.reactant_B}-reaction",
        json_path,
    )


@interface_app.command("ccd")
def ccd(
    electrolyte: str = typer.Option(..., "--electrolyte", help="Electrolyte of the material library (e.g. BASE)."),
    anode: str = typer.Option("Na", "--anode", help="Anode metal (Na)."),
    pressure_MPa: float = typer.Option(1.0, "--pressure-MPa", help="Stack pressure (MPa)."),
    temperature_C: float = typer.Option(25.0, "--temperature-C", help="Temperature (degC)."),
    asr_ohm_cm2: float | None = typer.Option(None, "--asr-ohm-cm2", help="Na | electrolyte interface ASR."),
    flaw_size_um: float | None = typer.Option(None, "--flaw-size-um", help="Largest surface flaw of the pellet."),
    json_path: Path | None = json_option("Write the prediction and its inputs to this JSON file."),
) -> None:
    """Predicted critical current density of a Na | electrolyte | Na cell and the mechanism that sets it."""
    from nassb.cli._output import write_json
    from nassb.core.constants import ZERO_CELSIUS_K
    from nassb.interface.dendrite import predict_ccd

    result, inputs = predict_ccd(
        electrolyte, pressure_MPa, temperature_C + ZERO_CELSIUS_K, asr_ohm_cm2, flaw_size_um, anode
    )
    table = Table("quantity", "value", "unit")
    for name, value, unit in (
        ("stripping CCD (Na supply)", result.stripping_ccd_mA_per_cm2, "mA/cm2"),
        ("plating CCD (crack opening)", result.plating_ccd_mA_per_cm2, "mA/cm2"),
        ("CCD", result.ccd_mA_per_cm2, "mA/cm2"),
        ("Monroe-Newman ratio G_SE / G_Na", result.monroe_newman_ratio, ""),
    ):
        table.add_row(name, "n/a" if value is None else f"{value:.3g}", unit)
    table.add_row("limiting mechanism", result.limiting_mechanism, "")
    console.print(table)
    if json_path is not None:
        write_json(json_path, {**result.to_dict(), "electrolyte": electrolyte, "inputs": inputs})


def diagnose(
    manifest: Path = typer.Argument(..., help="Manifest CSV: file,kind,time_h,cycle,temperature_K (one cell)."),
    area_cm2: float = typer.Option(..., "--area-cm2", help="Electrode area, cm2."),
    thickness_cm: float = typer.Option(..., "--thickness-cm", help="Electrolyte thickness, cm."),
    output: Path = output_file_option(Path("diagnosis.html"), "The HTML report to write.", "--output", "-o"),
    json_path: Path | None = json_option("Write the diagnosis to this JSON file."),
    calibration: Path | None = output_file_option(
        None, "Write the calibrated interface values for `nassb evaluate --calibration` (TOML).", "--calibration"
    ),
) -> None:
    """From one cell's measurements (impedance over time, symmetric-cell and CCD traces, full-cell cycling) to its
    failure modes ranked by evidence, with the numbers that calibrate the failure models."""
    from nassb.cli._output import write_json
    from nassb.core.io import write_text_atomic
    from nassb.interface.diagnosis import calibration_toml
    from nassb.interface.diagnosis import diagnose as run_diagnosis
    from nassb.kb.store import default_knowledge_base
    from nassb.report.diagnosis_report import write_diagnosis_report

    with status_messages("diagnosing"):
        result = run_diagnosis(manifest, area_cm2, thickness_cm, default_knowledge_base())
    table = Table("mode", "score", "passed tests")
    for mode in result.modes:
        passed = [item["test"] for item in mode["evidence"] if item["passed"]]
        table.add_row(mode["mode"], f"{mode['score']:.2f}", "; ".join(passed) or "-")
    console.print(table)
    console.print(f"dominant mode: {result.dominant_mode or 'none above its threshold'}")
    write_diagnosis_report(result, str(manifest), output)
    console.print(f"wrote {output}")
    if json_path is not None:
        write_json(json_path, {"diagnosis": result.to_dict()})
    if calibration is not None:
        write_text_atomic(calibration, calibration_toml(result, str(manifest)))
        console.print(f"wrote {calibration}")
