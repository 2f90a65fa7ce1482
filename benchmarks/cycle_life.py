"""1,000 cycles of an example design with `nassb.cell.life.run_life` on one core, against issue 16's 30 s budget.

Design: examples/cells/nacro2-nyzc-nps-nasn.toml (NaCrO2 + NYZC | Na3PS4 | Na-Sn, 1 C, 40 C; its reference states
89.3 % retention after 1,000 cycles). The cell is resolved and its failure inputs built once (not timed); the run
of `--cycles` cycles (a rate-model discharge per cycle, interphases, contacts and Na pools advanced between cycles,
then the end-of-life counterfactual runs) is timed `--repeat` times, best reported; peak memory is one more run
under tracemalloc (Python allocations only). No peer library cycles a solid-state cell with interphase growth and
contact loss (PyBaMM's SEI submodels assume a liquid solvent), so the ratio printed is time / budget.

Run: python benchmarks/cycle_life.py [--cycles 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from _measure import peak_memory_MiB

from nassb.cell.design import read_design
from nassb.cell.life import run_life
from nassb.cell.resolve import resolve_cell
from nassb.interface.compatibility import check_interfaces
from nassb.interface.failure import prepare_life

DESIGN = Path(__file__).resolve().parents[1] / "examples" / "cells" / "nacro2-nyzc-nps-nasn.toml"
BUDGET_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    design = read_design(DESIGN)
    resolved = resolve_cell(design)
    inputs, _, _ = prepare_life(resolved, check_interfaces(design, resolved.parameters))
    best, result = float("inf"), None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = run_life(resolved.rate_parameters, inputs, args.cycles, stop_fraction=0.01)
        best = min(best, time.perf_counter() - start)
    memory = peak_memory_MiB(run_life, resolved.rate_parameters, inputs, args.cycles, stop_fraction=0.01)
    print(f"design: {DESIGN.name}; cycles run: {len(result.per_cycle)} ({result.stop_reason})")
    print(f"retention at the last cycle: {100 * result.per_cycle[-1].retention:.1f} %")
    print(f"wall time (best of {args.repeat}): {best:.2f} s = {1e3 * best / len(result.per_cycle):.2f} ms per cycle")
    print(f"time / {BUDGET_S:g} s budget: {best / BUDGET_S:.3f}; peak Python memory {memory:.1f} MiB")


if __name__ == "__main__":
    main()
