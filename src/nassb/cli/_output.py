"""What every command group writes the same way: JSON files, numbers in tables, figure pairs."""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from nassb.core.errors import InputError
from nassb.core.io import write_text_atomic

console = Console()

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
    if len(values) < minimum_count or any(not value > 0 for value in values):
        raise InputError("command line", option, expected, text)
    return values


def format_number(value, digits: int = 4) -> str:
    """`digits` significant digits; empty for a missing (None, NaN or infinite) value."""
    if value is None or (isinstance(value, (float, np.floating)) and not math.isfinite(value)):
        return ""
    return f"{value:.{digits}g}"


def save_figures(static, interactive, prefix: Path) -> None:
    """PNG and HTML of one figure; the HTML files of a folder share one offline plotly.min.js."""
    from nassb.report.figures import write_png_and_html

    write_png_and_html(static, interactive, prefix, shared_plotly_js=True)


@contextmanager
def progress_bar(description: str):
    """A Rich progress bar; yields a callback(done, total) for the library's `progress` argument."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
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
