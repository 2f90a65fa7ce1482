"""What every command group writes the same way: JSON files, numbers in tables, figure pairs."""

from __future__ import annotations

import functools
import inspect
import json
import math
import sys
import typing
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from nassb.core.errors import InputError
from nassb.core.io import check_output_path, output_transaction, write_text_atomic

PIPED_WIDTH = 250  # columns when the output is not a terminal: tables are not cut to 80 columns


def make_console(stderr: bool = False) -> Console:
    """A Rich console at the terminal's width, or PIPED_WIDTH columns when the stream is not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else PIPED_WIDTH)


console = make_console()

THERMO_SCHEME_HELP = (
    "Energy scale: mp2020 (the MP2020-corrected scale of the shipped energies) or gga (MP2020 anion "
    "corrections removed, the scale of most first-principles windows in the literature)."
)
THERMO_ENTRIES_HELP = (
    "Your own computed entries (JSON list of pymatgen ComputedEntry dicts, e.g. from the Materials "
    "Project); they replace the shipped entries of the same formulas."
)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(path: Path, payload) -> None:
    """Write `payload` (numpy scalars and arrays allowed) as indented JSON, atomically, and say so."""
    write_text_atomic(path, json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default))
    console.print(f"wrote {path}")


def parse_positive_numbers(text: str, option: str, example: str, minimum_count: int = 1) -> list[float]:
    """'0.1,0.5,1' -> [0.1, 0.5, 1.0]; anything else is an InputError naming `option`."""
    expected = f"at least {minimum_count} comma-separated positive numbers such as {example}"
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError("command line", option, expected, text) from None
    if len(values) < minimum_count or any(not (value > 0 and math.isfinite(value)) for value in values):
        raise InputError("command line", option, expected, text)
    return values


def format_number(value, digits: int = 4) -> str:
    """`digits` significant digits; empty for a missing (None, NaN or infinite) value."""
    if value is None or (isinstance(value, (float, np.floating)) and not math.isfinite(value)):
        return ""
    return f"{value:.{digits}g}"


def reported_value(record) -> str:
    """A knowledge-base record's number as the seed reports it: "0.2", "0.1-0.3" for a range, ">0.001" for a bound
    (`record` has value, value_max and qualifier, e.g. a row of `select`)."""
    text = format_number(record.value)
    if record.qualifier == "range":
        return f"{text}-{format_number(record.value_max)}"
    if record.qualifier != "=":
        return f"{record.qualifier}{text}"
    return text


def save_figures(static, interactive, prefix: Path) -> None:
    """PNG and HTML of one figure; the HTML files of a folder share one offline plotly.min.js."""
    from nassb.report.figures import write_png_and_html

    write_png_and_html(static, interactive, prefix, shared_plotly_js=True)


class _RatePerHourColumn(ProgressColumn):
    """Items completed per hour (Rich's own estimate of the speed), for long runs of many items."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("– per hour" if speed is None else f"{3600 * speed:,.0f} per hour")


@contextmanager
def progress_bar(description: str, rate: bool = False):
    """A Rich progress bar; yields a callback(done, total) for the library's `progress` argument. With `rate`, also
    the items per hour and the time left."""
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if rate:
        columns += [_RatePerHourColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@contextmanager
def status_messages(message: str):
    """A Rich status line; yields a callback(text) for the library's `progress` argument."""
    with console.status(message) as status:
        yield lambda text: status.update(text)


def write_figures_and_json(
    data: dict, label: str, figures, output: Path | None, name: str, json_path: Path | None
) -> None:
    """The figure pair `figures()` as output/name.png|.html (when both are given), then the JSON with its path."""
    if output is not None and figures is not None:
        prefix = Path(output) / name
        save_figures(*figures(), prefix)
        data["figures"] = {label: str(prefix.with_suffix(".png"))}
        console.print(f"wrote {prefix}.png and .html")
    if json_path is not None:
        write_json(json_path, data)


def output_check(option: str, directory: bool = False, suffixes: tuple[str, ...] = ()):
    """A Typer callback that checks an output path (`check_output_path`) before the command computes anything."""

    def callback(value: Path | None) -> Path | None:
        if value is not None:
            for target in [Path(f"{value}{suffix}") for suffix in suffixes] or [value]:
                check_output_path(target, option, directory)
        return value

    return callback


def json_option(help_text: str = "Also write the results to this JSON file.") -> Any:
    """The `--json FILE` option, checked before the command runs."""
    return typer.Option(None, "--json", help=help_text, callback=output_check("--json"))


def output_dir_option(default: Path | None, help_text: str, *names: str) -> Any:
    """An output folder option (`--output-dir/-o` unless `names` are given), checked before the command runs."""
    names = names or ("--output-dir", "-o")
    return typer.Option(default, *names, help=help_text, callback=output_check(names[0], directory=True))


def output_file_option(default: Path | None, help_text: str, *names: str, suffixes: tuple[str, ...] = ()) -> Any:
    """An output file option (or a prefix completed by `suffixes`), checked before the command runs."""
    return typer.Option(default, *names, help=help_text, callback=output_check(names[0], suffixes=suffixes))


# option -> (lowest allowed, whether the lowest is allowed, highest allowed); every other number must be finite
POSITIVE_OPTIONS = (
    "--c-rate --min-separator-um --mass-mg --area-cm2 --thickness-cm --electrons --theoretical-mAh-per-g --R0-ohm "
    "--Rss-ohm --voltage-limit-V --sigma-ion --threshold --md-time-ps --step --flaw-size-um --cycles"
).split()
NON_NEGATIVE_OPTIONS = ("--R-bulk-ohm", "--tmin-K", "--tmax-K", "--pressure-MPa", "--md-equilibration-ps")
COUNT_OPTIONS = ("--chunk-size", "--top-k", "--workers", "--jobs", "--md-min-atoms")
NUMBER_RULES: dict[str, tuple[float, bool, float]] = {
    **{option: (0.0, False, math.inf) for option in POSITIVE_OPTIONS},
    **{option: (0.0, True, math.inf) for option in NON_NEGATIVE_OPTIONS},
    **{option: (1.0, True, math.inf) for option in COUNT_OPTIONS},
    "--resolution-A": (0.05, True, 2.0),
    "--min-utilisation": (0.0, False, 1.0),
    "--mu": (0.0, False, 1.0),
    "--tail-fraction": (0.0, False, 1.0),
    "--grid-points": (2.0, True, math.inf),
    "--derivative": (1.0, True, 2.0),
    "--extend-decades": (0.0, True, 10.0),
    "--resolution": (0.05, True, 2.0),
    "--temperature-C": (-273.15, False, math.inf),
    "--stop-percent": (0.0, False, 100.0),
}


def _number_check(option: str):
    low, low_allowed, high = NUMBER_RULES.get(option, (-math.inf, True, math.inf))

    def callback(value):
        if value is None:
            return value
        above = value >= low if low_allowed else value > low
        if not (math.isfinite(value) and above and value <= high):
            bound = ("[" if low_allowed else "(") + f"{low:g}, {high:g}" + ("]" if math.isfinite(high) else ")")
            raise InputError("command line", option, f"a finite number in {bound}", value)
        return value

    return callback


def _transactional(command):
    """Run a command in one output transaction: its files are renamed into place together, or none on failure."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with output_transaction():
            return command(*args, **kwargs)

    return run


def harden_commands(*apps: typer.Typer) -> None:
    """Give every command of `apps` one output transaction and a range check on each numeric option (`NUMBER_RULES`;
    finite at least) that has no callback of its own."""
    for app in apps:
        for info in app.registered_commands:
            hints = typing.get_type_hints(info.callback)
            for parameter in inspect.signature(info.callback).parameters.values():
                option = parameter.default
                number = _is_number(hints.get(parameter.name))
                if isinstance(option, typer.models.OptionInfo) and option.callback is None and number:
                    option.callback = _number_check(next(name for name in option.param_decls if name.startswith("--")))
            info.callback = _transactional(info.callback)


def _is_number(annotation) -> bool:
    """Whether a resolved type hint is int or float, optionally with None (`float | None`)."""
    kinds = set(typing.get_args(annotation)) - {type(None)} or {annotation}
    return kinds <= {int, float}
