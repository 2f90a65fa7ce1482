"""Shared pieces of the instrument readers: the column table, header-name aliases, number parsing.

Every format reader turns its file into a `Table` (column names + lazily parsed numeric columns +
a row label per data row for error messages); `_assemble` then picks columns by role using the
alias table below, so a new instrument format only has to produce a `Table`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nassb.core.constants import ZERO_CELSIUS_K
from nassb.core.errors import InputError

# Normalised header names (lower case, no spaces/underscores/dots, unit removed) for each role.
# Order matters: when several columns match a role, the one matching the earliest alias wins.
_IMAG = ("z''", "zim", "zimag", "zimg", "im(z)", "imz", "zs''", "imag", "imaginary", "imagz", "zi", "z2", "im")
_PHASE = ("phase(z)", "phase", "zphz", "phz", "theta(z)", "theta", "θ", "phi", "angle")
SPECTRUM_ALIASES: dict[str, tuple[str, ...]] = {
    "frequency": ("freq", "frequency", "f", "fr"),
    "real": ("z'", "zre", "zreal", "re(z)", "rez", "zs'", "real", "realz", "zr", "z1", "re"),
    "imag": _IMAG,
    "neg_imag": tuple("-" + a for a in _IMAG),
    "modulus": ("|z|", "zmod", "mod(z)", "modz", "abs(z)", "z", "magnitude", "impedance"),
    "phase": _PHASE,
    "neg_phase": tuple("-" + a for a in _PHASE),
    "cycle": ("cyclenumber", "cycle", "loop", "loopindex", "loopnumber", "zcycle", "segment#", "sweep"),
    "temperature": ("temperature", "temp"),
}
SERIES_ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("time", "t", "elapsedtime", "testtime", "timeelapsed"),
    "current": ("i", "current", "im", "<i>", "icell", "idc"),
    "voltage": ("ewe", "voltage", "potential", "e", "v", "vf", "<ewe>", "ecell", "u", "vdc"),
}

_PREFIX = {"m": 1e-3, "µ": 1e-6, "μ": 1e-6, "u": 1e-6, "n": 1e-9, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}
_BASE = {
    "hz": 1.0,
    "ohm": 1.0,
    "ohms": 1.0,
    "ω": 1.0,
    "s": 1.0,
    "sec": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "a": 1.0,
    "v": 1.0,
    "deg": 1.0,
    "°": 1.0,
    "rad": 1.0,
    "°c": 1.0,
    "k": 1.0,
}


def unit_factor(unit: str) -> float | None:
    """Factor to SI (Hz, Ohm, s, A, V) of a unit such as 'mA', 'kOhm', 'min'; None if not a known unit."""
    u = unit.strip()
    if u.lower() in _BASE:
        return _BASE[u.lower()]
    if len(u) > 1 and u[0] in _PREFIX and u[1:].lower() in _BASE:
        return _PREFIX[u[0]] * _BASE[u[1:].lower()]
    return None


def split_name(name: str) -> tuple[str, str]:
    """('re(z)', 'Ohm') from 'Re(Z)/Ohm': a normalised key for alias lookup and the unit, if any.

    Units are recognised as '/unit' (EC-Lab), '[unit]', '(unit)' and '_unit' suffixes.
    """
    s = name.strip()
    if len(s) > 1 and s[0] == s[-1] == '"':
        s = s[1:-1].strip()
    s = re.sub(r"^data:\s*", "", s, flags=re.IGNORECASE)
    for old, new in (("″", "''"), ("′", "'"), ("’", "'"), ('"', "''")):
        s = s.replace(old, new)
    unit = ""
    bracket = re.match(r"^(.*?)\s*\[([^\]]*)\]$", s)
    paren = re.match(r"^(.*\S)\s*\(([^()]*)\)$", s)
    underscore = re.match(r"^(.*[^_])_([A-Za-zµΩ°]+)$", s)
    if bracket:
        s, unit = bracket.group(1), bracket.group(2)
    elif paren and (paren.group(2).strip().lower() in ("a", "b") or unit_factor(paren.group(2)) is not None):
        s, unit = paren.group(1), paren.group(2)
    elif "/" in s and s.rpartition("/")[0] and ")" not in s.rpartition("/")[2]:
        s, _, unit = s.rpartition("/")
    elif underscore and unit_factor(underscore.group(2)) is not None:
        s, unit = underscore.group(1), underscore.group(2)
    return re.sub(r"[\s_.]", "", s.lower()), unit.strip()


def find_roles(names: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index for each role whose alias appears among `names` (earliest alias wins)."""
    keys = [split_name(n)[0] for n in names]
    roles = {}
    for role, options in aliases.items():
        for alias in options:
            if alias in keys:
                roles[role] = keys.index(alias)
                break
    return roles


IMPEDANCE = "an impedance spectrum (frequency with Z' and Z'')"
TIME_SERIES = "a time series (time, voltage and current: a cycling, polarisation or chronoamperometry record)"


def holds_impedance(names: list[str]) -> bool:
    """Whether any column is an impedance column (Z', Z'', |Z|): an impedance file, complete or not."""
    return bool({"real", "imag", "neg_imag", "modulus"} & set(find_roles(names, SPECTRUM_ALIASES)))


def impedance_only(names: list[str], column: Callable[[int], np.ndarray]) -> bool:
    """Whether a table is an impedance measurement and nothing else: impedance columns and a frequency above 0 in
    every row (a cycling record with impedance steps has frequency 0 on its DC rows)."""
    roles = find_roles(names, SPECTRUM_ALIASES)
    if not (holds_impedance(names) and "frequency" in roles):
        return False
    frequency = np.asarray(column(roles["frequency"]), dtype=float)
    return frequency.size > 0 and bool(np.all(frequency > 0))


def wrong_technique(source: str, holds: str, needs: str, command: str) -> InputError:
    """The error for a file of the wrong technique: what it holds, what the command needs, which command reads it."""
    return InputError(source, "technique", f"{needs}; this file holds {holds}: read it with {command}")


def has_spectrum_columns(roles: dict[str, int]) -> bool:
    """A frequency column plus either (Z', Z'') or (|Z|, phase)."""
    cartesian = "real" in roles and ("imag" in roles or "neg_imag" in roles)
    polar = "modulus" in roles and ("phase" in roles or "neg_phase" in roles)
    return "frequency" in roles and (cartesian or polar)


def has_series_columns(roles: dict[str, int]) -> bool:
    """Time, current and voltage columns."""
    return {"time", "current", "voltage"} <= roles.keys()


def expected_columns(aliases: dict[str, tuple[str, ...]]) -> str:
    """A one-line description of the header names a reader recognises, for error messages."""
    shown = {
        role: ", ".join(opts[:6])
        for role, opts in aliases.items()
        if role not in ("neg_imag", "neg_phase", "temperature")
    }
    return "; ".join(f"{role}: {opts}" for role, opts in shown.items())


def to_float(token: str, decimal_comma: bool) -> float:
    """float() that also accepts a decimal comma ('1,5E+03') when the file is not comma-separated."""
    try:
        return float(token)
    except ValueError:
        if decimal_comma and "," in token:
            return float(token.replace(",", "."))
        raise


def is_number(token: str, decimal_comma: bool = True) -> bool:
    try:
        to_float(token.strip(), decimal_comma)
    except ValueError:
        return False
    return True


def decode(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else Latin-1 (EC-Lab and Gamry exports)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def header_dict(lines: list[str]) -> dict[str, str]:
    """'key : value' and 'key = value' lines of a text preamble as a dict (first occurrence wins)."""
    out: dict[str, str] = {}
    for line in lines:
        match = re.match(r"^\s*([^:=\t]{1,60}?)\s*[:=]\s+(.+?)\s*$", line)
        if match and match.group(1) not in out:
            out[match.group(1)] = match.group(2)
    return out


def temperature_K_from_text(text: str) -> float | None:
    """Temperature stated as e.g. '25 °C', '-25C', '140deg', '298 K' in a short text (a file name, a title).

    A bare 'C' counts only after an integer ('0.1C' is a C-rate, not a temperature).
    """
    pattern = r"(?:^|[_\s\-(=])(-?\d+(?:[.p]\d+)?)\s*(°C|degC|deg|oC|C|K)(?=$|[_\s\-).#,])"
    for match in re.finditer(pattern, text):
        number, unit = match.group(1), match.group(2)
        if unit in ("C", "K") and not number.lstrip("-").isdigit():
            continue
        value = float(number.replace("p", "."))
        return value if unit == "K" else value + ZERO_CELSIUS_K
    return None


@dataclass
class Table:
    """Numeric columns of one data table in a file, parsed on demand.

    `column(j)` returns column j as floats (units are applied by the caller); a token that is not a
    number raises an InputError naming the file, line and column. `roles` fixes the column roles of a
    file without a header row; `trust_imag_header` says the format defines the sign of its Z'' column.
    """

    source: str
    names: list[str]
    row_labels: np.ndarray
    row_word: str
    metadata: dict[str, Any] = field(default_factory=dict)
    trust_imag_header: bool = False
    roles: dict[str, int] | None = None
    values: Callable[[int], np.ndarray] | None = None
    text_rows: list[list[str]] | None = None
    decimal_comma: bool = False
    _cache: dict[int, np.ndarray] = field(default_factory=dict)

    def column(self, j: int) -> np.ndarray:
        if j not in self._cache:
            self._cache[j] = self.values(j) if self.values is not None else self._parse(j)
        return self._cache[j]

    def _parse(self, j: int) -> np.ndarray:
        out = np.empty(len(self.text_rows))
        for i, fields in enumerate(self.text_rows):
            token = fields[j].strip() if j < len(fields) else ""
            try:
                out[i] = to_float(token, self.decimal_comma)
            except ValueError:
                raise InputError(
                    self.source,
                    f"{self.row_word} {self.row_labels[i]}, column '{self.names[j]}'",
                    "a number",
                    token or "an empty field",
                ) from None
        return out

    def __len__(self) -> int:
        return len(self.row_labels)


def text_table(
    source: str,
    names: list[str],
    numbered_lines: Iterable[tuple[int, str]],
    split: Callable[[str], list[str]],
    decimal_comma: bool,
    **kwargs: Any,
) -> Table:
    """A Table of (line number, line) data lines: blank lines and lines with no number at all
    (repeated headers, comment lines) are skipped; every other line is a data row."""
    rows, labels = [], []
    for number, line in numbered_lines:
        if not line.strip():
            continue
        fields = split(line)
        if any(is_number(f, decimal_comma) for f in fields):
            rows.append(fields)
            labels.append(number)
    return Table(
        source, names, np.asarray(labels, dtype=int), "line", text_rows=rows, decimal_comma=decimal_comma, **kwargs
    )


def format_tables(
    *rows: tuple[str, tuple[str, ...], tuple[str, ...]],
) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """The formats, the extension -> format and the alias -> format tables of `resolve_format` from one row per
    format: (format, its file extensions with the dot, the other names it may be given by)."""
    formats = tuple(fmt for fmt, _, _ in rows)
    extensions = {extension: fmt for fmt, suffixes, _ in rows for extension in suffixes}
    aliases = {alias: fmt for fmt, _, names in rows for alias in names}
    return formats, extensions, aliases


def resolve_format(
    path: Path,
    format: str | None,
    formats: Iterable[str],
    aliases: dict[str, str],
    extensions: dict[str, str],
    kind: str = "",
) -> str:
    """The reader format of `path`: `format` (or its alias) when given, else the one its extension maps to.

    Raises an InputError naming the file when the file is missing or the format cannot be decided.
    """
    formats = tuple(formats)
    if not path.is_file():
        raise InputError(str(path), "path", "an existing file", "not found" if not path.exists() else "not a file")
    if format is not None:
        fmt = aliases.get(format.lower(), format.lower())
        if fmt not in formats:
            raise InputError(str(path), "format", f"one of {', '.join(formats)}", format)
        return fmt
    fmt = extensions.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            str(path),
            "extension",
            f"{kind}one of {', '.join(sorted(extensions))} (or pass format=, one of {', '.join(formats)})",
            path.suffix or "no extension",
        )
    return fmt
