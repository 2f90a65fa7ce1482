"""Regenerate the tables of examples/validation/README.md and the two CSV files next to it.

Run from the repository root: `.venv/bin/python examples/validation/make_tables.py`. It evaluates every design
of this folder with `nassb evaluate --json` (today's model), lists the knowledge base's critical-current-density
and symmetric-cell records (ccd_records.csv) and the retention / cycle-life records of the cells that the six
designs of examples/cells reproduce (retention_records.csv), and prints the three Markdown tables.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from nassb.cell.materials import MaterialResolver
from nassb.kb.store import default_knowledge_base

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CELLS = ROOT / "examples" / "cells"
NASSB = Path(sys.executable).parent / "nassb"

SYMMETRIC_PROPERTIES = ("current_density", "overpotential", "area_specific_resistance", "stack_pressure")
RETENTION_PROPERTIES = ("capacity_retention", "cycle_life")
CCD_COLUMNS = (
    "record_id",
    "electrolyte_printed",
    "electrolyte_library_name",
    "interlayer",
    "anode",
    "property",
    "value",
    "unit",
    "temperature_K",
    "pressure_MPa",
    "current",
    "seed_file",
    "locator",
    "flags",
)
RETENTION_COLUMNS = ("design", "kb_cell", "record_id", "property", "value", "unit", "cycles", "locator")

# The bulk electrolyte a printed description names, as a name the material library may know (an alias or a
# formula); the printed text and the record's formula are tried after these. As the library's note under its
# NASICON entries says, a coated or composite NZSP separator is Na3Zr2Si2PO12 with a modified surface (the coating
# is the interlayer). Doped series without a definite composition and unnamed electrolytes stay unmapped (empty).
BULK_ELECTROLYTE = {
    "Na-β''-Al2O3 heat-treated in Ar": ("beta-alumina",),
    "NZSP(TiO2) (Na3Zr2Si2PO12-TiO2 two-phase composite)": ("NZSP",),
    "BiCl3/PTFE-coated NZSP (BiCl3@NZSP, forms NaxBi/NaCl-rich layer)": ("NZSP",),
    "SnOx/Sn film-coated NZSP": ("NZSP",),
    "sandwich-structured NZSP composite electrolyte": ("NZSP",),
    "NZSSP (Na3.36Zr1.64Sc0.36Si2PO12, sintered 1150 °C)": ("NZSSP", "Na3.36Zr1.64Sc0.36Si2PO12"),
    "Pb-modified NHSP (Na3Hf2Si2PO12)": ("NHSP", "Na3Hf2Si2PO12"),
}


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).strip()


def library_name(printed: str, formula: str, resolver: MaterialResolver) -> str:
    for candidate in (*BULK_ELECTROLYTE.get(printed, ()), printed, formula):
        entry = resolver.entry(candidate) if candidate else None
        if entry is not None and entry.role == "electrolyte":
            return entry.name
    return ""


def ccd_rows(records) -> list[dict[str, str]]:
    resolver = MaterialResolver()
    chosen = records[
        (records.property == "critical_current_density")
        | ((records.role == "symmetric_cell") & records.property.isin(SYMMETRIC_PROPERTIES))
    ]
    rows = []
    for _, record in chosen.iterrows():
        printed = _text(record["electrolyte"]) or _text(record["formula_printed"]) or _text(record["formula"])
        rows.append(
            {
                "record_id": record["record_id"],
                "electrolyte_printed": printed,
                "electrolyte_library_name": library_name(printed, _text(record["formula"]), resolver),
                "interlayer": _text(record["interlayer"]),
                "anode": _text(record["anode"]),
                "property": record["property"],
                "value": _text(record["value"]),
                "unit": _text(record["unit"]),
                "temperature_K": _text(record["temperature_K"]),
                "pressure_MPa": _text(record["pressure_MPa"]),
                "current": _text(record["current"]),
                "seed_file": _text(record["seed_file"]),
                "locator": _text(record["locator"]),
                "flags": _text(record["flags"]),
            }
        )
    return rows


def retention_rows(records) -> list[dict[str, str]]:
    rows = []
    for path in sorted(CELLS.glob("*.toml")):
        kb_cell = tomllib.loads(path.read_text(encoding="utf-8"))["reference"]["kb_cell"]
        chosen = records[(records.cell_id == kb_cell) & records.property.isin(RETENTION_PROPERTIES)]
        for _, record in chosen.iterrows():
            rows.append(
                {
                    "design": f"examples/cells/{path.name}",
                    "kb_cell": kb_cell,
                    "record_id": record["record_id"],
                    "property": record["property"],
                    "value": _text(record["value"]),
                    "unit": _text(record["unit"]),
                    "cycles": _text(record["cycles"]) if record["property"] != "cycle_life" else _text(record["value"]),
                    "locator": _text(record["locator"]),
                }
            )
    return rows


def predictions() -> list[dict]:
    """The [reference] block of each design's `nassb evaluate --json`; a failed evaluation keeps its last error line."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for path in sorted(HERE.glob("*.toml")):
            out = Path(folder) / f"{path.stem}.json"
            command = [str(NASSB), "evaluate", str(path), "--json", str(out), "-o", str(Path(folder) / "r.html")]
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                lines = (done.stderr or done.stdout).strip().splitlines() or ["(no output)"]
                results.append({"file": path.name, "error": lines[-1]})
                continue
            results.append({"file": path.name, **json.loads(out.read_text())["reference"]})
    return results


def write_csv(path: Path, columns, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def markdown(columns, rows) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[c]).replace("|", "\\|") for c in columns) + " |")
    return "\n".join(lines)


def main() -> None:
    records = default_knowledge_base().records
    ccd = ccd_rows(records)
    retention = retention_rows(records)
    write_csv(HERE / "ccd_records.csv", CCD_COLUMNS, ccd)
    write_csv(HERE / "retention_records.csv", RETENTION_COLUMNS, retention)
    print("## predictions\n")
    for result in predictions():
        if "error" in result:
            print(f"{result['file']}: evaluation failed: {result['error']}")
            continue
        rate = result["c_rate_used"]
        print(
            f"{result['file']}: kb {result['kb_cell']} reported {result['reported_capacity_mAh_per_g']:g} mAh/g, "
            f"predicted {result['predicted_capacity_mAh_per_g']:.1f} mAh/g at {rate:.3g} C, "
            f"difference {result['difference_percent']:+.1f} %, limited by {result['limiting_process']}"
        )
    print(f"\n## CCD and symmetric-cell records ({len(ccd)})\n")
    print(markdown(CCD_COLUMNS, ccd))
    print(f"\n## retention records of examples/cells ({len(retention)})\n")
    print(markdown(RETENTION_COLUMNS, retention))


if __name__ == "__main__":
    main()
