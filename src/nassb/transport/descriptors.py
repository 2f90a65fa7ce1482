"""Structural descriptors of Na+ conduction and air stability.

- Na sublattice: Na sites, Na atoms (sum of occupancies), vacancy fraction 1 - atoms/sites, carrier density
  n = Na atoms / cell volume (cm^-3), the n of the Nernst-Einstein relation.
- Bottleneck radius along the percolating path: the free radius of a point is its distance to every framework
  ion minus that ion's Shannon radius (Shannon 1976, Acta Cryst. A 32, 751; pymatgen's table, by the ion's
  guessed oxidation state). The bottleneck radius for d-dimensional migration is the largest r for which the
  region {free radius >= r} percolates in d directions: the widest window a Na+ must pass on its best path
  (the geometric picture of the reviews' "bottleneck size"; the same percolation analysis as BVSE).
- Goldschmidt tolerance factor t = (r_A + r_X) / (sqrt(2) (r_B + r_X)) (Goldschmidt 1926, Naturwissenschaften
  14, 477). For an anti-perovskite Na3BA (Na3OBr) the roles invert: X = Na+, B = the octahedrally coordinated
  chalcogenide, A = the large halide (Zhao and Daemen 2012, J. Am. Chem. Soc. 134, 15042); Shannon radii with
  coordination VI for every ion of the anti-perovskite (halides have no XII radius in Shannon's table).
- HSAB air-stability indicator, the rules of seed 000 section 3.2 and 4.1.1 and seed 001 section 4.5: soft-base
  anions (S2-, Se2-) bind H+ from water and release H2S/H2Se; hard-base anions (O2-, Cl-, Br-, seed 000
  section 4.1.1) protect; a hard acid on a soft base (P5+-S2-, seed 001) is a mismatch, a soft acid (Sb5+, seed
  001) a match; the "highly acid" dopants of seed 000 section 4.1.1 (Ca2+, Mn2+, Sn4+, Zn2+, Ga3+, and Ge4+,
  Ti4+ from the same paragraph) improve stability. The risk score combines them as written in `hsab_indicator`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from nassb.core.errors import InputError

SOFT_BASE_ANIONS = ("S", "Se", "Te")
HARD_BASE_ANIONS = ("O", "F", "Cl", "Br")
HARD_ACID_MISMATCH = {"P": "seed 001 section 4.5: P5+ is a hard acid bound to the soft base S2-"}
SOFT_ACID_MATCH = {"Sb": "seed 001 section 4.5: Sb5+ is a soft acid, stable with S2-"}
HARD_ACID_DOPANTS = {
    "Ca": "seed 000 section 4.1.1",
    "Mn": "seed 000 section 4.1.1",
    "Sn": "seed 000 section 4.1.1",
    "Zn": "seed 000 section 4.1.1",
    "Ga": "seed 000 section 4.1.1",
    "Ge": "seed 000 section 4.1.1",
    "Ti": "seed 000 section 4.1.1",
}
CM3_PER_A3 = 1e-24


@dataclass(frozen=True)
class HSABIndicator:
    """Fractions that the seeds' HSAB rules act on, and a 0-1 risk score (1 = all-soft, mismatched anions)."""

    soft_base_anion_fraction: float
    hard_base_anion_fraction: float
    hard_acid_mismatch_fraction: float
    hard_acid_dopant_fraction: float
    risk_score: float
    verdict: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Descriptors:
    """Descriptors of one structure (see the module docstring for each definition)."""

    formula: str
    na_sites: int
    na_atoms: float
    na_site_vacancy_fraction: float
    carrier_density_per_cm3: float
    volume_per_atom_A3: float
    bottleneck_radius_A: dict[int, float | None]
    tolerance_factor: float | None
    hsab: HSABIndicator
    settings: dict = field(default_factory=dict)

    def quantities(self) -> dict[str, dict]:
        """Bottleneck radii, vacancy fraction and tolerance factor in the one quantity form (`nassb.core.quantity`)."""
        from nassb.core.quantity import computed_quantities

        numbers = {f"bottleneck_radius_{d}D": (self.bottleneck_radius_A.get(d), "angstrom", None) for d in (1, 2, 3)}
        numbers["na_site_vacancy_fraction"] = (self.na_site_vacancy_fraction, "1", None)
        numbers["tolerance_factor"] = (self.tolerance_factor, "1", None)
        return computed_quantities("nassb.transport.descriptors (geometric descriptors)", self.settings, numbers)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["bottleneck_radius_1D_A"] = self.bottleneck_radius_A.get(1)
        data["bottleneck_radius_2D_A"] = self.bottleneck_radius_A.get(2)
        data["bottleneck_radius_3D_A"] = self.bottleneck_radius_A.get(3)
        del data["bottleneck_radius_A"]
        return data


def goldschmidt_tolerance_factor(r_A_A: float, r_B_A: float, r_X_A: float) -> float:
    """t = (r_A + r_X) / (sqrt(2) (r_B + r_X)) with ionic radii in Angstrom (Goldschmidt 1926)."""
    if min(r_A_A, r_B_A, r_X_A) <= 0:
        raise InputError("tolerance factor", "radius", "positive ionic radii in Angstrom", (r_A_A, r_B_A, r_X_A))
    return (r_A_A + r_X_A) / (math.sqrt(2.0) * (r_B_A + r_X_A))


def antiperovskite_tolerance_factor(formula: str) -> float | None:
    """Tolerance factor of an anti-perovskite Na3BA (B a chalcogenide, A a halide), else None."""
    from pymatgen.core import Composition, Species

    amounts = Composition(formula).get_el_amt_dict()
    chalcogens = [e for e in amounts if e in ("O", "S", "Se", "Te")]
    halides = [e for e in amounts if e in ("F", "Cl", "Br", "I")]
    if set(amounts) != {"Na", *chalcogens, *halides} or len(chalcogens) != 1 or not halides:
        return None
    if not (
        abs(amounts["Na"] - 3) < 1e-6
        and abs(amounts[chalcogens[0]] - 1) < 1e-6
        and abs(sum(amounts[h] for h in halides) - 1) < 1e-6
    ):
        return None
    r_A = sum(amounts[h] * Species(h, -1).get_shannon_radius("VI") for h in halides)
    r_B = Species(chalcogens[0], -2).get_shannon_radius("VI")
    r_X = Species("Na", 1).get_shannon_radius("VI")
    return goldschmidt_tolerance_factor(r_A, r_B, r_X)


def hsab_indicator(formula: str) -> HSABIndicator:
    """The seeds' HSAB air-stability rules applied to a composition (module docstring).

    risk = s (1 - h) (0.5 + 0.5 m - 0.25 a) (1 - d), clipped to [0, 1], with s and h the soft- and hard-base
    fractions of the anions, m and a the fractions of non-Na cations that are mismatched hard acids (P5+) or
    matched soft acids (Sb5+), d the fraction of non-Na cations that are seed 000's hard-acid dopants. The
    weights only order compositions along the seeds' statements; the score is a ranking, not a rate.
    """
    from pymatgen.core import Composition

    amounts = Composition(formula).get_el_amt_dict()
    anions = {e: n for e, n in amounts.items() if e in SOFT_BASE_ANIONS + HARD_BASE_ANIONS + ("I", "H", "N")}
    cations = {e: n for e, n in amounts.items() if e not in anions and e != "Na"}
    anion_total = sum(anions.values()) or 1.0
    cation_total = sum(cations.values()) or 1.0
    soft = sum(n for e, n in anions.items() if e in SOFT_BASE_ANIONS) / anion_total
    hard = sum(n for e, n in anions.items() if e in HARD_BASE_ANIONS) / anion_total
    mismatch = sum(n for e, n in cations.items() if e in HARD_ACID_MISMATCH) / cation_total
    match = sum(n for e, n in cations.items() if e in SOFT_ACID_MATCH) / cation_total
    dopant = sum(n for e, n in cations.items() if e in HARD_ACID_DOPANTS) / cation_total
    risk = float(np.clip(soft * (1 - hard) * (0.5 + 0.5 * mismatch - 0.25 * match) * (1 - dopant), 0.0, 1.0))
    if soft == 0:
        verdict = "no soft-base anion: no H2S/H2Se release by the HSAB rule"
    elif risk >= 0.4:
        verdict = "high: soft-base anions on a hard acid release H2S in moist air"
    elif risk >= 0.2:
        verdict = "moderate: soft-base anions, partly protected"
    else:
        verdict = "low for a sulfide: soft acid or hard-base/hard-acid substitution"
    rules = tuple(
        [f"{e}: {HARD_ACID_MISMATCH[e]}" for e in cations if e in HARD_ACID_MISMATCH]
        + [f"{e}: {SOFT_ACID_MATCH[e]}" for e in cations if e in SOFT_ACID_MATCH]
        + [f"{e}: hard-acid dopant, {HARD_ACID_DOPANTS[e]}" for e in cations if e in HARD_ACID_DOPANTS]
        + [f"{e}: hard-base anion, seed 000 section 4.1.1" for e in anions if e in HARD_BASE_ANIONS and soft > 0]
    )
    return HSABIndicator(
        round(soft, 4), round(hard, 4), round(mismatch, 4), round(dopant, 4), round(risk, 4), verdict, rules
    )


def _framework_radii(structure, mobile_ion: str) -> tuple[np.ndarray, np.ndarray]:
    """Cartesian coordinates and Shannon radii (A) of the framework ions (every site that is not the mobile ion)."""
    from nassb.transport.bvse import with_oxidation_states

    decorated, _how = with_oxidation_states(structure)
    coords, radii = [], []
    for site in decorated:
        framework = [(sp, occ) for sp, occ in site.species.items() if sp.symbol != mobile_ion]
        if not framework:
            continue
        radius = max(_shannon_radius(sp) for sp, _occ in framework)
        coords.append(site.coords)
        radii.append(radius)
    if not coords:
        raise InputError("structure", "sites", f"a framework besides the mobile ion {mobile_ion}")
    return np.array(coords), np.array(radii)


def _shannon_radius(species) -> float:
    try:
        radius = species.ionic_radius
    except (AttributeError, ValueError):
        radius = None
    if radius is None:
        radius = species.element.average_ionic_radius
    return float(radius)


def free_radius_grid(structure, mobile_ion: str = "Na", resolution_A: float = 0.2, neighbours: int = 12) -> np.ndarray:
    """Free radius (A) on a periodic grid over the cell: min over framework ions of distance - Shannon radius."""
    from scipy.spatial import cKDTree

    coords, radii = _framework_radii(structure, mobile_ion)
    lattice = structure.lattice
    divisions = [max(8, int(math.ceil(length / resolution_A))) for length in lattice.abc]
    axes = [np.arange(n) / n for n in divisions]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    shifts = np.array([[i, j, k] for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)], dtype=float)
    image_coords = (coords[None, :, :] + (shifts @ lattice.matrix)[:, None, :]).reshape(-1, 3)
    image_radii = np.tile(radii, len(shifts))
    k = min(neighbours, len(image_coords))
    distance, index = cKDTree(image_coords).query(lattice.get_cartesian_coords(grid), k=k)
    distance, index = distance.reshape(len(grid), k), index.reshape(len(grid), k)
    free = (distance - image_radii[index]).min(axis=1)
    return free.reshape(divisions)


def bottleneck_radii_A(structure, mobile_ion: str = "Na", resolution_A: float = 0.2) -> dict[int, float | None]:
    """Largest free radius that percolates in 1, 2, 3 directions (None when the framework blocks every path)."""
    from nassb.transport.percolation import percolation_levels

    free = free_radius_grid(structure, mobile_ion, resolution_A)
    levels = percolation_levels(-free)
    return {d: (None if not math.isfinite(levels[d]) else round(float(-levels[d]), 3)) for d in (1, 2, 3)}


def na_sublattice(structure, mobile_ion: str = "Na") -> tuple[int, float]:
    """(sites carrying the mobile ion, atoms of it = sum of its occupancies) in the cell."""
    sites = [site for site in structure if any(sp.symbol == mobile_ion for sp in site.species)]
    atoms = sum(float(amount) for site in sites for sp, amount in site.species.items() if sp.symbol == mobile_ion)
    return len(sites), atoms


def describe(structure, mobile_ion: str = "Na", resolution_A: float = 0.2) -> Descriptors:
    """Every descriptor of the module docstring for one (possibly partially occupied) structure."""
    sites, atoms = na_sublattice(structure, mobile_ion)
    if sites == 0:
        raise InputError(
            "structure",
            "composition",
            f"a structure containing the mobile ion {mobile_ion}",
            structure.composition.reduced_formula,
        )
    formula = structure.composition.reduced_formula
    return Descriptors(
        formula=formula,
        na_sites=sites,
        na_atoms=round(atoms, 4),
        na_site_vacancy_fraction=round(1.0 - atoms / sites, 4),
        carrier_density_per_cm3=atoms / (structure.volume * CM3_PER_A3),
        volume_per_atom_A3=structure.volume / structure.composition.num_atoms,
        bottleneck_radius_A=bottleneck_radii_A(structure, mobile_ion, resolution_A),
        tolerance_factor=antiperovskite_tolerance_factor(formula),
        hsab=hsab_indicator(structure.composition.formula.replace(" ", "")),
        settings={
            "mobile_ion": mobile_ion,
            "resolution_A": resolution_A,
            "radii": "Shannon 1976 by guessed oxidation state",
        },
    )
