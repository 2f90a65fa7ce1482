"""`nassb material`: one material from its structure (BVSE, descriptors, MLIP dynamics, elastic), doping series,
and its offline thermodynamics (stability and window, hydrolysis, validation of the reference energies)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from nassb.cli._output import (
    THERMO_ENTRIES_HELP,
    THERMO_SCHEME_HELP,
    console,
    format_number,
    json_option,
    output_dir_option,
    parse_positive_numbers,
    progress_bar,
    status_messages,
    write_figures_and_json,
    write_json,
)
from nassb.core.errors import InputError

material_app = typer.Typer(
    help="Materials from structure: migration barriers, descriptors, dynamics, moduli, doping.", no_args_is_help=True
)


@material_app.command("analyse")
def analyse(
    structure: str = typer.Argument(..., help="A CIF or POSCAR file, or a library name (see `nassb material list`)."),
    md: bool = typer.Option(False, "--md", help="Run MLIP molecular dynamics (needs nassb[md]; minutes to hours)."),
    elastic: bool = typer.Option(
        False, "--elastic", help="Elastic moduli by strain-stress with the MLIP (needs nassb[md])."
    ),
    mlip: str = typer.Option(
        "chgnet",
        "--mlip",
        help="Potential for --md and --elastic: chgnet, sevennet, or committee (MD with both, the spread between "
        "them reported as the model uncertainty; elastic with CHGNet).",
    ),
    json_path: Path | None = json_option("Write the results to this JSON file."),
    output: Path = output_dir_option(Path("material"), "Folder for the figures.", "--output", "-o"),
    resolution_A: float = typer.Option(0.2, "--resolution", help="BVSE grid spacing in Angstrom."),
    md_temperatures: str = typer.Option(
        "700,850,1000", "--md-temperatures", help="MD temperatures in K, comma-separated."
    ),
    md_time_ps: float = typer.Option(20.0, "--md-time-ps", help="Production time per temperature in ps."),
    checkpoint_dir: Path | None = output_dir_option(
        None, "Keep MD checkpoints here; a rerun continues from them.", "--checkpoint-dir"
    ),
) -> None:
    """Na+ migration barriers (BVSE, 1D/2D/3D), descriptors, optionally MD conductivity and elastic moduli."""
    from nassb.evaluate.material import analyse_material
    from nassb.report.structure_figures import write_material_figures

    if not resolution_A > 0:
        raise InputError("command line", "--resolution", "a positive grid spacing in Angstrom", resolution_A)
    temperatures = tuple(
        parse_positive_numbers(md_temperatures, "--md-temperatures", "700,850,1000 (K)", minimum_count=2)
    )
    with progress_bar("molecular dynamics" if md else "analysing") as update:
        analysis = analyse_material(
            structure,
            md=md,
            elastic=elastic,
            resolution_A=resolution_A,
            md_temperatures_K=temperatures,
            md_time_ps=md_time_ps,
            checkpoint_dir=checkpoint_dir,
            progress=update,
            mlip=mlip,
        )
    analysis.figures = write_material_figures(analysis, output)
    data = analysis.to_dict()
    console.print(f"[bold]{analysis.name}[/] {analysis.formula}  ({analysis.source})")
    console.print(_results_table(data))
    for path in data["figures"].values():
        console.print(f"wrote {path}")
    if json_path is not None:
        write_json(json_path, data)


material_app.command("analyze", hidden=True)(analyse)  # the US spelling, kept so existing scripts run


def _results_table(data: dict) -> Table:
    table = Table("quantity", "value", "unit")
    bvse = data["bvse"]
    for dimension in ("1D", "2D", "3D"):
        table.add_row(f"BVSE barrier {dimension}", format_number(bvse[f"Ea_{dimension}_eV"], 3) or "no path", "eV")
    descriptors = data["descriptors"]
    for dimension in ("1D", "2D", "3D"):
        table.add_row(
            f"bottleneck radius {dimension}",
            format_number(descriptors[f"bottleneck_radius_{dimension}_A"], 3) or "closed",
            "A",
        )
    table.add_row("Na sites / Na atoms", f"{descriptors['na_sites']} / {descriptors['na_atoms']:g}", "per cell")
    table.add_row("Na-site vacancy fraction", format_number(descriptors["na_site_vacancy_fraction"], 3), "")
    table.add_row("carrier density", format_number(descriptors["carrier_density_per_cm3"], 3), "cm^-3")
    if descriptors["tolerance_factor"] is not None:
        table.add_row("tolerance factor (anti-perovskite)", format_number(descriptors["tolerance_factor"], 3), "")
    table.add_row(
        "HSAB air-stability risk", format_number(descriptors["hsab"]["risk_score"], 2), descriptors["hsab"]["verdict"]
    )
    if "md" in data:
        md = data["md"]
        table.add_row("MD Ea", format_number(md["Ea_eV"], 3), "eV")
        table.add_row("MD sigma(298 K)", format_number(md["sigma_298K_S_per_cm"], 3), "S/cm")
    if "md_committee" in data:
        committee = data["md_committee"]
        spread, models = committee["spread"], f"{len(committee['models'])} MLIPs"
        table.add_row(f"MD Ea spread ({models})", format_number(spread["Ea_eV"], 3) or "–", "eV")
        sigma_spread = format_number(spread["sigma_298K_S_per_cm"], 3) or "–"
        table.add_row(f"MD sigma(298 K) spread ({models})", sigma_spread, "S/cm")
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
    substitute: str = typer.Option(
        ..., "--substitute", help="'Dopant:Host', e.g. W:Sb, Cl:S, Ca:Na, or with charges W6+:Sb5+."
    ),
    x_range: str = typer.Option("0-0.15", "--range", help="Dopant per formula unit, 'min-max'."),
    step: float = typer.Option(0.05, "--step", help="Step in x."),
    supercells: Path | None = output_dir_option(
        None, "Write an ordered doped supercell CIF per x here (library or CIF parent).", "--supercells"
    ),
    json_path: Path | None = json_option("Write the series to this JSON file."),
) -> None:
    """List the charge-balanced doping series with its Na vacancies (+) or interstitials (-)."""
    from nassb.chem.doping import parse_range
    from nassb.evaluate.material import doping_report

    x_min, x_max = parse_range(x_range)
    report = doping_report(parent, substitute, x_min, x_max, step, supercells)
    table = Table(
        "x", "formula", "Na / f.u.", "Na vacancies / f.u.", "vacancy fraction", "charge balanced", "supercell"
    )
    for row in report["series"]:
        table.add_row(
            f"{row['x']:g}",
            row["formula"],
            f"{row['Na_per_formula_unit']:g}",
            f"{row['Na_vacancies_per_formula_unit']:+g}",
            format_number(row["Na_site_vacancy_fraction"], 3),
            "yes" if row["charge_balanced"] else "NO",
            row.get("supercell", ""),
        )
    console.print(f"[bold]{report['parent']}[/] with {report['substitution']}")
    console.print(table)
    if json_path is not None:
        write_json(json_path, report)


@material_app.command("list")
def list_structures() -> None:
    """The prototype structures shipped with nassb, the kind of each source and the source.

    Source kinds: "refinement" (a published refinement), "real file" (the numbers of a structure file of
    ../shared/external/structures), "structure type + relaxation" (built by substitution on a structure type and
    relaxed with an MLIP; the source column names the MLIP, the parent and the substitution)."""
    from nassb import structures

    table = Table("name", "formula", "space group", "source kind", "source")
    for name in structures.names():
        record = structures.info(name)
        table.add_row(name, record.formula, record.space_group, record.source_kind, structures.citation(name))
    console.print(table)


@material_app.command("validate-bvse")
def validate_bvse(
    resolution_A: float = typer.Option(0.25, "--resolution", help="BVSE grid spacing in Angstrom."),
    json_path: Path | None = json_option("Write the table and statistics to this JSON file."),
) -> None:
    """BVSE barriers of the seed electrolytes ranked against their measured Ea (knowledge base): Spearman rho,
    outliers."""
    from nassb.transport.bvse_validation import run_validation

    with progress_bar("BVSE of the seed electrolytes") as update:
        result = run_validation(resolution_A=resolution_A, progress=update)
    table = Table("electrolyte", "modelled as", "atoms", "BVSE Ea (eV)", "measured Ea (eV)", "records")
    for row in result.rows:
        table.add_row(
            row.label,
            row.formula_modelled,
            str(row.n_atoms),
            f"{row.Ea_bvse_eV:.3f} ({row.dimensionality}D)",
            f"{row.Ea_experiment_eV:.3f}",
            ", ".join(row.record_ids),
        )
    console.print(table)
    console.print(f"Spearman rho = {result.spearman_rho:.2f} (p = {result.spearman_p:.2f}, n = {len(result.rows)})")
    for outlier in result.outliers:
        console.print(f"outlier: {outlier}")
    if json_path is not None:
        write_json(json_path, result.to_dict())


@material_app.command("validate-transport")
def validate_transport(
    resolution_A: float = typer.Option(0.25, "--resolution", help="BVSE grid spacing in Angstrom."),
    json_path: Path | None = json_option("Write the table and statistics to this JSON file."),
) -> None:
    """Structure-based Ea (BVSE with a carrier term) of the seed electrolytes against the knowledge base's: Spearman
    rho and MAE over leave-one-family-out predictions, the in-sample fit and BVSE alone beside them."""
    from nassb.transport.transport_ranking import rank_transport

    with progress_bar("transport of the seed electrolytes") as update:
        result = rank_transport(resolution_A=resolution_A, progress=update)
    table = Table("electrolyte", "family", "BVSE Ea (eV)", "defects/Na site", "predicted LOFO", "measured Ea (eV)")
    for row in result.rows:
        lofo = "–" if row.Ea_predicted_lofo_eV is None else f"{row.Ea_predicted_lofo_eV:.3f}"
        table.add_row(
            row.label,
            row.family,
            f"{row.Ea_bvse_eV:.3f} ({row.dimensionality}D)",
            f"{row.extrinsic_defect_fraction:.3f}",
            lofo,
            f"{row.Ea_experiment_eV:.3f}",
        )
    console.print(table)
    data = result.to_dict()
    rho = "–" if data["spearman_rho"] is None else f"{data['spearman_rho']:.2f}"
    mae = "–" if data["mae_eV"] is None else f"{data['mae_eV']:.3f} eV"
    console.print(
        f"leave-one-family-out: Spearman rho = {rho}, MAE = {mae} over {data['n_predicted_out_of_family']} of "
        f"{data['n_electrolytes']} electrolytes in {data['n_families']} families; in sample rho = "
        f"{data['in_sample']['spearman_rho']:.2f}, MAE = {data['in_sample']['mae_eV']:.3f} eV; BVSE alone rho = "
        f"{data['bvse_alone']['spearman_rho']:.2f}"
    )
    for family, numbers in data["leave_one_family_out"].items():
        if "note" in numbers:
            console.print(f"{family}: not predicted out of family ({numbers['note']})")
    data["md_validation"] = _print_md_validation()
    if json_path is not None:
        write_json(json_path, data)


def _print_md_validation() -> dict:
    """The stored CHGNet and SevenNet MD runs against the knowledge base (nassb.transport.md_validation)."""
    from nassb.transport.md_validation import md_validation

    data = md_validation()
    if not data["rows"]:
        return data
    table = Table(
        "framework",
        "model",
        "T reached (K)",
        "MSD end (A^2)",
        "hop^2 (A^2)",
        "Ea MD (eV)",
        "Ea meas.",
        "MD/meas.",
        "sigma 298 K MD",
        "measured",
    )
    for row in data["rows"]:
        Ea = "–" if row["Ea_md_eV"] is None else f"{row['Ea_md_eV']:.3f} ± {row['Ea_md_stderr_eV']:.3f}"
        ratio = "–" if row["softening_ratio"] is None else f"{row['softening_ratio']:.2f}"
        sigma = "–" if row["sigma_298K_md_S_per_cm"] is None else f"{row['sigma_298K_md_S_per_cm']:.2g}"
        table.add_row(
            row["framework"],
            row["model"],
            " / ".join(f"{t:.0f}" for t in row["mean_temperatures_K"]),
            " / ".join(f"{m:.1f}" for m in row["msd_at_fit_end_A2"]),
            f"{row['hop_distance_A'] ** 2:.1f}",
            Ea,
            f"{row['Ea_measured_eV']:.3f}",
            ratio,
            sigma,
            f"{row['sigma_298K_measured_S_per_cm']:.2g}",
        )
    console.print(table)
    for framework, summary in data["by_framework"].items():
        closer = summary.get("closer_in_Ea", "–")
        spread = summary.get("Ea_spread_eV")
        console.print(
            f"{framework}: closer to the measured Ea: {closer}"
            + ("" if spread is None else f"; committee spread of Ea {spread:.3f} eV")
        )
    console.print("MD/meas. below 1: the potential softens the barrier; an MSD below one hop^2 resolves no hopping.")
    return data


@material_app.command("stability")
def stability(
    phase: str = typer.Argument(..., help="A formula (Na3PS4), a CIF or POSCAR file, or a nassb structure name."),
    entries: Path | None = typer.Option(None, "--entries", help=THERMO_ENTRIES_HELP),
    scheme: str = typer.Option("mp2020", "--scheme", help=THERMO_SCHEME_HELP),
    json_path: Path | None = json_option("Write the results to this JSON file."),
    output: Path | None = output_dir_option(None, "Folder for the window plot (PNG, HTML).", "--output", "-o"),
) -> None:
    """Energy above hull, decomposition products and the electrochemical window vs Na/Na+."""
    from nassb.report.thermo_figures import window_figures
    from nassb.thermo.stability import phase_stability

    with status_messages(f"phase stability of {phase}") as progress:
        result = phase_stability(phase, entries, progress=progress, scheme=scheme)
    data = result.to_dict()
    table = Table("quantity", "value", "unit")
    table.add_row("energy above hull", format_number(result.e_above_hull_eV_per_atom, 4) or "no entry", "eV/atom")
    table.add_row("formation energy", format_number(result.formation_energy_eV_per_atom, 4) or "-", "eV/atom")
    table.add_row(
        "decomposition",
        " + ".join(f"{amount:.3g} {formula}" for formula, amount in result.decomposition.items()),
        "atom fraction",
    )
    window = result.window
    if window is not None:
        table.add_row("reduction limit", f"{window.reduction_V:.3f}", "V vs Na/Na+")
        table.add_row("  products", " + ".join(window.reduction_products) or "(stable with Na metal)", "")
        table.add_row("oxidation limit", format_number(window.oxidation_V, 4) or "none", "V vs Na/Na+")
        table.add_row("  products", " + ".join(window.oxidation_products), "")
        if window.stabilized_by_eV_per_atom:
            table.add_row("lowered onto the hull for the window", f"{window.stabilized_by_eV_per_atom:.4f}", "eV/atom")
    console.print(f"[bold]{result.formula}[/] ({result.origin}; {result.entry.get('source', '')})")
    console.print(table)
    if result.entry.get("flag"):
        console.print(f"[yellow]flag:[/] {result.entry['flag']}")
    if result.note:
        console.print(result.note)
    figures = (lambda: window_figures(result)) if window is not None else None
    write_figures_and_json(data, "window", figures, output, f"{result.formula}-window", json_path)


@material_app.command("hydrolysis")
def hydrolysis(
    phases: list[str] = typer.Argument(..., help="Formulas to rank, e.g. Na3PS4 Na3SbS4 Na3YCl6."),
    entries: Path | None = typer.Option(None, "--entries", help=THERMO_ENTRIES_HELP),
    scheme: str = typer.Option("mp2020", "--scheme", help=THERMO_SCHEME_HELP),
    json_path: Path | None = json_option("Write the results to this JSON file."),
) -> None:
    """Reaction with water vapour and the H2S released, ranked from the most to the least moisture-tolerant."""
    from nassb.thermo.reactivity import hydrolysis_ranking

    ranking = hydrolysis_ranking(phases, entries, scheme)
    table = Table("rank", "phase", "eV per f.u.", "eV/atom", "H2O per f.u.", "H2S per f.u.", "products per f.u.")
    for rank, item in enumerate(ranking, start=1):
        products = " + ".join(f"{amount:.3g} {formula}" for formula, amount in item.products.items())
        table.add_row(
            str(rank),
            item.formula,
            f"{item.reaction_energy_eV_per_formula_unit:.3f}",
            f"{item.reaction_energy_eV_per_atom:.4f}",
            f"{item.h2o_per_formula_unit:.3g}",
            f"{item.h2s_per_formula_unit:.3g}",
            products or "no reaction",
        )
    console.print(table)
    if json_path is not None:
        write_json(json_path, [item.to_dict() for item in ranking])


@material_app.command("validate-thermo")
def validate_thermo(json_path: Path | None = json_option("Write the validation to this JSON file.")) -> None:
    """Windows against seed 003's oxidation limits, Na reactions against seed 000, enthalpies against experiment."""
    from nassb.thermo.validation import run_validation

    with status_messages("validating the reference energies"):
        report = run_validation()
    windows = Table(
        "phase",
        "seed 003 ox. (V)",
        "mp2020 ox. (V)",
        "gga ox. (V)",
        "red. mp2020 / gga (V)",
        "oxidation products",
        "reduction products",
        title=report["windows_source"],
    )
    for check in report["windows"]:
        windows.add_row(
            check["formula"],
            f"{check['seed_oxidation_V']:.2f}",
            f"{check['oxidation_mp2020_V']:.2f}",
            f"{check['oxidation_gga_V']:.2f}",
            f"{check['reduction_mp2020_V']:.2f} / {check['reduction_gga_V']:.2f}",
            " + ".join(check["oxidation_products"]),
            " + ".join(check["reduction_products"]),
        )
    console.print(windows)
    console.print(
        f"max |V - seed|: mp2020 {report['max_abs_oxidation_error_mp2020_V']:.2f} V, "
        f"gga {report['max_abs_oxidation_error_gga_V']:.2f} V"
    )
    reactions = Table(
        "Na +",
        "seed 000 products",
        "nassb products",
        "Na per f.u.",
        "eV/atom",
        "type",
        title=report["reactions_source"],
    )
    for check in report["reactions"]:
        reactions.add_row(
            check["electrolyte"],
            _formula_sum(check["seed_products"]),
            _formula_sum(check["products"]),
            format_number(check["na_per_formula_unit"], 3),
            f"{check['reaction_energy_eV_per_atom']:.3f}",
            check["interface_type"],
        )
    console.print(reactions)
    console.print(
        f"formation enthalpy vs experiment ({len(report['enthalpies'])} phases): MAE "
        f"{report['enthalpy_mae_eV_per_atom']:.3f} eV/atom, max "
        f"{report['enthalpy_max_abs_error_eV_per_atom']:.3f} eV/atom"
    )
    if json_path is not None:
        write_json(json_path, report)


def _formula_sum(products: dict[str, float]) -> str:
    return " + ".join(f"{amount:g} {formula}" for formula, amount in products.items())
