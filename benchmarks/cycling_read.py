"""nassb `read_cycling` + `summarise_cycling` against galvani (+ pandas) and cellpy: read-and-analyse time on the same
files.

Files (../shared/external): navani/*.mpr, yadg/gcpl*.mpr, yadg/mb.issue_218.mpr (BioLogic), cellpy/*.res and
navani/arbin_example.res (Arbin), cellpy/*.csv (Neware BTS export).

Pipelines, each from the path to per-cycle discharge capacities:
- nassb: `read_cycling(path)`, then `summarise_cycling` on the table's time_s, voltage_V, current_A and cycle
  columns (`--method`, default "hold": the logged current flowed over the interval ending at it, as EC-Lab's
  dq column and Arbin's counters integrate it); first_step is the sign of the first current above 1 % of max |I|.
- galvani (BioLogic .mpr only): `MPRfile(path).data` into a DataFrame; charge per row = I/mA x dt (the same hold
  rule) where the file has I/mA, else EC-Lab's own dq/mA.h; cycle = 'cycle number', else half cycle // 2 + 1
  (EC-Lab's cycle, as nassb reads it); discharge = -sum of the negative charges, grouped by cycle.
- cellpy: `cellpy.get(path, instrument=...)` (raw file, step table and summary; instruments biologics_mpr,
  arbin_res, neware_txt), discharge = `c.data.summary["discharge_capacity"]` in the raw units, scaled to mAh.
  Its Arbin reader runs mdbtools' `mdb-export` in a subprocess (nassb uses the pure-Python access-parser), so
  its traced memory leaves that process out.

Each pipeline is run once to warm up, then timed `--repeat` times (best is reported); peak memory is one more
run under tracemalloc (Python allocations only). speed-up = peer time / nassb time (> 1: nassb is faster).
Discharge capacities are compared cycle by cycle as (peer - nassb) / nassb over cycles that both report with
more than 1 % of the file's largest discharge. A peer that is not installed, or a missing ../shared, is skipped.

Run: python benchmarks/cycling_read.py [--repeat 5] [--method hold]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import importlib.metadata  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _measure import peak_memory_MiB

from nassb.core.errors import InputError  # noqa: E402
from nassb.echem.full_cell import summarise_cycling  # noqa: E402
from nassb.echem.readers import read_cycling  # noqa: E402

SHARED = Path(os.environ.get("NASSB_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "external"
FILES = (
    ("navani/*.mpr", "biologics_mpr"),
    ("yadg/gcpl*.mpr", "biologics_mpr"),
    ("yadg/mb.issue_218.mpr", "biologics_mpr"),
    ("cellpy/*.res", "arbin_res"),
    ("navani/arbin_example.res", "arbin_res"),
    ("cellpy/*.csv", "neware_txt"),
)
AGREEMENT_FLOOR = 0.01


def run_nassb(path: Path, method: str) -> dict[int, float]:
    table = read_cycling(path).table
    current = table["current_A"].to_numpy()
    if not np.any(current):
        return {}
    significant = current[np.abs(current) > 0.01 * np.abs(current).max()]
    summary = summarise_cycling(
        table["time_s"].to_numpy(),
        table["voltage_V"].to_numpy(),
        current,
        table["cycle"].to_numpy(),
        first_step="charge" if significant[0] > 0 else "discharge",
        method=method,
        source=path.name,
    )
    return {c.cycle: c.discharge_mAh for c in summary.cycles}


def run_galvani(path: Path) -> dict[int, float]:
    import pandas as pd
    from galvani.BioLogic import MPRfile

    frame = pd.DataFrame(MPRfile(str(path)).data)
    if "I/mA" in frame:
        charge = frame["I/mA"] * frame["time/s"].diff().fillna(0.0) / 3600.0
    elif "dq/mA.h" in frame:
        charge = frame["dq/mA.h"]
    else:
        return {}
    cycle = frame["cycle number"] if "cycle number" in frame else frame["half cycle"] // 2 + 1
    discharge = (-charge.clip(upper=0.0)).groupby(cycle.astype(int)).sum()
    return {int(k): float(v) for k, v in discharge.items()}


def run_cellpy(path: Path, instrument: str, log_dir: str) -> dict[int, float]:
    import cellpy

    cell = cellpy.get(str(path), instrument=instrument, logging_mode="CRITICAL", custom_log_dir=log_dir)
    if cell is None:
        raise RuntimeError("cellpy.get returned None")
    scale = {"Ah": 1000.0, "mAh": 1.0}[cell.data.raw_units.charge]
    return {int(k): float(v) * scale for k, v in cell.data.summary["discharge_capacity"].items()}


def best_time(call, repeat: int) -> tuple[float, dict[int, float]]:
    result = call()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return min(times), result


def agreement(reference: dict[int, float], other: dict[int, float]) -> str:
    floor = AGREEMENT_FLOOR * max([*reference.values(), *other.values(), 0.0])
    ours = {k for k, v in reference.items() if v > floor}
    theirs = {k for k, v in other.items() if v > floor}
    both = sorted(ours & theirs)
    if not both:
        return "no cycle with a discharge in both"
    diffs = [(other[k] - reference[k]) / reference[k] for k in both]
    text = " ".join(f"{k}:{d:+.1e}" for k, d in zip(both, diffs)) + f"  (max |diff| {max(abs(d) for d in diffs):.1e})"
    for label, only in (("only nassb", ours - theirs), ("only peer", theirs - ours)):
        if only:
            text += f"; cycles {label}: {sorted(only)}"
    return text


def peers_available() -> dict[str, str]:
    """Installed peers and their versions; prints why the others are skipped."""
    found = {}
    for name in ("galvani", "cellpy"):
        try:
            __import__(name)
            found[name] = importlib.metadata.version(name)
        except ImportError as exc:
            print(f"{name}: not installed, skipped ({exc})")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per pipeline and file (best is kept)")
    parser.add_argument("--method", choices=("hold", "trapezoid"), default="hold", help="nassb integration rule")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (set NASSB_SHARED)")
        return
    files = [(p, inst) for pattern, inst in FILES for p in sorted(SHARED.glob(pattern))]
    if not files:
        print(f"skipped: none of the cycler files under {SHARED}")
        return
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    import pandas as pd

    peers = peers_available()
    has_mdb = shutil.which("mdb-export") is not None
    print(
        f"{len(files)} files under {SHARED}; best of {args.repeat} after a warm-up; one thread; "
        f"nassb method={args.method}; "
        f"pandas {pd.__version__}; " + "; ".join(f"{k} {v}" for k, v in peers.items())
    )
    if "cellpy" in peers and not has_mdb:
        print("cellpy: mdb-export (mdbtools) not found, its Arbin .res runs are skipped")
    totals: dict[str, list[float]] = {name: [0.0, 0.0, 0] for name in peers}
    log_dir = tempfile.mkdtemp(prefix="cellpy-logs-")
    try:
        for path, instrument in files:
            try:
                t_nassb, ours = best_time(lambda path=path: run_nassb(path, args.method), args.repeat)
            except (InputError, ImportError) as exc:
                print(f"{path.parent.name}/{path.name}  nassb failed, file skipped: {type(exc).__name__}: {exc}")
                continue
            memory = {"nassb": peak_memory_MiB(lambda path=path: run_nassb(path, args.method))}
            calls = {}
            if "galvani" in peers and path.suffix == ".mpr":
                calls["galvani"] = lambda path=path: run_galvani(path)
            if "cellpy" in peers and (instrument != "arbin_res" or has_mdb):
                calls["cellpy"] = lambda path=path, instrument=instrument: run_cellpy(path, instrument, log_dir)
            n_rows = len(read_cycling(path))
            print(f"{path.parent.name}/{path.name}  ({n_rows} rows, {len(ours)} cycles)  nassb {1e3 * t_nassb:8.1f} ms")
            for name, call in calls.items():
                try:
                    t_peer, theirs = best_time(call, args.repeat)
                except Exception as exc:  # a peer's reader failing on a file is a result, not a crash
                    print(f"  {name:8s} failed: {type(exc).__name__}: {' '.join(str(exc).split())[:120]}")
                    continue
                memory[name] = peak_memory_MiB(call)
                totals[name][0] += t_nassb
                totals[name][1] += t_peer
                totals[name][2] += 1
                print(
                    f"  {name:8s} {1e3 * t_peer:8.1f} ms  speed-up {t_peer / t_nassb:6.2f}x  "
                    f"discharge (peer - nassb) / nassb per cycle: {agreement(ours, theirs)}"
                )
            print("  peak traced memory: " + ", ".join(f"{k} {v:.1f} MiB" for k, v in memory.items()))
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)
    print("totals over the files both read:")
    for name, (t_ours, t_theirs, n) in totals.items():
        if n:
            print(
                f"  vs {name:8s} {n:2d} files  nassb {t_ours:7.3f} s  {name} {t_theirs:7.3f} s  "
                f"speed-up {t_theirs / t_ours:6.2f}x"
            )
        else:
            print(f"  vs {name:8s} no file read by both")


if __name__ == "__main__":
    main()
