"""The machine-learned interatomic potentials behind one ASE calculator interface, the relaxation every MLIP user
needs, and a committee of potentials whose spread is reported as a model uncertainty.

Two universal potentials, both trained on the Materials Project relaxation trajectories (MPtrj, PBE/PBE+U), both
with their pretrained weights inside their wheels, so nothing is downloaded:
- CHGNet (Deng et al. 2023, Nat. Mach. Intell. 5, 1031), a crystal graph network with charge information;
  `chgnet_calculator` builds it once per version and device.
- SevenNet-0 (11 July 2024 weights; Park, Kim, Hwang and Han 2024, "Scalable Parallel Algorithm for Graph Neural
  Network Interatomic Potentials in Molecular Dynamics Simulations", J. Chem. Theory Comput. 20, 4857, the
  citation the sevenn package asks for), an E(3)-equivariant NequIP-type network; `sevennet_calculator` builds it
  from the checkpoint file inside the `sevenn` package (its path is checked and passed explicitly, so sevenn's
  download fallback is never reached).

Transport (MD), thermo (reference and user phases) and mechanics (elastic constants) take the calculator as an
argument; `calculator(name)` picks one by name. Their energies, forces and stresses stand in for DFT in molecular
dynamics, relaxations and elastic constants. torch, chgnet and sevenn are imported only inside these functions; the
number of torch threads is left to the caller (`torch.set_num_threads`): on a 2-core machine shared with other work,
one thread avoids the multi-second stalls that two spinning threads suffer under contention (measured: 0.06 s/step
for 16 atoms either way when idle, up to 4 s per call with two threads under load).

Energy scales. CHGNet is trained on the MPtrj energies after the Materials Project 2020 corrections (anion and
GGA/GGA+U mixing corrections; Wang et al. 2021, Sci. Rep. 11, 15496), SevenNet-0 on the uncorrected PBE/PBE+U
energies (measured on Na3SbS4: CHGNet lies 0.259 eV/atom below SevenNet-0, and the MP2020 sulfide correction is
-0.503 eV per S, -0.251 eV/atom). The corrections depend on composition only, so forces, stresses, relaxed
structures and MD are untouched; the committee compares energies on the MP2020 scale (`mp2020_correction_eV`
added to the uncorrected models' energies), so that the spread measures the models and not the convention.

Committee. Each model relaxes (or evaluates) the same structure; the spread of a quantity is the range, max - min,
over the models. With two models the range is the only honest statistic (their standard deviation is the range over
sqrt 2, with one degree of freedom); it is zero when the models are identical. It is a lower bound on the model
error, not an estimate of it: models trained on the same data share that data's errors (MPtrj's PBE lattice
expansion among them).
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nassb.core.errors import DataError, InputError

MODEL_VERSIONS = ("0.3.0", "0.2.0", "r2scan")
DEFAULT_MODEL_VERSION = "0.3.0"  # the weights the shipped thermo reference energies were computed with
INSTALL_HINT = 'CHGNet is not installed: pip install "nassb[md]"'
SEVENNET_INSTALL_HINT = 'SevenNet is not installed: pip install "nassb[md]" (or pip install sevenn)'
SEVENNET_MODEL = "SevenNet-0 11Jul2024"  # the 7net-0 checkpoint in the sevenn wheel
MLIP_NAMES = ("chgnet", "sevennet")
# the energy scale each model family was trained on (see the module docstring); other calculators count as raw DFT
ENERGY_SCALES = {"CHGNet": "mp2020", "SevenNet": "raw"}
HARMLESS_WARNINGS = (
    "Converting a tensor with requires_grad=True to a scalar",  # torch, inside chgnet's stress computation
    "Only FixAtoms and FixCartesian is supported by Pymatgen",  # CHGNetCalculator converting Atoms with FixCom
    "No tensor product accelerator is enabled",  # sevenn on a CPU: the accelerators are CUDA kernels
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
    """Silence the known, harmless warnings that CHGNet and SevenNet raise (HARMLESS_WARNINGS)."""
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


def _import_sevennet():
    try:
        from sevenn import _const
        from sevenn.calculator import SevenNetCalculator
    except ImportError as error:
        raise DataError(SEVENNET_INSTALL_HINT) from error
    return SevenNetCalculator, Path(_const.SEVENNET_0_11Jul2024)


@functools.cache
def sevennet_calculator(device: str | None = None):
    """The ASE calculator (sevenn.calculator.SevenNetCalculator) on the SevenNet-0 (11 July 2024) weights inside the
    `sevenn` package, built once and shared; `device` None picks CUDA when available, else the CPU. The checkpoint
    path is passed explicitly and must exist: sevenn would otherwise try to download it."""
    with quiet(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        # e3nn compiles its tensor-product code with torch.jit.script (at import and load), which torch deprecates
        warnings.filterwarnings("ignore", message="`torch.jit.script` is deprecated", category=DeprecationWarning)
        calculator_class, checkpoint = _import_sevennet()
        if not checkpoint.is_file():
            raise DataError(f"the SevenNet-0 weights are missing from the sevenn package ({checkpoint}): reinstall it")
        calculator = calculator_class(str(checkpoint), device=device or "auto")
    calculator.nassb_model = SEVENNET_MODEL
    return calculator


def calculator(name: str, device: str | None = None):
    """The shared calculator of one of MLIP_NAMES: 'chgnet' (CHGNet DEFAULT_MODEL_VERSION) or 'sevennet'
    (SevenNet-0)."""
    key = str(name).strip().lower()
    if key == "chgnet":
        return chgnet_calculator(DEFAULT_MODEL_VERSION, device)
    if key == "sevennet":
        return sevennet_calculator(device)
    raise InputError("calculator", "name", f"one of {', '.join(MLIP_NAMES)}", name)


def model_name(calculator: Any) -> str:
    """'CHGNet 0.3.0', 'SevenNet-0 11Jul2024': the model a calculator from this module carries; otherwise the
    calculator class without 'Calculator', and the model version when it has one."""
    label = getattr(calculator, "nassb_model", None)
    if label:
        return str(label)
    name = type(calculator).__name__.removesuffix("Calculator")
    version = getattr(calculator, "version", None)
    return f"{name} {version}" if version else name


def energy_scale(calculator: Any) -> str:
    """'mp2020' when the calculator's model was trained on MP2020-corrected energies (CHGNet), else 'raw'."""
    return ENERGY_SCALES.get(type(calculator).__name__.removesuffix("Calculator"), "raw")


def mp2020_correction_eV(structure: Any) -> float:
    """The Materials Project 2020 energy corrections (eV, whole cell) of `structure`'s composition: the anion
    corrections and, for oxides and fluorides of the +U metals, the GGA/GGA+U mixing corrections, as pymatgen's
    MaterialsProject2020Compatibility applies them to a Materials Project run (GGA+U exactly where MP used it)."""
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    structure = to_structure(structure, "mp2020_correction_eV")
    scheme = _mp2020_scheme()
    elements = {element.symbol for element in structure.composition.elements}
    anion = next((symbol for symbol in ("F", "O") if symbol in elements), None)
    hubbards = {el: value for el, value in scheme.u_settings.get(anion, {}).items() if el in elements}
    parameters = {"run_type": "GGA+U" if hubbards else "GGA", "hubbards": hubbards}
    probe = ComputedStructureEntry(structure, 0.0, parameters=parameters)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Failed to guess oxidation states", category=UserWarning)
        adjustments = scheme.get_adjustments(probe)
    return float(sum(item.value for item in adjustments))


@functools.cache
def _mp2020_scheme():
    from pymatgen.entries.compatibility import MaterialsProject2020Compatibility

    return MaterialsProject2020Compatibility(check_potcar=False)


def _mp2020_energy_eV_per_atom(energy_eV_per_atom: float, structure: Any, calculator: Any) -> float:
    if energy_scale(calculator) == "mp2020":
        return float(energy_eV_per_atom)
    return float(energy_eV_per_atom + mp2020_correction_eV(structure) / len(structure))


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


def _spread(values: Sequence[float]) -> float:
    """The range, max - min, of the committee's values (0 for one model)."""
    return float(max(values) - min(values))


def _committee(calculators: Sequence[Any], source: str) -> tuple[Any, ...]:
    calculators = tuple(calculators)
    if not calculators:
        raise InputError(source, "calculators", "at least one calculator", calculators)
    return calculators


@dataclass(frozen=True)
class CommitteeEnergies:
    """One structure's energy by each model of a committee, in eV/atom.

    `energies_eV_per_atom` are on each model's own scale (see the module docstring); `mp2020_energies_eV_per_atom`
    on the common MP2020 scale, and `spread_eV_per_atom` (max - min) is taken over those.
    """

    models: tuple[str, ...]
    energies_eV_per_atom: tuple[float, ...]
    mp2020_energies_eV_per_atom: tuple[float, ...]

    @property
    def spread_eV_per_atom(self) -> float:
        return _spread(self.mp2020_energies_eV_per_atom)

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models),
            "energies_eV_per_atom": list(self.energies_eV_per_atom),
            "mp2020_energies_eV_per_atom": list(self.mp2020_energies_eV_per_atom),
            "spread_eV_per_atom": self.spread_eV_per_atom,
        }


def committee_energies(structure: Any, calculators: Sequence[Any]) -> CommitteeEnergies:
    """The energy of `structure` as it is (no relaxation) by each calculator, and their spread on the MP2020 scale."""
    source = "committee_energies"
    structure = to_structure(structure, source)
    calculators = _committee(calculators, source)
    atoms = to_atoms(structure)
    own, common = [], []
    with quiet():
        for calc in calculators:
            atoms.calc = calc
            energy = float(atoms.get_potential_energy()) / len(atoms)
            own.append(energy)
            common.append(_mp2020_energy_eV_per_atom(energy, structure, calc))
    return CommitteeEnergies(tuple(model_name(c) for c in calculators), tuple(own), tuple(common))


@dataclass(frozen=True)
class CommitteeRelax:
    """Each model's relaxation of the same structure and the spread between them (max - min over the models).

    `results[i]` is model i's RelaxResult (its energy on the model's own scale); `mp2020_energies_eV_per_atom` the
    relaxed energies on the common MP2020 scale; `volumes_A3_per_atom` and `lattice_abc_A` the relaxed cells (the
    cell vectors keep their identity through the relaxation, so a, b and c compare one to one).
    """

    models: tuple[str, ...]
    results: tuple[RelaxResult, ...]
    mp2020_energies_eV_per_atom: tuple[float, ...]

    @property
    def volumes_A3_per_atom(self) -> tuple[float, ...]:
        return tuple(float(r.structure.volume / len(r.structure)) for r in self.results)

    @property
    def lattice_abc_A(self) -> tuple[tuple[float, float, float], ...]:
        return tuple(tuple(float(x) for x in r.structure.lattice.abc) for r in self.results)

    @property
    def energy_spread_eV_per_atom(self) -> float:
        return _spread(self.mp2020_energies_eV_per_atom)

    @property
    def volume_spread_A3_per_atom(self) -> float:
        return _spread(self.volumes_A3_per_atom)

    @property
    def lattice_spread_A(self) -> tuple[float, float, float]:
        abc = np.array(self.lattice_abc_A)
        return tuple(float(x) for x in abc.max(axis=0) - abc.min(axis=0))

    @property
    def converged(self) -> bool:
        return all(r.converged for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models),
            "energies_eV_per_atom": [r.energy_eV_per_atom for r in self.results],
            "mp2020_energies_eV_per_atom": list(self.mp2020_energies_eV_per_atom),
            "volumes_A3_per_atom": list(self.volumes_A3_per_atom),
            "lattice_abc_A": [list(abc) for abc in self.lattice_abc_A],
            "converged": [r.converged for r in self.results],
            "steps": [r.steps for r in self.results],
            "spread": {
                "energy_eV_per_atom": self.energy_spread_eV_per_atom,
                "volume_A3_per_atom": self.volume_spread_A3_per_atom,
                "lattice_abc_A": list(self.lattice_spread_A),
            },
        }


def committee_relax(
    structure: Any,
    calculators: Sequence[Any],
    fmax_eV_per_A: float = 0.05,
    max_steps: int = 500,
    relax_cell: bool = True,
) -> CommitteeRelax:
    """`relax` the same structure with each calculator (same settings), and the spread of the relaxed energies per
    atom (MP2020 scale), volumes per atom and lattice parameters between them as a model uncertainty."""
    source = "committee_relax"
    structure = to_structure(structure, source)
    calculators = _committee(calculators, source)
    results = tuple(relax(structure, c, fmax_eV_per_A, max_steps, relax_cell) for c in calculators)
    common = tuple(
        _mp2020_energy_eV_per_atom(r.energy_eV_per_atom, r.structure, c) for r, c in zip(results, calculators)
    )
    return CommitteeRelax(tuple(model_name(c) for c in calculators), results, common)
