"""Transport predictions from structure ranked against measured activation energies across families, with
leave-one-family-out validation, so that nothing is fitted to the answer it is judged on.

Why the BVSE barrier alone does not rank the seeds' electrolytes (`nassb.transport.bvse_validation`: Spearman rho
about 0 over the sulfides and NASICON), and what the predictor here adds for each reason:

1. Carriers. BVSE gives the migration energy E_m of one ion on a rigid framework. A stoichiometric compound whose
   Na sublattice is fully occupied must first make its carriers (Frenkel pairs), and its measured Ea is then
   E_m + E_F / 2 (the intrinsic regime); an aliovalently doped one has its Na vacancies or interstitials fixed by
   the dopant and shows E_m alone (the extrinsic regime): Maier, "Physical Chemistry of Ionic Materials: Ions and
   Electrons in Solids", Wiley 2004, chapter 5. For Na3PS4, halide doping lowers Ea by making Na vacancies (de Klerk
   and Wagemaker, Chem. Mater. 28 (2016) 3122). The predictor carries the carrier term s E_F / 2: s = 1 for a
   compound with no extrinsic Na defect (defect fraction below `EXTRINSIC_FRACTION`), 0 otherwise, and E_F the
   Frenkel pair energy computed with CHGNet (`nassb.transport.defects`; stored in data/frenkel_pairs.toml by
   scripts/frenkel_energies.py): 0.26-0.59 eV for the thiophosphates, thioantimonates and the selenide, 1.85-2.04 eV
   for the anti-perovskites, which is why those conduct with 0.6-0.8 eV despite a low BVSE barrier.
2. Scale. The bond-valence softness parameters are not calibrated on barriers, and BVSE barriers are a few tenths of
   an eV too high for soft anion frameworks (the seeds' sulfides: 0.56-1.2 eV against 0.16-0.49 eV measured). A
   linear calibration alpha E_m + beta is fitted with the other terms.

Model: Ea = alpha E_BVSE + beta + gamma s E_F / 2. Its three coefficients are fitted by least squares on every case
of the other families (leave-one-family-out, LOFO) and predict the held-out family; a family whose training set has
fewer than `MIN_TRAINING_CASES` cases is not predicted out of family and is reported as such. The statistics
(Spearman rho, mean absolute error) are over the LOFO predictions; the in-sample fit and the raw BVSE ranking are
reported beside them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from nassb.transport.bvse_validation import CASES, ValidationCase, case_structure, measured_activation_energy_eV

EXTRINSIC_FRACTION = 0.005  # extrinsic Na defects per Na site below which a compound is taken as stoichiometric
MIN_TRAINING_CASES = 4  # three coefficients and at least one degree of freedom


@dataclass(frozen=True)
class TransportRow:
    """One electrolyte: its structure-derived features, its measured Ea and the predictions."""

    label: str
    family: str
    formula_modelled: str
    n_atoms: int
    Ea_bvse_eV: float
    dimensionality: int
    bottleneck_radius_A: float | None
    carrier_density_per_cm3: float
    extrinsic_defect_fraction: float
    intrinsic: bool
    carrier_term_eV: float
    Ea_experiment_eV: float
    Ea_predicted_in_sample_eV: float
    Ea_predicted_lofo_eV: float | None
    record_ids: tuple[str, ...]
    caveat: str


@dataclass(frozen=True)
class TransportRanking:
    rows: tuple[TransportRow, ...]
    spearman_rho: float | None
    spearman_p: float | None
    mae_eV: float | None
    in_sample_spearman_rho: float
    in_sample_mae_eV: float
    bvse_spearman_rho: float
    coefficients: dict[str, float]
    per_family: dict[str, dict]
    settings: dict

    @property
    def families(self) -> list[str]:
        return sorted({row.family for row in self.rows})

    def to_dict(self) -> dict:
        predicted = [row for row in self.rows if row.Ea_predicted_lofo_eV is not None]
        return {
            "spearman_rho": self.spearman_rho,
            "spearman_p": self.spearman_p,
            "mae_eV": self.mae_eV,
            "n_electrolytes": len(self.rows),
            "n_families": len(self.families),
            "n_predicted_out_of_family": len(predicted),
            "in_sample": {"spearman_rho": self.in_sample_spearman_rho, "mae_eV": self.in_sample_mae_eV},
            "bvse_alone": {"spearman_rho": self.bvse_spearman_rho},
            "coefficients_all_families": self.coefficients,
            "leave_one_family_out": self.per_family,
            "settings": self.settings,
            "rows": [asdict(row) for row in self.rows],
        }


def extrinsic_defect_fraction(case: ValidationCase, structure) -> float:
    """Na vacancies or interstitials the doping makes per Na site of the parent: |q_D - q_H| x over the parent's Na
    sites per formula unit (0 for an undoped case); x as realised in the doped cell."""
    from nassb import structures
    from nassb.chem.doping import parse_substitution
    from nassb.chem.structure import order_structure
    from nassb.transport.descriptors import na_sublattice

    if case.substitute is None:
        return 0.0
    parent = order_structure(structures.load(case.structure))
    formula = parent.composition.reduced_formula
    sites, _ = na_sublattice(parent)
    sites_per_unit = sites / parent.composition.get_reduced_composition_and_factor()[1]
    substitution = parse_substitution(case.substitute, formula)
    return abs(substitution.charge_change) * case.x / sites_per_unit


def _design(rows_features: list[tuple[float, float]]) -> np.ndarray:
    return np.array([[barrier, 1.0, carrier] for barrier, carrier in rows_features])


def fit_coefficients(barriers: list[float], carrier_eV: list[float], measured: list[float]) -> np.ndarray:
    """(alpha, beta, gamma) of Ea = alpha E_BVSE + beta + gamma (s E_F / 2) by least squares (numpy.linalg.lstsq:
    the minimum-norm solution when the cases do not fix all three, e.g. no intrinsic case among them)."""
    matrix = _design(list(zip(barriers, carrier_eV)))
    coefficients, *_ = np.linalg.lstsq(matrix, np.asarray(measured, float), rcond=None)
    return coefficients


def predict(coefficients: np.ndarray, barrier_eV: float, carrier_eV: float) -> float:
    return float(_design([(barrier_eV, carrier_eV)])[0] @ coefficients)


def frenkel_energies() -> dict[str, dict]:
    """The stored CHGNet Na Frenkel pair energies by case label (`scripts/frenkel_energies.py` writes them)."""
    import tomllib
    from importlib import resources

    text = resources.files("nassb.transport").joinpath("data/frenkel_pairs.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def leave_one_family_out(
    barriers: list[float], carrier_eV: list[float], measured: list[float], families: list[str]
) -> tuple[list[float | None], dict[str, dict]]:
    """Each case predicted by the model fitted on the other families (None where those hold fewer than
    MIN_TRAINING_CASES cases), and per family: n, MAE, the coefficients used and, from three cases, Spearman rho."""
    from scipy.stats import spearmanr

    lofo: list[float | None] = [None] * len(barriers)
    per_family: dict[str, dict] = {}
    for family in sorted(set(families)):
        train = [i for i, f in enumerate(families) if f != family]
        test = [i for i, f in enumerate(families) if f == family]
        if len(train) < MIN_TRAINING_CASES:
            per_family[family] = {"n": len(test), "note": f"only {len(train)} cases in the other families"}
            continue
        coefficients = fit_coefficients(
            [barriers[i] for i in train], [carrier_eV[i] for i in train], [measured[i] for i in train]
        )
        for i in test:
            lofo[i] = predict(coefficients, barriers[i], carrier_eV[i])
        per_family[family] = {
            "n": len(test),
            "mae_eV": float(np.mean([abs(lofo[i] - measured[i]) for i in test])),
            "coefficients": dict(zip(("alpha", "beta_eV", "gamma_eV"), map(float, coefficients))),
        }
        if len(test) >= 3:
            held_out = spearmanr([lofo[i] for i in test], [measured[i] for i in test])[0]
            per_family[family]["spearman_rho"] = float(held_out)
    return lofo, per_family


def _carrier_term(label: str, intrinsic: bool, stored: dict[str, dict]) -> float:
    """s E_F / 2 of one case (eV): half its Frenkel pair energy when stoichiometric, 0 when doped."""
    from nassb.core.errors import DataError

    if not intrinsic:
        return 0.0
    if label not in stored:
        raise DataError(f"no Frenkel pair energy stored for {label}: run scripts/frenkel_energies.py")
    return stored[label]["formation_energy_eV"] / 2.0


def rank_transport(
    cases: tuple[ValidationCase, ...] = CASES,
    resolution_A: float = 0.25,
    max_atoms: int = 160,
    progress: Callable[[int, int], None] | None = None,
) -> TransportRanking:
    """Features of every case, the LOFO predictions and the ranking statistics (module docstring)."""
    from scipy.stats import spearmanr

    from nassb.transport.bvse import bvse_barriers
    from nassb.transport.bvse_validation import _lowest_percolating
    from nassb.transport.descriptors import describe

    features = []
    for done, case in enumerate(cases):
        structure, _ = case_structure(case, max_atoms)
        barrier, dimension = _lowest_percolating(bvse_barriers(structure, resolution_A=resolution_A))
        descriptors = describe(structure, "Na", resolution_A)
        fraction = extrinsic_defect_fraction(case, structure)
        features.append(
            (case, structure, barrier, dimension, descriptors, fraction, measured_activation_energy_eV(case.record_ids))
        )
        if progress is not None:
            progress(done + 1, len(cases))
    barriers = [item[2] for item in features]
    intrinsic = [item[5] < EXTRINSIC_FRACTION for item in features]
    measured = [item[6] for item in features]
    families = [item[0].family for item in features]
    stored = frenkel_energies()
    carrier = [_carrier_term(item[0].label, own, stored) for item, own in zip(features, intrinsic)]
    everything = fit_coefficients(barriers, carrier, measured)
    in_sample = [predict(everything, b, c) for b, c in zip(barriers, carrier)]
    lofo, per_family = leave_one_family_out(barriers, carrier, measured, families)
    predicted = [i for i, value in enumerate(lofo) if value is not None]
    rho = p_value = mae = None
    if len(predicted) >= 3:
        rho, p_value = (float(v) for v in spearmanr([lofo[i] for i in predicted], [measured[i] for i in predicted]))
        mae = float(np.mean([abs(lofo[i] - measured[i]) for i in predicted]))
    rows = tuple(
        TransportRow(
            case.label,
            case.family,
            structure.composition.reduced_formula,
            len(structure),
            round(barrier, 4),
            dimension,
            (descriptors.bottleneck_radius_A or {}).get(dimension),
            descriptors.carrier_density_per_cm3,
            round(fraction, 4),
            fraction < EXTRINSIC_FRACTION,
            round(carrier[index], 4),
            round(experiment, 4),
            round(in_sample[index], 4),
            None if lofo[index] is None else round(lofo[index], 4),
            case.record_ids,
            case.caveat,
        )
        for index, (case, structure, barrier, dimension, descriptors, fraction, experiment) in enumerate(features)
    )
    finite = [i for i, b in enumerate(barriers) if math.isfinite(b)]
    bvse_rho = float(spearmanr([barriers[i] for i in finite], [measured[i] for i in finite])[0])
    return TransportRanking(
        rows,
        rho,
        p_value,
        mae,
        float(spearmanr(in_sample, measured)[0]),
        float(np.mean(np.abs(np.asarray(in_sample) - np.asarray(measured)))),
        bvse_rho,
        dict(zip(("alpha", "beta_eV", "gamma_eV"), map(float, everything))),
        per_family,
        {
            "resolution_A": resolution_A,
            "max_atoms": max_atoms,
            "model": "Ea = alpha E_BVSE + beta + gamma s E_F/2 (s = 1 for a stoichiometric compound)",
            "extrinsic_fraction": EXTRINSIC_FRACTION,
            "statistic": "Spearman rho (scipy.stats.spearmanr) over the leave-one-family-out predictions",
        },
    )
