"""MD of CHGNet and SevenNet-0 against the knowledge base: the softening of each potential, the committee spread,
and whether the runs resolved hopping at all.

The runs are stored in data/md_validation.toml by scripts/md_validation.py (NVT MD with `nassb.transport.md`, the same
settings for both models). Per framework and model this module reports Ea(MD) / Ea(measured), the softening ratio
(below 1: a potential that makes Na hop too easily; the universal potentials are known to soften the potential energy
surface and underpredict migration barriers: Deng et al. 2025, "Systematic softening in universal machine learning
interatomic potentials", npj Comput. Mater., doi 10.1038/s41524-024-01500-6, for CHGNet among others),
log10 sigma(298 K, MD) / sigma(298 K, measured), and which model is closer.

A run resolves hopping only if the Na mean squared displacement at the end of its fit window exceeds the square of
the median nearest Na-Na distance of the structure (one hop); below that the MSD is mostly vibration and ballistic
motion, and an Arrhenius fit to it measures the thermal amplitude, not a barrier. `hopping_resolved` says so per
temperature.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass
from importlib import resources

MODELS = ("chgnet", "sevennet")


@dataclass(frozen=True)
class MDValidationRow:
    """One framework with one potential against the knowledge base."""

    framework: str
    family: str
    model: str
    n_atoms: int
    temperatures_K: tuple[float, ...]
    mean_temperatures_K: tuple[float, ...]
    msd_at_fit_end_A2: tuple[float, ...]
    hop_distance_A: float
    hopping_resolved: tuple[bool, ...]
    Ea_md_eV: float | None
    Ea_md_stderr_eV: float | None
    Ea_measured_eV: float
    softening_ratio: float | None
    sigma_298K_md_S_per_cm: float | None
    sigma_298K_measured_S_per_cm: float
    log10_sigma_ratio: float | None
    record_ids: tuple[str, ...]


def stored_runs() -> dict:
    """The MD runs of data/md_validation.toml (empty when none is stored)."""
    path = resources.files("nassb.transport").joinpath("data/md_validation.toml")
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def hop_distance_A(structure_name: str) -> float:
    """The median over Na sites of the distance to the nearest other Na in a library structure (ordered as the MD
    ran it): the length of one hop. The median, not the minimum, because an ordered approximant of split Na sites
    (cubic Na3PS4) keeps a few unphysically close pairs."""
    import numpy as np

    from nassb import structures
    from nassb.chem.structure import order_structure

    structure = order_structure(structures.load(structure_name))
    na = [index for index, site in enumerate(structure) if site.specie.symbol == "Na"]
    distances = structure.distance_matrix[np.ix_(na, na)]
    np.fill_diagonal(distances, np.inf)
    return float(np.median(distances.min(axis=1)))


def md_validation_rows(runs: dict | None = None) -> list[MDValidationRow]:
    """One row per framework and model of the stored runs (or of `runs`, the same layout)."""
    runs = stored_runs() if runs is None else runs
    rows = []
    for framework, entry in runs.items():
        hop = hop_distance_A(entry["structure"])
        for model in MODELS:
            if model not in entry:
                continue
            run = entry[model]
            Ea = run.get("Ea_eV")
            sigma = run.get("sigma_298K_S_per_cm")
            measured_sigma = entry["sigma_298K_measured_S_per_cm"]
            rows.append(
                MDValidationRow(
                    framework,
                    entry["family"],
                    run["model"],
                    run["n_atoms"],
                    tuple(entry["temperatures_K"]),
                    tuple(run["mean_temperatures_K"]),
                    tuple(run["msd_at_fit_end_A2"]),
                    round(hop, 3),
                    tuple(msd >= hop**2 for msd in run["msd_at_fit_end_A2"]),
                    Ea,
                    run.get("Ea_stderr_eV"),
                    entry["Ea_measured_eV"],
                    None if Ea is None else Ea / entry["Ea_measured_eV"],
                    sigma,
                    measured_sigma,
                    None if not sigma or sigma <= 0 else math.log10(sigma / measured_sigma),
                    tuple(entry["Ea_records"]) + tuple(entry["sigma_records"]),
                )
            )
    return rows


def closer_to_experiment(rows: list[MDValidationRow]) -> dict[str, dict]:
    """Per framework with both models: the committee spread of Ea and of log10 sigma(298 K), and the model whose Ea
    is closer to the measured one (None where a model has no Arrhenius fit)."""
    by_framework: dict[str, list[MDValidationRow]] = {}
    for row in rows:
        by_framework.setdefault(row.framework, []).append(row)
    summary = {}
    for framework, pair in by_framework.items():
        fitted = [row for row in pair if row.Ea_md_eV is not None]
        entry = {"models": [row.model for row in pair]}
        if len(fitted) == len(pair) >= 2:
            entry["Ea_spread_eV"] = max(r.Ea_md_eV for r in pair) - min(r.Ea_md_eV for r in pair)
            closest = min(pair, key=lambda r: abs(r.Ea_md_eV - r.Ea_measured_eV))
            entry["closer_in_Ea"] = closest.model
        logs = [row.log10_sigma_ratio for row in pair]
        if len(pair) >= 2 and all(value is not None for value in logs):
            entry["log10_sigma_spread"] = max(logs) - min(logs)
            entry["closer_in_sigma"] = min(pair, key=lambda r: abs(r.log10_sigma_ratio)).model
        summary[framework] = entry
    return summary


def md_validation() -> dict:
    """Rows and per-framework summary as plain data (for JSON)."""
    rows = md_validation_rows()
    return {"rows": [asdict(row) for row in rows], "by_framework": closer_to_experiment(rows)}
