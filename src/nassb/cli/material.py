"""`nassb material`: one material from its structure (BVSE, descriptors, MLIP dynamics, elastic) and doping series."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from nassb.cli._output import format_number, parse_positive_numbers, progress_bar, write_json
from nassb.core.errors import InputError

material_app = typer.Typer(help="Materials from structure: migration barriers, descriptors, dynamics, moduli, doping.", no_args_is_help=True)
console = Console()


@material_app.command("analyze")
def analyze(
    structure: str = typer.Argument(..., help="A CIF or POSCAR file, or a library name (see `nassb material list`)."),
    md: bool = typer.Option(False, "--md", help="Run CHGNet molecular dynamics (needs nassb[md]; minutes to hours)."),
    elastic: bool = typer.Option(False, "--elastic", help="Elastic moduli by strain-stress with CHGNet (needs nassb[md])."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the results to this JSON file."),
    output: Path = typer.Option(Path("material"), "--output", "-o", help="Folder for the figures."),
    resolution_A: float = typer.Option(0.2, "--resolution", help="BVSE grid spacing in Angstrom."),
    md_temperatures: str = typer.Option("700,850,1000", "--md-temperatures", help="MD temperatures in K, comma-separated."),
    md_time_ps: float = typer.Option(20.0, "--md-time-ps", help="Production time per temperature in ps."),
    checkpoint_dir: Optional[Path] = typer.Option(None, "--checkpoint-dir", help="Keep MD checkpoints here; a rerun continues from them."),
) -> None:
    """Na+ migration barriers (BVSE, 1D/2D/3D), descriptors, optionally MD conductivity and elastic moduli."""
    from nassb.evaluate.material import analyze_material

    if not resolution_A > 0:
        raise InputError("command line", "--resolution", "a positive grid spacing in Angstrom", resolution_A)
    temperatures = tuple(parse_positive_numbers(md_temperatures, "--md-temperatures", "700,850,1000 (K)", minimum_count=2))
    with progress_bar("molecular dynamics" if md else "analysing") as update:
        analysis = analyze_material(
            structure, md=md, elastic=elastic, resolution_A=resolution_A, md_temperatures_K=temperatures,
            md_time_ps=md_time_ps, checkpoint_dir=checkpoint_dir, figures_dir=output, progress=update,
        )
    data = analysis.to_dict()
    console.print(f"[bold]{analysis.name}[/] {analysis.formula}  ({analysis.source})")
    console.print(_results_table(data))
    for label, path in data["figures"].items():
        console.print(f"wrote {path}")
    if json_path is not None:
        write_json(json_path, data)


def _results_table(data: dict) -> Table:
    table = Table("quantity", "value", "unit")
    bvse = data["bvse"]
    for dimension in ("1D", "2D", "3D"):
        table.add_row(f"BVSE barrier {dimension}", format_number(bvse[f"Ea_{dimension}_eV"], 3) or "no path", "eV")
    descriptors = data["descriptors"]
    for dimension in ("1D", "2D", "3D"):
        table.add_row(f"bottleneck radius {dimension}", format_number(descriptors[f"bottleneck_radius_{dimension}_A"], 3) or "closed", "A")
    table.add_row("Na sites / Na atoms", f"{descriptors['na_sites']} / {descriptors['na_atoms']:g}", "per cell")
    table.add_row("Na-site vacancy fraction", format_number(descriptors["na_site_vacancy_fraction"], 3), "")
    table.add_row("carrier density", format_number(descriptors["carrier_density_per_cm3"], 3), "cm^-3")
    if descriptors["tolerance_factor"] is not None:
        table.add_row("tolerance factor (anti-perovskite)", format_number(descriptors["tolerance_factor"], 3), "")
    table.add_row("HSAB air-stability risk", format_number(descriptors["hsab"]["risk_score"], 2), descriptors["hsab"]["verdict"])
    if "md" in data:
        md = data["md"]
        table.add_row("MD Ea", format_number(md["Ea_eV"], 3), "eV")
        table.add_row("MD sigma(298 K)", format_number(md["sigma_298K_S_per_cm"], 3), "S/cm")
    if "elastic" in data:
        elastic = data["elastic"]
        for key in ("K_GPa", "G_GPa", "E_GPa"):
            table.add_row(key.split("_")[0], format_number(elastic[key], 3), "GPa")
        verdict = elastic["monroe_newman"]
        table.add_row("Monroe-Newman G/G_Na", format_number(verdict["ratio"], 3), verdict["verdict"])
    return table


@material_app.command("dope")
def dope(
    parent: str = typer.Argument(..., help="Parent formula (Na3SbS4) or library name (Na3SbS4-tetragonal)."),
    substitute: str = typer.Option(..., "--substitute", help="'Dopant:Host', e.g. W:Sb, Cl:S, Ca:Na, or with charges W6+:Sb5+."),
    x_range: str = typer.Option("0-0.15", "--range", help="Dopant per formula unit, 'min-max'."),
    step: float = typer.Option(0.05, "--step", help="Step in x."),
    supercells: Optional[Path] = typer.Option(None, "--supercells", help="Write an ordered doped supercell CIF per x here (library or CIF parent)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the series to this JSON file."),
) -> None:
    """List the charge-balanced doping series with its Na vacancies (+) or interstitials (-)."""
    from nassb.chem.doping import parse_range
    from nassb.evaluate.material import doping_report

    x_min, x_max = parse_range(x_range)
    report = doping_report(parent, substitute, x_min, x_max, step, supercells)
    table = Table("x", "formula", "Na / f.u.", "Na vacancies / f.u.", "vacancy fraction", "charge balanced", "supercell")
    for row in report["series"]:
        table.add_row(
            f"{row['x']:g}", row["formula"], f"{row['Na_per_formula_unit']:g}", f"{row['Na_vacancies_per_formula_unit']:+g}",
            format_number(row["Na_site_vacancy_fraction"], 3), "yes" if row["charge_balanced"] else "NO", row.get("supercell", ""),
        )
    console.print(f"[bold]{report['parent']}[/] with {report['substitution']}")
    console.print(table)
    if json_path is not None:
        write_json(json_path, report)


@material_app.command("list")
def list_structures() -> None:
    """The prototype structures shipped with nassb and their sources."""
    from nassb import structures

    table = Table("name", "formula", "space group", "source")
    for name in structures.names():
        record = structures.info(name)
        table.add_row(name, record.formula, record.space_group, structures.citation(name))
    console.print(table)


@material_app.command("validate-bvse")
def validate_bvse(
    resolution_A: float = typer.Option(0.25, "--resolution", help="BVSE grid spacing in Angstrom."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the table and statistics to this JSON file."),
) -> None:
    """BVSE barriers of the seed electrolytes ranked against their measured Ea (knowledge base): Spearman rho, outliers."""
    from nassb.transport.bvse_validation import run_validation

    with progress_bar("BVSE of the seed electrolytes") as update:
        result = run_validation(resolution_A=resolution_A, progress=update)
    table = Table("electrolyte", "modelled as", "atoms", "BVSE Ea (eV)", "measured Ea (eV)", "records")
    for row in result.rows:
        table.add_row(row.label, row.formula_modelled, str(row.n_atoms), f"{row.Ea_bvse_eV:.3f} ({row.dimensionality}D)",
                      f"{row.Ea_experiment_eV:.3f}", ", ".join(row.record_ids))
    console.print(table)
    console.print(f"Spearman rho = {result.spearman_rho:.2f} (p = {result.spearman_p:.2f}, n = {len(result.rows)})")
    for outlier in result.outliers:
        console.print(f"outlier: {outlier}")
    if json_path is not None:
        write_json(json_path, result.to_dict())
