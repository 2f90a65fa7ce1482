"""Prototype crystal structures of sodium solid electrolytes, each built from a published refinement.

One TOML file per structure in ``data/`` holds the space group, the lattice, the asymmetric-unit sites (Wyckoff
position, fractional coordinates, occupancies) and the source (authors, year, journal, volume, pages, DOI and the table
the numbers come from). Values that were reconstructed rather than copied are listed in the record's
``reconstructed`` field. ``load`` expands the asymmetric unit with pymatgen's ``Structure.from_spacegroup``; the result
is the structure as published, disordered where the refinement has partial occupancies.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from nassb.core.errors import DataError, InputError

if TYPE_CHECKING:
    from pymatgen.core import Structure

__all__ = ["SiteRecord", "StructureRecord", "citation", "info", "load", "names"]


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
    """A published refinement and its source, as stored in ``data/<name>.toml``."""

    name: str
    formula: str
    formula_units_per_cell: int
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
    source = _require(raw, "source", file_name)
    sites = tuple(_parse_site(site, file_name) for site in _require(raw, "sites", file_name))
    if not sites:
        raise DataError(f"{file_name}: no [[sites]] given")
    return StructureRecord(
        name=str(_require(raw, "name", file_name)),
        formula=str(_require(raw, "formula", file_name)),
        formula_units_per_cell=int(_require(raw, "formula_units_per_cell", file_name)),
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
    """One-line citation of the refinement, e.g. "Chu et al. 2016, Sci. Rep. 6, 33733, Table 3 (pristine, x = 0)"."""
    record = info(name)
    first_page = record.pages.split("-")[0]
    return (
        f"{_short_authors(record.authors)} {record.year}, {record.journal} {record.volume}, "
        f"{first_page}, {record.locator}"
    )
