"""BVSE barriers of seed electrolytes ranked against their measured activation energies.

Each case is a prototype structure of `nassb.structures`, optionally doped to the seed's composition with
`nassb.chem.doping.doped_supercell` (an ordered supercell, Na vacancies or interstitials included), and the
knowledge-base records of its measured Ea (the median when a compound has several). The ranking statistic is
Spearman's rho (scipy.stats.spearmanr) between the BVSE barrier of the lowest dimensionality that spans the
crystal in 3D and the measured Ea. An outlier is a case whose rank differs by more than a third of the number
of cases; each case states beforehand the caveat that would explain it (`caveat`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass

BVSE_CAVEAT = (
    "BVSE sees the framework only: a dopant that acts through the Na vacancy or interstitial count barely moves it"
)


@dataclass(frozen=True)
class ValidationCase:
    """A seed electrolyte: the prototype it is built on, the doping that makes it, its Ea records."""

    label: str
    structure: str
    record_ids: tuple[str, ...]
    substitute: str | None = None
    x: float | None = None
    caveat: str = ""
    family: str = "sulfide"


CASES = (
    ValidationCase(
        "Na3PS4 (cubic)",
        "Na3PS4-cubic",
        ("000-0152", "002T-0019", "002T-0113"),
        caveat="three cubic Na3PS4 values in the seeds span 0.20-0.49 eV (glass-ceramic vs annealed)",
    ),
    ValidationCase("Na3PS4 (tetragonal)", "Na3PS4-tetragonal", ("000-0155",)),
    ValidationCase(
        "Na3SbS4",
        "Na3SbS4-cubic",
        ("000-0004", "002T-0119"),
        caveat="the seeds do not say which polymorph; the prototype is the cubic high-temperature one",
    ),
    ValidationCase("Na2.85P0.85W0.15S4", "Na3PS4-tetragonal", ("000-0024",), "W:P", 0.15, BVSE_CAVEAT),
    ValidationCase("Na2.8PS3.8Cl0.2", "Na3PS4-tetragonal", ("000-0026",), "Cl:S", 0.2, BVSE_CAVEAT),
    ValidationCase(
        "Na3P0.62As0.38S4",
        "Na3PS4-tetragonal",
        ("000-0022", "002T-0023"),
        "As:P",
        0.38,
        "isovalent As on P widens the lattice, which the unrelaxed P-prototype cell does not show",
    ),
    ValidationCase("Na2.88Sb0.88W0.12S4", "Na3SbS4-cubic", ("000-0042",), "W:Sb", 0.12, BVSE_CAVEAT),
    ValidationCase("Na2.88Sb0.88Mo0.12S4", "Na3SbS4-cubic", ("000-0040",), "Mo:Sb", 0.12, BVSE_CAVEAT),
    ValidationCase("Na3.1Ge0.1Sb0.9S4", "Na3SbS4-cubic", ("000-0050", "002T-0078"), "Ge:Sb", 0.1, BVSE_CAVEAT),
    ValidationCase("Na3.06Sb0.94Sn0.06S4", "Na3SbS4-cubic", ("000-0038",), "Sn:Sb", 0.06, BVSE_CAVEAT),
    ValidationCase("Na2.85SbS3.85Cl0.15", "Na3SbS4-cubic", ("000-0028",), "Cl:S", 0.15, BVSE_CAVEAT),
    ValidationCase("Na2.85SbS3.85Br0.15", "Na3SbS4-cubic", ("000-0030",), "Br:S", 0.15, BVSE_CAVEAT),
    ValidationCase("Na2.85SbS3.85I0.15", "Na3SbS4-cubic", ("000-0032",), "I:S", 0.15, BVSE_CAVEAT),
    ValidationCase("Na3.06Sb0.94Si0.06S4", "Na3SbS4-cubic", ("000-0034",), "Si:Sb", 0.06, BVSE_CAVEAT),
    ValidationCase("Na3.06Sb0.94Ge0.06S4", "Na3SbS4-cubic", ("000-0036",), "Ge:Sb", 0.06, BVSE_CAVEAT),
    ValidationCase(
        "Na3PS3.85O0.15",
        "Na3PS4-tetragonal",
        ("000-0052", "002X-0073"),
        "O:S",
        0.15,
        "isovalent O on S shrinks the PS4 units, which the unrelaxed Na3PS4 cell does not show",
    ),
    ValidationCase(
        "Na3Zr2Si2PO12",
        "Na4Zr2Si3O12-rhombohedral",
        ("002T-0028", "002T-0040", "002T-0058", "002T-0095"),
        "P:Si",
        1.0,
        "NZSP is monoclinic at room temperature; the prototype is the rhombohedral Na4Zr2Si3O12 framework at 573 K, "
        "and the seeds' NZSP values are of modified ceramics (coatings, additives)",
        family="oxide",
    ),
    ValidationCase(
        "Na3AsS4",
        "Na3AsS4-tetragonal",
        ("000-0006",),
        caveat="built on the tetragonal Na3PS4 type and relaxed with CHGNet (no refinement offline)",
    ),
    ValidationCase(
        "Na3PSe4",
        "Na3PSe4-tetragonal",
        ("000-0020", "001X-0073"),
        caveat="built on the tetragonal Na3PS4 type and relaxed with CHGNet; Na3PSe4 is cubic at room temperature",
        family="selenide",
    ),
    ValidationCase(
        "Na3OBr",
        "Na3OBr-cubic",
        ("001X-0060",),
        caveat="the cubic anti-perovskite prototype relaxed with CHGNet",
        family="anti-perovskite",
    ),
    ValidationCase(
        "Na3OBr0.6I0.4",
        "Na3OBr-cubic",
        ("001X-0059",),
        "I:Br",
        0.4,
        "isovalent I on Br widens the lattice, which the Na3OBr cell does not show",
        family="anti-perovskite",
    ),
    ValidationCase(
        "Na3YBr6",
        "Na3YBr6-monoclinic",
        ("002T-0147",),
        caveat="cryolite type from random starts relaxed with CHGNet; the seed's 0.15 eV sits beside 2.84e-6 S/cm at "
        "room temperature (002T-0148), which so low a barrier would not give with a usual prefactor",
        family="halide",
    ),
)


@dataclass(frozen=True)
class ValidationRow:
    label: str
    structure: str
    formula_modelled: str
    x_realised: float | None
    n_atoms: int
    Ea_bvse_eV: float
    dimensionality: int
    Ea_experiment_eV: float
    record_ids: tuple[str, ...]
    caveat: str


@dataclass(frozen=True)
class ValidationResult:
    rows: tuple[ValidationRow, ...]
    spearman_rho: float
    spearman_p: float
    outliers: tuple[str, ...]
    settings: dict

    def to_dict(self) -> dict:
        return {
            "spearman_rho": self.spearman_rho,
            "spearman_p": self.spearman_p,
            "n": len(self.rows),
            "outliers": list(self.outliers),
            "settings": self.settings,
            "rows": [asdict(row) for row in self.rows],
        }


def measured_activation_energy_eV(record_ids: tuple[str, ...]) -> float:
    """Median of the records' activation energies in eV (the knowledge base's canonical unit)."""
    from nassb.kb import default_knowledge_base

    knowledge_base = default_knowledge_base()
    return float(statistics.median(knowledge_base.value(record_id).magnitude for record_id in record_ids))


def case_structure(case: ValidationCase, max_atoms: int = 160):
    """(ordered structure, realised x) of one case."""
    from nassb import structures
    from nassb.chem.doping import doped_supercell
    from nassb.chem.structure import order_structure

    ordered = order_structure(structures.load(case.structure), max_atoms=max_atoms)
    if case.substitute is None:
        return ordered, None
    return doped_supercell(ordered, case.substitute, case.x, max_atoms=max_atoms)


def _lowest_percolating(result) -> tuple[float, int]:
    for dimension, barrier in ((3, result.Ea_3D_eV), (2, result.Ea_2D_eV), (1, result.Ea_1D_eV)):
        if math.isfinite(barrier):
            return barrier, dimension
    return math.inf, 0


def run_validation(
    cases=CASES, resolution_A: float = 0.25, max_atoms: int = 160, progress: Callable[[int, int], None] | None = None
) -> ValidationResult:
    """BVSE of every case against its measured Ea; Spearman rho and the outliers (module docstring)."""
    from scipy.stats import spearmanr

    from nassb.transport.bvse import bvse_barriers

    rows = []
    for done, case in enumerate(cases):
        structure, x_realised = case_structure(case, max_atoms)
        barrier, dimension = _lowest_percolating(bvse_barriers(structure, resolution_A=resolution_A))
        rows.append(
            ValidationRow(
                case.label,
                case.structure,
                structure.composition.reduced_formula,
                x_realised,
                len(structure),
                round(barrier, 4),
                dimension,
                round(measured_activation_energy_eV(case.record_ids), 4),
                case.record_ids,
                case.caveat,
            )
        )
        if progress is not None:
            progress(done + 1, len(cases))
    bvse = [row.Ea_bvse_eV for row in rows]
    experiment = [row.Ea_experiment_eV for row in rows]
    rho, p_value = spearmanr(bvse, experiment)
    rank_bvse = _ranks(bvse)
    rank_experiment = _ranks(experiment)
    outliers = tuple(
        f"{row.label}: BVSE rank {rb:g}, measured rank {re_:g}; {row.caveat or 'no caveat recorded'}"
        for row, rb, re_ in zip(rows, rank_bvse, rank_experiment)
        if abs(rb - re_) > len(rows) / 3
    )
    return ValidationResult(
        tuple(rows),
        float(rho),
        float(p_value),
        outliers,
        {"resolution_A": resolution_A, "max_atoms": max_atoms, "statistic": "Spearman rho (scipy.stats.spearmanr)"},
    )


def _ranks(values: list[float]) -> list[float]:
    from scipy.stats import rankdata

    return [float(r) for r in rankdata(values)]
