"""The `nassb` command: one Typer app, one module per command group, user errors as one clear line."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from nassb.cli._output import console, harden_commands, make_console
from nassb.cli.cell import cell_app, evaluate
from nassb.cli.cycling import cycling_app
from nassb.cli.db import db_app
from nassb.cli.dc import dc_app
from nassb.cli.eis import eis_app
from nassb.cli.interface import diagnose, interface_app
from nassb.cli.material import material_app
from nassb.cli.screen import screen_app
from nassb.cli.serve import serve
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
app.add_typer(screen_app, name="screen")
app.command("evaluate")(evaluate)
app.command("diagnose")(diagnose)
harden_commands(app, db_app, eis_app, dc_app, cycling_app, cell_app, material_app, interface_app, screen_app)
# a server writes many files over its life, each one atomically: no transaction around it
app.command("serve")(serve)


def _print_version(requested: bool) -> None:
    if requested:
        from importlib.metadata import version

        console.print(f"nassb {version('nassb')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
    ),
) -> None:
    """nassb: a workbench for all-solid-state sodium batteries."""


# Click's UsageError: typer vendors Click and exports only BadParameter, one of its subclasses
_USAGE_ERROR = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "UsageError")


def _fail(message: str, code: int = 2) -> None:
    make_console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    sys.exit(code)


def main() -> None:
    """Entry point: run the app; a user mistake (a `NassbError`, or an option Click refuses) becomes one red line
    on stderr and exit code 2, an interrupt exit code 130."""
    try:
        code = app(standalone_mode=False)
    except NassbError as error:
        _fail(str(error))
    except _USAGE_ERROR as error:
        command = error.ctx.command_path if error.ctx is not None else "nassb"
        _fail(f"{command}: {error.format_message()} (see '{command} --help')")
    except OSError as error:  # the file system refused a file or folder (a read-only or virtual file system)
        where = f" {error.filename}" if error.filename else ""
        _fail(f"cannot use{where}: {error.strerror or error}; nothing was written")
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted; no output was written", 130)
    else:
        sys.exit(code if isinstance(code, int) else 0)
