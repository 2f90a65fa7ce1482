"""Text formats: generic CSV/TXT tables (with or without a header row), ZPlot/ZView .z and
Autolab Z60W exports, and VersaStudio .par files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from nassb.core.errors import InputError
from nassb.echem.readers._table import (
    IMPEDANCE,
    SERIES_ALIASES,
    SPECTRUM_ALIASES,
    TIME_SERIES,
    Table,
    decode,
    expected_columns,
    find_roles,
    has_series_columns,
    has_spectrum_columns,
    header_dict,
    holds_impedance,
    is_number,
    text_table,
    wrong_technique,
)

Splitter = Callable[[str], list[str]]
_ZPLOT_COLUMNS = ["Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)", "GD", "Err", "Range"]


def _data_splitter(line: str) -> tuple[Splitter, bool]:
    """How a data line is split (tab, semicolon, comma, else whitespace) and whether decimal commas are allowed."""
    if "\t" in line:
        return (lambda s: s.split("\t")), True
    if ";" in line:
        return (lambda s: s.split(";")), True
    if "," in line and all(is_number(f, False) for f in line.split(",") if f.strip()):
        return (lambda s: s.split(",")), False
    return (lambda s: s.split()), True


def _header_names(line: str) -> list[str]:
    for sep in ("\t", ";", ","):
        if sep in line:
            return [name.strip() for name in line.split(sep)]
    return line.split()


def _numeric_width(line: str) -> int:
    """Number of fields if every non-empty field of the line is a number, else 0."""
    split, comma = _data_splitter(line)
    fields = [f for f in split(line) if f.strip()]
    return len(fields) if fields and all(is_number(f, comma) for f in fields) else 0


def read_text(path: Path, purpose: str, text: str | None = None) -> Table:
    """A delimited numeric table, found by its header row (see the alias table) or, for spectra,
    a header-less block of exactly three columns f, Z', Z''."""
    source = str(path)
    lines = (decode(path) if text is None else text).splitlines()
    aliases, complete = (
        (SPECTRUM_ALIASES, has_spectrum_columns) if purpose == "spectrum" else (SERIES_ALIASES, has_series_columns)
    )
    min_width = 3 if purpose == "spectrum" else 2
    first = next((i for i, line in enumerate(lines) if _numeric_width(line) >= min_width), None)
    if first is None:
        raise InputError(source, "data", f"a table of numbers (at least {min_width} columns per row)", "no such rows")
    header_at = next(
        (i for i in range(first - 1, -1, -1) if complete(find_roles(_header_names(lines[i]), aliases))), None
    )
    preamble = lines[: first if header_at is None else header_at]
    split, comma = _data_splitter(lines[first])
    width = _numeric_width(lines[first])
    roles = None
    if header_at is not None:
        names = _header_names(lines[header_at])
    else:
        last = next((line for line in reversed(preamble) if line.strip()), "")
        if purpose == "spectrum" and has_series_columns(find_roles(_header_names(last), SERIES_ALIASES)):
            raise wrong_technique(source, TIME_SERIES, IMPEDANCE, "nassb cycling or nassb dc")
        if purpose == "series" and holds_impedance(_header_names(last)):
            raise wrong_technique(source, IMPEDANCE, TIME_SERIES, "nassb eis")
        if purpose == "series" or (re.search(r"[A-Za-z]", last) and len(_header_names(last)) >= width):
            what = "frequency, Z' and Z'' (or |Z| and phase)" if purpose == "spectrum" else "time, current and voltage"
            raise InputError(
                source,
                "column headers",
                f"a header row naming {what}; recognised names "
                f"(case, units and spaces ignored): {expected_columns(aliases)}",
                _header_names(last) if last.strip() else "no header row",
            )
        if width != 3:
            raise InputError(
                source, f"line {first + 1}", "3 columns (f, Z', Z'') in a file without a header row", f"{width} columns"
            )
        names = ["column 1", "column 2", "column 3"]
        roles = {"frequency": 0, "real": 1, "imag": 2}
    start = first if header_at is None else header_at + 1
    # between the header row and the first data row, lines with fewer than two numbers are a units
    # row, a point count or a comment (P00, RelaxIS exports); from the first data row on, every line counts
    numbered = [
        (n + 1, lines[n])
        for n in range(start, len(lines))
        if n >= first or sum(is_number(f, comma) for f in split(lines[n]) if f.strip()) >= 2
    ]
    header = header_dict(preamble)
    metadata = {"format": "text", "header": header}
    title = next((line.strip() for line in preamble if line.strip()), "")
    if title and not header_dict([title]):
        metadata["title"] = title
    for key, value in header.items():
        if "instrument" in key.lower() or "device" in key.lower():
            metadata.setdefault("instrument", value)
        if "date" in key.lower():
            metadata.setdefault("date", value)
    return text_table(source, names, numbered, split, comma, metadata=metadata, roles=roles)


def read_zplot(path: Path, text: str | None = None) -> Table:
    """Scribner ZPlot/ZView .z (with or without the comment block) and Autolab 'Z60W' exports:
    columns Freq, Ampl, Bias, Time, Z', Z'', ... where Z'' is the signed imaginary part."""
    source = str(path)
    lines = (decode(path) if text is None else text).splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == "End Comments" or ("Freq" in line and "Z'" in line)]
    if not marks:
        raise InputError(
            source,
            "header",
            "an 'End Comments' line or a column header line with Freq and Z' (a ZPlot .z file)",
            "neither",
        )
    start = marks[-1] + 1
    data = next((line for line in lines[start:] if line.strip()), "")
    split: Splitter = (lambda s: s.split(",")) if "," in data else (lambda s: s.split())
    header = header_dict(lines[1:start])
    metadata = {"format": "zplot", "instrument": lines[0].strip().strip('"'), "header": header}
    if "Date" in header:
        metadata["date"] = header["Date"]
    return text_table(
        source,
        list(_ZPLOT_COLUMNS),
        enumerate(lines[start:], start=start + 1),
        split,
        False,
        metadata=metadata,
        trust_imag_header=True,
    )


def read_par(path: Path, purpose: str, text: str | None = None) -> Table:
    """VersaStudio .par: the <SegmentN> blocks whose 'Definition=' column list holds the needed columns."""
    source = str(path)
    lines = (decode(path) if text is None else text).splitlines()
    complete = has_spectrum_columns if purpose == "spectrum" else has_series_columns
    aliases = SPECTRUM_ALIASES if purpose == "spectrum" else SERIES_ALIASES
    names: list[str] | None = None
    numbered: list[tuple[int, str]] = []
    inside = False
    for number, line in enumerate(lines, start=1):
        if re.fullmatch(r"<Segment\d+>", line.strip()):
            inside = True
        elif re.fullmatch(r"</Segment\d+>", line.strip()):
            inside = False
        elif inside and line.startswith("Definition="):
            definition = [n.strip() for n in line[len("Definition=") :].split(",")]
            inside = complete(find_roles(definition, aliases)) and (names is None or definition == names)
            names = definition if inside else names
        elif inside and names is not None:
            numbered.append((number, line))
    if names is None:
        raise InputError(source, "segments", "a <SegmentN> block whose Definition= names the needed columns", "none")
    block = re.search(r"<Instrument>\n(.*?)</Instrument>", "\n".join(lines), re.DOTALL)
    instrument = dict(line.split("=", 1) for line in (block.group(1).splitlines() if block else []) if "=" in line)
    metadata = {
        "format": "versastudio-par",
        "instrument": f"{instrument.get('Type', '')} {instrument.get('Model', '')}".strip(),
    }
    return text_table(source, names, numbered, lambda s: s.split(","), False, metadata=metadata, trust_imag_header=True)
