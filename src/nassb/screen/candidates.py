"""Screening candidates: the structure files of a folder, read, deduplicated and keyed by content."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nassb.core.errors import NassbError

SUFFIXES = (".cif", ".vasp", ".poscar", ".json")
# exact duplicates only: the same structure within 1 % of its lattice and sites, not a strained neighbour
MATCHER_TOLERANCES = {"ltol": 0.01, "stol": 0.01, "angle_tol": 0.1, "scale": False}


def _read(path: Path):
    from pymatgen.core import Structure

    from nassb.chem.structure import check_structure, read_structure

    if path.suffix.lower() == ".json":
        try:
            structure = Structure.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as error:
            from nassb.core.errors import InputError

            raise InputError(
                str(path), "content", "a pymatgen Structure as JSON", f"{type(error).__name__}: {error}"
            ) from None
        return check_structure(structure, str(path))
    return read_structure(path)


def content_key(structure) -> str:
    """A hash of the structure's canonical form (sites sorted, coordinates to 1e-4, lattice to 1e-4 A)."""
    canonical = structure.get_sorted_structure()
    payload = {
        "lattice": [round(value, 4) for row in canonical.lattice.matrix for value in row],
        "sites": [
            (site.species_string, [round(value % 1.0, 4) % 1.0 for value in site.frac_coords]) for site in canonical
        ],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def task_key(candidate_key: str, tier: int, settings: dict) -> str:
    """The key of one candidate at one tier: its content, the tier, the settings that tier uses and the nassb
    version."""
    import nassb

    text = json.dumps([candidate_key, tier, settings, nassb.__version__], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _parent(reference: str, spec: Path):
    """A parent structure of a generation spec: a library name, or a structure file relative to the spec."""
    from nassb.chem.structure import order_structure
    from nassb.evaluate.material import load_structure

    path = Path(reference)
    structure, _, _ = load_structure(
        path if path.is_absolute() or not (spec.parent / path).exists() else spec.parent / path
    )
    return structure if structure.is_ordered else order_structure(structure)


def generate(spec: str | Path) -> tuple[dict[str, tuple[str, object]], list[tuple[str, str, str, str, str]]]:
    """The structures a generation spec (TOML) asks for: ([[doping]] parent, substitute "D:H" as `nassb material
    dope` takes it, levels x: ordered doped supercells, `nassb.chem.doping.doped_supercell`; [[substitution]]
    parent, site, elements: every `site` element replaced by each element, isovalent) as name -> (source,
    structure), and the rows of those that could not be made, with the reason."""
    import tomllib

    from nassb.chem.doping import doped_supercell
    from nassb.core.errors import InputError

    spec = Path(spec)
    try:
        data = tomllib.loads(spec.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(spec), "(syntax)", f"a generation spec in TOML ({error})") from None
    made, failed = {}, []
    for index, entry in enumerate(data.get("doping", [])):
        for field in ("parent", "substitute", "levels"):
            if field not in entry:
                raise InputError(str(spec), f"doping[{index}].{field}", "parent, substitute and levels")
        parent = _parent(entry["parent"], spec)
        for level in entry["levels"]:
            name = f"{Path(entry['parent']).stem}_{entry['substitute'].replace(':', '-on-')}_x{level:g}"
            try:
                structure, realised = doped_supercell(parent, entry["substitute"], float(level))
                made[name] = (f"{spec}: doping[{index}] x = {realised:.4g}", structure)
            except NassbError as error:
                failed.append((name, "", "", str(spec), str(error)))
    for index, entry in enumerate(data.get("substitution", [])):
        for field in ("parent", "site", "elements"):
            if field not in entry:
                raise InputError(str(spec), f"substitution[{index}].{field}", "parent, site and elements")
        parent = _parent(entry["parent"], spec)
        for element in entry["elements"]:
            structure = parent.copy()
            structure.replace_species({entry["site"]: element})
            made[f"{Path(entry['parent']).stem}_{entry['site']}-to-{element}"] = (
                f"{spec}: substitution[{index}]",
                structure,
            )
    if not made and not failed:
        raise InputError(str(spec), "doping / substitution", "at least one [[doping]] or [[substitution]] table")
    return made, failed


def load_candidates(source: str | Path) -> tuple[list[tuple[str, str, str, str, str | None]], list[str]]:
    """(rows of name, content key, structure JSON, source, load error; names dropped as duplicates) of a folder of
    structure files or of a generation spec (`generate`).

    A file that cannot be read becomes a row with its error (it fails tier 0 with that reason); duplicates are
    found with pymatgen's StructureMatcher at `MATCHER_TOLERANCES`, among structures of the same formula.
    """
    from pymatgen.analysis.structure_matcher import StructureMatcher

    from nassb.core.errors import InputError

    source = Path(source)
    rows, read = [], {}
    if source.is_file() and source.suffix.lower() == ".toml":
        made, rows = generate(source)
        read = {name: (Path(origin), structure) for name, (origin, structure) in made.items()}
    else:
        if not source.is_dir():
            raise InputError(
                str(source), "CANDIDATES", "a folder of CIF, POSCAR or pymatgen-JSON structure files, or a spec .toml"
            )
        files = sorted(path for path in source.iterdir() if path.suffix.lower() in SUFFIXES or "POSCAR" in path.name)
        if not files:
            raise InputError(str(source), "CANDIDATES", "at least one .cif, .vasp, POSCAR or .json structure file")
        for path in files:
            try:
                read[path.stem] = (path, _read(path))
            except NassbError as error:
                rows.append((path.stem, "", "", str(path), str(error)))
    matcher = StructureMatcher(**MATCHER_TOLERANCES)
    by_formula: dict[str, list[str]] = {}
    for name, (_, structure) in read.items():
        by_formula.setdefault(structure.composition.reduced_formula, []).append(name)
    duplicates = []
    for names in by_formula.values():
        kept: list[str] = []
        for name in names:
            if any(matcher.fit(read[name][1], read[other][1]) for other in kept):
                duplicates.append(name)
            else:
                kept.append(name)
        for name in kept:
            path, structure = read[name]
            rows.append((name, content_key(structure), json.dumps(structure.as_dict()), str(path), None))
    return sorted(rows), sorted(duplicates)
