"""Crystal structures from files, and ordered approximants of partially occupied structures.

Reading goes through pymatgen (`CifParser`, `Poscar`); a file pymatgen cannot turn into a structure is a
user mistake and raises `InputError` naming the file and what was expected.

Ordering (`order_structure`): the structure-based methods that evaluate forces (MLIP molecular dynamics,
elastic constants) need every site fully occupied by one species. Sites are grouped by their species and
occupancy (a crystallographic orbit in the published cell); in a supercell each group receives exactly
round(occupancy x sites) atoms of each species and the rest stay vacant. Among `samples` random
assignments (seeded, so reproducible) the one with the lowest Ewald energy of formal oxidation states is
kept (the electrostatic screening of Okhotnikov, Charpentier and Cadars 2016, J. Cheminform. 8, 17, used
by Supercell; pymatgen `EwaldSummation`). This is a documented random ordering, not a full enumeration:
it gives one low-electrostatic-energy approximant, enough for dynamics, which then re-equilibrates the
mobile sublattice.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

from nassb.core.errors import InputError

POSCAR_SUFFIXES = (".vasp", ".poscar")
MIN_DISTANCE_A = 0.5  # shorter than any bond (H2: 0.74 A): two atoms on one spot
MIN_VOLUME_PER_SITE_A3 = 1.0  # solids hold 5-50 A^3 per atom
MAX_CELL_WIDTH_A = 500.0  # the widest supercells nassb builds are tens of A; BVSE grids scale with the volume
OCCUPANCY_TOLERANCE = 0.05
POSCAR_NAMES = ("POSCAR", "CONTCAR")


def is_cif_name(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".cif"


def is_poscar_name(path: str | Path) -> bool:
    file = Path(path)
    return file.suffix.lower() in POSCAR_SUFFIXES or file.name.split(".")[0].upper() in POSCAR_NAMES


def is_structure_file_name(path: str | Path) -> bool:
    """Whether the name says CIF or POSCAR (what `read_structure` reads), whether or not the file exists."""
    return is_cif_name(path) or is_poscar_name(path)


def read_structure(path: str | Path):
    """Read a CIF or POSCAR/CONTCAR file into a pymatgen `Structure` (the first block of a multi-block CIF)."""
    from pymatgen.core import Structure
    from pymatgen.io.cif import CifParser
    from pymatgen.io.vasp import Poscar

    file = Path(path)
    if not file.is_file():
        raise InputError(str(file), "path", "an existing CIF or POSCAR file")
    is_cif, is_poscar = is_cif_name(file), is_poscar_name(file)
    if not (is_cif or is_poscar):
        raise InputError(
            str(file), "file type", "a .cif file or a VASP POSCAR/CONTCAR (.vasp, .poscar)", file.suffix or file.name
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if is_cif:
                structures = CifParser(file, occupancy_tolerance=1.05).parse_structures(primitive=False)
            else:
                structures = [Poscar.from_file(file).structure]
    except Exception as error:  # pymatgen raises many types for malformed text
        expected = (
            "a CIF with _cell_length_a/b/c, _cell_angle_*, a space group or symmetry operations and an _atom_site loop"
            if is_cif
            else "a VASP POSCAR: comment, scale, 3 lattice vectors, species, counts and coordinates"
        )
        raise InputError(str(file), "content", expected, f"{type(error).__name__}: {error}") from error
    if not structures:
        reasons = "; ".join(str(w.message) for w in caught)[:300]
        raise InputError(str(file), "content", "at least one structure pymatgen can build", reasons or "no structure")
    structure = structures[0]
    if not isinstance(structure, Structure) or len(structure) == 0:
        raise InputError(str(file), "content", "a structure with at least one site")
    return check_structure(structure, str(file))


def check_structure(structure, source: str):
    """`structure` if it can be computed with; otherwise an InputError naming `source` and the reason.

    Checked before anything reaches spglib, the BVSE grid or a calculator: finite lattice parameters and
    coordinates, a cell of at least `MIN_VOLUME_PER_SITE_A3` per site whose widths lie between `MIN_DISTANCE_A`
    and `MAX_CELL_WIDTH_A`, and no two sites closer than
    `MIN_DISTANCE_A` unless together they hold at most one atom (split sites of a disordered refinement).
    Sites with mixed species are allowed here: descriptors use them as published, and the force-based
    methods order them first (`order_structure`).
    """
    lattice = np.asarray(structure.lattice.matrix, dtype=float)
    if not np.all(np.isfinite(lattice)) or not np.all(np.isfinite(structure.lattice.abc + structure.lattice.angles)):
        raise InputError(
            source, "lattice", "finite lattice parameters", structure.lattice.abc + structure.lattice.angles
        )
    fractional = np.asarray(structure.frac_coords, dtype=float)
    if not np.all(np.isfinite(fractional)):
        raise InputError(source, "coordinates", "finite atomic coordinates", "NaN or infinity")
    volume = abs(float(np.linalg.det(lattice)))
    if volume < MIN_VOLUME_PER_SITE_A3 * len(structure):
        raise InputError(
            source,
            "lattice",
            f"a cell of at least {MIN_VOLUME_PER_SITE_A3:g} A^3 per site (a singular or collapsed cell)",
            f"{volume:.3g} A^3 for {len(structure)} sites",
        )
    widths = volume / np.linalg.norm(np.cross(lattice[[1, 2, 0]], lattice[[2, 0, 1]]), axis=1)
    if widths.max() > MAX_CELL_WIDTH_A or widths.min() < MIN_DISTANCE_A:
        raise InputError(
            source,
            "lattice",
            f"cell widths between {MIN_DISTANCE_A:g} and {MAX_CELL_WIDTH_A:g} A (a crystal cell)",
            f"{widths.min():.3g} to {widths.max():.3g} A",
        )
    for i, j, distance in _close_pairs(lattice, fractional % 1.0, MIN_DISTANCE_A):
        if structure[i].species.num_atoms + structure[j].species.num_atoms > 1.0 + OCCUPANCY_TOLERANCE:
            raise InputError(
                source,
                "coordinates",
                f"atoms at least {MIN_DISTANCE_A:g} A apart",
                f"sites {i} ({structure[i].species_string}) and {j} ({structure[j].species_string}) "
                f"{distance:.3f} A apart",
            )
    return structure


def _close_pairs(lattice: np.ndarray, fractional: np.ndarray, cutoff_A: float) -> list[tuple[int, int, float]]:
    """Pairs of distinct sites (i < j) closer than `cutoff_A` through any periodic image, by a k-d tree over the
    3 x 3 x 3 images (exact when every cell width is at least the cutoff); memory grows with the site count only."""
    from scipy.spatial import cKDTree

    shifts = np.array(list(itertools.product((-1, 0, 1), repeat=3)), dtype=float)
    images = (fractional[None, :, :] + shifts[:, None, :]).reshape(-1, 3) @ lattice
    owners = np.tile(np.arange(len(fractional)), len(shifts))
    points = fractional @ lattice
    neighbours = cKDTree(images).query_ball_point(points, cutoff_A)
    return [
        (i, int(owners[k]), float(np.linalg.norm(images[k] - points[i])))
        for i, found in enumerate(neighbours)
        for k in found
        if i < owners[k]
    ]


def _site_groups(structure) -> dict[tuple, list[int]]:
    """Indices of the sites that share a species-occupancy dictionary (one orbit of a published cell)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, site in enumerate(structure):
        key = tuple(sorted((str(species), round(float(amount), 4)) for species, amount in site.species.items()))
        groups[key].append(index)
    return groups


def _rounding_error(structure, multiplier: int) -> float:
    """Largest |occupancy x sites - nearest integer| over the groups of a supercell `multiplier` times bigger."""
    worst = 0.0
    for key, indices in _site_groups(structure).items():
        for _species, amount in key:
            expected = amount * len(indices) * multiplier
            worst = max(worst, abs(expected - round(expected)))
    return worst


def ordering_supercell(structure, max_atoms: int = 200, tolerance: float = 0.05) -> tuple[int, int, int]:
    """The smallest diagonal supercell (by volume, then by the most isotropic) whose group counts are near integers.

    Falls back to the candidate with the smallest rounding error when none is within `tolerance` (sites).
    """
    expected_atoms = sum(sum(site.species.values()) for site in structure)
    candidates = []
    for scaling in itertools.product(range(1, 5), repeat=3):
        multiplier = math.prod(scaling)
        if expected_atoms * multiplier > max_atoms and multiplier > 1:
            continue
        lengths = np.array(structure.lattice.abc) * scaling
        anisotropy = lengths.max() / lengths.min()
        candidates.append((_rounding_error(structure, multiplier) > tolerance, multiplier, anisotropy, scaling))
    if not candidates:
        return (1, 1, 1)
    candidates.sort(key=lambda item: (item[0], item[1], item[2]))
    if candidates[0][0]:
        candidates.sort(key=lambda item: (_rounding_error(structure, item[1]), item[1], item[2]))
    return candidates[0][3]


def _ewald_energy_eV(structure) -> float:
    from pymatgen.analysis.ewald import EwaldSummation

    from nassb.chem.oxidation import element_oxidation_states

    states = element_oxidation_states(structure.composition)
    if states is None:
        return 0.0
    decorated = structure.copy()
    decorated.add_oxidation_state_by_element(states)
    return float(EwaldSummation(decorated).total_energy)


def order_structure(structure, max_atoms: int = 200, samples: int = 20, seed: int = 0, scaling=None):
    """An ordered supercell approximant of a partially occupied structure (see the module docstring).

    Already ordered structures come back unchanged (a copy, scaled if `scaling` is given). `scaling` is a
    3-tuple of supercell multipliers; by default `ordering_supercell` picks it with at most `max_atoms`.
    """
    from pymatgen.core import Structure

    if structure.is_ordered:
        ordered = structure.copy()
        if scaling is not None:
            ordered.make_supercell(scaling)
        return ordered
    scaling = tuple(scaling) if scaling is not None else ordering_supercell(structure, max_atoms)
    supercell = structure.copy()
    supercell.make_supercell(scaling)
    groups = _site_groups(supercell)
    rng = np.random.default_rng(seed)
    best, best_energy = None, math.inf
    for _ in range(max(1, samples)):
        species, coords = [], []
        for key, indices in groups.items():
            order = rng.permutation(indices)
            start = 0
            for name, amount in key:
                count = int(round(amount * len(indices)))
                for index in order[start : start + count]:
                    species.append(_element_of(name))
                    coords.append(supercell[index].frac_coords)
                start += count
        candidate = Structure(supercell.lattice, species, coords)
        energy = _ewald_energy_eV(candidate) if samples > 1 else 0.0
        if energy < best_energy or best is None:
            best, best_energy = candidate, energy
    return best.get_sorted_structure()


def _element_of(species_string: str) -> str:
    """'Na+' or 'Na' -> 'Na' (the ordered approximant carries elements; oxidation states are guessed where needed)."""
    return "".join(character for character in species_string if character.isalpha())
