"""`nassb dc`: Bruce-Vincent transference number and electronic conductivity from DC polarisation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from nassb.cli._output import console, json_option, output_dir_option, save_figures, write_json
from nassb.core.errors import InputError

dc_app = typer.Typer(
    help="DC methods: Bruce-Vincent transference number, electronic conductivity.", no_args_is_help=True
)

_CA = typer.Argument(..., help="Chronoamperometry file (BioLogic .mpr/.mpt, Gamry .DTA, CSV with time/current).")
_OUTPUT = output_dir_option(Path("dc-output"), "Folder for the PNG and HTML plots.")
_JSON = json_option("Also write the results to this JSON file.")
_DELTA_V = typer.Option(None, "--delta-V", help="Applied polarisation, V (default: read from the file).")
_TAIL_FRACTION = typer.Option(0.1, "--tail-fraction", help="Last fraction of the record averaged for Iss.")


def _polarisation(file: Path, tail_fraction: float, delta_V: float | None):
    """The record read, with time counted from its first point; its I0/Iss analysis; and the applied
    potential difference in V: `delta_V` when given, else the median cell voltage over the averaging tail."""
    from nassb.echem.dc import analyse_chronoamperometry
    from nassb.echem.readers import read_time_series

    record = read_time_series(file)
    time_s = record.time_s - record.time_s[0]
    result = analyse_chronoamperometry(time_s, record.current_A, tail_fraction=tail_fraction, source=str(file))
    if delta_V is None:
        delta_V = float(abs(np.median(record.voltage_V[time_s >= result.tail_start_s])))
    return record, time_s, result, delta_V


def _interfacial_resistance_ohm(
    spectrum_file: Path, circuit: str, thickness_cm: float, area_cm2: float, which: str
) -> float:
    """R_interface of a Na-reversible cell from a circuit fit of its spectrum (arcs assigned by capacitance)."""
    from nassb.echem.analysis import Geometry, analyse_spectra
    from nassb.echem.readers import read_spectrum

    (analysis,) = analyse_spectra(
        [read_spectrum(spectrum_file)], circuit, Geometry(thickness_cm, area_cm2, True, "reversible")
    )
    resistance = analysis.assignment.summary.R_interface_ohm
    if resistance is None:
        raise InputError(
            str(spectrum_file),
            f"{which} spectrum",
            "an arc with an electrode-interface capacitance (1e-7 to 1e-4 F/cm) in the fitted circuit",
        )
    return resistance


@dc_app.command("transference")
def transference(
    ca_file: Path = _CA,
    delta_V: float | None = _DELTA_V,
    before: Path | None = typer.Option(None, "--before", help="Impedance spectrum before polarisation."),
    after: Path | None = typer.Option(None, "--after", help="Impedance spectrum at steady state."),
    circuit: str = typer.Option("R0-p(R1,CPE1)", "--circuit", help="Circuit for the before/after spectra."),
    R0_ohm: float | None = typer.Option(
        None, "--R0-ohm", help="Interfacial resistance before polarisation, Ohm (instead of --before)."
    ),
    Rss_ohm: float | None = typer.Option(
        None, "--Rss-ohm", help="Interfacial resistance at steady state, Ohm (instead of --after)."
    ),
    thickness_cm: float | None = typer.Option(
        None, "--thickness-cm", help="Electrolyte thickness, cm (needed with spectra)."
    ),
    area_cm2: float | None = typer.Option(None, "--area-cm2", help="Electrode area, cm2 (needed with spectra)."),
    tail_fraction: float = _TAIL_FRACTION,
    output_dir: Path = _OUTPUT,
    json_path: Path | None = _JSON,
) -> None:
    """Bruce-Vincent cation transference number of a Na | electrolyte | Na cell (seed 004 Eq.5)."""
    from nassb.echem.dc import bruce_vincent_transference
    from nassb.report.eis_figures import chronoamperometry_figures

    record, time_s, polarisation, applied_V = _polarisation(ca_file, tail_fraction, delta_V)
    resistances = {}
    for name, value, spectrum_file, option in (("R0", R0_ohm, before, "--before"), ("Rss", Rss_ohm, after, "--after")):
        if value is None and spectrum_file is None:
            raise InputError(
                "command line", f"{option} or --{name}-ohm", "an impedance file or the interfacial resistance in Ohm"
            )
        if value is None:
            if thickness_cm is None or area_cm2 is None:
                raise InputError(
                    "command line",
                    "--thickness-cm and --area-cm2",
                    "the sample geometry, needed to assign the arcs of the spectra",
                )
            value = _interfacial_resistance_ohm(spectrum_file, circuit, thickness_cm, area_cm2, name)
        resistances[name] = value
    result = bruce_vincent_transference(
        applied_V, polarisation.I0_A, polarisation.Iss_A, resistances["R0"], resistances["Rss"]
    )
    table = Table(title=f"Bruce-Vincent: {ca_file.name}")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for name, value in (
        ("dV (mV)", 1e3 * applied_V),
        ("I0 (uA)", 1e6 * polarisation.I0_A),
        ("Iss (uA)", 1e6 * polarisation.Iss_A),
        ("R0 (Ohm)", resistances["R0"]),
        ("Rss (Ohm)", resistances["Rss"]),
        ("t+", result.t_plus),
    ):
        table.add_row(name, f"{value:.4g}")
    console.print(table)
    for note in (*polarisation.notes, *result.notes):
        console.print(f"[yellow]note:[/] {note}")
    save_figures(
        *chronoamperometry_figures(
            time_s, record.current_A, polarisation.I0_A, polarisation.Iss_A, f"{ca_file.name}: t+ = {result.t_plus:.3f}"
        ),
        output_dir / f"{ca_file.stem}-transference",
    )
    if json_path:
        write_json(
            json_path,
            {
                "file": str(ca_file),
                "t_plus": result.t_plus,
                "bruce_vincent": result.to_dict(),
                "chronoamperometry": polarisation.to_dict(),
            },
        )


@dc_app.command("electronic")
def electronic(
    ca_file: Path = _CA,
    thickness_cm: float = typer.Option(..., "--thickness-cm", help="Electrolyte thickness, cm."),
    area_cm2: float = typer.Option(..., "--area-cm2", help="Electrode area, cm2."),
    delta_V: float | None = _DELTA_V,
    sigma_ion: float | None = typer.Option(None, "--sigma-ion", help="Ionic conductivity, S/cm: also gives t_ion."),
    tail_fraction: float = _TAIL_FRACTION,
    output_dir: Path = _OUTPUT,
    json_path: Path | None = _JSON,
) -> None:
    """Electronic conductivity from DC polarisation with ion-blocking electrodes (Hebb-Wagner), and t_ion."""
    from nassb.echem.dc import electronic_conductivity, ionic_transference_from_conductivities
    from nassb.report.eis_figures import chronoamperometry_figures

    record, time_s, polarisation, applied_V = _polarisation(ca_file, tail_fraction, delta_V)
    sigma_e = electronic_conductivity(abs(polarisation.Iss_A), applied_V, thickness_cm, area_cm2)
    document = {
        "file": str(ca_file),
        "delta_V": applied_V,
        "Iss_A": polarisation.Iss_A,
        "sigma_e_S_per_cm": sigma_e,
        "steady": polarisation.steady,
        "chronoamperometry": polarisation.to_dict(),
    }
    console.print(
        f"{ca_file.name}: dV = {1e3 * applied_V:.4g} mV, Iss = {polarisation.Iss_A:.4g} A, "
        f"sigma_e = [bold]{sigma_e:.3g} S/cm[/]"
    )
    if sigma_ion is not None:
        document["t_ion"] = ionic_transference_from_conductivities(sigma_ion, sigma_e)
        console.print(f"t_ion = {document['t_ion']:.6f} (sigma_ion = {sigma_ion:.3g} S/cm)")
    for note in polarisation.notes:
        console.print(f"[yellow]note:[/] {note}")
    save_figures(
        *chronoamperometry_figures(
            time_s,
            record.current_A,
            polarisation.I0_A,
            polarisation.Iss_A,
            f"{ca_file.name}: sigma_e = {sigma_e:.3g} S/cm",
        ),
        output_dir / f"{ca_file.stem}-electronic",
    )
    if json_path:
        write_json(json_path, document)
