"""`nassb db`: list, show, query, plot and export the knowledge base."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer
from rich.table import Table

from nassb.cli._output import (
    console,
    format_number,
    json_option,
    output_check,
    output_file_option,
    reported_value,
    status_messages,
    write_json,
)
from nassb.core.errors import InputError
from nassb.core.io import write_atomic, write_text_atomic
from nassb.kb import OUTPUT_COLUMNS, RecordFilter, default_knowledge_base, select, summary_counts, to_plain_records

db_app = typer.Typer(help="Query, plot and export the knowledge base of the seed reviews.", no_args_is_help=True)
plot_app = typer.Typer(help="Knowledge-base figures as PNG and interactive HTML.", no_args_is_help=True)
db_app.add_typer(plot_app, name="plot")


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@db_app.command("list")
def list_records(json_path: Path | None = json_option("Also write the counts to this JSON file.")) -> None:
    """Record counts by family and role, by seed and by flag."""
    knowledge_base = default_knowledge_base()
    records = knowledge_base.records
    table = Table(title=f"nassb knowledge base: {len(records)} records")
    roles = ["electrolyte", "cathode", "anode", "interlayer", "cell", "symmetric_cell"]
    role_or_other = records["role"].where(records["role"].isin(roles), "other")
    crosstab = records.groupby(["family", role_or_other]).size().unstack(fill_value=0)
    columns = [role for role in [*roles, "other"] if role in crosstab.columns]
    table.add_column("family")
    for role in columns:
        table.add_column(role.replace("symmetric_cell", "sym. cell"), justify="right")
    table.add_column("total", justify="right")
    for family in crosstab.sum(axis=1).sort_values(ascending=False).index:
        table.add_row(
            family, *(str(crosstab.at[family, role]) for role in columns), str(int(crosstab.loc[family].sum()))
        )
    console.print(table)
    counts = summary_counts(knowledge_base)
    for name in ("seed", "flag"):
        sub = Table(title=f"records by {name}")
        sub.add_column(name)
        sub.add_column("records", justify="right")
        for key, count in counts[name].items():
            sub.add_row(str(key), str(count))
        console.print(sub)
    if json_path:
        write_json(
            json_path,
            {name: {str(k): int(v) for k, v in series.items()} for name, series in counts.items()}
            | {"total": len(records)},
        )


@db_app.command("systems")
def list_systems(
    examples: Path | None = typer.Option(
        None, "--examples", help="Examples folder to look for example cells in (default: the repository's, if any)."
    ),
    json_path: Path | None = json_option("Also write the table to this JSON file."),
) -> None:
    """Every system the reviews discuss (DOMAIN.md section 1) and what nassb can do with it: knowledge-base records,
    a published structure, offline stability entries, a cell library entry, an example cell."""
    from nassb.evaluate.systems import repository_examples, system_coverage

    if examples is not None and not (examples / "cells").is_dir():
        raise InputError("command line", "--examples", "a folder with a cells/ subfolder of designs", str(examples))
    with status_messages("checking every system"):
        rows = system_coverage(default_knowledge_base(), examples or repository_examples())
    table = Table(title=f"{len(rows)} systems of the reviews (DOMAIN.md section 1)")
    for column in ("system", "role", "KB records", "structure", "stability", "cell library", "example cells"):
        table.add_column(column, justify="right" if column == "KB records" else "left")
    for row in rows:
        table.add_row(
            row.name,
            row.role,
            str(row.kb_records),
            row.structure or "-",
            row.stability or "-",
            row.cell_library or "-",
            row.examples or "-",
        )
    console.print(table)
    gaps = [row.name for row in rows if not row.cell_library]
    console.print(f"{len(gaps)} systems without a cell library entry")
    if json_path:
        write_json(json_path, {"systems": [row.to_dict() for row in rows]})


@db_app.command("show")
def show(record_id: str = typer.Argument(..., help="A record id, e.g. 000-0001.")) -> None:
    """Every field of one record, and its number as a cited Value."""
    knowledge_base = default_knowledge_base()
    row = knowledge_base.record(record_id)
    table = Table(title=f"record {record_id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for column in OUTPUT_COLUMNS:
        text = row[column]
        table.add_row(column, format_number(text) if isinstance(text, float) else str(text))
    console.print(table)
    console.print(str(knowledge_base.value(record_id)), highlight=False)


@db_app.command("query")
def query(
    family: str | None = typer.Option(None, help="Material family, e.g. sulfide, nasicon, halide."),
    role: str | None = typer.Option(None, help="electrolyte, cathode, anode, cell, symmetric_cell, ..."),
    property: str | None = typer.Option(None, "--property", help="e.g. ionic_conductivity, activation_energy."),
    min_value: float | None = typer.Option(
        None, "--min", help="Lower bound in the property's canonical unit (S/cm, eV, V, mAh/g, ...)."
    ),
    max_value: float | None = typer.Option(None, "--max", help="Upper bound in the canonical unit."),
    tmin_K: float | None = typer.Option(
        None, "--tmin-K", help="Lowest measurement temperature, K (RT counts as 298.15 K)."
    ),
    tmax_K: float | None = typer.Option(None, "--tmax-K", help="Highest measurement temperature, K."),
    text: str | None = typer.Option(
        None, "--text", help="Case-insensitive text in system, formula, notes, conditions or cell parts."
    ),
    seed: str | None = typer.Option(None, "--seed", help="Seed file prefix, e.g. 000."),
    exclude_flag: list[str] = typer.Option([], "--exclude-flag", help="Leave out records with this flag (repeatable)."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="How to print the records."),
    json_path: Path | None = json_option("Write the records to this JSON file."),
    csv_path: Path | None = output_file_option(None, "Write the records to this CSV file.", "--csv"),
) -> None:
    """Select records by family, role, property, value, temperature and text."""
    knowledge_base = default_knowledge_base()
    selection = select(
        knowledge_base,
        RecordFilter(
            family=family,
            role=role,
            property=property,
            min_value=min_value,
            max_value=max_value,
            min_temperature_K=tmin_K,
            max_temperature_K=tmax_K,
            text=text,
            seed=seed,
            exclude_flags=tuple(exclude_flag),
        ),
    )
    plain = to_plain_records(selection)
    if json_path:
        write_json(json_path, plain)
    if csv_path:
        write_atomic(csv_path, lambda path: selection[list(OUTPUT_COLUMNS)].to_csv(path, index=False))
        console.print(f"wrote {csv_path}")
    if output is OutputFormat.json:
        typer.echo(json.dumps(plain, indent=2, ensure_ascii=False))
    elif output is OutputFormat.csv:
        typer.echo(selection[list(OUTPUT_COLUMNS)].to_csv(index=False), nl=False)
    else:
        _print_table(selection)


def _print_table(selection) -> None:
    table = Table(title=f"{len(selection)} records")
    table.add_column("id", no_wrap=True, min_width=9)
    table.add_column("system", max_width=28, overflow="ellipsis", no_wrap=True)
    table.add_column("property", max_width=18, overflow="ellipsis", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True, min_width=7)
    table.add_column("unit", no_wrap=True, min_width=5)
    table.add_column("T (K)", justify="right", no_wrap=True, min_width=6)
    table.add_column("locator", max_width=22, overflow="ellipsis", no_wrap=True)
    table.add_column("flags", max_width=14, overflow="ellipsis", no_wrap=True)
    for row in selection.itertuples():
        table.add_row(
            row.record_id,
            row.system,
            row.property,
            reported_value(row),
            row.unit,
            format_number(row.temperature_K),
            f"{row.seed_file[:3]} {row.locator}",
            row.flags.replace(";", " "),
        )
    console.print(table)


def _prefix_option(default: str):
    return output_file_option(
        Path(default), "Output prefix: writes PREFIX.png and PREFIX.html.", "--output", "-o", suffixes=(".png", ".html")
    )


@plot_app.command("arrhenius")
def plot_arrhenius(
    output: Path = _prefix_option("kb-arrhenius"), family: str | None = typer.Option(None, help="Only this family.")
) -> None:
    """log10 sigma against 1000/T for every conductivity in the knowledge base, coloured by family."""
    from nassb.report.figures import write_png_and_html
    from nassb.report.kb_figures import arrhenius_figures, arrhenius_points

    RecordFilter(family=family).check()
    points = arrhenius_points(default_knowledge_base(), family=family)
    if points.empty:
        raise InputError("plot arrhenius", "--family", "a family with conductivity records", family)
    for path in write_png_and_html(*arrhenius_figures(points), output):
        console.print(f"wrote {path}")


@plot_app.command("window")
def plot_window(output: Path = _prefix_option("kb-window")) -> None:
    """Room-temperature conductivity against the reported oxidation limit, per material."""
    from nassb.report.figures import write_png_and_html
    from nassb.report.kb_figures import window_figures, window_points

    points = window_points(default_knowledge_base())
    for path in write_png_and_html(*window_figures(points), output):
        console.print(f"wrote {path}")
    console.print(f"{len(points)} materials with both a room-temperature conductivity and an oxidation limit")


@db_app.command("export")
def export(
    path: Path = typer.Argument(..., help="Output file: .csv, .json or .parquet.", callback=output_check("PATH")),
) -> None:
    """Every record, with its normalised columns and flags, as CSV, JSON or Parquet (by suffix)."""
    selection = default_knowledge_base().records.sort_values("record_id")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_atomic(path, lambda target: selection[list(OUTPUT_COLUMNS)].to_csv(target, index=False))
    elif suffix == ".json":
        write_text_atomic(path, json.dumps(to_plain_records(selection), indent=2, ensure_ascii=False))
    elif suffix == ".parquet":
        write_atomic(path, lambda target: selection[list(OUTPUT_COLUMNS)].to_parquet(target, index=False))
    else:
        raise InputError(str(path), "suffix", "one of .csv, .json, .parquet", suffix or "(none)")
    console.print(f"wrote {len(selection)} records to {path}")


@db_app.command("validate")
def validate() -> None:
    """Print every problem the loader found (flagged records: charge balance, units, duplicates)."""
    knowledge_base = default_knowledge_base()
    for issue in knowledge_base.issues:
        console.print(issue, highlight=False, markup=False)
    console.print(f"{len(knowledge_base.issues)} issues in {len(knowledge_base)} records")
