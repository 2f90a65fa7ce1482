"""The `nassb` command: one Typer app, one module per command group, user errors as one clear line."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from nassb.cli.cell import cell_app, evaluate
from nassb.cli.cycling import cycling_app
from nassb.cli.db import db_app
from nassb.cli.dc import dc_app
from nassb.cli.eis import eis_app
from nassb.cli.interface import interface_app
from nassb.cli.material import material_app
from nassb.core.errors import NassbError

app = typer.Typer(
    name="nassb",
    help="nassb: a workbench for all-solid-state sodium batteries.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(eis_app, name="eis")
app.add_typer(dc_app, name="dc")
app.add_typer(cycling_app, name="cycling")
app.add_typer(cell_app, name="cell")
app.add_typer(material_app, name="material")
app.add_typer(interface_app, name="interface")
app.command("evaluate")(evaluate)


def main() -> None:
    """Entry point: run the app; a `NassbError` becomes one red line on stderr and exit code 2."""
    try:
        app()
    except NassbError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {error}", highlight=False)
        sys.exit(2)
