"""nassb `run_nvt` against a bare CHGNetCalculator + ASE Langevin loop: wall time per MD step and memory.

Structure: cubic Na3PS4 (I-43m, a = 6.9965 A; Jansen and Henseler 1992), the 16-atom cell repeated
`--supercell` times along each axis (2 gives 128 atoms). Both pipelines run the same number of steps of 2 fs
at 800 K with the same friction (0.001 fs^-1) and the same CHGNet model, loaded once before timing.
- bare: `Atoms` + `CHGNetCalculator`, Maxwell-Boltzmann velocities, `Langevin(...).run(steps)`.
- nassb: `run_nvt` (FixCom, unwrapped Na positions every 10 steps, no equilibration), once without and once
  with a checkpoint every 100 steps.
A short warm-up of each is run first. The pipelines are timed in `--repeat` interleaved rounds, best
reported (the machine may be shared); peak Python
memory is one more run under tracemalloc (torch's own allocations are not traced: see the process max RSS).
Torch threads: `--threads` (default 1: on a shared 2-core machine two threads stall under contention).

Run: python benchmarks/md_overhead.py [--supercell 1] [--steps 100] [--repeat 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from _measure import peak_memory_MiB

from nassb.transport import mlip
from nassb.transport.md import MDSettings, run_nvt

TEMPERATURE_K = 800.0
TIMESTEP_FS = 2.0
FRICTION_PER_FS = 0.001


def na3ps4(supercell: int):
    from pymatgen.core import Lattice, Structure

    cell = Structure.from_spacegroup(
        "I-43m", Lattice.cubic(6.9965), ["Na", "P", "S"], [[0, 0.5, 0.5], [0, 0, 0], [0.1694, 0.1694, 0.1694]]
    )
    return cell * (supercell, supercell, supercell)


def bare(structure, steps: int) -> None:
    from ase import units
    from ase.md.langevin import Langevin
    from ase.md.velocitydistribution import thermalize_momenta
    from chgnet.model.dynamics import CHGNetCalculator

    atoms = mlip.to_atoms(structure)
    with contextlib.redirect_stdout(io.StringIO()):
        atoms.calc = CHGNetCalculator(model=mlip.load_model(), use_device="cpu")
    thermalize_momenta(atoms, temperature_K=TEMPERATURE_K, rng=np.random.default_rng(0))
    with mlip.quiet():
        Langevin(
            atoms,
            timestep=TIMESTEP_FS * units.fs,
            temperature_K=TEMPERATURE_K,
            friction=FRICTION_PER_FS / units.fs,
            fixcm=False,
            rng=np.random.default_rng(1),
        ).run(steps)


def nassb(structure, steps: int, checkpoint: bool = False) -> None:
    settings = MDSettings(
        temperature_K=TEMPERATURE_K,
        time_ps=steps * TIMESTEP_FS / 1000.0,
        timestep_fs=TIMESTEP_FS,
        equilibration_ps=0.0,
        sample_every=10,
        friction_per_fs=FRICTION_PER_FS,
    )
    if not checkpoint:
        run_nvt(structure, settings)
        return
    with tempfile.TemporaryDirectory() as folder:
        run_nvt(structure, settings, checkpoint_path=Path(folder) / "md.npz", checkpoint_every=100)


def best_times(pipelines: dict, repeat: int) -> dict[str, float]:
    """Best wall time of each pipeline, the pipelines interleaved in every round so that load drifts hit all."""
    times = {name: [] for name in pipelines}
    for _ in range(repeat):
        for name, call in pipelines.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supercell", type=int, default=1)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    structure = na3ps4(args.supercell)

    start = time.perf_counter()
    mlip.load_model()
    print(
        f"CHGNet {mlip.load_model().version} load {time.perf_counter() - start:.2f} s (not counted); "
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
    )
    print(
        f"Na3PS4, {len(structure)} atoms, {args.steps} steps of {TIMESTEP_FS:g} fs at {TEMPERATURE_K:g} K, "
        f"best of {args.repeat}"
    )
    bare(structure, 1)
    nassb(structure, 30)

    pipelines = {
        "bare ASE+CHGNet": lambda: bare(structure, args.steps),
        "nassb run_nvt": lambda: nassb(structure, args.steps),
        "nassb +checkpoint": lambda: nassb(structure, args.steps, checkpoint=True),
    }
    timings = best_times(pipelines, args.repeat)
    memory = {name: peak_memory_MiB(call) for name, call in pipelines.items()}
    print(f"{'pipeline':18s} {'wall s':>8s} {'s/step':>8s} {'peak MiB':>9s}")
    for name, seconds in timings.items():
        print(f"{name:18s} {seconds:8.2f} {seconds / args.steps:8.4f} {memory[name]:9.1f}")
    for name in ("nassb run_nvt", "nassb +checkpoint"):
        print(f"overhead {name} vs bare: {timings[name] / timings['bare ASE+CHGNet']:6.3f}x")
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
