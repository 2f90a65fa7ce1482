"""The machine-learned interatomic potential behind one ASE calculator: CHGNet (Deng et al. 2023, Nat. Mach.
Intell. 5, 1031), and the relaxation every MLIP user needs.

Transport (MD), thermo (reference and user phases) and mechanics (elastic constants) take the calculator as an
argument; `chgnet_calculator` builds it once per version and device. CHGNet is a graph neural network trained on the
Materials Project relaxation trajectories (MPtrj, PBE/PBE+U); its energies, forces and stresses stand in for DFT in
molecular dynamics, relaxations and elastic constants. The pretrained weights ship inside the `chgnet` package, so
nothing is downloaded. torch and chgnet are imported only inside these functions; the number of torch threads is
left to the caller (`torch.set_num_threads`): on a 2-core machine shared with other work, one thread avoids the
multi-second stalls that two spinning threads suffer under contention (measured: 0.06 s/step for 16 atoms either way
when idle, up to 4 s per call with two threads under load).
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from nassb.core.errors import DataError, InputError

MODEL_VERSIONS = ("0.3.0", "0.2.0", "r2scan")
DEFAULT_MODEL_VERSION = "0.3.0"  # the weights the shipped thermo reference energies were computed with
INSTALL_HINT = 'CHGNet is not installed: pip install "nassb[md]"'
HARMLESS_WARNINGS = (
    "Converting a tensor with requires_grad=True to a scalar",  # torch, inside chgnet's stress computation
    "Only FixAtoms and FixCartesian is supported by Pymatgen",  # CHGNetCalculator converting Atoms with FixCom
)


@dataclass(frozen=True)
class RelaxResult:
    """A relaxed structure, its energy in eV/atom, whether max force (and stress) met fmax, and the steps taken."""

    structure: Any
    energy_eV_per_atom: float
    converged: bool
    steps: int


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the known, harmless warnings that CHGNet raises on every call (HARMLESS_WARNINGS)."""
    with warnings.catch_warnings():
        for message in HARMLESS_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=UserWarning)
        yield


def _import_chgnet():
    try:
        from chgnet.model import CHGNet
        from chgnet.model.dynamics import CHGNetCalculator
    except ImportError as error:
        raise DataError(INSTALL_HINT) from error
    return CHGNet, CHGNetCalculator


@functools.cache
def chgnet_calculator(version: str = DEFAULT_MODEL_VERSION, device: str | None = None):
    """The ASE calculator (chgnet.model.dynamics.CHGNetCalculator) on the pretrained weights `version` (one of
    MODEL_VERSIONS) inside the package, built once and shared; stresses in eV/A^3."""
    if version not in MODEL_VERSIONS:
        raise InputError("chgnet_calculator", "version", f"one of {', '.join(MODEL_VERSIONS)}", version)
    model_class, calculator_class = _import_chgnet()
    with contextlib.redirect_stdout(io.StringIO()):
        model = model_class.load(model_name=version, use_device=device, verbose=False)
        return calculator_class(model=model, use_device=device)


def model_name(calculator: Any) -> str:
    """'CHGNet 0.3.0': the calculator class without 'Calculator', and the model version when it has one."""
    name = type(calculator).__name__.removesuffix("Calculator")
    version = getattr(calculator, "version", None)
    return f"{name} {version}" if version else name


def to_structure(structure: Any, source: str):
    """A pymatgen Structure from a Structure or ASE Atoms; InputError unless it is ordered and periodic."""
    from pymatgen.core import Structure

    if not isinstance(structure, Structure):
        from ase import Atoms

        if not isinstance(structure, Atoms):
            raise InputError(source, "structure", "a pymatgen Structure or ASE Atoms", type(structure).__name__)
        from pymatgen.io.ase import AseAtomsAdaptor

        structure = AseAtomsAdaptor.get_structure(structure)
    if not structure.is_ordered:
        raise InputError(
            source,
            "structure",
            "an ordered structure (partial occupancies must be resolved first, e.g. by an ordering enumeration)",
            structure.composition.reduced_formula,
        )
    return structure


def to_atoms(structure: Any):
    """Plain ASE Atoms (numbers, cell, Cartesian positions, periodic) of a pymatgen Structure."""
    from ase import Atoms

    return Atoms(
        numbers=[site.specie.Z for site in structure],
        positions=structure.cart_coords,
        cell=structure.lattice.matrix,
        pbc=True,
    )


def from_atoms(atoms: Any, template: Any):
    """A pymatgen Structure with the species of `template` and the cell and positions of `atoms`."""
    from pymatgen.core import Structure

    return Structure(np.array(atoms.cell), template.species, atoms.get_positions(), coords_are_cartesian=True)


def relax(
    structure: Any, calculator: Any, fmax_eV_per_A: float = 0.05, max_steps: int = 500, relax_cell: bool = True
) -> RelaxResult:
    """Relax positions (and, with `relax_cell`, the cell) with the ASE `calculator` and ASE FIRE.

    The cell is relaxed through ASE's FrechetCellFilter (cell and positions together, the stress counted as a
    force via the cell's log-deformation), the default of chgnet's StructOptimizer. Converged means the largest
    force (and scaled stress) component is below `fmax_eV_per_A` within `max_steps`.
    """
    from ase.filters import FrechetCellFilter
    from ase.optimize import FIRE

    source = "relax"
    structure = to_structure(structure, source)
    if not fmax_eV_per_A > 0:
        raise InputError(source, "fmax_eV_per_A", "a force tolerance above 0 eV/A", fmax_eV_per_A)
    if max_steps < 0:
        raise InputError(source, "max_steps", "a non-negative number of steps", max_steps)
    atoms = to_atoms(structure)
    atoms.calc = calculator
    target = FrechetCellFilter(atoms) if relax_cell else atoms
    optimizer = FIRE(target, logfile=None)
    with quiet():
        converged = bool(optimizer.run(fmax=fmax_eV_per_A, steps=max_steps))
        energy = float(atoms.get_potential_energy())
    return RelaxResult(
        structure=from_atoms(atoms, structure),
        energy_eV_per_atom=energy / len(atoms),
        converged=converged,
        steps=int(optimizer.nsteps),
    )
