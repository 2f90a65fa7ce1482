"""Reference entries: the shipped CHGNet set, a user's own computed entries, and the phase diagram of a system.

The shipped file ``data/reference_entries.json`` is written by ``scripts/build_thermo_references.py``
(``nassb.thermo.build``); each entry carries its provenance in ``entry.data`` (id, kind computed / experiment / gas,
source, flag). A user's file (``--entries``: a JSON list of pymatgen ``ComputedEntry`` or ``ComputedStructureEntry``
dicts, as the Materials Project API returns them, or ``{"entries": [...]}``) takes precedence: every shipped entry
whose reduced formula appears in the user's file is dropped. User entries without energy adjustments that declare
a VASP ``run_type`` get the MP2020 corrections (pymatgen ``MaterialsProject2020Compatibility``; Wang et al. 2021,
Sci. Rep. 11, 15496) so that they share the shipped entries' scale.

Two energy scales (``scheme``): ``mp2020``, the default, is the MP2020-corrected scale the shipped energies are on;
``gga`` removes the MP2020 anion corrections (oxide, sulfide, halide, hydride, pnictide...; the GGA/GGA+U mixing
correction is kept so that +U oxides stay comparable with their metals). Those corrections fit compound formation
enthalpies to experiment and so move every reaction that frees an anion as its element (S, Cl2, Br2, O2); first-
principles windows in the literature, seed 003's included, are mostly computed on the uncorrected GGA scale.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nassb.core.errors import DataError, InputError

REFERENCE_FILE = "data/reference_entries.json"
SCHEMES = ("mp2020", "gga")
EXPECTED_ENTRIES = 'a JSON list of pymatgen ComputedEntry / ComputedStructureEntry dicts (or {"entries": [...]})'


def _decode(raw: dict):
    from monty.json import MontyDecoder

    return MontyDecoder().process_decoded(raw)


@lru_cache(maxsize=1)
def reference_entries() -> tuple:
    """The shipped reference entries (pymatgen ComputedEntry objects with provenance in `data`), cached."""
    path = resources.files("nassb.thermo").joinpath(REFERENCE_FILE)
    if not path.is_file():
        raise DataError(
            f"the reference energies {REFERENCE_FILE} are missing from the nassb package; "
            "regenerate them with scripts/build_thermo_references.py"
        )
    document = json.loads(path.read_text(encoding="utf-8"))
    entries = tuple(_decode(raw) for raw in document["entries"])
    for entry in entries:
        entry.data.setdefault("origin", "nassb")
    return entries


def read_entries(path: str | Path) -> list:
    """A user's computed entries from a JSON file (see the module docstring); InputError names what is wrong."""
    from pymatgen.entries.computed_entries import ComputedEntry

    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError(source, "file", "an existing JSON file of computed entries", "no such file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(source, "file", EXPECTED_ENTRIES, f"not valid JSON ({error})") from None
    rows = document.get("entries") if isinstance(document, dict) else document
    if not isinstance(rows, list) or not rows:
        raise InputError(source, "entries", EXPECTED_ENTRIES, type(rows).__name__ if rows is not None else "nothing")
    entries = []
    for index, row in enumerate(rows):
        try:
            entry = _decode(row) if isinstance(row, dict) else row
        except Exception as error:  # pymatgen raises KeyError/TypeError/ValueError on malformed entry dicts
            raise InputError(source, f"entries[{index}]", "a pymatgen ComputedEntry dict", repr(error)) from None
        if not isinstance(entry, ComputedEntry):
            raise InputError(
                source, f"entries[{index}]", "a pymatgen ComputedEntry dict (with @module/@class)", type(entry).__name__
            )
        entry.data = dict(entry.data or {})
        entry.data.update(origin="user", source=source)
        entries.append(entry)
    return _mp2020(entries, source)


def _mp2020(entries: list, source: str) -> list:
    """Apply the MP2020 corrections to raw VASP entries (a run_type and no energy adjustments); others unchanged."""
    raw = [entry for entry in entries if entry.parameters.get("run_type") and not entry.energy_adjustments]
    if not raw:
        return entries
    processed = _mp2020_scheme().process_entries(raw, inplace=False, on_error="ignore")
    raw_ids = {id(entry) for entry in raw}
    rejected = len(raw) - len(processed)
    if rejected:
        raise InputError(
            source,
            "entries",
            "entries the MP2020 scheme accepts (GGA/GGA+U run_type, hubbards)",
            f"{rejected} rejected",
        )
    return [entry for entry in entries if id(entry) not in raw_ids] + list(processed)


def merge_entries(shipped: Iterable, user: Iterable) -> list:
    """`user` entries plus every `shipped` entry whose reduced formula the user did not supply."""
    user = list(user)
    covered = {entry.composition.reduced_formula for entry in user}
    return [entry for entry in shipped if entry.composition.reduced_formula not in covered] + user


@lru_cache(maxsize=1)
def _mp2020_scheme():
    from pymatgen.entries.compatibility import MaterialsProject2020Compatibility

    return MaterialsProject2020Compatibility(check_potcar=False)


def anion_correction_eV(entry) -> float:
    """The MP2020 anion corrections in `entry`'s energy (eV): its own adjustments, else MP2020's rules applied."""
    from pymatgen.entries.computed_entries import ComputedEntry, ComputedStructureEntry

    if entry.energy_adjustments:
        return float(sum(item.value for item in entry.energy_adjustments if "anion correction" in item.name))
    compatibility = _mp2020_scheme()
    elements = element_set(entry.composition)
    anion = next((symbol for symbol in ("F", "O") if symbol in elements), None)
    hubbards = {el: value for el, value in compatibility.u_settings.get(anion, {}).items() if el in elements}
    parameters = {"run_type": "GGA+U" if hubbards else "GGA", "hubbards": hubbards}
    probe = (
        ComputedStructureEntry(entry.structure, entry.energy, parameters=parameters)
        if hasattr(entry, "structure")
        else ComputedEntry(entry.composition, entry.energy, parameters=parameters)
    )
    with warnings.catch_warnings():
        # intermetallics: MP2020 then corrects the most electronegative element, as the Materials Project does;
        # entries without a structure: peroxides and superoxides are recognised by formula (Na2O2, NaO2)
        warnings.filterwarnings("ignore", message="Failed to guess oxidation states", category=UserWarning)
        warnings.filterwarnings("ignore", message="No structure or oxide_type parameter", category=UserWarning)
        adjustments = compatibility.get_adjustments(probe)
    return float(sum(item.value for item in adjustments if "anion correction" in item.name))


def on_scheme(entries: Iterable, scheme: str) -> list:
    """`entries` on the energy scale `scheme` (see the module docstring); copies for 'gga'."""
    from pymatgen.entries.computed_entries import ComputedEntry

    if scheme not in SCHEMES:
        raise InputError("thermodynamics", "scheme", f"one of {', '.join(SCHEMES)}", scheme)
    if scheme == "mp2020":
        return list(entries)
    return [
        ComputedEntry(
            entry.composition,
            entry.energy - anion_correction_eV(entry),
            entry_id=entry.entry_id,
            data=dict(entry.data or {}, scheme=scheme),
        )
        for entry in entries
    ]


@lru_cache(maxsize=len(SCHEMES))
def _shipped_on_scheme(scheme: str) -> tuple:
    return tuple(on_scheme(reference_entries(), scheme))


def available_entries(entries_path: str | Path | None = None, scheme: str = "mp2020") -> list:
    """The shipped entries, overridden by those of `entries_path` (see merge_entries), on the energy `scheme`."""
    if entries_path is None:
        return list(_shipped_on_scheme(scheme))
    return on_scheme(merge_entries(reference_entries(), read_entries(entries_path)), scheme)


def element_set(composition) -> set[str]:
    """The element symbols of a pymatgen Composition."""
    return {el.symbol for el in composition.elements}


def covered_elements(entries: Iterable) -> set[str]:
    """Elements that have an elemental entry (a phase-diagram reference) among `entries`."""
    return {entry.composition.elements[0].symbol for entry in entries if entry.composition.is_element}


def system_entries(elements: Iterable[str], entries: Iterable) -> list:
    """Entries of the chemical system of `elements`; DataError naming the elements that have no reference data."""
    wanted = set(elements)
    entries = list(entries)
    missing = sorted(wanted - covered_elements(entries))
    if missing:
        covered = ", ".join(sorted(covered_elements(entries)))
        raise DataError(
            f"no reference energy for {', '.join(missing)} (nassb's offline set covers {covered}); "
            "supply computed entries for them with --entries"
        )
    return [entry for entry in entries if element_set(entry.composition) <= wanted]


def phase_diagram(elements: Iterable[str], entries: Iterable):
    """The pymatgen PhaseDiagram of the chemical system of `elements` built from `entries`."""
    from pymatgen.analysis.phase_diagram import PhaseDiagram

    return PhaseDiagram(system_entries(elements, entries))


def provenance(entry) -> dict:
    """Id, origin (nassb / user), kind, source and flag of an entry, for reports."""
    data = entry.data or {}
    return {key: data.get(key, "") for key in ("id", "origin", "kind", "source", "flag")} | {
        "formula": entry.composition.reduced_formula
    }
