"""One material from its structure: BVSE barriers, descriptors and, on request, MLIP dynamics and elastic moduli.

The structure is a CIF/POSCAR file or a name from the prototype library (`nassb.structures`). Descriptors
are computed on the structure as published (partial occupancies included); BVSE, molecular dynamics and
elastic constants on its ordered approximant (`nassb.chem.structure.order_structure`) when it is disordered.

`mlip` picks the potential (`nassb.mlip.MLIP_NAMES`) for MD and elastic constants, or "committee": MD with every
potential (`nassb.transport.md.md_committee`), the first (CHGNet) as the result and the spread of D*, sigma, Ea and
sigma(298 K) between them as the model uncertainty; elastic constants then use CHGNet alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nassb.core.errors import InputError

DEFAULT_MD_TEMPERATURES_K = (700.0, 850.0, 1000.0)
COMMITTEE = "committee"


@dataclass
class MaterialAnalysis:
    """What `analyse_material` found; `to_dict` gives the JSON of `nassb material analyse`."""

    name: str
    formula: str
    source: str
    structure: object
    ordered: object
    bvse: object
    descriptors: object
    md: object | None = None
    md_committee: object | None = None
    elastic: object | None = None
    dendrite: dict | None = None
    figures: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = {
            "name": self.name,
            "formula": self.formula,
            "source": self.source,
            "n_sites_published": len(self.structure),
            "n_atoms_ordered": len(self.ordered),
            "bvse": {**self.bvse.to_dict(), "method": self.bvse.method, "settings": self.bvse.settings},
            "descriptors": self.descriptors.to_dict(),
            "figures": self.figures,
        }
        quantities = {**self.bvse.quantities(), **self.descriptors.quantities()}
        if self.md is not None:
            data["md"] = self.md.to_dict()
            quantities.update(self.md.quantities())
        if self.md_committee is not None:
            committee = self.md_committee.to_dict()
            data["md_committee"] = {
                "models": committee["models"],
                "spread": committee["spread"],
                "results": committee["results"][1:],  # the first model's result is data["md"]
            }
        if self.elastic is not None:
            data["elastic"] = {**self.elastic.to_dict(), "monroe_newman": self.dendrite}
            quantities.update(self.elastic.quantities())
        data["quantities"] = quantities
        return data

    def _repr_html_(self) -> str:
        """The numbers of `nassb material analyse` and the BVSE slices, for a notebook."""
        from nassb.report.notebook import material_rows, result_html
        from nassb.report.structure_figures import landscape_slices_figure

        grid_A = self.bvse.settings.get("resolution_A")
        notes = [f"source: {self.source}", f"BVSE percolation barriers on a {grid_A} Å grid (softBV parameters)"]
        title = f"{self.name}: {self.formula}"
        return result_html(title, material_rows(self.to_dict()), notes, landscape_slices_figure(self.bvse))


def load_structure(reference: str | Path):
    """(structure, name, source citation) from a CIF/POSCAR path or a prototype-library name."""
    from nassb import structures
    from nassb.chem.structure import is_structure_file_name, read_structure

    path = Path(reference)
    if is_structure_file_name(path) or path.exists():
        return read_structure(path), path.stem, f"file {path}"
    if str(reference) in structures.names():
        return structures.load(str(reference)), str(reference), structures.citation(str(reference))
    raise InputError(
        "command line",
        "structure",
        "a CIF/POSCAR file or one of the library names: " + ", ".join(structures.names()),
        str(reference),
    )


def analyse_material(
    reference: str | Path,
    md: bool = False,
    elastic: bool = False,
    resolution_A: float = 0.2,
    md_temperatures_K: tuple[float, ...] = DEFAULT_MD_TEMPERATURES_K,
    md_time_ps: float = 20.0,
    md_max_atoms: int = 200,
    md_min_atoms: int = 96,
    checkpoint_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    mobile_ion: str = "Na",
    mlip: str = "chgnet",
) -> MaterialAnalysis:
    """Analyse one structure (module docstring); `nassb.report.structure_figures.write_material_figures` draws it."""
    from nassb import mlip as potentials
    from nassb.chem.structure import order_structure
    from nassb.transport.bvse import bvse_barriers
    from nassb.transport.descriptors import describe

    choice = str(mlip).strip().lower()
    if choice not in (*potentials.MLIP_NAMES, COMMITTEE):
        raise InputError("analyse_material", "mlip", f"one of {', '.join((*potentials.MLIP_NAMES, COMMITTEE))}", mlip)
    names = potentials.MLIP_NAMES if choice == COMMITTEE else (choice,)
    structure, name, source = load_structure(reference)
    if not any(element.symbol == mobile_ion for element in structure.composition.elements):
        raise InputError(
            source,
            "composition",
            f"a structure containing the mobile ion {mobile_ion}",
            structure.composition.reduced_formula,
        )
    ordered = order_structure(structure, max_atoms=md_max_atoms)
    bvse = bvse_barriers(ordered, mobile_ion=mobile_ion, resolution_A=resolution_A)
    analysis = MaterialAnalysis(
        name=name,
        formula=structure.composition.reduced_formula,
        source=source,
        structure=structure,
        ordered=ordered,
        bvse=bvse,
        descriptors=describe(structure, mobile_ion, resolution_A),
    )
    if md:
        from nassb.transport.md import md_committee, md_conductivity

        settings = dict(
            temperatures_K=md_temperatures_K,
            time_ps=md_time_ps,
            supercell=md_supercell(ordered, md_min_atoms),
            mobile_ion=mobile_ion,
            checkpoint_dir=checkpoint_dir,
            progress=progress,
        )
        calculators = [potentials.calculator(n) for n in names]
        if choice == COMMITTEE:
            analysis.md_committee = md_committee(ordered, calculators, **settings)
            analysis.md = analysis.md_committee.results[0]
        else:
            analysis.md = md_conductivity(ordered, calculators[0], **settings)
    if elastic:
        from nassb.mechanics.elastic import elastic_constants, monroe_newman

        analysis.elastic = elastic_constants(ordered, potentials.calculator(names[0]))
        analysis.dendrite = monroe_newman(analysis.elastic.G_GPa).to_dict()
    return analysis


def md_supercell(structure, min_atoms: int = 96) -> tuple[int, int, int]:
    """Diagonal multipliers giving at least `min_atoms` atoms in a cell as close to a cube as the lattice allows."""
    import math

    multiplier = max(1.0, min_atoms / len(structure))
    edge_A = (structure.volume * multiplier) ** (1.0 / 3.0)
    scaling = [max(1, round(edge_A / length)) for length in structure.lattice.abc]
    while len(structure) * math.prod(scaling) < min_atoms:
        shortest = min(range(3), key=lambda axis: structure.lattice.abc[axis] * scaling[axis])
        scaling[shortest] += 1
    return tuple(scaling)


def doping_report(
    parent: str,
    substitute: str,
    x_min: float,
    x_max: float,
    step: float = 0.05,
    supercell_dir: Path | None = None,
    max_atoms: int = 300,
) -> dict:
    """The doping series of `parent` (a formula, a library name or a structure file) as a JSON-ready dict.

    With a structure, the Na-site count per formula unit gives the vacancy fraction, and `supercell_dir`
    receives one ordered doped supercell CIF per x (`nassb.chem.doping.doped_supercell`).
    """
    from nassb import structures
    from nassb.chem.doping import doped_supercell, doping_series, parse_substitution
    from nassb.chem.structure import is_structure_file_name, order_structure
    from nassb.core.io import write_text_atomic
    from nassb.transport.descriptors import na_sublattice

    structure = None
    if parent in structures.names() or is_structure_file_name(parent):
        structure, _name, _source = load_structure(parent)
        formula = structure.composition.reduced_formula
    else:
        formula = parent
    na_sites_per_fu = None
    if structure is not None:
        sites, _atoms = na_sublattice(structure)
        na_sites_per_fu = sites / structure.composition.get_reduced_composition_and_factor()[1]
    elif supercell_dir is not None:
        raise InputError(
            "command line",
            "--supercells",
            "a library name or structure file as PARENT (a formula has no structure)",
            parent,
        )
    series = [row.to_dict() for row in doping_series(formula, substitute, x_min, x_max, step, na_sites_per_fu)]
    if supercell_dir is not None:
        from pymatgen.io.cif import CifWriter

        ordered = order_structure(structure)
        supercell_dir.mkdir(parents=True, exist_ok=True)
        for row in series:
            doped, realised = doped_supercell(ordered, substitute, row["x"], max_atoms=max_atoms)
            path = supercell_dir / f"{formula}-{substitute.replace(':', '_on_')}-x{row['x']:g}.cif"
            write_text_atomic(path, str(CifWriter(doped)))
            row["supercell"] = str(path)
            row["supercell_x"] = round(realised, 4)
    substitution = parse_substitution(substitute, formula)
    return {
        "parent": formula,
        "substitution": f"{substitution.dopant}{substitution.dopant_oxidation:+d} on "
        f"{substitution.host}{substitution.host_oxidation:+d}",
        "Na_sites_per_formula_unit": na_sites_per_fu,
        "series": series,
    }
