"""Running a screen on dask.distributed: chunks of candidates per task, results into the store as they finish."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager, nullcontext

from nassb.core.errors import InputError

CLUSTERS = ("local", "slurm", "pbs", "sge")
# one core per worker: numerical libraries must not start their own thread pools in every worker process
SINGLE_THREADED = {
    name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
}


def run_chunk(tier: int, items: list[tuple[str, str, str, str]], settings: dict) -> tuple[list[dict], dict[str, str]]:
    """Run one tier on (name, candidate key, structure JSON, source) items on a worker: (records, failures); a
    candidate that raises is a failure with its message and does not stop the others."""
    from nassb.screen.candidates import task_key
    from nassb.screen.tiers import TIERS, tier_options

    function = TIERS[tier]
    options = tier_options(tier, settings)
    records, failures = [], {}
    for name, candidate_key, structure, source in items:
        try:
            record = function(json.loads(structure), source, **options)
        except Exception as error:  # a candidate's failure is recorded, whatever it is
            failures[name] = f"{type(error).__name__}: {error}"
            continue
        records.append({"name": name, "content_key": task_key(candidate_key, tier, options), **record})
    return records, failures


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, cluster: str = "local", jobs: int = 1):
    """A dask.distributed client: an existing scheduler, a batch-system cluster through dask-jobqueue, or an
    in-process local cluster of `workers` single-threaded worker processes."""
    from distributed import Client, LocalCluster

    if cluster not in CLUSTERS:
        raise InputError("command line", "--cluster", f"one of {', '.join(CLUSTERS)}", cluster)
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    if cluster != "local":
        import dask_jobqueue

        kind = {"slurm": dask_jobqueue.SLURMCluster, "pbs": dask_jobqueue.PBSCluster, "sge": dask_jobqueue.SGECluster}
        with kind[cluster](cores=1, memory="4GB", processes=1) as batch, Client(batch) as client:
            batch.scale(jobs=jobs)
            yield client
        return
    import dask

    # distributed's nannies set MALLOC_TRIM_THRESHOLD_=65536 in every worker; any fixed value turns off glibc's
    # adaptive mmap threshold, and the large temporary arrays of the BVSE grid then cost page faults: the same
    # candidates ran 2.1x slower (4.7 s against 2.3 s for 8). The local cluster's workers keep glibc's default.
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
        LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
            env=SINGLE_THREADED,
        ) as local,
        Client(local) as client,
    ):
        yield client


def merged_records(results, below_tier: int | None = None) -> dict[str, dict]:
    """name -> every field its tiers (those below `below_tier`, or all) recorded, one dict per candidate."""
    import pandas as pd

    rows = results if below_tier is None else results[results["tier"] < below_tier]
    merged: dict[str, dict] = {}
    for row in rows.to_dict("records"):
        fields = merged.setdefault(row["name"], {})
        missing = [key for key, value in row.items() if pd.api.types.is_scalar(value) and pd.isna(value)]
        fields.update({key: value for key, value in row.items() if key not in missing})
    return merged


def _eligible(store, tier: int, filters: list[tuple[str, str, float]], settings: dict) -> list[str]:
    """The candidates done at the tier before whose fields from every tier so far pass the filters; for the MD tier
    only the `top_k` of them by `rank_by`."""
    from nassb.screen.tiers import DEFAULT_SETTINGS, passes, rank_key

    results = store.results()
    merged = merged_records(results, tier)
    before = set(results.loc[results["tier"] == tier - 1, "name"])
    names = sorted(name for name in before if passes(merged[name], filters))
    if tier == 3:
        field, descending = rank_key(settings.get("rank_by", DEFAULT_SETTINGS["rank_by"]))
        ranked = [name for name in names if isinstance(merged[name].get(field), int | float)]
        ranked.sort(key=lambda name: (-merged[name][field] if descending else merged[name][field], name))
        names = ranked[: settings.get("top_k", DEFAULT_SETTINGS["top_k"])]
    return names


def _inputs(store, tier: int, names: list[str]) -> dict[str, tuple[str, str, str | None]]:
    """name -> (structure JSON, source, load error) for a tier: the registered structure, and for the MD tier the
    one tier 2 relaxed."""
    structures = store.structures(names) if names else {}
    if tier == 3 and names:
        results = store.results()
        relaxed = results[(results["tier"] == 2) & results["name"].isin(names)]
        for name, document in zip(relaxed["name"], relaxed["relaxed_structure"]):
            structures[name] = (document, f"{structures[name][1]} (relaxed at tier 2)", None)
    return structures


def _chunk_id(tier: int, names: list[str]) -> str:
    return hashlib.sha256(json.dumps([tier, names]).encode()).hexdigest()[:12]


@contextmanager
def _worker_deaths(client):
    """Yields take(key) -> how many times a worker died while it held that task, counted while the block runs: the
    scheduler's "remove-worker" events (topic "all") name the tasks the worker was processing, and Dask reruns them
    elsewhere. Events arrive on the client's event loop, at no cost to the workers."""
    lock = threading.Lock()
    deaths: Counter[str] = Counter()

    def take(key: str) -> int:
        with lock:
            return deaths.pop(key, 0)

    def handler(event) -> None:
        _, message = event
        if isinstance(message, dict) and message.get("action") == "remove-worker" and not message.get("expected"):
            with lock:
                deaths.update(message.get("processing-tasks", ()))

    client.subscribe_topic("all", handler)
    try:
        yield take
    finally:
        client.unsubscribe_topic("all")


def _outcome(future, chunk: list[str]) -> tuple[list[dict], dict[str, str]]:
    """A finished chunk's (records, failures); a chunk whose task failed as a whole (its workers died, e.g. out of
    memory: distributed's KilledWorker after `allowed-failures`) fails each of its candidates with that error."""
    if future.status == "error":
        error = future.exception()
        return [], {name: f"{type(error).__name__}: {error}" for name in chunk}
    return future.result()


def run_screen(
    store,
    workers: int | None = None,
    scheduler: str | None = None,
    cluster: str = "local",
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    client=None,
) -> dict[str, dict[str, int]]:
    """Run (or resume) every tier of the store's screen; returns the ledger's counts by tier and status. `client`:
    a dask.distributed Client to use instead of making one.

    Each chunk's attempt is counted when it is submitted, and once more for every time a worker died while holding
    it (distributed reschedules it on another worker); a chunk whose workers died too often fails its candidates."""
    from distributed import as_completed

    from nassb.screen.tiers import parse_filter

    settings = store.settings()
    filters = [parse_filter(text) for text in settings.get("filters", [])]
    run_id = uuid.uuid4().hex[:8]
    with store.locked():
        store.reconcile()
        total = sum(len(store.pending(tier)) for tier in settings["tiers"])
        finished = 0
        with (
            nullcontext(client) if client is not None else dask_client(workers, scheduler, cluster, jobs) as client,
            _worker_deaths(client) as reruns_of,
        ):
            for index, tier in enumerate(settings["tiers"]):
                if index > 0:
                    store.ensure_tasks(tier, _eligible(store, tier, filters, settings))
                    total += len(store.pending(tier))
                names = store.pending(tier)
                structures = _inputs(store, tier, names)
                keys = _candidate_keys(store, names)
                failed_to_load = {n: structures[n][2] for n in names if structures[n][2]}
                if failed_to_load:
                    store.count_attempt(tier, list(failed_to_load))
                    store.write_chunk(tier, _chunk_id(tier, sorted(failed_to_load)), [], failed_to_load)
                runnable = [n for n in names if n not in failed_to_load]
                size = settings["chunk_size"]
                chunks = [runnable[i : i + size] for i in range(0, len(runnable), size)]
                futures = {}
                for chunk in chunks:
                    store.count_attempt(tier, chunk)
                    items = [(n, keys[n], structures[n][0], structures[n][1]) for n in chunk]
                    key = f"nassb-screen-{run_id}-tier{tier}-{_chunk_id(tier, chunk)}"
                    futures[client.submit(run_chunk, tier, items, settings, key=key, pure=False)] = chunk
                finished += len(failed_to_load)
                for future in as_completed(futures):
                    chunk = futures.pop(future)
                    records, failures = _outcome(future, chunk)
                    reruns = reruns_of(future.key)
                    if reruns:
                        store.count_attempt(tier, chunk, reruns)
                    store.write_chunk(tier, _chunk_id(tier, chunk), records, failures)
                    finished += len(chunk)
                    if progress is not None:
                        progress(finished, total)
    return store.status()


def _candidate_keys(store, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    with store.ledger() as db:
        rows = db.execute(
            f"SELECT name, content_key FROM candidates WHERE name IN ({','.join('?' * len(names))})", names
        ).fetchall()
    return dict(rows)
