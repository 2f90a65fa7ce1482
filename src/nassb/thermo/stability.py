"""Phase stability and the electrochemical window against Na/Na+.

Energy above the convex hull and the decomposition products come from pymatgen's ``PhaseDiagram`` (Ong et al. 2008,
Chem. Mater. 20, 1798). The window is the grand-potential construction of Zhu, He and Mo (2015, ACS Appl. Mater.
Interfaces 7, 23685) and Richards et al. (2016, Chem. Mater. 28, 266): the phase is opened to a Na reservoir at
chemical potential mu_Na, V = -(mu_Na - mu_Na(metal)) / e, and its equilibrium assemblage is followed along mu_Na
(``PhaseDiagram.get_element_profile``). The reduction limit is the highest mu_Na (lowest V) at which the phase still
holds no extra Na, the oxidation limit the lowest mu_Na at which it has given none up. A phase above the hull has
no window of its own; as in those papers its energy is lowered onto the hull for the window (the amount is
reported as ``stabilized_by_eV_per_atom``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nassb.chem.formula import display_formula
from nassb.core.errors import InputError, ModelError
from nassb.thermo.entries import available_entries, element_set, on_scheme, phase_diagram, provenance, system_entries

WORKING_ION = "Na"
EVOLUTION_TOLERANCE = 1e-6
STABILIZE_MARGIN_EV_PER_ATOM = 1e-4


@dataclass(frozen=True)
class Target:
    """The phase to analyse: its composition and, when known, its entry (from a structure or the reference set)."""

    formula: str
    entry: Any
    origin: str


@dataclass
class WindowStep:
    """One region of the Na chemical-potential axis: from `voltage_V` upwards, the assemblage `phases`, with
    `na_per_formula_unit` Na taken up (+) or given up (-) per formula unit of the target."""

    voltage_V: float
    na_per_formula_unit: float
    phases: list[str]


@dataclass
class Window:
    """Electrochemical stability window against Na/Na+ (V), with the products at either limit."""

    reduction_V: float
    oxidation_V: float | None
    reduction_products: list[str]
    oxidation_products: list[str]
    stabilized_by_eV_per_atom: float
    steps: list[WindowStep] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Stability:
    """Energy above hull (eV/atom; 0 on the hull; None for a bare composition without an entry), the decomposition,
    and the decomposition energy: the energy to the hull of all other phases (negative for a stable phase, its
    margin of stability; equal to the energy above hull otherwise)."""

    formula: str
    origin: str
    e_above_hull_eV_per_atom: float | None
    decomposition_energy_eV_per_atom: float | None
    formation_energy_eV_per_atom: float | None
    decomposition: dict[str, float]
    window: Window | None
    entry: dict[str, Any]
    note: str = ""
    scheme: str = "mp2020"

    def quantities(self) -> dict[str, dict]:
        """Hull, decomposition and formation energies and the window limits in the one quantity form
        (`nassb.core.quantity`), with the energy scheme as a setting."""
        from nassb.core.quantity import computed_quantities

        settings = {"energy_scheme": self.scheme, "origin": self.origin, "entry": self.entry.get("id", "")}
        out = computed_quantities(
            "pymatgen PhaseDiagram convex hull of the reference entries",
            settings,
            {
                "e_above_hull": (self.e_above_hull_eV_per_atom, "eV/atom", None),
                "decomposition_energy": (self.decomposition_energy_eV_per_atom, "eV/atom", None),
                "formation_energy": (self.formation_energy_eV_per_atom, "eV/atom", None),
            },
        )
        if self.window is not None:
            out.update(
                computed_quantities(
                    "grand-potential phase diagram open to Na (Zhu, He and Mo 2015)",
                    settings,
                    {
                        "window_reduction_limit": (self.window.reduction_V, "V", None),
                        "window_oxidation_limit": (self.window.oxidation_V, "V", None),
                    },
                )
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        payload = asdict(self)
        payload["window"] = self.window.to_dict() if self.window else None
        payload["quantities"] = self.quantities()
        return payload


def _composition(text: str, source: str):
    from pymatgen.core import Element

    from nassb.chem.formula import parse_formula

    composition = parse_formula(text)
    if composition is None:
        raise InputError(source, "formula", "a chemical formula such as Na3PS4 or a CIF/POSCAR file", text)
    unknown = [str(el) for el in composition.elements if not isinstance(el, Element)]
    if unknown:
        raise InputError(
            source,
            "formula",
            f"chemical elements only (pymatgen reads unknown symbols as dummy species: {', '.join(unknown)})",
            text,
        )
    return composition


def target_from_structure(structure, label: str, progress=None, scheme: str = "mp2020") -> Target:
    """A Target from a structure: ordered if partially occupied, relaxed with CHGNet (as the reference phases were)."""
    from pymatgen.entries.computed_entries import ComputedStructureEntry

    from nassb.chem.structure import order_structure
    from nassb.mlip import chgnet_calculator, relax
    from nassb.thermo.build import RELAX_FMAX_EV_PER_A, RELAX_MAX_STEPS

    ordered = order_structure(structure)
    if progress:
        progress(f"relaxing {ordered.composition.reduced_formula} ({len(ordered)} atoms) with CHGNet")
    result = relax(ordered, chgnet_calculator(), fmax_eV_per_A=RELAX_FMAX_EV_PER_A, max_steps=RELAX_MAX_STEPS)
    data = {
        "id": label,
        "origin": "input",
        "kind": "computed",
        "source": label,
        "flag": "",
        "relax_converged": result.converged,
    }
    entry = ComputedStructureEntry(
        result.structure, result.energy_eV_per_atom * len(result.structure), entry_id=label, data=data
    )
    return Target(entry.composition.reduced_formula, on_scheme([entry], scheme)[0], "relaxed structure")


def resolve_target(text: str, entries: Iterable, progress=None, scheme: str = "mp2020") -> Target:
    """FORMULA, a CIF/POSCAR path or a name of the nassb structure library -> Target.

    A formula takes the lowest-energy entry of that reduced formula; without one the Target has no entry.
    """
    from nassb import structures
    from nassb.chem.structure import is_structure_file_name, read_structure

    entries = list(entries)
    structure = None
    if is_structure_file_name(text) or Path(text).is_file():
        structure, label = read_structure(text), Path(text).name
    elif text in structures.names():
        structure, label = structures.load(text), text
    if structure is not None:
        system_entries(element_set(structure.composition), entries)  # name missing elements before relaxing
        return target_from_structure(structure, label, progress, scheme)
    composition = _composition(text, "stability")
    elements = element_set(composition)
    system_entries(elements, entries)
    key = _integer_formula(composition)
    candidates = [
        entry
        for entry in entries
        if element_set(entry.composition) == elements and _integer_formula(entry.composition) == key
    ]
    if not candidates:
        return Target(composition.reduced_formula, None, "composition (no entry)")
    best = min(candidates, key=lambda entry: entry.energy_per_atom)
    return Target(best.composition.reduced_formula, best, "reference entry")


def _integer_formula(composition) -> str:
    """The smallest integer formula: Na0.5CrO2 and NaCr2O4 both give 'NaCr2O4'."""
    return composition.get_integer_formula_and_factor()[0]


def _decomposition(diagram, composition) -> dict[str, float]:
    decomposition = diagram.get_decomposition(composition)
    return {
        display_formula(entry.composition)[0]: round(float(amount), 6)
        for entry, amount in sorted(decomposition.items(), key=lambda item: -item[1])
    }


def _stabilized(diagram, entry, entries: list):
    """The phase diagram with `entry` lowered onto the hull (if above it) and the shift in eV/atom."""
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.entries.computed_entries import ComputedEntry

    e_hull = float(diagram.get_e_above_hull(entry, allow_negative=True))
    if e_hull <= 0:
        return diagram, entry, 0.0
    shift = e_hull + STABILIZE_MARGIN_EV_PER_ATOM
    lowered = ComputedEntry(
        entry.composition,
        entry.energy - shift * entry.composition.num_atoms,
        entry_id=entry.entry_id,
        data=dict(entry.data or {}),
    )
    others = [item for item in entries if item is not entry]
    return PhaseDiagram(others + [lowered]), lowered, shift


def _pool(entry, entries: Iterable) -> list:
    """The entries of `entry`'s chemical system with `entry` itself among them (once)."""
    pool = system_entries(element_set(entry.composition), entries)
    return pool if any(item is entry for item in pool) else pool + [entry]


def electrochemical_window(entry, entries: Iterable) -> Window:
    """Grand-potential window of `entry` against Na/Na+ among `entries` (see the module docstring)."""
    from pymatgen.analysis.phase_diagram import PhaseDiagram
    from pymatgen.core import Element

    composition = entry.composition
    if WORKING_ION not in element_set(composition) or composition.is_element:
        raise InputError("window", "formula", f"a compound containing {WORKING_ION}", composition.reduced_formula)
    pool = _pool(entry, entries)
    diagram, entry, shift = _stabilized(PhaseDiagram(pool), entry, pool)
    profile = diagram.get_element_profile(Element(WORKING_ION), composition.reduced_composition)
    steps = [
        WindowStep(
            voltage_V=round(step["element_reference"].energy_per_atom - float(step["chempot"]), 6) + 0.0,
            na_per_formula_unit=round(float(step["evolution"]), 6) + 0.0,
            phases=sorted({display_formula(item.composition)[0] for item in step["entries"]}),
        )
        for step in profile
    ]
    zero = next(
        (index for index, step in enumerate(steps) if abs(step.na_per_formula_unit) < EVOLUTION_TOLERANCE), None
    )
    if zero is None:
        raise ModelError(f"{composition.reduced_formula}: no Na-neutral region on the grand-potential profile")
    reduction_products = steps[zero - 1].phases if zero > 0 else []
    oxidation = steps[zero + 1] if zero + 1 < len(steps) else None
    return Window(
        reduction_V=max(steps[zero].voltage_V, 0.0) + 0.0,
        oxidation_V=oxidation.voltage_V if oxidation else None,
        reduction_products=reduction_products,
        oxidation_products=oxidation.phases if oxidation else [],
        stabilized_by_eV_per_atom=round(shift, 6),
        steps=steps,
    )


def phase_stability(
    text: str, entries_path: str | Path | None = None, progress=None, scheme: str = "mp2020"
) -> Stability:
    """Energy above hull, decomposition and Na window of FORMULA / CIF / library name `text` (see resolve_target),
    on the energy `scheme` of nassb.thermo.entries."""
    entries = available_entries(entries_path, scheme)
    return target_stability(resolve_target(text, entries, progress, scheme), entries, scheme)


def target_stability(target: Target, entries: list, scheme: str = "mp2020") -> Stability:
    """phase_stability of an already resolved `target` among `entries` (on the energy `scheme`)."""
    from pymatgen.analysis.phase_diagram import PhaseDiagram

    composition = _composition(target.formula, "stability")
    if target.entry is None:
        diagram = phase_diagram(element_set(composition), entries)
        return Stability(
            target.formula,
            target.origin,
            None,
            None,
            None,
            _decomposition(diagram, composition),
            None,
            {},
            note="no entry of this composition: decomposition of the composition at the hull; give a "
            "structure (CIF/POSCAR) for its energy above hull and window",
            scheme=scheme,
        )
    pool = _pool(target.entry, entries)
    diagram = PhaseDiagram(pool)
    e_hull = max(float(diagram.get_e_above_hull(target.entry)), 0.0)
    _, decomposition_energy = diagram.get_decomp_and_phase_separation_energy(target.entry)
    has_window = WORKING_ION in element_set(composition) and not composition.is_element
    return Stability(
        formula=target.formula,
        origin=target.origin,
        e_above_hull_eV_per_atom=round(e_hull, 6),
        decomposition_energy_eV_per_atom=round(float(decomposition_energy), 6),
        formation_energy_eV_per_atom=round(float(diagram.get_form_energy_per_atom(target.entry)), 6),
        decomposition=_decomposition(diagram, composition) if e_hull > 0 else {target.formula: 1.0},
        window=electrochemical_window(target.entry, pool) if has_window else None,
        entry=provenance(target.entry),
        scheme=scheme,
    )
