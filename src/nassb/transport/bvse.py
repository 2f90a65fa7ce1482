"""Bond-valence site energy (BVSE) landscapes of a mobile ion and their percolation barriers.

The site energy of a test ion at r is a sum over the framework (the structure without the mobile species):
a Morse-type bond-valence term to each counter-ion j,
    E_M = D0/2 * ((exp(alpha (R_min - R_j)) - 1)^2 - 1),
and a screened Coulomb repulsion to each like-charged ion j,
    E_C = k_e q q_j / sqrt(n n_j) / R_j * erfc(R_j / (f (r_c + r_c,j))),
with the softBV parameters D0, alpha, R_min (Adams & Rao 2011, Phys. Status Solidi A 208, 1746; Chen, Wong &
Adams 2019, Acta Cryst. B 75, 18), principal quantum numbers n, covalent radii r_c and screening factor f = 0.74.
The parameter tables are read from the bvlain package (Dembitskiy et al., github.com/dembart/BVlain), which is
also the reference implementation wrapped by `bvlain_barriers`. The migration barriers are the percolation levels
of the landscape (Adams & Rao 2011): the energy above the global minimum at which the accessible region first
spans the crystal in 1, 2 and 3 dimensions.
"""

from __future__ import annotations

import math
import pickle
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from nassb.chem.oxidation import element_oxidation_states
from nassb.core.constants import ELEMENTARY_CHARGE_C
from nassb.core.errors import DataError, InputError
from nassb.transport.percolation import percolation_levels

SOURCE = "bvse_landscape"
SCREENING_FACTOR = 0.74
CUTOFF_A = 10.0
MAX_BARRIER_EV = 10.0
# e / (4 pi eps0) in V*Angstrom: Coulomb energy in eV of two unit charges 1 Angstrom apart (CODATA 2018 eps0).
VACUUM_PERMITTIVITY_F_PER_M = 8.8541878128e-12
COULOMB_EV_ANGSTROM = ELEMENTARY_CHARGE_C / (4 * math.pi * VACUUM_PERMITTIVITY_F_PER_M) * 1e10
# Species that bvlain excludes when it assigns oxidation states with pymatgen's BVAnalyzer.
FORBIDDEN_SPECIES = ("O-", "P3-")


@dataclass(frozen=True, eq=False)
class Landscape:
    """BVSE of a test ion on a periodic grid over the unit cell (grid axes along the cell vectors)."""

    energy_eV: np.ndarray
    lattice_matrix_A: np.ndarray
    mobile_ion: str
    formula: str
    settings: dict = field(default_factory=dict)

    @property
    def grid_spacing_A(self) -> np.ndarray:
        """Distance between neighbouring grid points along each cell vector."""
        return np.linalg.norm(self.lattice_matrix_A, axis=1) / np.array(self.energy_eV.shape)


@dataclass(frozen=True, eq=False)
class BVSEResult:
    """Percolation barriers (eV above the landscape minimum; math.inf when none) and the landscape they come from."""

    Ea_1D_eV: float
    Ea_2D_eV: float
    Ea_3D_eV: float
    landscape: Landscape
    method: str
    settings: dict = field(default_factory=dict)

    @property
    def highest_barrier_eV(self) -> float | None:
        """The highest finite percolation barrier (3D if any, else 2D, else 1D); None without a path."""
        finite = [barrier for barrier in (self.Ea_3D_eV, self.Ea_2D_eV, self.Ea_1D_eV) if math.isfinite(barrier)]
        return finite[0] if finite else None

    def quantities(self) -> dict[str, dict]:
        """The barriers in the one quantity form (`nassb.core.quantity`), grid and softBV settings included."""
        from nassb.core.quantity import computed_quantities

        method = f"BVSE percolation barrier of {self.landscape.mobile_ion} ({self.method}; softBV parameters)"
        return computed_quantities(
            method,
            self.settings,
            {
                f"bvse_Ea_{d}D": (barrier, "eV", None)
                for d, barrier in (("1", self.Ea_1D_eV), ("2", self.Ea_2D_eV), ("3", self.Ea_3D_eV))
            },
        )

    def to_dict(self) -> dict[str, float | None]:
        return {
            key: (None if math.isinf(value) else value)
            for key, value in (("Ea_1D_eV", self.Ea_1D_eV), ("Ea_2D_eV", self.Ea_2D_eV), ("Ea_3D_eV", self.Ea_3D_eV))
        }


@dataclass(frozen=True)
class _Ion:
    element: str
    charge: int


@cache
def _table(name: str):
    """One of bvlain's parameter tables (a nested dict keyed by atomic number and oxidation state)."""
    from importlib.resources import files

    return pickle.loads((files("bvlain") / "data" / name).read_bytes())


def _parse_ion(mobile_ion: str, structure) -> _Ion:
    """'Na', 'Na+', 'Na1+', 'Mg2+', 'F-' -> element and charge; a bare symbol takes its charge from the structure."""
    from pymatgen.core import Element

    match = re.fullmatch(r"([A-Z][a-z]?)(\d*)([+-]?)", str(mobile_ion).strip())
    if match is None or not Element.is_valid_symbol(match.group(1)):
        raise InputError(
            SOURCE, "mobile_ion", "an element symbol with an optional charge, e.g. 'Na' or 'Na+'", mobile_ion
        )
    element, digits, sign = match.groups()
    if sign:
        return _Ion(element, int(digits or 1) * (1 if sign == "+" else -1))
    charges = {sp.oxi_state for sp in structure.composition if sp.symbol == element}
    charge = charges.pop() if len(charges) == 1 else None
    if not charge or not float(charge).is_integer():
        raise InputError(
            SOURCE,
            "mobile_ion",
            f"a charge such as '{element}+' (the structure gives no single integer oxidation state for {element})",
            mobile_ion,
        )
    return _Ion(element, int(charge))


def with_oxidation_states(structure) -> tuple[object, str]:
    """A copy of `structure` decorated with oxidation states, and how they were found.

    Kept when every species already has one ('given'). Otherwise the most probable charge-balanced state per
    element (`nassb.chem.oxidation.element_oxidation_states`, ICSD statistics; fast for big supercells) when one
    exists ('composition'), else pymatgen's BVAnalyzer site by site with bvlain's forbidden species O- and P3-
    ('BVAnalyzer'; O'Keeffe & Brese 1991 bond-valence parameters), which is slow and unreliable on distorted
    snapshots, hence second.
    """
    from pymatgen.core import Structure

    if not isinstance(structure, Structure):
        raise InputError(SOURCE, "structure", "a pymatgen Structure", type(structure).__name__)
    if all(getattr(sp, "oxi_state", None) is not None for sp in structure.composition):
        return structure.copy(), "given"
    plain = structure.copy()
    plain.remove_oxidation_states()
    states = element_oxidation_states(plain.composition)
    if states is not None:
        return plain.copy().add_oxidation_state_by_element(states), "composition"
    from pymatgen.analysis.bond_valence import BVAnalyzer

    try:
        return BVAnalyzer(forbidden_species=list(FORBIDDEN_SPECIES)).get_oxi_state_decorated_structure(
            plain
        ), "BVAnalyzer"
    except ValueError:
        raise InputError(
            SOURCE,
            "structure",
            "a charge-balanced structure, or one decorated with oxidation states "
            "(Structure.add_oxidation_state_by_element)",
            plain.composition.reduced_formula,
        ) from None


def _covalent_radius_A(atomic_number: int, charge: int, softbv: bool) -> float:
    """ASE's covalent radius (bvlain's default), or softBV's ion-specific one (Chen, Wong & Adams 2019)."""
    if softbv and charge:
        from bvlain.data.covalent_radii import covalent_radii_softbv

        try:
            return float(covalent_radii_softbv[atomic_number][charge])
        except KeyError:
            raise DataError(f"no softBV covalent radius for Z={atomic_number} charge {charge:+d}") from None
    from ase.data import covalent_radii

    return float(covalent_radii[atomic_number])


def _framework_terms(structure, ion: _Ion, screening_factor: float, softbv_radii: bool):
    """Fractional positions, occupancies and pair parameters of every framework species on every site.

    Returns (frac (k,3), weight (k,), kind (k,) 1 Morse / 2 Coulomb, params (k,3)): Morse rows hold (D0, alpha,
    R_min), Coulomb rows (k_e q q_j / sqrt(n n_j), screening length f (r_c + r_c,j), 0). Neutral species add nothing.
    """
    from pymatgen.core import Element

    mobile = Element(ion.element)
    quantum = _table("quantum_n.pkl")
    pairs = _table("cation.pkl" if ion.charge > 0 else "anion.pkl")
    try:
        morse_table = pairs[mobile.Z][ion.charge]
        n_mobile = quantum[mobile.Z]
    except KeyError:
        raise DataError(f"no softBV parameters for the mobile ion {ion.element}{ion.charge:+d}") from None
    r_mobile = _covalent_radius_A(mobile.Z, ion.charge, softbv_radii)
    frac, weight, kind, params = [], [], [], []
    for site in structure:
        for species, occupancy in site.species.items():
            if species.symbol == ion.element:
                continue
            charge = species.oxi_state
            if not float(charge).is_integer():
                raise InputError(SOURCE, "structure", f"integer oxidation states (softBV tables), {species} found")
            z, charge = species.Z, int(charge)
            if charge * ion.charge < 0:
                try:
                    p = morse_table[z][charge]
                except KeyError:
                    raise DataError(
                        f"no softBV Morse parameters for {ion.element}{ion.charge:+d} - {species}"
                    ) from None
                kind.append(1)
                params.append((p["d0"], p["alpha"], p["r_min"]))
            elif charge * ion.charge > 0:
                kind.append(2)
                prefactor = COULOMB_EV_ANGSTROM * ion.charge * charge / math.sqrt(n_mobile * quantum[z])
                radius = screening_factor * (r_mobile + _covalent_radius_A(z, charge, softbv_radii))
                params.append((prefactor, radius, 0.0))
            else:
                continue
            frac.append(site.frac_coords)
            weight.append(occupancy)
    if not frac:
        raise InputError(
            SOURCE,
            "structure",
            f"a framework of charged ions besides {ion.element}",
            structure.composition.reduced_formula,
        )
    return np.array(frac), np.array(weight, float), np.array(kind), np.array(params, float)


def grid_shape(lattice_matrix_A: np.ndarray, resolution_A: float) -> tuple[int, int, int]:
    """floor(L_i / resolution_A) - 1 points along cell vector i (at least 1).

    These are the distinct points of bvlain's grid (a linspace over [0, 1] that repeats the cell face), so both
    implementations sample the same points; the spacing L_i / n_i is slightly above `resolution_A`.
    """
    lengths = np.linalg.norm(lattice_matrix_A, axis=1)
    return tuple(int(max(1, math.floor(length / resolution_A) - 1)) for length in lengths)


_BIN_A = 0.01  # length bins of the stencil order
_COULOMB_REACH = 4.5  # erfc(4.5) = 2e-10: screened Coulomb terms beyond 4.5 screening lengths are below 1e-8 eV


def _stencil(step_A: np.ndarray, reach_A: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer grid offsets no longer than `reach_A`, ordered by length in bins of _BIN_A.

    `step_A` rows are the grid steps along the cell vectors. Each (o1, o2) column holds a contiguous range of o3
    (a chord of the sphere, from the quadratic |o1 s1 + o2 s2 + o3 s3|^2 <= reach^2). Returns offsets (m,3),
    their Cartesian vectors (3,m) float32 and the length bin of each (non-decreasing), so that the offsets within
    any radius form a prefix.
    """
    half = np.ceil(reach_A * np.linalg.norm(np.linalg.inv(step_A), axis=0)).astype(int)
    o1, o2 = (
        axis.ravel()
        for axis in np.meshgrid(np.arange(-half[0], half[0] + 1), np.arange(-half[1], half[1] + 1), indexing="ij")
    )
    partial = np.outer(o1, step_A[0]) + np.outer(o2, step_A[1])
    a = step_A[2] @ step_A[2]
    b = 2.0 * partial @ step_A[2]
    c = np.einsum("ij,ij->i", partial, partial) - reach_A**2
    root = np.sqrt(np.maximum(b * b - 4.0 * a * c, 0.0))
    low = np.ceil((-b - root) / (2.0 * a)).astype(int)
    count = np.where(b * b - 4.0 * a * c > 0.0, np.floor((-b + root) / (2.0 * a)).astype(int) - low + 1, 0)
    count = np.maximum(count, 0)
    starts = np.cumsum(count) - count
    offsets = np.empty((int(count.sum()), 3), dtype=np.int32)
    offsets[:, 0] = np.repeat(o1, count)
    offsets[:, 1] = np.repeat(o2, count)
    offsets[:, 2] = np.repeat(low - starts, count) + np.arange(offsets.shape[0])
    cartesian = [
        offsets[:, 0] * step_A[0, k] + offsets[:, 1] * step_A[1, k] + offsets[:, 2] * step_A[2, k] for k in range(3)
    ]
    bins = (np.sqrt(cartesian[0] ** 2 + cartesian[1] ** 2 + cartesian[2] ** 2) / _BIN_A).astype(
        np.uint16 if reach_A / _BIN_A < 65000 else np.int64
    )
    order = np.argsort(bins, kind="stable")
    return offsets[order], np.stack(cartesian)[:, order].astype(np.float32), bins[order]


def _pair_energy_eV(distance_A: np.ndarray, kind: int, params: np.ndarray) -> np.ndarray:
    from scipy.special import erfc

    if kind == 1:
        d0, alpha, r_min = params.astype(np.float32)
        x = np.exp(alpha * (r_min - distance_A))
        return (np.float32(0.5) * d0) * x * (x - np.float32(2.0))
    prefactor, screening_A, _ = params.astype(np.float32)
    with np.errstate(divide="ignore"):
        return prefactor / distance_A * erfc(distance_A / screening_A)


def _grid_energy_eV(
    shape: tuple[int, int, int],
    step_A: np.ndarray,
    cutoff_A: float,
    frac: np.ndarray,
    weight: np.ndarray,
    kind: np.ndarray,
    params: np.ndarray,
) -> np.ndarray:
    """Sum of the pair terms of every framework ion over the periodic grid.

    Each ion adds its terms (float32, summed in float64) on a precomputed stencil of grid offsets around the grid
    point below it; per-axis lookup tables wrap the offsets back into the cell. Offsets are ordered by length: the
    terms within an ion's reach form a prefix, and only the last shell (one voxel diagonal wide) needs the exact
    cutoff test.
    """
    n = np.array(shape)
    diagonal_A = np.linalg.norm(step_A, axis=1).sum()
    offsets, cartesian, bins = _stencil(step_A, cutoff_A + diagonal_A)
    half = np.abs(offsets).max(axis=0)
    strides = (n[1] * n[2], n[2], 1)
    # table[a][j] is the flat-index part of axis a for the unwrapped grid index j - half[a]
    tables = [(((np.arange(2 * half[a] + n[a]) - half[a]) % n[a]) * strides[a]).astype(np.int32) for a in range(3)]
    shifted = [(offsets[:, a] + half[a]).astype(np.int32) for a in range(3)]
    energy_sum = np.zeros(int(np.prod(n)))
    for position, occupancy, term, p in zip(frac, weight, kind, params):
        reach_A = cutoff_A if term == 1 else min(cutoff_A, _COULOMB_REACH * p[1])
        inner = int(np.searchsorted(bins, math.floor((reach_A - diagonal_A) / _BIN_A), side="left"))
        outer = int(np.searchsorted(bins, math.floor((reach_A + diagonal_A) / _BIN_A), side="right"))
        continuous = np.mod(position, 1.0) * n
        base = np.minimum(np.floor(continuous).astype(int), n - 1)
        delta = ((continuous - base) @ step_A).astype(np.float32)
        squared = np.square(cartesian[0, :outer] - delta[0])
        squared += np.square(cartesian[1, :outer] - delta[1])
        squared += np.square(cartesian[2, :outer] - delta[2])
        energy = _pair_energy_eV(np.sqrt(squared), term, p)
        tail = energy[inner:]
        tail[squared[inner:] >= np.float32(reach_A**2)] = 0.0
        flat = tables[0][shifted[0][:outer] + base[0]]
        flat += tables[1][shifted[1][:outer] + base[1]]
        flat += tables[2][shifted[2][:outer] + base[2]]
        energy_sum += np.bincount(flat, energy * np.float32(occupancy), energy_sum.size)
    return energy_sum.reshape(shape)


def _ion_label(ion: _Ion) -> str:
    """'Na+', 'Mg2+', 'F-' (pymatgen's notation)."""
    return f"{ion.element}{abs(ion.charge) if abs(ion.charge) != 1 else ''}{'+' if ion.charge > 0 else '-'}"


def _check_positive(name: str, value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InputError(SOURCE, name, "a positive number", value) from None
    if not (math.isfinite(value) and value > 0):
        raise InputError(SOURCE, name, "a positive number", value)
    return value


def bvse_landscape(
    structure,
    mobile_ion: str = "Na",
    resolution_A: float = 0.2,
    *,
    cutoff_A: float = CUTOFF_A,
    screening_factor: float = SCREENING_FACTOR,
    softbv_radii: bool = False,
) -> Landscape:
    """BVSE of `mobile_ion` over the framework of `structure` (a pymatgen Structure), relative to its minimum.

    All sites of the mobile element are removed; the rest keeps or gets oxidation states (`with_oxidation_states`).
    Partially occupied framework sites are handled by occupancy-weighted sums (the mean field of the site's
    species). Every framework ion within `cutoff_A` of a grid point contributes (bvlain keeps the 100 nearest
    within 10 Angstrom instead). Covalent radii are ASE's (bvlain's default) or softBV's (`softbv_radii`).
    Grid points on a like-charged ion carry +inf. Method: module docstring.
    """
    resolution_A = _check_positive("resolution_A", resolution_A)
    cutoff_A = _check_positive("cutoff_A", cutoff_A)
    screening_factor = _check_positive("screening_factor", screening_factor)
    decorated, oxidation_source = with_oxidation_states(structure)
    ion = _parse_ion(mobile_ion, decorated)
    frac, weight, kind, params = _framework_terms(decorated, ion, screening_factor, softbv_radii)
    lattice = np.array(decorated.lattice.matrix, dtype=float)
    shape = grid_shape(lattice, resolution_A)
    energy = _grid_energy_eV(shape, lattice / np.array(shape)[:, None], cutoff_A, frac, weight, kind, params)
    energy -= energy[np.isfinite(energy)].min()
    settings = {
        "resolution_A": resolution_A,
        "grid_shape": list(shape),
        "cutoff_A": cutoff_A,
        "screening_factor": screening_factor,
        "covalent_radii": "softBV" if softbv_radii else "ASE",
        "oxidation_states": oxidation_source,
        "mobile_charge": ion.charge,
    }
    return Landscape(energy, lattice, _ion_label(ion), decorated.composition.reduced_formula, settings)


def _barriers(landscape: Landscape, method: str, max_barrier_eV: float) -> BVSEResult:
    levels = percolation_levels(landscape.energy_eV)
    ea = {d: (level if level <= max_barrier_eV else math.inf) for d, level in levels.items()}
    settings = dict(landscape.settings, max_barrier_eV=max_barrier_eV)
    return BVSEResult(ea[1], ea[2], ea[3], landscape, method, settings)


def bvse_barriers(
    structure,
    mobile_ion: str = "Na",
    resolution_A: float = 0.2,
    *,
    max_barrier_eV: float = MAX_BARRIER_EV,
    **landscape_options: Any,
) -> BVSEResult:
    """1D/2D/3D percolation barriers (eV) of the BVSE landscape (`bvse_landscape`, `percolation_levels`).

    Barriers above `max_barrier_eV` are reported as math.inf (bvlain searches up to 10 eV). `landscape_options`
    (cutoff_A in Angstrom, screening_factor, softbv_radii) go to `bvse_landscape`.
    """
    max_barrier_eV = _check_positive("max_barrier_eV", max_barrier_eV)
    landscape = bvse_landscape(structure, mobile_ion, resolution_A, **landscape_options)
    return _barriers(landscape, "nassb", max_barrier_eV)


def bvlain_barriers(structure, mobile_ion: str = "Na", resolution_A: float = 0.2) -> BVSEResult:
    """The same barriers computed by bvlain 0.25 (`Lain.bvse_distribution` + `percolation_barriers`), its defaults.

    The oxidation states are assigned as in `bvse_landscape`. bvlain bisects each level to 0.01 eV on a 2x2x2
    supercell; its landscape is returned on its distinct grid points (the repeated cell faces dropped).
    """
    import contextlib
    import io
    import warnings

    resolution_A = _check_positive("resolution_A", resolution_A)
    decorated, oxidation_source = with_oxidation_states(structure)
    ion = _parse_ion(mobile_ion, decorated)
    label = f"{ion.element}{abs(ion.charge)}{'+' if ion.charge > 0 else '-'}"
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        from bvlain import Lain

        calculator = Lain(verbose=False)
        calculator.read_structure(decorated, oxi_check=False)
        try:
            data = calculator.bvse_distribution(mobile_ion=label, resolution=resolution_A)
        except KeyError as error:
            raise DataError(
                f"bvlain has no softBV parameters for {label} with {decorated.composition}: {error}"
            ) from None
        barriers = calculator.percolation_barriers()
    energy = np.array(data[:-1, :-1, :-1], dtype=float)
    energy -= energy.min()
    settings = {
        "resolution_A": resolution_A,
        "grid_shape": list(energy.shape),
        "cutoff_A": calculator.r_cut,
        "max_neighbours": calculator.k,
        "screening_factor": SCREENING_FACTOR,
        "covalent_radii": "ASE",
        "oxidation_states": oxidation_source,
        "mobile_charge": ion.charge,
        "max_barrier_eV": MAX_BARRIER_EV,
    }
    landscape = Landscape(
        energy,
        np.array(decorated.lattice.matrix, dtype=float),
        _ion_label(ion),
        decorated.composition.reduced_formula,
        settings,
    )
    ea = [float(barriers[f"E_{d}D"]) for d in (1, 2, 3)]
    return BVSEResult(*ea, landscape, "bvlain", settings)
