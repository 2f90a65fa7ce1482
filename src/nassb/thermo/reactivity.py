"""Interface reactions between two phases, the interphase type, and hydrolysis.

The reaction energy along the mixing line x A + (1 - x) B comes from pymatgen's ``InterfacialReactivity`` (Richards
et al. 2016, Chem. Mater. 28, 266): the most negative energy (eV per atom of mixture), the mixing ratio at which it
occurs and the products there. The interphase is then classified after Zhu, He and Mo (2015, ACS Appl. Mater.
Interfaces 7, 23685) and Wenzel et al. (2015, Solid State Ionics 278, 98), with seed 000 sec. 4.1 for the sodium
cases (Na3PS4 | Na -> Na2S + Na3P; Na3SbS4 | Na -> Na2S + Na3Sb, a mixed conductor that keeps growing):

* type I, stable: no reaction, the most negative reaction energy is above -REACTION_TOLERANCE;
* type II, mixed-conducting interphase that grows: at least one product is an electronic conductor;
* type III, passivating: the products conduct ions but not electrons.

The electronic-conductor rule (nassb's, written down here): a product conducts electrons when every element in it
is a metal or a conducting metalloid (pymatgen ``Element.is_metal`` / ``is_metalloid``, less B and Si):
elemental metals (Y, Zr, Sn), the semimetals Sb and As and their alloys and Zintl phases with Na (Na3Sb, Na3As,
NaSn). Boron and silicon are semiconductors with intrinsic resistivities of about 1e6 and 2e5 Ohm cm at room
temperature (CRC Handbook of Chemistry and Physics, "Electrical resistivity of pure metals" and semiconductor
tables), so a product of B or Si (Na | closo-borate -> NaH + B) does not make an interphase electronically
conducting. A product that contains a non-metal (P, S, O, H and the halogens) is an electronic insulator (Na2S,
Na3P, NaCl, Na2O, NaH).

A reactant without an entry of its own (a doped or mixed composition such as Na2.8PS3.8Cl0.2) reacts as its
equilibrium phase mixture at the hull energy (flagged in the result's entries).

Hydrolysis is the same reaction with H2O (the NIST-JANAF gas entry); the H2S released per formula unit of the
phase is read off the balanced reaction at the most negative energy.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from nassb.chem.formula import display_formula
from nassb.thermo.entries import available_entries, element_set, phase_diagram, provenance, system_entries
from nassb.thermo.stability import Target, resolve_target

REACTION_TOLERANCE_EV_PER_ATOM = 1e-3
SEMICONDUCTING_METALLOIDS = ("B", "Si")  # wide-gap semiconductors as elements (module docstring)
HULL_FLAG = "no entry of this composition: it reacts as its equilibrium phase mixture at the hull energy"
TYPE_RULES = {
    "I": "stable: no reaction energy below -1 meV/atom",
    "II": "mixed ionic-electronic interphase (grows): a product is an electronic conductor",
    "III": "passivating interphase: products are electronic insulators",
}


def is_electronic_conductor(formula: str) -> bool:
    """True when every element of `formula` is a metal or a conducting metalloid (the rule of the module docstring)."""
    from pymatgen.core import Composition

    return all(
        el.is_metal or (el.is_metalloid and el.symbol not in SEMICONDUCTING_METALLOIDS)
        for el in Composition(formula).elements
    )


def interface_type(reaction_energy_eV_per_atom: float, products: Iterable[str]) -> str:
    """'I', 'II' or 'III' from the most negative reaction energy and its products (see TYPE_RULES)."""
    if reaction_energy_eV_per_atom > -REACTION_TOLERANCE_EV_PER_ATOM:
        return "I"
    return "II" if any(is_electronic_conductor(formula) for formula in products) else "III"


@dataclass
class Kink:
    """One kink of the reaction-energy curve: molar fraction of A, energy (eV/atom of mixture), reaction."""

    molar_fraction_A: float
    atomic_fraction_A: float
    energy_eV_per_atom: float
    reaction: str


@dataclass
class InterfaceReaction:
    """The most favourable reaction between A and B and the interphase type."""

    reactant_A: str
    reactant_B: str
    reaction_energy_eV_per_atom: float
    ratio: float
    mol_A_per_mol_B: float | None
    reaction: str
    products: dict[str, float]
    interface_type: str
    interface_rule: str
    electronic_conductors: list[str]
    kinks: list[Kink] = field(default_factory=list)
    entries: dict[str, Any] = field(default_factory=dict)
    scheme: str = "mp2020"

    def quantities(self) -> dict[str, dict]:
        """The reaction energy in the one quantity form (`nassb.core.quantity`), with the energy scheme as a setting."""
        from nassb.core.quantity import computed_quantities

        method = "pymatgen InterfacialReactivity, most negative reaction energy on the mixing line (Richards 2016)"
        settings = {
            "energy_scheme": self.scheme,
            "reactants": f"{self.reactant_A} | {self.reactant_B}",
            "molar_fraction_A": self.ratio,
        }
        return computed_quantities(
            method, settings, {"reaction_energy": (self.reaction_energy_eV_per_atom, "eV/atom", None)}
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "quantities": self.quantities()}


def reactant(text: str, entries: list, progress=None, scheme: str = "mp2020") -> Target:
    """The reactant `text`; a composition without an entry (a doped electrolyte, a solid solution) stands as its
    equilibrium phase mixture at the hull energy, flagged as such."""
    from pymatgen.core import Composition
    from pymatgen.entries.computed_entries import ComputedEntry

    target = resolve_target(text, entries, progress, scheme)
    if target.entry is not None:
        return target
    composition = Composition(target.formula)
    energy = phase_diagram(element_set(composition), entries).get_hull_energy(composition)
    data = {
        "id": f"{target.formula} (hull)",
        "origin": "hull",
        "kind": "hull",
        "flag": HULL_FLAG,
        "source": "hull energy of the composition",
    }
    return Target(target.formula, ComputedEntry(composition, energy, data=data), "hull energy (no entry)")


def _products(reaction, per) -> dict[str, float]:
    """Product formula (`display_formula`) -> its formula units per formula unit of reactant `per` (a Composition)."""
    reactant = next(
        comp for comp in reaction.reactants if comp.fractional_composition.almost_equals(per.fractional_composition)
    )
    scale = (per.reduced_composition.num_atoms / reactant.num_atoms) / reaction.get_coeff(reactant) * -1
    products: dict[str, float] = {}
    for composition in reaction.products:
        amount = (
            reaction.get_coeff(composition) * scale * composition.num_atoms / composition.reduced_composition.num_atoms
        )
        if amount > 1e-9:
            formula, reduced_units = display_formula(composition)
            products[formula] = round(products.get(formula, 0.0) + float(amount) / reduced_units, 4)
    return products


def _reaction_text(reaction) -> str:
    """pymatgen's reaction written with `display_formula` names and amounts ('... -> 0.4 Na2S2', not '0.8 NaS')."""

    def side(compositions) -> str:
        terms = []
        for composition in compositions:
            formula, reduced_units = display_formula(composition)
            amount = abs(reaction.get_coeff(composition)) * composition.num_atoms
            amount /= composition.reduced_composition.num_atoms * reduced_units
            terms.append(formula if abs(amount - 1) < 1e-9 else f"{amount:.4g} {formula}")
        return " + ".join(terms)

    return f"{side(reaction.reactants)} -> {side(reaction.products)}"


def react_targets(a: Target, b: Target, entries: Iterable) -> InterfaceReaction:
    """InterfacialReactivity of two resolved targets over the union of their chemical systems."""
    from pymatgen.analysis.interface_reactions import InterfacialReactivity
    from pymatgen.analysis.phase_diagram import PhaseDiagram

    pool = system_entries(element_set(a.entry.composition) | element_set(b.entry.composition), entries)
    for target in (a, b):
        if target.entry.data.get("kind") != "hull" and not any(item is target.entry for item in pool):
            pool.append(target.entry)
    diagram = PhaseDiagram(pool)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*convex hull energy for this composition will be used")
        reactivity = InterfacialReactivity(
            a.entry.composition.reduced_composition,
            b.entry.composition.reduced_composition,
            diagram,
            norm=True,
            use_hull_energy=False,
        )
        kinks = list(reactivity.get_kinks())
        molar = reactivity.get_critical_original_kink_ratio()
    best = min(range(len(kinks)), key=lambda index: kinks[index][2])
    _, _, energy, reaction, _ = kinks[best]
    energy = float(energy)
    molar_x = float(molar[best])
    products = _products(reaction, b.entry.composition.reduced_composition) if 0 < molar_x < 1 else {}
    kind = interface_type(energy, products)
    if kind == "I":
        products = {}
    return InterfaceReaction(
        reactant_A=a.formula,
        reactant_B=b.formula,
        reaction_energy_eV_per_atom=round(min(energy, 0.0), 6) + 0.0,
        ratio=round(molar_x, 6),
        mol_A_per_mol_B=round(molar_x / (1 - molar_x), 6) if molar_x < 1 else None,
        reaction=_reaction_text(reaction) if kind != "I" else "no reaction",
        products=products,
        interface_type=kind,
        interface_rule=TYPE_RULES[kind],
        electronic_conductors=sorted(formula for formula in products if is_electronic_conductor(formula)),
        kinks=[
            Kink(
                round(float(molar[index]), 6),
                round(float(kink[1]), 6),
                round(float(kink[2]), 6),
                _reaction_text(kink[3]),
            )
            for index, kink in enumerate(kinks)
        ],
        entries={"A": provenance(a.entry), "B": provenance(b.entry)},
    )


def interface_reaction(
    a: str, b: str, entries_path: str | Path | None = None, progress=None, scheme: str = "mp2020"
) -> InterfaceReaction:
    """Most favourable reaction between phases `a` and `b` (FORMULA, CIF/POSCAR or nassb structure name)."""
    return interface_reaction_of(a, b, available_entries(entries_path, scheme), progress, scheme)


def interface_reaction_of(a: str, b: str, entries: list, progress=None, scheme: str = "mp2020") -> InterfaceReaction:
    """interface_reaction on already loaded `entries` (on the energy `scheme`), for many pairs in a row."""
    reaction = react_targets(reactant(a, entries, progress, scheme), reactant(b, entries, progress, scheme), entries)
    return replace(reaction, scheme=scheme)


@dataclass
class Hydrolysis:
    """Reaction of a phase with H2O: energy (eV/atom of mixture and eV per formula unit), H2S per formula unit."""

    formula: str
    reaction_energy_eV_per_atom: float
    reaction_energy_eV_per_formula_unit: float
    h2o_per_formula_unit: float
    h2s_per_formula_unit: float
    reaction: str
    products: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def hydrolysis(text: str, entries_path: str | Path | None = None, entries: list | None = None) -> Hydrolysis:
    """Most favourable reaction of `text` with water vapour and the H2S it releases (see the module docstring);
    `entries` (already on a scheme) spare reloading them for a series."""
    entries = entries if entries is not None else available_entries(entries_path)
    return target_hydrolysis(reactant(text, entries), entries)


def target_hydrolysis(phase: Target, entries: list) -> Hydrolysis:
    """hydrolysis of an already resolved `phase` among `entries`."""
    result = react_targets(reactant("H2O", entries), phase, entries)
    water_per_fu = result.mol_A_per_mol_B or 0.0
    mixture_atoms = phase.entry.composition.reduced_composition.num_atoms + 3 * water_per_fu
    return Hydrolysis(
        formula=phase.formula,
        reaction_energy_eV_per_atom=result.reaction_energy_eV_per_atom,
        reaction_energy_eV_per_formula_unit=round(result.reaction_energy_eV_per_atom * mixture_atoms, 4) + 0.0,
        h2o_per_formula_unit=round(water_per_fu, 4),
        h2s_per_formula_unit=result.products.get("H2S", 0.0),
        reaction=result.reaction,
        products=result.products,
    )


def hydrolysis_ranking(
    formulas: Iterable[str], entries_path: str | Path | None = None, scheme: str = "mp2020"
) -> list[Hydrolysis]:
    """Hydrolysis of each phase, the least reactive first (by reaction energy per formula unit)."""
    entries = available_entries(entries_path, scheme)
    results = [hydrolysis(formula, entries=entries) for formula in formulas]
    return sorted(results, key=lambda item: -item.reaction_energy_eV_per_formula_unit)
