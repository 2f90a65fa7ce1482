"""`nassb material stability`, `nassb material hydrolysis` and `nassb interface react`: offline thermodynamics."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from nassb.cli._output import format_number, save_figures, write_json

interface_app = typer.Typer(help="Interfaces between phases: reaction energy, products and interphase type.",
                            no_args_is_help=True)
console = Console()

SCHEME_HELP = ("Energy scale: mp2020 (the MP2020-corrected scale of the shipped energies) or gga (MP2020 anion "
               "corrections removed, the scale of most first-principles windows in the literature).")
ENTRIES_HELP = ("Your own computed entries (JSON list of pymatgen ComputedEntry dicts, e.g. from the Materials "
                "Project); they replace the shipped entries of the same formulas.")


@contextmanager
def _status(message: str):
    with console.status(message) as status:
        yield lambda text: status.update(text)


def _write_outputs(data: dict, label: str, figures, output: Path | None, name: str, json_path: Path | None) -> None:
    """The figure pair `figures()` as output/name.png|.html (when both are given), then the JSON with its path."""
    if output is not None and figures is not None:
        prefix = Path(output) / name
        save_figures(*figures(), prefix)
        data["figures"] = {label: str(prefix.with_suffix(".png"))}
        console.print(f"wrote {prefix}.png and .html")
    if json_path is not None:
        write_json(json_path, data)


def stability(
    phase: str = typer.Argument(..., help="A formula (Na3PS4), a CIF or POSCAR file, or a nassb structure name."),
    entries: Optional[Path] = typer.Option(None, "--entries", help=ENTRIES_HELP),
    scheme: str = typer.Option("mp2020", "--scheme", help=SCHEME_HELP),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the results to this JSON file."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Folder for the window plot (PNG, HTML)."),
) -> None:
    """Energy above hull, decomposition products and the electrochemical window vs Na/Na+."""
    from nassb.report.thermo_figures import window_figures
    from nassb.thermo.stability import phase_stability

    with _status(f"phase stability of {phase}") as progress:
        result = phase_stability(phase, entries, progress=progress, scheme=scheme)
    data = result.to_dict()
    table = Table("quantity", "value", "unit")
    table.add_row("energy above hull", format_number(result.e_above_hull_eV_per_atom, 4) or "no entry", "eV/atom")
    table.add_row("formation energy", format_number(result.formation_energy_eV_per_atom, 4) or "-", "eV/atom")
    table.add_row("decomposition", " + ".join(f"{amount:.3g} {formula}" for formula, amount in
                                              result.decomposition.items()), "atom fraction")
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
    _write_outputs(data, "window", figures, output, f"{result.formula}-window", json_path)


@interface_app.command("react")
def react(
    phase_a: str = typer.Argument(..., help="Phase A: formula, CIF/POSCAR or nassb structure name (e.g. Na)."),
    phase_b: str = typer.Argument(..., help="Phase B (e.g. Na3PS4)."),
    entries: Optional[Path] = typer.Option(None, "--entries", help=ENTRIES_HELP),
    scheme: str = typer.Option("mp2020", "--scheme", help=SCHEME_HELP),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the results to this JSON file."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Folder for the reaction plot (PNG, HTML)."),
) -> None:
    """Most negative reaction energy between A and B, its mixing ratio and products, and the interphase type."""
    from nassb.report.thermo_figures import reaction_figures
    from nassb.thermo.reactivity import interface_reaction

    with _status(f"{phase_a} | {phase_b}") as progress:
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
    _write_outputs(data, "reaction", lambda: reaction_figures(result), output,
                   f"{result.reactant_A}-{result.reactant_B}-reaction", json_path)


def hydrolysis(
    phases: list[str] = typer.Argument(..., help="Formulas to rank, e.g. Na3PS4 Na3SbS4 Na3YCl6."),
    entries: Optional[Path] = typer.Option(None, "--entries", help=ENTRIES_HELP),
    scheme: str = typer.Option("mp2020", "--scheme", help=SCHEME_HELP),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the results to this JSON file."),
) -> None:
    """Reaction with water vapour and the H2S released, ranked from the most to the least moisture-tolerant."""
    from nassb.thermo.reactivity import hydrolysis_ranking

    ranking = hydrolysis_ranking(phases, entries, scheme)
    table = Table("rank", "phase", "eV per f.u.", "eV/atom", "H2O per f.u.", "H2S per f.u.", "products per f.u.")
    for rank, item in enumerate(ranking, start=1):
        products = " + ".join(f"{amount:.3g} {formula}" for formula, amount in item.products.items())
        table.add_row(str(rank), item.formula, f"{item.reaction_energy_eV_per_formula_unit:.3f}",
                      f"{item.reaction_energy_eV_per_atom:.4f}", f"{item.h2o_per_formula_unit:.3g}",
                      f"{item.h2s_per_formula_unit:.3g}", products or "no reaction")
    console.print(table)
    if json_path is not None:
        write_json(json_path, [item.to_dict() for item in ranking])


def validate_thermo(
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the validation to this JSON file."),
) -> None:
    """Windows against seed 003's oxidation limits, Na reactions against seed 000, enthalpies against experiment."""
    from nassb.thermo.validation import run_validation

    with _status("validating the reference energies"):
        report = run_validation()
    windows = Table("phase", "seed 003 ox. (V)", "mp2020 ox. (V)", "gga ox. (V)", "red. mp2020 / gga (V)",
                    "oxidation products", "reduction products", title=report["windows_source"])
    for check in report["windows"]:
        windows.add_row(check["formula"], f"{check['seed_oxidation_V']:.2f}", f"{check['oxidation_mp2020_V']:.2f}",
                        f"{check['oxidation_gga_V']:.2f}",
                        f"{check['reduction_mp2020_V']:.2f} / {check['reduction_gga_V']:.2f}",
                        " + ".join(check["oxidation_products"]), " + ".join(check["reduction_products"]))
    console.print(windows)
    console.print(f"max |V - seed|: mp2020 {report['max_abs_oxidation_error_mp2020_V']:.2f} V, "
                  f"gga {report['max_abs_oxidation_error_gga_V']:.2f} V")
    reactions = Table("Na +", "seed 000 products", "nassb products", "Na per f.u.", "eV/atom", "type",
                      title=report["reactions_source"])
    for check in report["reactions"]:
        reactions.add_row(check["electrolyte"], _formula_sum(check["seed_products"]), _formula_sum(check["products"]),
                          format_number(check["na_per_formula_unit"], 3), f"{check['reaction_energy_eV_per_atom']:.3f}",
                          check["interface_type"])
    console.print(reactions)
    console.print(f"formation enthalpy vs experiment ({len(report['enthalpies'])} phases): MAE "
                  f"{report['enthalpy_mae_eV_per_atom']:.3f} eV/atom, max "
                  f"{report['enthalpy_max_abs_error_eV_per_atom']:.3f} eV/atom")
    if json_path is not None:
        write_json(json_path, report)


def _formula_sum(products: dict[str, float]) -> str:
    return " + ".join(f"{amount:g} {formula}" for formula, amount in products.items())
