"""Prototype crystal structures of sodium solid electrolytes, each with the kind of its source.

One TOML file per structure in ``data/`` holds the space group, the lattice, the asymmetric-unit sites (Wyckoff
position, fractional coordinates, occupancies) and a ``source_kind``, one of SOURCE_KINDS:

- "refinement": numbers of a published refinement, with the source (authors, year, journal, volume, pages, DOI and
  the table the numbers come from); values reconstructed rather than copied are listed in ``reconstructed``;
- "real file": the published numbers of a structure file in ../shared/external/structures (an ICSD export or a
  computed cell kept in a public repository), copied so that the package works without ../shared; the [source]
  table cites the paper and a [file] table names the repository, commit, path and git blob SHA-1 of the file;
- "structure type + relaxation": no refinement was reachable offline, so the phase was built by substitution on a
  published structure type and relaxed with an MLIP (``scripts/build_structures.py``); the [construction] table
  records the structure type, parent, substituted sites, MLIP, fmax, steps, convergence, energy, the lattice before
  and after, the symmetrization tolerance, and any cited lattice parameters with the difference.
 ``load`` expands the asymmetric unit with pymatgen's ``Structure.from_spacegroup``; the result
is the structure as published, disordered where the refinement has partial occupancies.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from nassb.core.errors import DataError, InputError

if TYPE_CHECKING:
    from pymatgen.core import Structure

__all__ = ["SOURCE_KINDS", "SiteRecord", "StructureRecord", "citation", "info", "load", "names"]

SOURCE_KINDS = ("refinement", "real file", "structure type + relaxation")
CONSTRUCTED = "structure type + relaxation"


@dataclass(frozen=True)
class SiteRecord:
    """One site of the asymmetric unit: label, occupancy by element, Wyckoff position, fractional coordinates."""

    label: str
    occupancy: tuple[tuple[str, float], ...]
    wyckoff: str
    frac: tuple[float, float, float]

    @property
    def species(self) -> dict[str, float]:
        """Element -> occupancy, the form pymatgen takes for a (partially) occupied site."""
        return dict(self.occupancy)

    @property
    def multiplicity(self) -> int:
        """Number of equivalent positions in the conventional cell, read from the Wyckoff symbol ("12d" -> 12)."""
        return int(self.wyckoff[:-1])

    @property
    def is_fully_occupied(self) -> bool:
        """True when one element fills the site completely."""
        return len(self.occupancy) == 1 and self.occupancy[0][1] == 1.0


@dataclass(frozen=True)
class StructureRecord:
    """One library structure and its source, as stored in ``data/<name>.toml``.

    The bibliographic fields (authors ... reconstructed) are empty for a constructed entry, whose ``construction``
    holds the [construction] table instead; ``file`` holds the [file] table of a "real file" entry.
    """

    name: str
    formula: str
    formula_units_per_cell: int
    source_kind: str
    space_group: str
    number: int
    setting: str
    a_A: float
    b_A: float
    c_A: float
    alpha_deg: float
    beta_deg: float
    gamma_deg: float
    published_volume_A3: float | None
    published_density_g_per_cm3: float | None
    temperature_K: float | None
    sites: tuple[SiteRecord, ...]
    authors: tuple[str, ...]
    year: int
    journal: str
    volume: str
    pages: str
    doi: str
    locator: str
    method: str
    notes: str
    reconstructed: tuple[str, ...]
    construction: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    file: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_constructed(self) -> bool:
        """True for an entry built by substitution on a structure type and relaxed with an MLIP."""
        return self.source_kind == CONSTRUCTED

    @property
    def symprec(self) -> float:
        """The tolerance (A) at which the stored space group holds: the recorded one of a constructed entry, else
        0.01."""
        return float(self.construction.get("symprec", 0.01))

    @property
    def is_ordered(self) -> bool:
        """True when every site is fully occupied by one element."""
        return all(site.is_fully_occupied for site in self.sites)


def _data_dir():
    return resources.files("nassb.structures") / "data"


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, StructureRecord]:
    records: dict[str, StructureRecord] = {}
    for entry in sorted(_data_dir().iterdir(), key=lambda path: path.name):
        if not entry.name.endswith(".toml"):
            continue
        record = _parse(entry.name, tomllib.loads(entry.read_text(encoding="utf-8")))
        if record.name in records:
            raise DataError(f"{entry.name}: structure name '{record.name}' is defined twice")
        records[record.name] = record
    return records


def _require(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise DataError(f"{where}: missing required key '{key}'")
    return table[key]


def _optional_float(table: dict[str, Any], key: str) -> float | None:
    value = table.get(key)
    return None if value is None else float(value)


def _parse_site(raw: dict[str, Any], where: str) -> SiteRecord:
    label = str(_require(raw, "label", where))
    where = f"{where}, site {label}"
    species = _require(raw, "species", where)
    occupancy = tuple((str(element), float(value)) for element, value in species.items())
    if not occupancy or any(not 0.0 < value <= 1.0 for _, value in occupancy):
        raise DataError(f"{where}: occupancies must lie in (0, 1], got {species!r}")
    if sum(value for _, value in occupancy) > 1.0 + 1e-9:
        raise DataError(f"{where}: occupancies sum above 1, got {species!r}")
    frac = tuple(float(value) for value in _require(raw, "frac", where))
    if len(frac) != 3:
        raise DataError(f"{where}: 'frac' needs three fractional coordinates, got {frac!r}")
    wyckoff = str(_require(raw, "wyckoff", where))
    if not (wyckoff[:-1].isdigit() and wyckoff[-1].isalpha()):
        raise DataError(f"{where}: Wyckoff symbol must be multiplicity + letter (e.g. '8e'), got {wyckoff!r}")
    return SiteRecord(label=label, occupancy=occupancy, wyckoff=wyckoff, frac=frac)  # type: ignore[arg-type]


def _parse(file_name: str, raw: dict[str, Any]) -> StructureRecord:
    space_group = _require(raw, "space_group", file_name)
    lattice = _require(raw, "lattice", file_name)
    source_kind = str(_require(raw, "source_kind", file_name))
    if source_kind not in SOURCE_KINDS:
        raise DataError(f"{file_name}: source_kind must be one of {', '.join(SOURCE_KINDS)}, got {source_kind!r}")
    construction = dict(raw.get("construction", {}))
    file = dict(raw.get("file", {}))
    if source_kind == CONSTRUCTED:
        for key in ("structure_type", "parent", "substituted_sites", "mlip", "fmax_eV_per_A", "steps", "converged"):
            _require(construction, key, f"{file_name} [construction]")
        source = raw.get("source", {})
        source.setdefault("authors", [])
        source.setdefault("year", 0)
        for key in ("journal", "volume", "pages", "locator", "method", "notes"):
            source.setdefault(key, "")
    else:
        source = _require(raw, "source", file_name)
    if source_kind == "real file":
        for key in ("repository", "commit", "path", "blob_sha1"):
            _require(file, key, f"{file_name} [file]")
    sites = tuple(_parse_site(site, file_name) for site in _require(raw, "sites", file_name))
    if not sites:
        raise DataError(f"{file_name}: no [[sites]] given")
    return StructureRecord(
        name=str(_require(raw, "name", file_name)),
        formula=str(_require(raw, "formula", file_name)),
        formula_units_per_cell=int(_require(raw, "formula_units_per_cell", file_name)),
        source_kind=source_kind,
        space_group=str(_require(space_group, "symbol", file_name)),
        number=int(_require(space_group, "number", file_name)),
        setting=str(space_group.get("setting", "")),
        a_A=float(_require(lattice, "a_A", file_name)),
        b_A=float(_require(lattice, "b_A", file_name)),
        c_A=float(_require(lattice, "c_A", file_name)),
        alpha_deg=float(_require(lattice, "alpha_deg", file_name)),
        beta_deg=float(_require(lattice, "beta_deg", file_name)),
        gamma_deg=float(_require(lattice, "gamma_deg", file_name)),
        published_volume_A3=_optional_float(lattice, "published_volume_A3"),
        published_density_g_per_cm3=_optional_float(lattice, "published_density_g_per_cm3"),
        temperature_K=_optional_float(lattice, "temperature_K"),
        sites=sites,
        authors=tuple(str(author) for author in _require(source, "authors", file_name)),
        year=int(_require(source, "year", file_name)),
        journal=str(_require(source, "journal", file_name)),
        volume=str(_require(source, "volume", file_name)),
        pages=str(_require(source, "pages", file_name)),
        doi=str(source.get("doi", "")),
        locator=str(_require(source, "locator", file_name)),
        method=str(_require(source, "method", file_name)),
        notes=str(_require(source, "notes", file_name)),
        reconstructed=tuple(str(item) for item in source.get("reconstructed", [])),
        construction=construction,
        file=file,
    )


def names() -> list[str]:
    """Names of the structures in the library, sorted."""
    return sorted(_catalogue())


def info(name: str) -> StructureRecord:
    """The stored record (crystallographic data and source) of structure `name`."""
    catalogue = _catalogue()
    if name not in catalogue:
        raise InputError("nassb.structures", "name", f"one of {', '.join(sorted(catalogue))}", name)
    return catalogue[name]


def load(name: str) -> Structure:
    """The published structure as a pymatgen ``Structure`` (conventional cell, possibly disordered).

    Every site carries the asymmetric-unit ``label`` (also as ``site.label``) and its ``wyckoff`` symbol in
    ``site_properties``. Built with ``Structure.from_spacegroup`` (pymatgen; Ong et al. 2013, Comput. Mater. Sci. 68,
    314), which applies the space-group operations of the stored setting to the asymmetric unit.
    """
    from pymatgen.core import Lattice, Structure

    record = info(name)
    lattice = Lattice.from_parameters(
        record.a_A, record.b_A, record.c_A, record.alpha_deg, record.beta_deg, record.gamma_deg
    )
    labels = [site.label for site in record.sites]
    return Structure.from_spacegroup(
        record.space_group,
        lattice,
        [site.species for site in record.sites],
        [site.frac for site in record.sites],
        site_properties={"label": labels, "wyckoff": [site.wyckoff for site in record.sites]},
        labels=labels,
    )


def _short_authors(authors: tuple[str, ...]) -> str:
    surnames = [author.split()[-1] for author in authors]
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    return f"{surnames[0]} et al."


def citation(name: str) -> str:
    """One-line citation of the source, e.g. "Chu et al. 2016, Sci. Rep. 6, 33733, Table 3 (pristine, x = 0)"; for a
    constructed entry the MLIP and the parent, e.g. "CHGNet 0.3.0 relaxation of Na3PS4-tetragonal, every P -> Sb"."""
    record = info(name)
    if record.is_constructed:
        construction = record.construction
        return f"{construction['mlip']} relaxation of {construction['parent']}, {construction['substituted_sites']}"
    first_page = record.pages.split("-")[0]
    journal = " ".join(part for part in (record.journal, record.volume) if part)
    parts = [f"{_short_authors(record.authors)} {record.year}", journal, first_page, record.locator]
    return ", ".join(part for part in parts if part)
