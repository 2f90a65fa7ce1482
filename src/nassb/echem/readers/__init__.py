"""Instrument-file readers: impedance spectra (`read_spectra`, `read_spectrum`) and
chronoamperometry / chronopotentiometry records (`read_time_series`).

Formats: BioLogic .mpr (galvani) and .mpt, Gamry .DTA, ZPlot/ZView .z (and Autolab Z60W text),
VersaStudio .par, and delimited text (.csv/.txt/...: a header row recognised through a table of
column-name aliases, or three header-less columns f, Z', Z''). Text files are recognised by their
content first (an EC-Lab export saved as .txt is read as .mpt), then by their extension.

Cycler files (BioLogic .mpr/.mpt, Arbin .res, Neware .nda/.ndax, CSV/XLSX exports) are read into one
standard table by `read_cycling` (see `_cycling`).

Every spectrum is returned in the electrochemical convention Z = Z' + jZ'' with Z'' < 0 for a
capacitive arc. `imag_sign` says what the file stores: "negative" = Z'' as is, "positive" = -Z''.
Left as None it is taken from the column header ("-Im(Z)", "-Z''") or the file format, else from the
majority sign of the imaginary column over the low-frequency half of the points.
"""

from __future__ import annotations

from pathlib import Path

from nassb.core.errors import InputError
from nassb.echem.readers._assemble import TimeSeries, series_from_table, spectra_from_table
from nassb.echem.readers._biologic import read_mpr, read_mpt
from nassb.echem.readers._cycling import CYCLING_FORMATS, CyclingData, read_cycling
from nassb.echem.readers._gamry import read_dta
from nassb.echem.readers._table import Table, decode, format_tables, resolve_format
from nassb.echem.readers._text import read_par, read_text, read_zplot
from nassb.echem.spectrum import Spectrum

__all__ = [
    "CYCLING_FORMATS",
    "FORMATS",
    "CyclingData",
    "TimeSeries",
    "read_cycling",
    "read_spectra",
    "read_spectrum",
    "read_time_series",
]

FORMATS, _EXTENSIONS, _FORMAT_ALIASES = format_tables(
    ("biologic-mpr", (".mpr",), ("mpr",)),
    ("biologic-mpt", (".mpt",), ("mpt", "biologic")),
    ("gamry-dta", (".dta",), ("dta", "gamry")),
    ("zplot", (".z",), ("z", "zview")),
    ("versastudio-par", (".par",), ("par", "versastudio")),
    ("text", (".csv", ".txt", ".tsv", ".dat", ".p00", ".i2b"), ("csv", "txt")),
)


def _sniff(text: str) -> str | None:
    """The text format named by the file's first line, if any."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("EC-Lab ASCII FILE"):
        return "biologic-mpt"
    if first == "EXPLAIN":
        return "gamry-dta"
    if "zplot" in first.lower() or "z60w" in first.lower():
        return "zplot"
    if first == "<Application>" or "\n<Segment1>" in text:
        return "versastudio-par"
    return None


def _load_table(path: str | Path, format: str | None, purpose: str) -> Table:
    path = Path(path)
    fmt = resolve_format(path, format, FORMATS, _FORMAT_ALIASES, _EXTENSIONS)
    if fmt == "biologic-mpr":
        return read_mpr(path)
    text = decode(path)
    if not text.strip():
        raise InputError(str(path), "file", "instrument data", "an empty file")
    if format is None:
        fmt = _sniff(text) or fmt
    if fmt == "biologic-mpt":
        return read_mpt(path, text)
    if fmt == "gamry-dta":
        return read_dta(path, purpose, text)
    if fmt == "versastudio-par":
        return read_par(path, purpose, text)
    if fmt == "zplot":
        if purpose != "spectrum":
            raise InputError(str(path), "format", "a file with a time series (ZPlot .z files hold impedance only)", fmt)
        return read_zplot(path, text)
    return read_text(path, purpose, text)


def _check_sign(imag_sign: str | None) -> None:
    if imag_sign not in (None, "negative", "positive"):
        raise InputError(
            "imag_sign",
            "imag_sign",
            "'negative' (file stores Z''), 'positive' (file stores -Z'') or None (detect)",
            imag_sign,
        )


def read_spectra(path: str | Path, imag_sign: str | None = None, format: str | None = None) -> list[Spectrum]:
    """Every impedance sweep in the file, split on its cycle/loop column or where the frequency sweep
    restarts; rows with zero frequency and zero impedance (DC points of a combined technique) are dropped."""
    _check_sign(imag_sign)
    return spectra_from_table(_load_table(path, format, "spectrum"), imag_sign)


def read_spectrum(path: str | Path, imag_sign: str | None = None, format: str | None = None) -> Spectrum:
    """The one impedance spectrum in the file (an InputError if it holds several: use read_spectra)."""
    spectra = read_spectra(path, imag_sign, format)
    if len(spectra) > 1:
        raise InputError(
            str(path),
            "spectra",
            f"a file with one spectrum; it holds {len(spectra)} (use read_spectra to read them all)",
            len(spectra),
        )
    return spectra[0]


def read_time_series(path: str | Path, format: str | None = None) -> TimeSeries:
    """Time, current and voltage of a chronoamperometry/chronopotentiometry/DC-polarisation file
    (BioLogic .mpr/.mpt, Gamry .DTA CURVE tables, VersaStudio .par, CSV with time/current/voltage columns)."""
    return series_from_table(_load_table(path, format, "series"))
