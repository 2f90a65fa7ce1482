"""Regenerate the tables of examples/validation/README.md and the two CSV files next to it.

Run from the repository root: `.venv/bin/python examples/validation/make_tables.py`. It evaluates every design
of this folder with `nassb evaluate --json` (today's model), lists the knowledge base's critical-current-density
and symmetric-cell records (ccd_records.csv) and the retention / cycle-life records of the cells that the
designs of examples/cells reproduce (retention_records.csv), and prints the Markdown tables, among them the
distribution of the first-cycle capacity error over all designs (median |error|, quartiles, every design's error).
"""

from __future__ import annotations

import csv
import math
import sys
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
    """Each design (examples/cells and this folder) evaluated in process: the first-cycle capacity of the pristine
    cell and with the interfaces after that cycle, the retention at the stated cycles and the dominant failure."""
    from nassb.cell.design import read_design
    from nassb.core.value import DocumentedDefault
    from nassb.evaluate import evaluate_design

    results = []
    for path in [*sorted(CELLS.glob("*.toml")), *sorted(HERE.glob("*.toml"))]:
        design = read_design(path)
        evaluation = evaluate_design(design, c_rates=[design.cell.c_rates[0]])
        reference, failure = evaluation.reference, evaluation.failure
        defaults = [
            name for name, value in evaluation.resolved.provenance if isinstance(value.source, DocumentedDefault)
        ]
        results.append(
            {
                "file": str(path.relative_to(ROOT)),
                "reported": reference["reported_capacity_mAh_per_g"],
                "rate": reference["c_rate_used"],
                "pristine": reference["predicted_capacity_mAh_per_g"],
                "pristine_error": reference["difference_percent"],
                "with_interfaces": reference["predicted_capacity_with_interfaces_mAh_per_g"],
                "with_interfaces_error": reference["difference_with_interfaces_percent"],
                "retention_reported": design.reference.capacity_retention_percent,
                "retention_cycles": failure.life.stated_cycles,
                "retention_predicted": failure.life.capacity_retention_percent,
                "stop": failure.life.stop_reason,
                "cycles_to_80": failure.life.cycles_to_80_percent,
                "dominant": f"{failure.dominant_mode} at {failure.dominant_interface}"
                if failure.dominant_mode
                else "none",
                "defaults": len(defaults),
            }
        )
    return results


def error_distribution(results: list[dict]) -> str:
    """Median and quartiles of |error| of the first-cycle capacity (pristine and with the interfaces) over all designs,
    for examples/cells alone and for all, and every design's error sorted by |pristine error|. Nothing is fitted: the
    errors are those of `predictions`."""
    import numpy as np

    lines = []
    for label, chosen in (
        ("examples/cells", [r for r in results if r["file"].startswith("examples/cells/")]),
        ("all designs", results),
    ):
        for key, name in (("pristine_error", "pristine"), ("with_interfaces_error", "with interfaces")):
            errors = np.abs([r[key] for r in chosen if r[key] is not None])
            q1, median, q3 = np.percentile(errors, [25, 50, 75])
            within = int(np.sum(errors <= 25.0))
            lines.append(
                f"- {label} ({len(errors)}), {name}: median |error| {median:.0f} % (quartiles {q1:.0f}-{q3:.0f} %), "
                f"{within} of {len(errors)} within 25 %"
            )
    ordered = sorted(results, key=lambda r: abs(r["pristine_error"]))
    lines.append("")
    lines.append(
        markdown(
            ("file", "reported", "pristine", "pristine_error", "with_interfaces_error"),
            [
                {
                    "file": r["file"],
                    "reported": f"{r['reported']:.3g}",
                    "pristine": f"{r['pristine']:.3g}",
                    "pristine_error": f"{r['pristine_error']:+.0f} %",
                    "with_interfaces_error": f"{r['with_interfaces_error']:+.0f} %",
                }
                for r in ordered
            ],
        )
    )
    return "\n".join(lines)


def ccd_predictions(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """predicted / reported for every CCD record whose electrolyte the library holds (`nassb interface ccd` at the
    record's pressure and temperature; 1 MPa and 25 C, the documented defaults, where the record has none)."""
    from nassb.interface.dendrite import predict_ccd

    out = []
    for row in rows:
        if row["property"] != "critical_current_density" or not row["electrolyte_library_name"]:
            continue
        pressure = float(row["pressure_MPa"]) if row["pressure_MPa"] else 1.0
        temperature = float(row["temperature_K"]) if row["temperature_K"] else 298.15
        prediction, _ = predict_ccd(row["electrolyte_library_name"], pressure, temperature)
        reported = float(row["value"])
        out.append(
            {
                "record_id": row["record_id"],
                "electrolyte": row["electrolyte_library_name"],
                "interlayer": row["interlayer"] or "-",
                "pressure_MPa": f"{pressure:g}" + ("" if row["pressure_MPa"] else " (default)"),
                "temperature_K": f"{temperature:g}" + ("" if row["temperature_K"] else " (default)"),
                "reported_mA_per_cm2": f"{reported:g}",
                "predicted_mA_per_cm2": f"{prediction.ccd_mA_per_cm2:.3g}",
                "predicted/reported": f"{prediction.ccd_mA_per_cm2 / reported:.2f}",
                "mechanism": prediction.limiting_mechanism,
                "flags": row["flags"] or "-",
            }
        )
    return out


def beta_alumina_pressure_law() -> list[dict[str, str]]:
    """Seed 002 section 4 (Spencer Jolly et al. 2020): the stripping CCD of Na | Na-beta''-alumina against pressure."""
    from nassb.interface.dendrite import predict_ccd

    rows = []
    for pressure in (1.0, 2.0, 5.0, 9.0, 12.0):
        prediction, _ = predict_ccd("beta-alumina", pressure, 298.15)
        rows.append(
            {
                "pressure_MPa": f"{pressure:g}",
                "stripping_ccd_mA_per_cm2": f"{prediction.stripping_ccd_mA_per_cm2:.3g}",
                "plating_ccd_mA_per_cm2": f"{prediction.plating_ccd_mA_per_cm2:.3g}",
                "ccd_mA_per_cm2": f"{prediction.ccd_mA_per_cm2:.3g}",
                "mechanism": prediction.limiting_mechanism,
            }
        )
    return rows


def growth_checks() -> list[dict[str, str]]:
    """The interphase resistance the growth law predicts at Na | electrolyte against the knowledge base's time series
    (Wenzel et al.; seed 002 sections 3.1 and 4.2); the impedance records are in Ohm of a pellet of unstated area."""
    from nassb.interface.compatibility import InterfaceCheck
    from nassb.interface.growth import interphase_of, thickness_cm
    from nassb.thermo.entries import available_entries
    from nassb.thermo.reactivity import interface_reaction_of

    cases = (
        (
            "Na3PS4",
            298.15,
            (24.0, 96.0, 240.0),
            "002X-0026 / 002X-0027: 500 -> 20,000 Ohm over 240 h (Ohm, area not stated)",
        ),
        (
            "Na3SbS4",
            333.15,
            (25.0, 160.0),
            "002X-0068 / 002X-0069: 750 -> 1,860 Ohm cm2 in 25 h (the calibration); "
            "002X-0064 / 002X-0065: 318 -> 6,475 Ohm in 160 h of cycling",
        ),
        (
            "NaAl11O17",
            298.15,
            (24.0, 240.0),
            "Wenzel et al. 2016 (DOMAIN.md section 5): Na | beta-alumina stable; NaAl11O17 (beta, 001X-0004/0005) "
            "stands for the library's Na2MgAl10O17 (Mg is not in the offline energies)",
        ),
    )
    rows = []
    for electrolyte, temperature, hours, record in cases:
        reaction = interface_reaction_of("Na", electrolyte, available_entries())
        check = InterfaceCheck(
            f"Na | {electrolyte}",
            "Na",
            electrolyte,
            reaction.reaction_energy_eV_per_atom,
            reaction.products,
            reaction.interface_type,
        )
        layer = interphase_of(check, "Na", electrolyte, temperature)
        grown = [
            thickness_cm(h * 3600.0, layer.parabolic_rate_cm2_per_s) / layer.ionic_conductivity_S_per_cm
            if layer.ionic_conductivity_S_per_cm
            else 0.0
            for h in hours
        ]
        rows.append(
            {
                "contact": f"Na | {electrolyte} at {temperature - 273.15:g} C",
                "layer": "mixed-conducting"
                if layer.mixed_conducting
                else ("passivating" if layer.products else "none"),
                "k_cm2_per_s": f"{layer.parabolic_rate_cm2_per_s:.3g}",
                "predicted_added_ohm_cm2": ", ".join(f"{r:.3g} at {h:g} h" for r, h in zip(grown, hours)),
                "knowledge_base": record,
            }
        )
    return rows


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
    print("## designs: first cycle, retention, dominant failure\n")
    columns = (
        "file",
        "reported",
        "rate",
        "pristine",
        "pristine_error",
        "with_interfaces",
        "with_interfaces_error",
        "retention_reported",
        "retention_cycles",
        "retention_predicted",
        "cycles_to_80",
        "stop",
        "dominant",
        "defaults",
    )
    predicted_rows = predictions()
    rows = [
        {
            key: (f"{value:.3g}" if isinstance(value, float) else ("-" if value is None else value))
            for key, value in row.items()
        }
        for row in predicted_rows
    ]
    print(markdown(columns, rows))
    print("\n## first-cycle error distribution over all designs\n")
    print(error_distribution(predicted_rows))
    print("\n## CCD records: predicted / reported\n")
    predicted = ccd_predictions(ccd)
    print(markdown(tuple(predicted[0]), predicted))
    print("\n## Na | beta''-alumina against stack pressure\n")
    law = beta_alumina_pressure_law()
    print(markdown(tuple(law[0]), law))
    print("\n## interphase growth against the knowledge base's time series\n")
    growth = growth_checks()
    print(markdown(tuple(growth[0]), growth))
    print(f"\n## CCD and symmetric-cell records ({len(ccd)})\n")
    print(markdown(CCD_COLUMNS, ccd))
    print(f"\n## retention records of examples/cells ({len(retention)})\n")
    print(markdown(RETENTION_COLUMNS, retention))


if __name__ == "__main__":
    main()
