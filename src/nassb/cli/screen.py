"""`nassb screen`: many candidate structures through the screening tiers on Dask, into a store that resumes."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from nassb.cli._output import console, parse_positive_numbers, progress_bar, write_json
from nassb.core.errors import InputError

screen_app = typer.Typer(
    help="Screen many candidate structures in tiers (validity, BVSE, stability, MD) on Dask, with a resumable store.",
    no_args_is_help=True,
)
_STORE = typer.Argument(..., help="The screen's folder (made by `nassb screen run --store`).")
_WORKERS = typer.Option(None, "--workers", help="Local Dask worker processes (default 1).")
_SCHEDULER = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786.")
_CLUSTER = typer.Option("local", "--cluster", help="local, or a batch system through dask-jobqueue: slurm, pbs, sge.")
_JOBS = typer.Option(1, "--jobs", help="Batch jobs to start with --cluster slurm/pbs/sge.")


def _summary(counts: dict[str, dict[str, int]]) -> None:
    table = Table("tier", "pending", "done", "failed")
    for tier, statuses in sorted(counts.items()):
        table.add_row(tier, *(str(statuses.get(status, 0)) for status in ("pending", "done", "failed")))
    console.print(table)


def _check_execution(workers, scheduler, cluster) -> None:
    """The execution options, checked before a store is made or touched."""
    from nassb.screen.run import CLUSTERS

    if workers is not None and scheduler is not None:
        raise InputError("command line", "--workers / --scheduler", "one of them, not both", f"{workers}, {scheduler}")
    if cluster not in CLUSTERS:
        raise InputError("command line", "--cluster", f"one of {', '.join(CLUSTERS)}", cluster)


def _check_cathode(cathode: str, entries: Path | None) -> None:
    """The tier-2 cathode resolved on the entries before anything runs (a bad name would fail every candidate)."""
    from nassb.thermo.entries import available_entries
    from nassb.thermo.reactivity import reactant

    if entries is not None and not entries.is_file():
        raise InputError(str(entries), "--entries", "a JSON file of computed entries")
    reactant(cathode, available_entries(entries))


def _run(store, workers, scheduler, cluster, jobs) -> None:
    from nassb.screen.run import run_screen

    with progress_bar("screening", rate=True) as update:
        counts = run_screen(store, workers, scheduler, cluster, jobs, progress=update)
    _summary(counts)


@screen_app.command("run")
def run(
    candidates: Path = typer.Argument(
        ..., help="A folder of CIF, POSCAR or pymatgen-JSON structure files, or a generation spec (TOML)."
    ),
    store_dir: Path = typer.Option(..., "--store", help="A new folder for the screen's ledger and results."),
    tiers: str = typer.Option(
        "0,1", "--tiers", help="Tiers to run, comma-separated: 0 validity, 1 BVSE, 2 relaxation and stability, 3 MD."
    ),
    filters: list[str] = typer.Option([], "--filter", help='Keep candidates for the next tier, e.g. "Ea_3D_eV < 0.5".'),
    chunk_size: int = typer.Option(8, "--chunk-size", help="Candidates per Dask task."),
    resolution_A: float = typer.Option(0.2, "--resolution-A", help="BVSE grid step, Angstrom."),
    cathode: str = typer.Option("NaCrO2", "--cathode", help="Tier 2: the cathode each candidate is reacted with."),
    entries: Path | None = typer.Option(
        None, "--entries", help="Tier 2: computed entries (JSON) added to the shipped reference set."
    ),
    top_k: int = typer.Option(5, "--top-k", help="Tier 3: MD for this many candidates, the best by --rank-by."),
    rank_by: str = typer.Option(
        "Ea_3D_eV", "--rank-by", help="Tier 3 ranking field, smallest first; -FIELD for largest first."
    ),
    md_temperatures: str = typer.Option("700,850,1000", "--md-temperatures", help="Tier 3: MD temperatures, K."),
    md_time_ps: float = typer.Option(20.0, "--md-time-ps", help="Tier 3: production time per temperature, ps."),
    md_equilibration_ps: float = typer.Option(2.0, "--md-equilibration-ps", help="Tier 3: equilibration, ps."),
    md_min_atoms: int = typer.Option(96, "--md-min-atoms", help="Tier 3: smallest MD supercell, atoms."),
    workers: int | None = _WORKERS,
    scheduler: str | None = _SCHEDULER,
    cluster: str = _CLUSTER,
    jobs: int = _JOBS,
) -> None:
    """Read the candidates, register them in a new store and run the tiers."""
    import nassb
    from nassb.screen.candidates import load_candidates
    from nassb.screen.store import Store
    from nassb.screen.tiers import TIER_NAMES, parse_filter, rank_key

    try:
        chosen = sorted({int(part) for part in tiers.split(",") if part.strip()})
    except ValueError:
        raise InputError("command line", "--tiers", "comma-separated tier numbers, e.g. 0,1", tiers) from None
    if not chosen or chosen[0] != 0 or any(tier not in TIER_NAMES for tier in chosen):
        raise InputError("command line", "--tiers", f"tiers from {sorted(TIER_NAMES)} starting at 0", tiers)
    for text in filters:
        parse_filter(text)
    rank_key(rank_by)
    temperatures = parse_positive_numbers(md_temperatures, "--md-temperatures", "700,850,1000 (K)")
    if 2 in chosen:
        _check_cathode(cathode, entries)
    _check_execution(workers, scheduler, cluster)
    store = Store(store_dir)
    if store.exists():
        raise InputError(str(store_dir), "--store", "a new folder (this one holds a screen: `nassb screen resume` it)")
    rows, duplicates = load_candidates(candidates)
    store.create(
        {
            "candidates": str(candidates),
            "tiers": chosen,
            "filters": list(filters),
            "chunk_size": chunk_size,
            "resolution_A": resolution_A,
            "cathode": cathode,
            "entries": str(entries.resolve()) if entries is not None else None,
            "top_k": top_k,
            "rank_by": rank_by,
            "md_temperatures_K": temperatures,
            "md_time_ps": md_time_ps,
            "md_equilibration_ps": md_equilibration_ps,
            "md_min_atoms": md_min_atoms,
            "nassb_version": nassb.__version__,
        }
    )
    store.add_candidates(rows)
    console.print(
        f"{len(rows)} candidates ({sum(1 for row in rows if row[4])} unreadable), {len(duplicates)} duplicates dropped"
    )
    _run(store, workers, scheduler, cluster, jobs)


@screen_app.command("resume")
def resume(
    store_dir: Path = _STORE,
    workers: int | None = _WORKERS,
    scheduler: str | None = _SCHEDULER,
    cluster: str = _CLUSTER,
    jobs: int = _JOBS,
) -> None:
    """Continue a screen that was stopped or killed: what is done stays done, the rest runs."""
    from nassb.screen.store import Store

    _check_execution(workers, scheduler, cluster)
    store = Store(store_dir)
    store.settings()
    _run(store, workers, scheduler, cluster, jobs)


@screen_app.command("status")
def status(
    store_dir: Path = _STORE, json_path: Path | None = typer.Option(None, "--json", help="Also write JSON.")
) -> None:
    """Counts of candidates by tier and status, and the failures with their reasons."""
    from nassb.screen.store import Store

    store = Store(store_dir)
    store.settings()
    counts = store.status()
    _summary(counts)
    failures = store.failures()
    for name, tier, error, attempts in failures:
        console.print(f"failed: {name} (tier {tier}, {attempts} attempt(s)): {error}", soft_wrap=True)
    if json_path is not None:
        write_json(
            json_path,
            {"counts": counts, "failures": [dict(zip(("name", "tier", "error", "attempts"), f)) for f in failures]},
        )


@screen_app.command("export")
def export(
    store_dir: Path = _STORE,
    output: Path = typer.Argument(..., help="results.parquet or results.csv: one row per candidate and tier."),
) -> None:
    """Every result of the screen as one table, with each row's content key."""
    from nassb.core.io import check_output_path, write_atomic
    from nassb.screen.store import Store

    if output.suffix.lower() not in (".parquet", ".csv"):
        raise InputError("command line", "OUTPUT", "a .parquet or .csv file name", str(output))
    check_output_path(output, "OUTPUT")
    store = Store(store_dir)
    store.settings()
    table = store.results()
    if output.suffix.lower() == ".parquet":
        write_atomic(output, lambda path: table.to_parquet(path, index=False))
    else:
        write_atomic(output, lambda path: table.to_csv(path, index=False))
    console.print(f"wrote {output} ({len(table)} rows)")


@screen_app.command("report")
def report(
    store_dir: Path = _STORE,
    output: Path = typer.Option(..., "--output", "-o", help="The report, one self-contained HTML file."),
    top: int = typer.Option(5, "--top-k", help="Candidates that get a section with their figures."),
    rank_by: str | None = typer.Option(
        None, "--rank-by", help="Ranking field, smallest first; -FIELD for largest first (default: the screen's)."
    ),
) -> None:
    """The ranked table with every tier's numbers and their provenance, Pareto plots and the top candidates."""
    from nassb.core.io import check_output_path
    from nassb.report.screen_report import write_screen_report
    from nassb.screen.store import Store
    from nassb.screen.tiers import rank_key

    if output.suffix.lower() != ".html":
        raise InputError("command line", "--output", "an .html file name", str(output))
    if rank_by is not None:
        rank_key(rank_by)
    check_output_path(output, "--output")
    store = Store(store_dir)
    store.settings()
    with progress_bar("drawing the top candidates") as update:
        write_screen_report(store, output, top, rank_by, progress=update)
    console.print(f"wrote {output}")
