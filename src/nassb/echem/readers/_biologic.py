"""BioLogic EC-Lab files: binary .mpr (through galvani) and the .mpt text export."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np

from nassb.core.errors import InputError
from nassb.echem.readers._table import Table, decode, header_dict, text_table

# First byte of the 'VMP settings' module: the technique, as seen in EC-Lab files whose .mpt export
# names it (yadg, galvani and hybrid-drt test files).
_TECHNIQUES = {
    0x04: "GCPL",
    0x06: "CV",
    0x0B: "OCV",
    0x0C: "GCPL2",
    0x18: "CA",
    0x19: "CP",
    0x1D: "PEIS",
    0x1E: "GEIS",
    0x32: "ZIR",
    0x7F: "MB",
}


def read_mpr(path: Path) -> Table:
    """All columns of an .mpr file (galvani's names: 'freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm', 'I/mA', ...)."""
    from galvani.BioLogic import MPRfile

    source = str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mpr = MPRfile(source)
    except Exception as exc:  # galvani raises ValueError/OSError/NotImplementedError/... on damaged files
        reason = " ".join(str(exc).split())
        raise InputError(
            source,
            "file",
            "a complete BioLogic .mpr file that galvani can decode (if it is truncated "
            "or damaged, or galvani does not know one of its columns, export it from EC-Lab as .mpt)",
            f"{type(exc).__name__}: {reason}",
        ) from None
    data = mpr.data
    names = list(data.dtype.names)
    columns = {name: np.asarray(data[name], dtype=float) for name in names}
    if mpr.loop_index is not None and "cycle number" not in columns:
        columns["loop"] = np.searchsorted(np.asarray(mpr.loop_index), np.arange(len(data)), side="right").astype(float)
        names.append("loop")
    metadata = {"format": "biologic-mpr", "instrument": "BioLogic (EC-Lab .mpr)"}
    settings = [m["data"] for m in mpr.modules if m["shortname"].startswith(b"VMP Set")]
    if settings and settings[0]:
        metadata["technique"] = _TECHNIQUES.get(settings[0][0], f"EC-Lab technique id {settings[0][0]}")
    stamp = getattr(mpr, "timestamp", None) or getattr(mpr, "startdate", None)
    if stamp is not None:
        metadata["date"] = stamp.isoformat()
    return Table(
        source,
        names,
        np.arange(1, len(data) + 1),
        "record",
        metadata,
        trust_imag_header=True,
        values=lambda j: columns[names[j]],
    )


def read_mpt(path: Path, text: str | None = None) -> Table:
    """The data table of an EC-Lab ASCII export; 'Nb header lines : N' gives where the column names are."""
    source = str(path)
    lines = (decode(path) if text is None else text).splitlines()
    if not lines or not lines[0].startswith("EC-Lab ASCII FILE"):
        raise InputError(
            source,
            "line 1",
            "'EC-Lab ASCII FILE' (a BioLogic .mpt export)",
            lines[0][:60] if lines else "an empty file",
        )
    match = re.search(r"Nb header lines\s*:\s*(\d+)", lines[1] if len(lines) > 1 else "")
    if not match or not 3 <= int(match.group(1)) <= len(lines):
        raise InputError(
            source,
            "line 2",
            "'Nb header lines : N' with N within the file",
            lines[1][:60] if len(lines) > 1 else "end of file",
        )
    n_header = int(match.group(1))
    names = lines[n_header - 1].rstrip("\t").split("\t")
    preamble = lines[2 : n_header - 1]
    header = header_dict(preamble)
    metadata = {
        "format": "biologic-mpt",
        "instrument": f"BioLogic {header.get('Device', '')}".strip(),
        "header": header,
    }
    technique = next((line.strip() for line in preamble if line.strip()), "")
    if technique and ":" not in technique:
        metadata["technique"] = technique
    if "Acquisition started on" in header:
        metadata["date"] = header["Acquisition started on"]
    return text_table(
        source,
        names,
        enumerate(lines[n_header:], start=n_header + 1),
        lambda line: line.split("\t"),
        decimal_comma=True,
        metadata=metadata,
        trust_imag_header=True,
    )
