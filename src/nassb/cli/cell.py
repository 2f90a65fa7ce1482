"""`nassb cell`: stack energy, rate capability and optimisation of a cell design file, and `nassb evaluate`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer
from rich.table import Table

from nassb.cli._output import (
    console,
    format_number,
    json_option,
    output_dir_option,
    output_file_option,
    parse_positive_numbers,
    progress_bar,
    save_figures,
    write_json,
)
from nassb.core.errors import InputError
from nassb.core.units import convert

cell_app = typer.Typer(help="Cell design: stack energy, simulated rate capability, optimisation.", no_args_is_help=True)

_DESIGN = typer.Argument(..., help="Cell design TOML file (see examples/cells/).")
_JSON = json_option("Also write the results to this JSON file.")
_RATES = typer.Option(None, "--c-rates", help="Comma-separated C-rates, e.g. 0.1,0.5,1,2 (default: the design's).")
_CALIBRATION = typer.Option(
    None, "--calibration", help="Measured interface values from `nassb diagnose --calibration` (TOML)."
)


class RateModel(str, Enum):
    single_ion = "single-ion"
    dfn = "dfn"


class Objective(str, Enum):
    Wh_per_kg = "Wh_per_kg"
    Wh_per_L = "Wh_per_L"


def parse_c_rates(text: str | None) -> list[float] | None:
    """'0.1,0.5,1' -> [0.1, 0.5, 1.0]; None stays None."""
    return None if text is None else parse_positive_numbers(text, "--c-rates", "0.1,0.5,1")


def _energy_table(energy) -> Table:
    table = Table(title="Energy")
    for column in ("level", "Wh/kg", "Wh/L"):
        table.add_column(column, justify="right" if column != "level" else "left")
    table.add_row(
        "cathode composite", format_number(energy.Wh_per_kg_cathode, 4), format_number(energy.Wh_per_L_cathode, 4)
    )
    table.add_row("electrode stack", format_number(energy.Wh_per_kg_stack, 4), format_number(energy.Wh_per_L_stack, 4))
    table.add_row("cell", format_number(energy.Wh_per_kg_cell, 4), format_number(energy.Wh_per_L_cell, 4))
    return table


def _percent(fraction: float) -> str:
    return f"{convert(fraction, '1', '%'):.1f} %"


def _layer_table(energy) -> Table:
    table = Table(title="Stack per cm2")
    for column in ("layer", "thickness (um)", "mass (mg/cm2)", "mass share", "volume share"):
        table.add_column(column, justify="right" if column != "layer" else "left")
    mass, volume = energy.mass_breakdown(), energy.volume_breakdown()
    for layer in energy.layers:
        table.add_row(
            layer.name,
            f"{convert(layer.thickness_cm, 'cm', 'um'):.1f}",
            f"{convert(layer.mass_g_per_cm2, 'g/cm2', 'mg/cm2'):.2f}",
            _percent(mass[layer.name]),
            _percent(volume[layer.name]),
        )
    table.add_row("packaging", "", "", _percent(mass["packaging"]), _percent(volume["packaging"]))
    return table


def _rate_table(points) -> Table:
    from nassb.report.cell_figures import PROCESS_LABELS

    table = Table(title="Rate capability")
    for column in ("C-rate", "mA/cm2", "mAh/g", "utilisation", "Wh/kg cell", "limited by"):
        table.add_column(column, justify="left" if column == "limited by" else "right")
    for point in points:
        table.add_row(
            f"{point.c_rate:g}",
            format_number(point.current_density_mA_per_cm2, 3),
            f"{point.capacity_mAh_per_g:.1f}",
            f"{convert(point.utilisation, '1', '%'):.0f} %",
            format_number(point.energy_Wh_per_kg, 3),
            PROCESS_LABELS[point.limiting_process],
        )
    return table


def _interface_table(checks) -> Table:
    table = Table("contact", "eV/atom", "type", "products", title="Interfaces (offline thermodynamics)")
    for check in checks:
        energy = "-" if check.reaction_energy_eV_per_atom is None else f"{check.reaction_energy_eV_per_atom:.3f}"
        products = " + ".join(f"{amount:g} {formula}" for formula, amount in check.products.items())
        table.add_row(check.interface, energy, check.interface_type or "-", products or check.note[:60])
    return table


@cell_app.command("energy")
def energy(
    design_file: Path = _DESIGN,
    output_dir: Path | None = output_dir_option(None, "Folder for the breakdown plot (PNG and HTML)."),
    json_path: Path | None = _JSON,
) -> None:
    """Areal capacity, N/P ratio, Wh/kg and Wh/L at cathode, stack and cell level, mass and volume breakdown."""
    from nassb.cell.design import read_design
    from nassb.evaluate import evaluate_design

    evaluation = evaluate_design(read_design(design_file), simulate=False)
    result = evaluation.energy
    console.print(
        f"[bold]{evaluation.design.cell.name}[/]: {result.areal_capacity_mAh_per_cm2:.3g} mAh/cm2 at "
        f"{result.cell_voltage_V:.3g} V" + (f", N/P {result.np_ratio:.2f}" if result.np_ratio is not None else "")
    )
    console.print(_energy_table(result))
    console.print(_layer_table(result))
    for label, _ in evaluation.resolved.defaults_used:
        console.print(f"[yellow]default used:[/] {label}")
    if output_dir is not None:
        from nassb.report.cell_figures import breakdown_figures

        save_figures(
            *breakdown_figures(result.mass_breakdown(), result.volume_breakdown(), evaluation.design.cell.name),
            output_dir / "breakdown",
        )
    if json_path is not None:
        payload = evaluation.to_dict()
        write_json(
            json_path,
            {key: payload[key] for key in ("design", "energy", "cathode", "parameters", "provenance", "defaults_used")},
        )


@cell_app.command("simulate")
def simulate(
    design_file: Path = _DESIGN,
    c_rates: str | None = _RATES,
    model: RateModel = typer.Option(
        RateModel.single_ion,
        "--model",
        help="single-ion (fast) or the PyBaMM DFN reference; a polymer or gel electrolyte always runs the binary-salt "
        "DFN.",
    ),
    output_dir: Path = output_dir_option(Path("cell-output"), "Folder for the PNG and HTML plots."),
    json_path: Path | None = _JSON,
) -> None:
    """Discharge curves at several C-rates: capacity, energy, utilisation and the limiting overpotential."""
    from nassb.cell.design import read_design
    from nassb.cell.rate_model import simulate_discharge
    from nassb.cell.resolve import resolve_cell
    from nassb.evaluate import rate_point
    from nassb.report.cell_figures import discharge_figures, overpotential_figures, rate_capability_figures

    design = read_design(design_file)
    resolved = resolve_cell(design)
    rates = parse_c_rates(c_rates) or list(design.cell.c_rates)
    chosen = model.value
    if resolved.binary_salt is not None:
        # a polymer or gel electrolyte has one model, the binary-salt DFN; neither single-ion model describes it
        chosen = resolved.transport.model
        console.print(f"transport model: {chosen} ({resolved.transport.reason})", soft_wrap=True)
    with progress_bar(f"simulating ({chosen})") as update:
        discharges = simulate_discharge(
            resolved.rate_parameters, rates, model=chosen, progress=update, electrolyte=resolved.binary_salt
        )
    stack = resolved.energy()
    points = [rate_point(resolved, stack, discharge) for discharge in discharges]
    console.print(_rate_table(points))
    name = design.cell.name
    save_figures(*discharge_figures(discharges, resolved.active_loading_mg_per_cm2, name), output_dir / "discharge")
    save_figures(
        *rate_capability_figures(points, resolved.practical_capacity_mAh_per_g, name), output_dir / "rate-capability"
    )
    save_figures(*overpotential_figures(points, name), output_dir / "overpotentials")
    console.print(f"plots in {output_dir}/")
    if json_path is not None:
        write_json(
            json_path,
            {
                "design": name,
                "model": model.value,
                "rate": [point.to_dict() for point in points],
                "parameters": resolved.parameters.to_dict(),
                "curves": [
                    {"c_rate": d.c_rate, "capacity_mAh_per_cm2": d.capacity_mAh_per_cm2, "voltage_V": d.voltage_V}
                    for d in discharges
                ],
            },
        )


@cell_app.command("cycle")
def cycle(
    design_file: Path = _DESIGN,
    cycles: int = typer.Option(1000, "--cycles", help="Cycles to run (the run stops earlier at a failure)."),
    stop_percent: float = typer.Option(50.0, "--stop-percent", help="Stop below this % of the first capacity."),
    output_dir: Path = output_dir_option(Path("cycle-output"), "Folder for the capacity and resistance plots."),
    json_path: Path | None = _JSON,
    calibration: Path | None = _CALIBRATION,
) -> None:
    """Charge and discharge cycle after cycle while the interfaces age: capacity, Coulombic efficiency, each
    resistance contribution and the state of every failure mode, to the first failure."""
    from nassb.cell.design import read_design
    from nassb.cell.resolve import resolve_cell
    from nassb.interface.compatibility import check_interfaces
    from nassb.interface.failure import analyse_failure
    from nassb.report.cell_figures import life_figures

    design = read_design(design_file, calibration)
    resolved = resolve_cell(design)
    checks = check_interfaces(design, resolved.parameters)
    with progress_bar("cycling") as update:
        analysis = analyse_failure(resolved, checks, cycles=cycles, stop_fraction=stop_percent / 100, progress=update)
    life = analysis.life
    table = Table(
        "cycle", "discharge mAh/cm2", "CE %", "retention %", "anode contact", "cathode contact", "interphases Ohm cm2"
    )
    run = len(life.per_cycle)
    for number in sorted({1, run, *range(0, run + 1, max(1, run // 8))} - {0}):
        record = life.per_cycle[number - 1]
        grown = sum(v for k, v in record.resistances_ohm_cm2.items() if k.endswith("interphase"))
        table.add_row(
            str(record.cycle),
            f"{record.discharge_mAh_per_cm2:.4g}",
            f"{100 * record.coulombic_efficiency:.3f}",
            f"{100 * record.retention:.1f}",
            f"{record.anode_contact_fraction:.3f}",
            f"{record.cathode_contact_fraction:.3f}",
            f"{grown:.3g}",
        )
    console.print(table)
    console.print(
        f"stopped: {life.stop_reason}; 80 % retention at cycle {life.cycles_to_80_percent or 'not reached'}"
        f"; end-of-life mode: {life.end_of_life_mode or 'none'}"
    )
    save_figures(*life_figures(life.per_cycle, design.cell.name), output_dir / "cycle-life")
    console.print(f"plots in {output_dir}/")
    if json_path is not None:
        write_json(json_path, {"design": design.cell.name, "life": life.to_dict(), "failure": analysis.failure_dict()})


@cell_app.command("optimize")
def optimize(
    design_file: Path = _DESIGN,
    c_rate: float = typer.Option(1.0, "--c-rate", help="Target C-rate."),
    objective: Objective = typer.Option(Objective.Wh_per_kg, "--objective", help="Maximise Wh/kg or Wh/L of the cell."),
    min_separator_um: float = typer.Option(30.0, "--min-separator-um", help="Thinnest separator allowed, um."),
    min_utilisation: float = typer.Option(
        0.8, "--min-utilisation", help="Least fraction of the capacity to deliver at the rate."
    ),
    active_wt: str = typer.Option("50,85", "--active-wt", help="Bounds of the active-material wt%, 'low,high'."),
    loading: str = typer.Option("5,40", "--loading", help="Bounds of the active loading in mg/cm2, 'low,high'."),
    grid_points: int = typer.Option(4, "--grid-points", help="Grid points per variable before the local refinement."),
    json_path: Path | None = _JSON,
) -> None:
    """Maximise the energy at a C-rate over active fraction, loading and separator thickness."""
    from nassb.cell.design import read_design
    from nassb.cell.optimize import optimise_design

    def bounds(text: str, option: str) -> tuple[float, float]:
        try:
            low, high = (float(part) for part in text.split(","))
        except ValueError:
            raise InputError("command line", option, "two numbers 'low,high'", text) from None
        return low, high

    design = read_design(design_file)
    with progress_bar("optimising") as update:
        result = optimise_design(
            design,
            c_rate,
            objective.value,
            active_wt_percent=bounds(active_wt, "--active-wt"),
            active_loading_mg_per_cm2=bounds(loading, "--loading"),
            min_separator_um=min_separator_um,
            min_utilisation=min_utilisation,
            grid_points=grid_points,
            progress=update,
        )
    table = Table(title=f"Optimum at {c_rate:g}C ({objective.value}, utilisation >= {min_utilisation:.0%})")
    for column in ("", "active wt%", "active mg/cm2", "separator um", "Wh/kg cell", "Wh/L cell", "utilisation"):
        table.add_column(column, justify="right" if column else "left")
    for label, point in (("design", result.start), ("optimum", result.best)):
        table.add_row(
            label,
            f"{point.active_wt_percent:.1f}",
            f"{point.active_loading_mg_per_cm2:.2f}",
            f"{point.separator_um:.0f}",
            format_number(point.energy_Wh_per_kg, 3),
            f"{point.energy_Wh_per_L:.0f}",
            f"{convert(point.utilisation, '1', '%'):.0f} %",
        )
    console.print(table)
    console.print(f"{len(result.points)} designs evaluated")
    if json_path is not None:
        write_json(json_path, result.to_dict())


def evaluate(
    design_file: Path = _DESIGN,
    output: Path = output_file_option(Path("report.html"), "The HTML report to write.", "--output", "-o"),
    json_path: Path | None = _JSON,
    calibration: Path | None = _CALIBRATION,
    c_rates: str | None = _RATES,
    simulate_rates: bool = typer.Option(
        True, "--simulate/--no-simulate", help="Simulate the rate capability (default) or energy only."
    ),
) -> None:
    """Evaluate a cell design: energy, rate capability, limiting process, literature comparison -> HTML report."""
    from nassb.cell.design import read_design
    from nassb.evaluate import evaluate_design
    from nassb.report.cell_report import write_report

    design = read_design(design_file, calibration)
    with progress_bar("simulating the rate capability") as update:
        evaluation = evaluate_design(design, parse_c_rates(c_rates), simulate=simulate_rates, progress=update)
    console.print(f"[bold]{design.cell.name}[/]")
    if evaluation.delivers_nothing:
        console.print(
            "[bold red]the cell delivers no capacity at any simulated rate[/]: the energies below are what its "
            "practical capacity would give, not what it delivers"
        )
    console.print(_energy_table(evaluation.energy))
    if evaluation.rate:
        console.print(_rate_table(evaluation.rate))
    if evaluation.reference and evaluation.reference.get("reported_capacity_mAh_per_g"):
        reference = evaluation.reference
        console.print(
            f"reported {reference['reported_capacity_mAh_per_g']:.0f} mAh/g at {reference['c_rate_used']:.3g}C, "
            f"predicted {reference['predicted_capacity_mAh_per_g']:.0f} mAh/g"
        )
    if evaluation.interfaces:
        console.print(_interface_table(evaluation.interfaces))
    defaults = evaluation.resolved.defaults_used
    if defaults:
        console.print(f"[yellow]{len(defaults)} documented defaults used[/] (marked in the report)")
    write_report(evaluation, output)
    console.print(f"wrote {output}")
    if json_path is not None:
        write_json(json_path, evaluation.to_dict())
