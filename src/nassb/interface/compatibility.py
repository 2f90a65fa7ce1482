"""Chemical compatibility of the interfaces of a cell design, from the offline thermodynamics (``nassb.thermo``).

Every solid-solid contact of the stack is reacted along its mixing line (Richards et al. 2016, Chem. Mater. 28, 266)
and classified as type I (stable), II (mixed-conducting interphase that grows) or III (passivating) after Zhu, He
and Mo (2015, ACS Appl. Mater. Interfaces 7, 23685); ``nassb.thermo.reactivity`` holds the rule. The contacts:

* anode | separator (Na metal for ``na_metal`` and ``anode_free`` cells, whose plated Na meets the separator;
  the alloy's formula otherwise), or anode | interlayer | separator when an anode-side interlayer is given;
* cathode active material in both states of charge | catholyte (or the separator without one), with a cathode-side
  coating in between when one is given. The other state is the formula with `electrons_per_formula` Na removed
  (a sodiated active: NaCrO2 -> Na0.5CrO2) or added (a Na-free one: TiS2 -> NaTiS2);
* catholyte | separator when they differ.

Liquid and polymer interlayers are listed but not computed: their solvents and polymers are outside the
solid-state reference set. A contact whose phases have no reference energies (an element outside the offline set, a
liquid electrolyte) is
listed with the reason instead of a result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nassb.core.errors import DataError, InputError

WORKING_ION = "Na"


@dataclass
class InterfaceCheck:
    """One contact of the stack and its thermodynamic verdict (None where it could not be computed)."""

    interface: str
    phase_A: str
    phase_B: str
    reaction_energy_eV_per_atom: float | None = None
    products: dict[str, float] = field(default_factory=dict)
    interface_type: str | None = None
    rule: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _formula(composition) -> str:
    """'Na0.5CrO2' rather than pymatgen's 'Na0.5 Cr1 O2'; Na first ('NaTiS2', 'Na2S')."""
    items = sorted(composition.items(), key=lambda item: item[0].symbol != WORKING_ION)
    return "".join(f"{el}{'' if amount == 1 else f'{amount:g}'}" for el, amount in items)


def _other_state(formula: str, electrons: float | None) -> tuple[str, str] | None:
    """(state label, formula) of the active material's other end of charge, or None without a Na count."""
    from pymatgen.core import Composition

    from nassb.chem.formula import parse_formula

    composition = parse_formula(formula)
    if not electrons or composition is None:
        return None
    sodium = composition[WORKING_ION]
    if sodium >= electrons:
        return "charged", _formula(composition - Composition({WORKING_ION: electrons}))
    return "discharged", _formula(composition + Composition({WORKING_ION: electrons}))


SOLID_INTERLAYERS = ("coating", "alloy")


def stack_contacts(design, parameters) -> list[tuple[str, str, str, str]]:
    """(label, formula A, formula B, reason not to compute or "") for every contact of `design` (module docstring);
    `parameters` is the design's resolved `ParameterSet` (it gives the Na exchanged by the active material)."""
    from nassb.cell.materials import MaterialResolver

    resolver = MaterialResolver(overrides=design.materials, design_source=design.source)
    separator = resolver.formula(design.separator.material)
    anode = WORKING_ION if design.anode.type in ("na_metal", "anode_free") else resolver.formula(design.anode.material)
    interlayers = {
        side: [layer for layer in design.interlayer if layer.position == side and layer.material]
        for side in ("anode", "cathode")
    }
    contacts = []
    _chain(
        contacts,
        resolver,
        anode,
        f"anode ({design.anode.material or anode})",
        interlayers["anode"],
        " interlayer",
        separator,
        f"separator ({design.separator.material})",
    )

    cathode = design.cathode
    partner_name = cathode.catholyte or design.separator.material
    partner = resolver.formula(partner_name)
    active = resolver.formula(cathode.active)
    states = [("as made", active)]
    other = _other_state(active, parameters.find("cathode.active.electrons_per_formula", "1"))
    if other is not None:
        states.append(other)
    for state, formula in states:
        end = f"{'catholyte' if cathode.catholyte else 'separator'} ({partner_name})"
        _chain(
            contacts,
            resolver,
            formula,
            f"cathode {cathode.active} ({state}: {formula})",
            interlayers["cathode"],
            "",
            partner,
            end,
        )
    if cathode.catholyte and partner != separator:
        contacts.append(
            (f"catholyte ({cathode.catholyte}) | separator ({design.separator.material})", partner, separator, "")
        )
    unique = {}
    for label, a, b, reason in contacts:
        unique.setdefault((a, b), (label, reason))
    return [(label, a, b, reason) for (a, b), (label, reason) in unique.items()]


def _chain(
    contacts: list, resolver, formula: str, label: str, layers: list, layer_word: str, end_formula: str, end_label: str
) -> None:
    """Append the contacts from a phase (`formula`, `label`) through `layers` (interlayers of one side) to the end
    phase; each interlayer is named '{type}{layer_word} ({material})'."""
    for layer in layers:
        layer_formula = resolver.formula(layer.material)
        layer_label = f"{layer.type}{layer_word} ({layer.material})"
        contacts.append((f"{label} | {layer_label}", formula, layer_formula, _skip_reason(layer)))
        formula, label = layer_formula, layer_label
    contacts.append((f"{label} | {end_label}", formula, end_formula, _skip_reason(*layers[-1:])))


def _skip_reason(*layers) -> str:
    """Why a contact with the last of `layers` is not computed ("" for none or a solid interlayer)."""
    if layers and layers[-1].type not in SOLID_INTERLAYERS:
        return (
            f"not computed: {layers[-1].type} interlayer ({layers[-1].material}); liquids and polymers are "
            "outside the solid-state reference set"
        )
    return ""


def check_interfaces(design, parameters, entries: list | None = None) -> list[InterfaceCheck]:
    """The thermodynamic verdict on every contact of `design` (reasons instead of results where data are missing)."""
    from nassb.thermo.entries import available_entries
    from nassb.thermo.reactivity import interface_reaction_of

    entries = entries if entries is not None else available_entries()
    checks = []
    for label, a, b, reason in stack_contacts(design, parameters):
        check = InterfaceCheck(label, a, b, note=reason)
        if reason:
            checks.append(check)
            continue
        try:
            result = interface_reaction_of(a, b, entries)
        except (DataError, InputError, ValueError) as error:  # pymatgen: ValueError on compositions it cannot use
            check.note = str(error)
        else:
            check.reaction_energy_eV_per_atom = result.reaction_energy_eV_per_atom
            check.products = result.products
            check.interface_type = result.interface_type
            check.rule = result.interface_rule
            flags = [
                f"{side['formula']}: {side['flag']}" for side in result.entries.values() if side.get("kind") == "hull"
            ]
            check.note = "; ".join(dict.fromkeys(flags))
        checks.append(check)
    return checks
