"""Na Frenkel pair formation energy with an MLIP: the carrier-making cost of a stoichiometric Na conductor.

A Frenkel pair moves one Na from its site to an interstitial site; in the intrinsic regime the carrier concentration
goes as exp(-E_F / 2kT), so the measured activation energy is E_m + E_F / 2 (Maier, "Physical Chemistry of Ionic
Materials: Ions and Electrons in Solids", Wiley 2004, chapter 5). Supercell method: the relaxed perfect supercell
and the same supercell with one Na moved, both relaxed at fixed cell with the same calculator, E_F the difference of
their energies (a neutral defect pair, no charge correction). The interstitial is the lowest point of the Na BVSE
landscape (`nassb.transport.bvse`) at least `MIN_NA_DISTANCE_A` from every Na site and `MIN_ATOM_DISTANCE_A` from
every atom; the vacancy is the Na site farthest from it in the supercell, so that the pair does not recombine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

MIN_NA_DISTANCE_A = 1.8
MIN_ATOM_DISTANCE_A = 1.6


@dataclass(frozen=True)
class FrenkelPair:
    """E_F (eV) of a Na Frenkel pair in a supercell of `n_atoms`: where the pair sat, how the relaxations went."""

    formation_energy_eV: float
    n_atoms: int
    supercell: tuple[int, int, int]
    interstitial_bvse_eV: float
    pair_distance_A: float
    converged: bool
    model: str

    def to_dict(self) -> dict:
        return asdict(self)


def interstitial_site(structure, resolution_A: float = 0.2) -> tuple[np.ndarray, float]:
    """Fractional coordinates of the lowest BVSE point away from Na sites and atoms, and its BVSE energy (eV)."""
    from nassb.core.errors import ModelError
    from nassb.transport.bvse import bvse_landscape

    energy = bvse_landscape(structure, "Na", resolution_A).energy_eV
    points = np.argwhere(np.isfinite(energy))
    frac = points / np.array(energy.shape, float)
    distances = structure.lattice.get_all_distances(frac, structure.frac_coords)
    sodium = np.array([site.specie.symbol == "Na" for site in structure])
    free = (distances[:, sodium].min(axis=1) >= MIN_NA_DISTANCE_A) & (distances.min(axis=1) >= MIN_ATOM_DISTANCE_A)
    if not free.any():
        raise ModelError(f"{structure.composition.reduced_formula}: no interstitial room for Na on the BVSE grid")
    candidates = np.flatnonzero(free)
    best = candidates[np.argmin(energy[tuple(points[candidates].T)])]
    return frac[best], float(energy[tuple(points[best])])


def frenkel_pair_energy(
    structure, calculator, min_atoms: int = 64, fmax_eV_per_A: float = 0.05, max_steps: int = 400
) -> FrenkelPair:
    """E_F of a Na Frenkel pair in an ordered, relaxed `structure` (module docstring), in a near-cubic supercell of
    at least `min_atoms` atoms (`nassb.evaluate.material.md_supercell`)."""
    from nassb.evaluate.material import md_supercell
    from nassb.mlip import model_name, relax

    site, site_energy = interstitial_site(structure)
    scaling = md_supercell(structure, min_atoms)
    supercell = structure.copy()
    supercell.make_supercell(scaling)
    perfect = relax(supercell, calculator, fmax_eV_per_A, max_steps, relax_cell=False)
    inside = site / np.array(scaling, float)
    distances = supercell.lattice.get_all_distances([inside], supercell.frac_coords)[0]
    sodium = [index for index, site_ in enumerate(supercell) if site_.specie.symbol == "Na"]
    vacancy = max(sodium, key=lambda index: distances[index])
    defect = supercell.copy()
    defect.remove_sites([vacancy])
    defect.append("Na", inside)
    relaxed = relax(defect, calculator, fmax_eV_per_A, max_steps, relax_cell=False)
    atoms = len(supercell)
    return FrenkelPair(
        formation_energy_eV=float((relaxed.energy_eV_per_atom - perfect.energy_eV_per_atom) * atoms),
        n_atoms=atoms,
        supercell=tuple(int(n) for n in scaling),
        interstitial_bvse_eV=site_energy,
        pair_distance_A=float(distances[vacancy]),
        converged=bool(perfect.converged and relaxed.converged),
        model=model_name(calculator),
    )
