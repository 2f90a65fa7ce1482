"""nassb `bvse_barriers` against bvlain's `Lain` (BVSE landscape + percolation barriers) on the same structures.

Both get the same oxidation-state-decorated structure, the same softBV parameters (read from bvlain's tables),
the same screening factor (0.74), ASE covalent radii and the same grid points (bvlain's linspace grid without its
repeated faces); bvlain sums the 100 nearest framework ions within 10 A, nassb all ions within 10 A. Structures:
the two real files in ../shared/external (cubic Na3PS4 AIMD 2x2x2 supercell, COD NaYS2) and cells built from
their space groups. Prints per structure the atom count, the wall time of each (warm: one untimed call first),
the speed ratio, the 1D/2D/3D barriers of both, the largest barrier difference and the peak traced memory.

Run: python benchmarks/bvse_vs_bvlain.py [--resolution 0.2] [--skip-large]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import math
import time
import warnings
from pathlib import Path

from _measure import peak_memory_MiB
from pymatgen.core import Lattice, Structure

from nassb.transport.bvse import bvlain_barriers, bvse_barriers

SHARED = Path(os.environ.get("NASSB_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "external"


def structures(skip_large: bool) -> list[tuple[str, Structure]]:
    """Cells from space groups (literature lattice constants) and the real files, if present."""
    out = [
        # Jansen & Henseler 1992, J. Solid State Chem. 99, 110
        (
            "c-Na3PS4 (I-43m)",
            Structure.from_spacegroup(
                "I-43m", Lattice.cubic(6.9965), ["Na", "P", "S"], [[0, 0.5, 0.5], [0, 0, 0], [0.1694] * 3]
            ),
        ),
        (
            "Na3OBr (Pm-3m)",
            Structure.from_spacegroup(
                "Pm-3m", Lattice.cubic(4.57), ["Na", "O", "Br"], [[0.5, 0, 0], [0.5, 0.5, 0.5], [0, 0, 0]]
            ),
        ),
        (
            "NaCl (Fm-3m)",
            Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]),
        ),
        (
            "Na2S (Fm-3m)",
            Structure.from_spacegroup("Fm-3m", Lattice.cubic(6.54), ["Na", "S"], [[0.25, 0.25, 0.25], [0, 0, 0]]),
        ),
    ]
    cif = SHARED / "cod-tools" / "COD_2019542_NaYS2.cif"
    if cif.is_file():
        out.append(("NaYS2 (COD 2019542)", Structure.from_file(cif)))
    cif = SHARED / "pymatgen-analysis-diffusion" / "cNa3PS4.cif"
    if cif.is_file() and not skip_large:
        out.append(("c-Na3PS4 AIMD 2x2x2", Structure.from_file(cif)))
    return out


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def barriers(result) -> str:
    return "/".join("inf" if math.isinf(v) else f"{v:.3f}" for v in (result.Ea_1D_eV, result.Ea_2D_eV, result.Ea_3D_eV))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=float, default=0.2, help="grid resolution in Angstrom (both codes)")
    parser.add_argument("--skip-large", action="store_true", help="leave out the 128-atom AIMD cell (bvlain ~40 s)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    cases = structures(args.skip_large)
    bvse_barriers(cases[0][1], resolution_A=args.resolution)
    bvlain_barriers(cases[0][1], resolution_A=args.resolution)

    print(f"resolution {args.resolution} A; barriers Ea_1D/2D/3D in eV (inf: none below 10 eV)")
    print(
        f"{'structure':24s} {'atoms':>5s} {'grid':>12s} {'bvlain s':>9s} {'nassb s':>8s} {'ratio':>6s} "
        f"{'bvlain Ea':>20s} {'nassb Ea':>20s} {'max|dEa|':>9s} {'bvlain MiB':>10s} {'nassb MiB':>9s}"
    )
    total_ours = total_reference = 0.0
    for name, structure in cases:
        ours, t_ours = timed(bvse_barriers, structure, resolution_A=args.resolution)
        reference, t_reference = timed(bvlain_barriers, structure, resolution_A=args.resolution)
        total_ours += t_ours
        total_reference += t_reference
        differences = [
            abs(a - b)
            for a, b in (
                (ours.Ea_1D_eV, reference.Ea_1D_eV),
                (ours.Ea_2D_eV, reference.Ea_2D_eV),
                (ours.Ea_3D_eV, reference.Ea_3D_eV),
            )
            if not (math.isinf(a) and math.isinf(b))
        ]
        memory_ours = peak_memory_MiB(bvse_barriers, structure, resolution_A=args.resolution)
        memory_reference = peak_memory_MiB(bvlain_barriers, structure, resolution_A=args.resolution)
        grid = "x".join(str(n) for n in ours.landscape.energy_eV.shape)
        print(
            f"{name:24s} {len(structure):5d} {grid:>12s} {t_reference:9.2f} {t_ours:8.2f} {t_reference / t_ours:5.1f}x "
            f"{barriers(reference):>20s} {barriers(ours):>20s} {max(differences, default=0.0):9.4f} "
            f"{memory_reference:10.0f} {memory_ours:9.0f}"
        )
    print(
        f"total wall time: bvlain {total_reference:.1f} s, nassb {total_ours:.1f} s, "
        f"ratio {total_reference / total_ours:.1f}x"
    )


if __name__ == "__main__":
    main()
