"""What nassb can do with each system the reviews discuss (../shared/docs/DOMAIN.md section 1, listed in
`nassb/kb/data/systems.toml`): knowledge-base records, a published structure, offline stability entries, a cell
library entry and an example cell, so that the gaps are visible (`nassb db systems`).

Matching: a record belongs to a system when its reduced formula is the system's, or when one of the system's terms
appears in its printed formula, electrolyte, cathode, anode, interlayer or system name as a word (not inside a longer
name: "PAN" does not match "SeSPAN"), unless the text holds one of the system's `exclude` strings; terms in lower case
match any case. A library entry matches by formula, or by a term when its role is the system's (an electrolyte entry
for an interlayer). Stability: every element of the system's formula is in the offline reference energies
(`nassb.thermo.entries`). Example cells: the designs of the repository's `examples/cells`, `examples/validation`
and `examples/designs` that use a material of the system (by formula, library name or term), when the repository is
there.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

TEXT_COLUMNS = ("formula_printed", "electrolyte", "cathode", "anode", "interlayer", "system")
EXAMPLE_FOLDERS = ("cells", "validation", "designs")
ROLE_ENTRIES = {"interlayer": ("interlayer", "electrolyte")}  # a liquid or polymer interlayer is an electrolyte entry


@dataclass(frozen=True)
class SystemCoverage:
    """One system and what nassb holds for it (empty strings where nothing)."""

    name: str
    role: str
    family: str
    kb_records: int
    structure: str
    stability: str
    cell_library: str
    examples: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@lru_cache(maxsize=1)
def systems() -> list[dict]:
    """The systems of DOMAIN.md section 1 (`nassb/kb/data/systems.toml`)."""
    text = resources.files("nassb.kb").joinpath("data/systems.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["system"]


def _pattern(terms: list[str]) -> re.Pattern | None:
    parts = []
    for term in terms:
        flags = "(?i:" if term == term.lower() else "(?:"
        parts.append(rf"(?<![A-Za-z]){flags}{re.escape(term)})(?![a-z])")
    return re.compile("|".join(parts)) if parts else None


def _mentions(text: str, excluded: list[str]) -> bool:
    """Whether `text` holds one of a system's `exclude` strings (a term that would match another family: the
    sulfate of an anti-perovskite for the halide-doped sulfides, the Mg of beta''-alumina for the doped NASICONs)."""
    return any(term in text for term in excluded)


def _reduced(formula: str | None) -> str | None:
    from nassb.chem.formula import parse_formula

    composition = parse_formula(formula) if formula else None
    return composition.reduced_formula if composition is not None else None


def _offline_elements() -> set[str]:
    from nassb.thermo.entries import available_entries

    return {element.symbol for entry in available_entries() for element in entry.composition.elements}


def _design_materials(path: Path) -> tuple[set[str], str]:
    """(reduced formulas of the design's materials, its text) of one example design."""
    from nassb.cell.design import read_design
    from nassb.cell.materials import MaterialResolver

    design = read_design(path)
    resolver = MaterialResolver(design.materials, design.source)
    names = [design.cathode.active, design.cathode.catholyte, design.separator.material, design.anode.material_name]
    names += [layer.material for layer in design.interlayer]
    formulas = set()
    for name in filter(None, names):
        entry = resolver.entry(name)
        reduced = _reduced(entry.formula if entry is not None else name)
        if reduced:
            formulas.add(reduced)
    if design.anode.type == "na_metal":
        formulas.add("Na")
    return formulas, path.read_text(encoding="utf-8")


def system_coverage(knowledge_base, examples_dir: Path | None = None) -> list[SystemCoverage]:
    """One `SystemCoverage` per system of DOMAIN.md section 1."""
    from nassb.cell.materials import load_library
    from nassb.structures import info, names

    records = knowledge_base.records
    text = records[list(TEXT_COLUMNS)].fillna("").astype(str).agg(" ".join, axis=1)
    structures = {name: _reduced(info(name).formula) for name in names()}
    offline = _offline_elements()
    library_entries = list(load_library().values())
    designs = {}
    if examples_dir is not None:
        for folder in EXAMPLE_FOLDERS:
            for path in sorted((examples_dir / folder).glob("*.toml")):
                designs[f"{folder}/{path.name}"] = _design_materials(path)
    out = []
    for system in systems():
        formula, terms = system.get("formula"), system.get("terms", [])
        reduced = _reduced(formula)
        pattern = _pattern(terms)
        excluded = system.get("exclude", [])
        matched = records["reduced_formula"].eq(reduced) if reduced else records["record_id"].isna()
        if pattern is not None:
            mentioned = text.str.contains("|".join(map(re.escape, excluded))) if excluded else False
            matched |= text.str.contains(pattern) & ~mentioned
        structure = ", ".join(name for name, value in structures.items() if reduced and value == reduced)
        stability = ""
        if reduced:
            from nassb.chem.formula import parse_formula

            missing = sorted({element.symbol for element in parse_formula(formula).elements} - offline)
            stability = "yes" if not missing else f"no ({', '.join(missing)} not offline)"
        library = ", ".join(
            sorted(
                entry.name
                for entry in library_entries
                if (reduced and _reduced(entry.formula) == reduced)
                or (
                    entry.role in ROLE_ENTRIES.get(system["role"], (system["role"],))
                    and pattern is not None
                    and pattern.search(" ".join((entry.name, entry.formula, *entry.aliases)))
                    and not _mentions(" ".join((entry.name, entry.formula)), excluded)
                )
            )
        )
        examples = [
            name
            for name, (formulas, design_text) in designs.items()
            if (reduced and reduced in formulas)
            or (pattern is not None and pattern.search(design_text) and not _mentions(design_text, excluded))
        ]
        out.append(
            SystemCoverage(
                system["name"],
                system["role"],
                system["family"],
                int(matched.sum()),
                structure,
                stability,
                library,
                ", ".join(examples),
            )
        )
    return out


def repository_examples() -> Path | None:
    """The examples folder of the repository nassb runs from, when it is a checkout."""
    folder = Path(__file__).resolve().parents[3] / "examples"
    return folder if (folder / "cells").is_dir() else None
