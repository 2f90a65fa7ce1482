"""`nassb cycling`: full- and half-cell summaries, symmetric Na | electrolyte | Na cells and the
critical current density, from cycler files as they come off the instrument."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from nassb.cli._output import console, format_number, json_option, output_dir_option, save_figures, write_json
from nassb.core.errors import InputError

cycling_app = typer.Typer(
    help="Cycling: capacity, CE and retention; symmetric cells, shorts and critical current density.",
    no_args_is_help=True,
)

_FILE = typer.Argument(..., help="Cycler file: BioLogic .mpr/.mpt, Arbin .res, Neware .nda/.ndax, CSV/XLSX export.")
_OUTPUT = output_dir_option(Path("cycling-output"), "Folder for the PNG and HTML plots.")
_JSON = json_option("Also write the results to this JSON file.")


class FirstStep(str, Enum):
    charge = "charge"
    discharge = "discharge"


def _columns(file: Path):
    from nassb.echem.readers import read_cycling

    data = read_cycling(file)
    table = data.table
    return data, table["time_s"].to_numpy(float), table["voltage_V"].to_numpy(float), table["current_A"].to_numpy(float)


@cycling_app.command("summary")
def summary(
    file: Path = _FILE,
    mass_mg: float | None = typer.Option(None, "--mass-mg", help="Active-material mass, mg (for mAh/g and Wh/kg)."),
    area_cm2: float | None = typer.Option(None, "--area-cm2", help="Electrode area, cm2 (for mAh/cm2)."),
    first_step: FirstStep = typer.Option(
        FirstStep.charge,
        "--first-step",
        help="'charge' for a cathode-first cell (CE = discharge/charge), "
        "'discharge' for an anode or a cell built charged (CE = charge/discharge).",
    ),
    formula: str | None = typer.Option(
        None, "--formula", help="Active-material formula for the theoretical capacity, e.g. Na3V2(PO4)3."
    ),
    electrons: float | None = typer.Option(
        None, "--electrons", help="Electrons (Na) exchanged per formula unit, with --formula."
    ),
    theoretical: float | None = typer.Option(
        None, "--theoretical-mAh-per-g", help="Theoretical capacity, mAh/g (instead of --formula)."
    ),
    output_dir: Path = _OUTPUT,
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Write the voltage, capacity and dQ/dV plots."),
    json_path: Path | None = _JSON,
) -> None:
    """Capacity per cycle, Coulombic efficiency, energy, mean voltage, retention, fade and dQ/dV."""
    from nassb.chem.capacity import theoretical_capacity_mAh_per_g
    from nassb.echem.full_cell import summarise_cycling

    if (formula is None) != (electrons is None):
        raise InputError(
            "command line", "--formula/--electrons", "both (or neither) to compute the theoretical capacity"
        )
    if formula is not None:
        theoretical = theoretical_capacity_mAh_per_g(formula, electrons)
    data, time_s, voltage_V, current_A = _columns(file)
    result = summarise_cycling(
        time_s,
        voltage_V,
        current_A,
        active_mass_mg=mass_mg,
        area_cm2=area_cm2,
        theoretical_capacity_mAh_per_g=theoretical,
        first_step=first_step.value,
        source=str(file),
    )
    per_gram = mass_mg is not None
    unit = "mAh/g" if per_gram else "mAh"
    table = Table(title=f"{file.name}: {len(result.cycles)} cycles, CE = {result.coulombic_efficiency_convention}")
    for column in ("cycle", f"charge ({unit})", f"discharge ({unit})", "CE", "mean discharge V", "Wh/kg", "complete"):
        table.add_column(column, justify="right")
    for c in result.cycles:
        charge = c.charge_mAh_per_g if per_gram else c.charge_mAh
        discharge = c.discharge_mAh_per_g if per_gram else c.discharge_mAh
        table.add_row(
            str(c.cycle),
            format_number(charge),
            format_number(discharge),
            format_number(c.coulombic_efficiency),
            format_number(c.mean_discharge_voltage_V),
            format_number(c.discharge_energy_Wh_per_kg),
            "yes" if c.complete else "no",
        )
    console.print(table)
    if result.retention_percent is not None:
        console.print(
            f"retention {result.retention_percent:.2f}% from cycle {result.reference_cycle} to {result.last_cycle}; "
            f"fade {result.fade_percent_per_cycle:.3g}% per cycle"
        )
    if result.utilisation is not None:
        console.print(f"utilisation {100 * result.utilisation:.1f}% of {theoretical:.4g} mAh/g")
    if plots:
        _summary_figures(file, result, time_s, voltage_V, current_A, per_gram, first_step.value, output_dir)
    if json_path:
        write_json(json_path, {"file": str(file), **result.to_dict()})


def _summary_figures(file, result, time_s, voltage_V, current_A, per_gram, first_step, output_dir) -> None:
    """Voltage against time, capacity and CE per cycle, and dQ/dV of up to ten cycles
    (`nassb.report.cycling_figures.cycling_summary_figures`); a dQ/dV curve that cannot be computed is skipped with
    a warning."""
    from nassb.report.cycling_figures import cycling_summary_figures

    figures, warnings = cycling_summary_figures(file.name, result, time_s, voltage_V, current_A, per_gram, first_step)
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    for suffix, pair in figures.items():
        save_figures(*pair, output_dir / f"{file.stem}-{suffix}")
    console.print(f"plots in {output_dir}/")


@cycling_app.command("symmetric")
def symmetric(
    file: Path = _FILE,
    area_cm2: float | None = typer.Option(None, "--area-cm2", help="Electrode area, cm2."),
    R_bulk_ohm: float | None = typer.Option(
        None, "--R-bulk-ohm", help="Electrolyte resistance from impedance, Ohm (separates the interfacial ASR)."
    ),
    output_dir: Path = _OUTPUT,
    json_path: Path | None = _JSON,
) -> None:
    """Plating/stripping of a symmetric Na | electrolyte | Na cell: overpotentials, ASR, growth, shorts."""
    from nassb.echem.symmetric import analyse_symmetric_cell
    from nassb.report.cycling_figures import voltage_time_figures

    data, time_s, voltage_V, current_A = _columns(file)
    result = analyse_symmetric_cell(
        time_s, voltage_V, current_A, area_cm2=area_cm2, R_bulk_ohm=R_bulk_ohm, source=str(file)
    )
    table = Table(title=f"{file.name}: {len(result.half_cycles)} half-cycles")
    for column in ("#", "direction", "I (uA)", "plateau (mV)", "peak (mV)", "final (mV)", "note"):
        table.add_column(column, justify="right")
    for half in result.half_cycles:
        note = "short" if half.contains_short else ("after short" if half.after_short else "")
        table.add_row(
            str(half.index),
            half.direction,
            format_number(1e6 * half.current_A),
            format_number(1e3 * half.plateau_overpotential_V),
            format_number(1e3 * half.peak_overpotential_V),
            format_number(1e3 * half.final_overpotential_V),
            note,
        )
    console.print(table)
    short = result.short
    console.print(
        "short: "
        + (
            "[red]yes[/] at " + format(short.short_time_s, ".6g") + " s (" + str(short.criterion) + ")"
            if short.short_detected
            else "none detected"
        )
        + "; "
        f"stable for {format_number(result.stable_hours)} h ({result.stability_limit}); "
        + (
            f"growth {format_number(result.growth_mV_per_h)} mV/h"
            if result.growth_mV_per_h is not None
            else "growth not determined (it needs more half-cycles at the working current than one per direction)"
        )
    )
    title = f"{file.name}" + (f": short at {short.short_time_s:.6g} s" if short.short_detected else "")
    save_figures(
        *voltage_time_figures(time_s, voltage_V, current_A, title, short.short_time_s),
        output_dir / f"{file.stem}-symmetric",
    )
    if json_path:
        write_json(json_path, {"file": str(file), **result.to_dict()})


@cycling_app.command("ccd")
def ccd(
    file: Path = _FILE,
    area_cm2: float = typer.Option(..., "--area-cm2", help="Electrode area, cm2."),
    R_bulk_ohm: float | None = typer.Option(None, "--R-bulk-ohm", help="Electrolyte resistance from impedance, Ohm."),
    voltage_limit_V: float | None = typer.Option(
        None, "--voltage-limit-V", help="Also fail a step whose |V| exceeds this, V."
    ),
    output_dir: Path = _OUTPUT,
    json_path: Path | None = _JSON,
) -> None:
    """Critical current density from a stepped current-density ramp of a symmetric cell."""
    from nassb.echem.ccd import critical_current_density
    from nassb.report.cycling_figures import ccd_result_figures

    data, time_s, voltage_V, current_A = _columns(file)
    result = critical_current_density(
        time_s, voltage_V, current_A, area_cm2, R_bulk_ohm=R_bulk_ohm, voltage_limit_V=voltage_limit_V, source=str(file)
    )
    table = Table(title=f"{file.name}: current-density ramp")
    for column in ("step", "j (mA/cm2)", "overpotential (mV)", "peak (mV)", "failed"):
        table.add_column(column, justify="right")
    for step in result.steps:
        table.add_row(
            str(step.index),
            format_number(step.current_mA_per_cm2),
            format_number(step.overpotential_mV),
            format_number(step.peak_overpotential_mV),
            "yes" if step.failed else "",
        )
    console.print(table)
    bound = ">" if result.ccd_lower_bound else "="
    console.print(f"CCD {bound} {format_number(result.ccd_mA_per_cm2)} mA/cm2 ({result.criterion})")
    for suffix, pair in ccd_result_figures(file.name, time_s, voltage_V, current_A, result).items():
        save_figures(*pair, output_dir / f"{file.stem}-{suffix}")
    if json_path:
        write_json(json_path, {"file": str(file), **result.to_dict()})
