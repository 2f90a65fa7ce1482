"""Gamry Framework .DTA files: tab-separated header entries and named TABLE blocks (ZCURVE, CURVE, ...)."""

from __future__ import annotations

import re
from pathlib import Path

from nassb.core.errors import InputError
from nassb.echem.readers._table import Table, decode, text_table


def read_dta(path: Path, purpose: str, text: str | None = None) -> Table:
    """The ZCURVE table (purpose 'spectrum') or the CURVE/CURVEn tables joined (purpose 'series')."""
    source = str(path)
    lines = (decode(path) if text is None else text).splitlines()
    if not lines or lines[0].strip() != "EXPLAIN":
        raise InputError(
            source, "line 1", "'EXPLAIN' (a Gamry Framework .DTA file)", lines[0][:60] if lines else "an empty file"
        )
    header: dict[str, str] = {}
    tables: dict[str, tuple[list[str], int, int]] = {}
    i = 1
    while i < len(lines):
        parts = lines[i].split("\t")
        if len(parts) >= 2 and parts[1] == "TABLE" and i + 2 < len(lines):
            end = i + 3
            while end < len(lines) and lines[end].startswith("\t"):
                end += 1
            tables[parts[0]] = (lines[i + 1].split("\t")[1:], i + 3, end)
            i = end
            continue
        if len(parts) >= 2 and parts[0] and not lines[i].startswith("\t"):
            header[parts[0]] = parts[2] if len(parts) >= 3 else parts[1]
        i += 1
    wanted = ["ZCURVE"] if purpose == "spectrum" else [name for name in tables if re.fullmatch(r"CURVE\d*", name)]
    wanted = [name for name in wanted if name in tables]
    if not wanted:
        expected = (
            "a ZCURVE table (impedance)" if purpose == "spectrum" else "a CURVE table (chronoamperometry/potentiometry)"
        )
        raise InputError(source, "tables", expected, sorted(tables) or "no TABLE blocks")
    numbered = [(k + 1, lines[k]) for name in wanted for k in range(tables[name][1], tables[name][2])]
    table = text_table(
        source,
        tables[wanted[0]][0],
        numbered,
        lambda line: line.split("\t")[1:],
        decimal_comma=True,
        trust_imag_header=True,
    )
    table.metadata = {
        "format": "gamry-dta",
        "instrument": f"Gamry {header.get('PSTAT', '')}".strip(),
        "technique": header.get("TAG", ""),
        "date": f"{header.get('DATE', '')} {header.get('TIME', '')}".strip(),
        "header": header,
        "tables": wanted,
    }
    if header.get("EXPERIMENTABORTED") == "T":
        table.metadata["aborted"] = True
    return table
