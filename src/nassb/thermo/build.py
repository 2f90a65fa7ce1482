"""Regenerate the shipped reference energies: build each reference phase, relax it with CHGNet, write the entries.

The phases are listed in ``data/reference_phases.toml`` (how each structure is built, and flags for the ones that are
not the published structure of that phase). The output, ``data/reference_entries.json``, holds one pymatgen
``ComputedStructureEntry`` per phase with its provenance in ``entry.data``, and two more kinds of entry:

* experimental formation enthalpies (pymatgen's ``exp_compounds.json.gz``, the set MP2020 was fitted to: Wang et al.
  2021, Sci. Rep. 11, 15496) for compounds of the covered elements whose structure is not reachable offline; their
  energy is dH_f + sum_i n_i mu_i with the CHGNet elemental references, so they share the computed phases' scale;
* the gases H2O, H2S, HCl and HBr (hydrolysis products of sulfides and halides) from their NIST-JANAF Gibbs energies of
  formation at 300 K (pymatgen's
  ``nist_gas_gf.json``), the same way.

CHGNet (Deng et al. 2023) is trained on the MPtrj energies after the Materials Project 2020 corrections (Wang et al.
2021), so its energies are already on the MP2020-compatible scale; applying the anion and +U corrections again would
count them twice (check: corundum Al2O3 dH_f -3.450 eV/atom with CHGNet 0.3.0, experiment -3.458).
"""

from __future__ import annotations

import gzip
import json
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from nassb.core.errors import DataError

AFLOW_CITATION = (
    "Mehl et al. 2017, Comput. Mater. Sci. 136, S1 (AFLOW Library of Crystallographic Prototypes, "
    "Part 1), via pymatgen.analysis.prototypes"
)
EXPERIMENT_CITATION = (
    "Wang et al. 2021, Sci. Rep. 11, 15496 (experimental formation enthalpies of the MP2020 fit), "
    "pymatgen analysis/compatibility/exp_compounds.json.gz"
)
GAS_CITATION = "NIST-JANAF Gibbs energy of formation at 300 K, pymatgen analysis/compatibility/data/nist_gas_gf.json"
GAS_TEMPERATURE_KEY = "300"
GASES = ("H2O", "H2S", "HCl", "HBr")
RELAX_FMAX_EV_PER_A = 0.02
RELAX_MAX_STEPS = 800
RATTLE_A = 0.03


@dataclass(frozen=True)
class PhaseSpec:
    """How one reference phase is built (see data/reference_phases.toml)."""

    id: str
    build: str
    prototype: str = ""
    structure: str = ""
    constructor: str = ""
    substitute: dict[str, str] = field(default_factory=dict)
    occupancy: dict[str, dict[str, float]] = field(default_factory=dict)
    species: dict[str, str] = field(default_factory=dict)
    supercell: tuple[int, ...] = ()
    primitive: bool = False
    rescale: bool = True
    dopant: str = ""
    dopant_x: float = 0.0
    note: str = ""
    flag: str = ""


@lru_cache(maxsize=1)
def phase_specs() -> tuple[PhaseSpec, ...]:
    """The reference phases of data/reference_phases.toml, in file order."""
    text = resources.files("nassb.thermo").joinpath("data/reference_phases.toml").read_text(encoding="utf-8")
    specs = []
    for raw in tomllib.loads(text)["phase"]:
        raw = dict(raw)
        raw["supercell"] = tuple(raw.get("supercell", ()))
        specs.append(PhaseSpec(**raw))
    return tuple(specs)


def aflow_prototype(label: str):
    """The prototype structure 'aflow-label:formula' of the AFLOW library shipped with pymatgen (a copy)."""
    from pymatgen.analysis.prototypes import AFLOW_PROTOTYPE_LIBRARY

    aflow, formula = label.split(":")
    for entry in AFLOW_PROTOTYPE_LIBRARY:
        structure = entry["snl"].structure
        if entry["tags"]["aflow"] == aflow and structure.composition.reduced_formula == _reduced(formula):
            return structure.copy()
    raise DataError(f"AFLOW prototype {label!r} is not in pymatgen's prototype library")


def _reduced(formula: str) -> str:
    from pymatgen.core import Composition

    return Composition(formula).reduced_formula


def _substituted(structure, substitute: dict[str, str], rescale: bool = True):
    """`structure` with elements replaced and, with `rescale`, the volume scaled by the ratio of atomic radii cubed."""
    from pymatgen.core import Element

    if not substitute:
        return structure
    old_volume = sum(Element(site.specie.symbol).atomic_radius ** 3 for site in structure)
    structure.replace_species(substitute)
    if not rescale:
        return structure
    new_volume = sum(Element(site.specie.symbol).atomic_radius ** 3 for site in structure)
    structure.scale_lattice(structure.volume * float(new_volume / old_volume))
    return structure


def _apply_occupancy(structure, occupancy: dict[str, dict[str, float]]):
    """Override the species of the sites whose label is a key of `occupancy`; an empty mapping removes them."""
    from pymatgen.core import Structure

    species, coords, labels = [], [], []
    for site in structure:
        override = occupancy.get(site.label)
        if override is not None and not override:
            continue
        species.append(dict(override) if override is not None else site.species)
        coords.append(site.frac_coords)
        labels.append(site.label)
    return Structure(structure.lattice, species, coords, labels=labels)


def _ordered(structure, spec: PhaseSpec):
    from nassb.chem.structure import order_structure

    if spec.occupancy:
        structure = _apply_occupancy(structure, spec.occupancy)
    scaling = spec.supercell or (1, 1, 1)
    return order_structure(structure, samples=40, seed=0, scaling=scaling)


# The constructors below only set where the relaxation starts: cell and positions are relaxed by CHGNet, so their
# lengths (bond sums of atomic radii, a few typical bond lengths) are starting guesses, not data.
START_EXPANSION = 1.05  # start 5 % wide: a compressed start can bond atoms that should not bond


def _elpasolite(species: dict[str, str]):
    """Double perovskite A2 B C X6 (Na3YCl6: A = B = Na, C = Y) with rock-salt B/C order, in the sqrt2 x sqrt2 x 2
    perovskite cell that holds the a-a-c+ octahedral tilts of the cryolite family (Glazer 1972, Acta Cryst. B28,
    3384)."""
    from pymatgen.core import Element, Lattice, Structure

    octahedral_bond_A = float(Element(species["C"]).atomic_radius + Element(species["X"]).atomic_radius)
    a_perovskite = 2 * octahedral_bond_A * START_EXPANSION
    placeholders = {"Rb": species["A"], "I": species["X"]}
    perovskite = Structure(
        Lattice.cubic(a_perovskite),
        ["Rb", "Cs", "I", "I", "I"],
        [[0.5, 0.5, 0.5], [0, 0, 0], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]],
    )
    perovskite.make_supercell([[1, -1, 0], [1, 1, 0], [0, 0, 2]])
    new_species = []
    for site in perovskite:
        symbol = site.specie.symbol
        if symbol == "Cs":
            parity = int(np.rint(site.coords / a_perovskite).astype(int).sum()) % 2
            new_species.append(species["C"] if parity == 0 else species["B"])
        else:
            new_species.append(placeholders[symbol])
    return Structure(perovskite.lattice, new_species, perovskite.frac_coords)


def _k2ptcl6(species: dict[str, str]):
    """Cubic K2PtCl6 type A2 B X6 (Fm-3m: B 4a, A 8c, X 24e (x, 0, 0)), B-X from atomic radii."""
    from pymatgen.core import Element, Lattice, Structure

    bond = float(Element(species["B"]).atomic_radius + Element(species["X"]).atomic_radius)
    a = 4 * bond * START_EXPANSION  # B-X-A-X-B along the cube edge spans about four B-X bonds
    return Structure.from_spacegroup(
        "Fm-3m",
        Lattice.cubic(a),
        [species["B"], species["A"], species["X"]],
        [[0, 0, 0], [0.25, 0.25, 0.25], [bond / a, 0, 0]],
    )


def _nabh4(species: dict[str, str]):
    """Ordered cubic NaBH4: rock salt of Na+ and BH4- with the tetrahedra aligned (F-43m; H 16e (x, x, x)),
    started from B-H 1.21 A and a = 6.15 A."""
    from pymatgen.core import Lattice, Structure

    a, boron_hydrogen_A = 6.15, 1.21
    x = boron_hydrogen_A / (math.sqrt(3) * a)
    return Structure.from_spacegroup(
        "F-43m", Lattice.cubic(a), ["Na", "B", "H"], [[0, 0, 0], [0.5, 0.5, 0.5], [0.5 + x, 0.5 + x, 0.5 + x]]
    )


def _p4s10(species: dict[str, str]):
    """One P4S10 molecule (P4S6 adamantane cage, four terminal S) in a cubic cell of about 23 A^3 per atom; the
    cage is started with P at (+-1.2, +-1.2, +-1.2) A, bridging S at 2.42 A on the axes (P-S 2.09 A, P-S-P 109 deg)
    and terminal S 1.95 A out from each P."""
    from pymatgen.core import Lattice, Structure

    vertex, bridge, terminal = 1.2, 2.42, 1.95
    signs = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
    phosphorus = vertex * signs
    bridging = [bridge * axis for axis in np.vstack([np.eye(3), -np.eye(3)])]
    terminal_sulfur = phosphorus + terminal * signs / math.sqrt(3)
    coords = np.vstack([phosphorus, bridging, terminal_sulfur])
    a = (23.0 * len(coords)) ** (1 / 3)
    return Structure(Lattice.cubic(a), ["P"] * 4 + ["S"] * 10, coords + a / 2, coords_are_cartesian=True)


def _h2_molecule(species: dict[str, str]):
    """An H2 molecule (0.74 A) in a 10 A cubic box."""
    from pymatgen.core import Lattice, Structure

    return Structure(Lattice.cubic(10.0), ["H", "H"], [[5, 5, 5], [5, 5, 5.74]], coords_are_cartesian=True)


CONSTRUCTORS: dict[str, Callable[[dict[str, str]], Any]] = {
    "elpasolite": _elpasolite,
    "k2ptcl6": _k2ptcl6,
    "nabh4": _nabh4,
    "p4s10": _p4s10,
    "h2_molecule": _h2_molecule,
}


def build_structure(spec: PhaseSpec):
    """The starting structure of a reference phase (ordered, before relaxation)."""
    from nassb import structures

    if spec.build == "aflow":
        structure = _substituted(aflow_prototype(spec.prototype), spec.substitute, spec.rescale)
    elif spec.build == "library":
        structure = structures.load(spec.structure)
        if spec.primitive:
            structure = structure.get_primitive_structure()
        structure = _substituted(structure, spec.substitute, spec.rescale)
        if spec.dopant:
            from nassb.chem.doping import doped_supercell

            doped, _ = doped_supercell(structure, spec.dopant, spec.dopant_x, max_atoms=len(structure) * 2)
            return doped
    elif spec.build == "constructed":
        if spec.constructor not in CONSTRUCTORS:
            raise DataError(f"reference phase {spec.id}: unknown constructor {spec.constructor!r}")
        return CONSTRUCTORS[spec.constructor](spec.species)
    else:
        raise DataError(f"reference phase {spec.id}: unknown build {spec.build!r}")
    if spec.occupancy or not structure.is_ordered:
        structure = _ordered(structure, spec)
    elif spec.supercell:
        structure.make_supercell(spec.supercell)
    return structure


def source_text(spec: PhaseSpec) -> str:
    """Where the starting structure of `spec` comes from, in one line."""
    from nassb import structures

    if spec.build == "aflow":
        text = f"AFLOW prototype {spec.prototype} ({AFLOW_CITATION})"
    elif spec.build == "library":
        text = f"nassb.structures {spec.structure} ({structures.citation(spec.structure)})"
    else:
        text = f"constructed by nassb.thermo.build.{spec.constructor}"
    if spec.substitute:
        text += "; substituted " + ", ".join(f"{old}->{new}" for old, new in spec.substitute.items())
    if spec.dopant:
        text += f"; {spec.dopant} at x = {spec.dopant_x:g} by nassb.chem.doping.doped_supercell"
    return text


def relax_phase(spec: PhaseSpec, calculator):
    """Build one phase and relax it with the ASE `calculator` (positions rattled by RATTLE_A so that
    symmetry-lowering relaxations can start)."""
    from nassb.mlip import relax

    structure = build_structure(spec)
    molecule_in_a_box = spec.constructor == "h2_molecule"
    if not molecule_in_a_box and len(structure) > 1:
        rng = np.random.default_rng(0)
        structure = structure.copy()
        for index in range(len(structure)):
            structure.translate_sites([index], rng.normal(0, RATTLE_A, 3), frac_coords=False)
    return relax(
        structure,
        calculator,
        fmax_eV_per_A=RELAX_FMAX_EV_PER_A,
        max_steps=RELAX_MAX_STEPS,
        relax_cell=not molecule_in_a_box,
    )


def experimental_enthalpies() -> dict[str, dict[str, Any]]:
    """Reduced formula -> {'dH_eV_per_fu', 'formula', 'uncertainty', 'mpid'} from pymatgen's exp_compounds.json.gz."""
    import pymatgen.analysis.compatibility as compatibility
    from pymatgen.core import Composition

    path = resources.files(compatibility).joinpath("exp_compounds.json.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        rows = json.load(handle)
    return {
        Composition(row["formula"]).reduced_formula: {
            "formula": row["formula"],
            "dH_eV_per_fu": float(row["exp energy"]),
            "uncertainty": None if row["uncertainty"] is None or math.isnan(row["uncertainty"]) else row["uncertainty"],
            "mpid": row["mpid"],
        }
        for row in rows
    }


def gas_free_energies(temperature_key: str = GAS_TEMPERATURE_KEY) -> dict[str, float]:
    """Gas formula -> Gibbs energy of formation (eV per formula unit) from pymatgen's nist_gas_gf.json."""
    import pymatgen.analysis.compatibility as compatibility

    path = resources.files(compatibility).joinpath("data/nist_gas_gf.json")
    table = json.loads(path.read_text(encoding="utf-8"))
    return {formula: float(table[formula][temperature_key]) for formula in GASES}


def _element_references(computed: list[dict[str, Any]]) -> dict[str, float]:
    """Element -> lowest CHGNet energy per atom among the computed elemental phases."""
    from pymatgen.core import Composition

    references: dict[str, float] = {}
    for record in computed:
        composition = Composition(record["formula"])
        if len(composition.elements) == 1:
            symbol = composition.elements[0].symbol
            references[symbol] = min(references.get(symbol, math.inf), record["energy_eV_per_atom"])
    return references


def _formation_entry(formula: str, energy_of_formation_eV: float, references: dict[str, float], data: dict):
    from pymatgen.core import Composition
    from pymatgen.entries.computed_entries import ComputedEntry

    composition = Composition(formula)
    energy = energy_of_formation_eV + sum(amount * references[el.symbol] for el, amount in composition.items())
    return ComputedEntry(composition, energy, entry_id=data["id"], data=data)


def build_reference_entries(
    calculator, progress: Callable[[str], None] | None = None, reuse: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Relax every phase of reference_phases.toml with the ASE `calculator` and add the experimental and gas
    entries; entry dicts, in order. `reuse` maps phase ids to computed entry dicts of an earlier build (same
    calculator, same spec) that are kept instead of relaxed again: the relaxation is deterministic, so only new or
    changed phases need the time."""
    from pymatgen.core import Composition
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    from nassb.mlip import model_name

    computed, entries = [], []
    for spec in phase_specs():
        if progress:
            progress(spec.id)
        if reuse and spec.id in reuse:
            entry = ComputedStructureEntry.from_dict(reuse[spec.id])
            computed.append(
                {"formula": entry.composition.formula, "energy_eV_per_atom": entry.energy / entry.composition.num_atoms}
            )
            entries.append(entry)
            continue
        result = relax_phase(spec, calculator)
        structure = result.structure
        data = {
            "id": spec.id,
            "kind": "computed",
            "source": source_text(spec),
            "note": spec.note,
            "flag": spec.flag,
            "mlip": model_name(calculator),
            "relax_converged": result.converged,
            "relax_steps": result.steps,
        }
        entry = ComputedStructureEntry(
            structure, result.energy_eV_per_atom * len(structure), entry_id=spec.id, data=data
        )
        computed.append({"formula": structure.composition.formula, "energy_eV_per_atom": result.energy_eV_per_atom})
        entries.append(entry)
    references = _element_references(computed)
    computed_formulas = {entry.composition.reduced_formula for entry in entries}
    for formula, row in sorted(experimental_enthalpies().items()):
        elements = {el.symbol for el in Composition(formula).elements}
        if formula in computed_formulas or not elements <= set(references) or len(elements) < 2:
            continue
        data = {
            "id": f"{formula}-experiment",
            "kind": "experiment",
            "source": EXPERIMENT_CITATION,
            "dH_eV_per_fu": row["dH_eV_per_fu"],
            "mpid": row["mpid"],
            "uncertainty_eV": row["uncertainty"],
            "flag": "no structure offline: experimental formation enthalpy on the CHGNet elemental references",
        }
        entries.append(_formation_entry(row["formula"], row["dH_eV_per_fu"], references, data))
    for formula, free_energy in gas_free_energies().items():
        data = {"id": f"{formula}-gas", "kind": "gas", "source": GAS_CITATION, "dG_eV_per_fu": free_energy, "flag": ""}
        entries.append(_formation_entry(formula, free_energy, references, data))
    return [entry.as_dict() for entry in entries]
