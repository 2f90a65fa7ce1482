"""Aliovalent doping series: charge-balanced compositions and ordered doped supercells.

A dopant D (oxidation state q_D) replaces x of a host species H (q_H) per formula unit. The charge it adds,
(q_D - q_H) x, is compensated on the Na sublattice (the Kroger-Vink bookkeeping every doping study in the
seeds uses: W6+ for Sb5+ gives Na3-xSb1-xWxS4 with x Na vacancies, seed 000 Table 1; Ge4+ for Sb5+ gives
Na3+xSb1-xGexS4 with x Na interstitials, seed 000 section 4.1.1; Cl- for S2- gives Na3-xPS4-xClx):
    Na content = Na_parent - (q_D - q_H) x   (minus x more when the host itself is Na, as for Ca2+ on Na+).
Positive `na_vacancies` are vacancies per formula unit, negative ones interstitials.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from nassb.core.errors import InputError

_SPECIES = re.compile(r"^([A-Z][a-z]?)(\d*)([+-]?)$")


@dataclass(frozen=True)
class Substitution:
    """D on the site of H with formal oxidation states."""

    dopant: str
    dopant_oxidation: int
    host: str
    host_oxidation: int

    @property
    def charge_change(self) -> int:
        """q_D - q_H: the charge one substitution adds."""
        return self.dopant_oxidation - self.host_oxidation


@dataclass(frozen=True)
class DopedComposition:
    """One member of a series: x per formula unit, the formula and its Na bookkeeping."""

    x: float
    formula: str
    na_per_formula_unit: float
    na_vacancies_per_formula_unit: float
    na_site_vacancy_fraction: float | None
    charge_balanced: bool

    def to_dict(self) -> dict:
        return {
            "x": self.x,
            "formula": self.formula,
            "Na_per_formula_unit": self.na_per_formula_unit,
            "Na_vacancies_per_formula_unit": self.na_vacancies_per_formula_unit,
            "Na_site_vacancy_fraction": self.na_site_vacancy_fraction,
            "charge_balanced": self.charge_balanced,
        }


def _parse_species(text: str, source: str) -> tuple[str, int | None]:
    from pymatgen.core import Element

    match = _SPECIES.match(text.strip())
    if not match or not Element.is_valid_symbol(match.group(1)):
        raise InputError(
            source,
            "substitute",
            "'Dopant:Host' with element symbols and optional charges, e.g. 'W:Sb' or 'W6+:Sb5+'",
            text,
        )
    element, magnitude, sign = match.groups()
    if not sign:
        return element, None
    return element, (int(magnitude) if magnitude else 1) * (1 if sign == "+" else -1)


def _parent_oxidation_states(parent: str) -> dict[str, float]:
    from pymatgen.core import Composition

    from nassb.chem.oxidation import element_oxidation_states

    try:
        states = element_oxidation_states(Composition(parent))
    except (ValueError, KeyError) as error:
        raise InputError("parent", "formula", "a formula pymatgen can parse, such as Na3SbS4", parent) from error
    if states is None:
        raise InputError(
            "parent", "formula", "a charge-balanced parent formula (no oxidation-state assignment found)", parent
        )
    return dict(states)


def parse_substitution(text: str, parent: str) -> Substitution:
    """'W:Sb' or 'W6+:Sb5+' in `parent`: host charge from the parent's oxidation states, dopant charge its most
    common one of the host's sign (pymatgen `Element.common_oxidation_states`), unless given."""
    from pymatgen.core import Composition, Element

    if text.count(":") != 1:
        raise InputError("substitute", "substitute", "'Dopant:Host', e.g. 'W:Sb', 'Cl:S' or 'Ca:Na'", text)
    dopant_text, host_text = text.split(":")
    dopant, dopant_q = _parse_species(dopant_text, "substitute")
    host, host_q = _parse_species(host_text, "substitute")
    if host not in {element.symbol for element in Composition(parent).elements}:
        raise InputError("substitute", "host", f"an element of the parent {parent}", host)
    if host_q is None:
        host_q = int(round(_parent_oxidation_states(parent)[host]))
    if dopant_q is None:
        same_sign = [q for q in Element(dopant).common_oxidation_states if q * host_q > 0]
        if not same_sign:
            raise InputError(
                "substitute",
                "dopant",
                f"a dopant with a common oxidation state of the host's sign ({host_q:+d}); give it, e.g. 'W6+:Sb'",
                dopant,
            )
        dopant_q = max(same_sign, key=abs)
    return Substitution(dopant, int(dopant_q), host, int(host_q))


def doped_composition(
    parent: str, substitution: Substitution, x: float, na_sites_per_formula_unit: float | None = None
) -> DopedComposition:
    """The charge-balanced composition at dopant content x per formula unit (module docstring)."""
    from pymatgen.core import Composition

    amounts = dict(Composition(parent).get_el_amt_dict())
    if x < 0 or x > amounts[substitution.host] + 1e-9:
        raise InputError(
            "range", "x", f"0 <= x <= {amounts[substitution.host]:g} (the host {substitution.host} per formula unit)", x
        )
    na_parent = amounts.get("Na", 0.0)
    amounts[substitution.host] -= x
    amounts[substitution.dopant] = amounts.get(substitution.dopant, 0.0) + x
    amounts["Na"] = amounts.get("Na", 0.0) - substitution.charge_change * x
    if amounts["Na"] < -1e-9:
        raise InputError(
            "range", "x", f"a dopant content that leaves Na >= 0 (charge {substitution.charge_change:+d} per dopant)", x
        )
    formula = "".join(
        f"{element}{_format_amount(amount)}"
        for element, amount in _ordered(amounts, parent, substitution.host, substitution.dopant)
        if amount > 1e-9
    )
    vacancies = na_parent - amounts["Na"] - (x if substitution.host == "Na" else 0.0)
    fraction = None if not na_sites_per_formula_unit else vacancies / na_sites_per_formula_unit
    oxidation = _parent_oxidation_states(parent)
    oxidation[substitution.host] = substitution.host_oxidation
    oxidation[substitution.dopant] = substitution.dopant_oxidation
    charge = sum(amount * oxidation[element] for element, amount in amounts.items())
    return DopedComposition(
        float(x),
        formula,
        round(float(amounts["Na"]), 10),
        round(float(vacancies), 10),
        None if fraction is None else round(float(fraction), 10),
        abs(charge) < 1e-6,
    )


def _format_amount(amount: float) -> str:
    return "" if abs(amount - 1) < 1e-9 else f"{amount:.4f}".rstrip("0").rstrip(".")


def _ordered(amounts: dict[str, float], parent: str, host: str, dopant: str) -> list[tuple[str, float]]:
    """The parent's element order with the dopant right after its host ('Na2.88Sb0.88W0.12S4')."""
    from pymatgen.core import Composition

    order = [element.symbol for element in Composition(parent).elements]
    if dopant not in order:
        order.insert(order.index(host) + 1, dopant)
    return [(element, amounts[element]) for element in order]


MAX_SERIES_POINTS = 1000  # a screen of more compositions belongs in a batch run, not one table


def doping_series(
    parent: str,
    substitute: str,
    x_min: float,
    x_max: float,
    step: float = 0.05,
    na_sites_per_formula_unit: float | None = None,
) -> list[DopedComposition]:
    """The series x_min, x_min + step, ..., x_max (inclusive) for `substitute` ('W:Sb') in `parent`."""
    if not (step > 0) or x_max < x_min:
        raise InputError("range", "range", "x_min <= x_max and a positive step", (x_min, x_max, step))
    substitution = parse_substitution(substitute, parent)
    count = int(math.floor((x_max - x_min) / step + 1e-9)) + 1
    if count > MAX_SERIES_POINTS:
        raise InputError(
            "range",
            "step",
            f"a step giving at most {MAX_SERIES_POINTS} compositions over the range",
            f"{step:g} ({count})",
        )
    return [
        doped_composition(parent, substitution, round(x_min + i * step, 10), na_sites_per_formula_unit)
        for i in range(count)
    ]


def parse_range(text: str) -> tuple[float, float]:
    """'0-0.15' -> (0.0, 0.15)."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*-\s*([0-9.]+)\s*", text)
    if not match:
        raise InputError("range", "range", "'x_min-x_max' with non-negative numbers, e.g. '0-0.15'", text)
    return float(match.group(1)), float(match.group(2))


def doped_supercell(structure, substitute: str, x: float, max_atoms: int = 300, seed: int = 0):
    """An ordered supercell of an ordered parent with round(x N_fu) host sites replaced and Na removed or added.

    The supercell is the smallest diagonal one (at most `max_atoms`) in which x times the number of formula
    units is closest to an integer; dopant sites and Na vacancies are chosen at random (seeded). Na
    interstitials go to the free positions farthest from every atom on a 0.3 A grid (a geometric stand-in for
    the interstitial sites that BVSE identifies). Returns (structure, realised x).
    """
    import itertools

    from pymatgen.core import Structure

    if not structure.is_ordered:
        raise InputError("structure", "occupancy", "an ordered parent structure (order it first with order_structure)")
    parent = structure.composition.reduced_formula
    substitution = parse_substitution(substitute, parent)
    formula_units = structure.composition.get_reduced_composition_and_factor()[1]
    best = None
    for scaling in itertools.product(range(1, 5), repeat=3):
        multiplier = math.prod(scaling)
        if len(structure) * multiplier > max_atoms and multiplier > 1:
            continue
        n_dopant = x * formula_units * multiplier
        key = (abs(n_dopant - round(n_dopant)) / max(n_dopant, 1e-9), multiplier, max(scaling) / min(scaling))
        if best is None or key < best[0]:
            best = (key, scaling, int(round(n_dopant)), multiplier)
    _key, scaling, n_dopant, multiplier = best
    supercell = structure.copy()
    supercell.make_supercell(scaling)
    rng = np.random.default_rng(seed)
    host_sites = [i for i, site in enumerate(supercell) if site.specie.symbol == substitution.host]
    chosen = rng.choice(host_sites, size=n_dopant, replace=False)
    for index in chosen:
        supercell.replace(int(index), substitution.dopant, coords=supercell[int(index)].frac_coords)
    na_change = -substitution.charge_change * n_dopant
    na_sites = [i for i, site in enumerate(supercell) if site.specie.symbol == "Na" and i not in set(chosen.tolist())]
    if na_change < 0:
        supercell.remove_sites(sorted(rng.choice(na_sites, size=-na_change, replace=False).tolist()))
    elif na_change > 0:
        for point in _free_points(supercell, na_change):
            supercell.append("Na", point)
    realised_x = n_dopant / (formula_units * multiplier)
    ordered = supercell.get_sorted_structure()
    return Structure(ordered.lattice, ordered.species, ordered.frac_coords), realised_x


def _free_points(structure, count: int, spacing_A: float = 0.3) -> list[np.ndarray]:
    """`count` fractional points, each the farthest from all atoms (and from the points already taken)."""
    import itertools

    from scipy.spatial import cKDTree

    divisions = [max(4, int(round(length / spacing_A))) for length in structure.lattice.abc]
    axes = [np.arange(n) / n for n in divisions]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    images = np.array(list(itertools.product((-1, 0, 1), repeat=3)))
    points: list[np.ndarray] = []
    for _ in range(count):
        frac = np.vstack([structure.frac_coords] + ([np.array(points)] if points else []))
        cart = structure.lattice.get_cartesian_coords((frac[:, None, :] + images[None, :, :]).reshape(-1, 3))
        distance, _ = cKDTree(cart).query(structure.lattice.get_cartesian_coords(grid))
        points.append(grid[int(np.argmax(distance))])
    return points
