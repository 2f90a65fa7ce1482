"""Automatic choice of an equivalent circuit: fit every candidate, refuse the undetermined, keep the lowest AICc.

Each candidate is fitted by `fit_batch` (weighted CNLS from several automatic starts; nothing else is optimised).
A candidate is refused when its fit did not converge, or when one of its parameters is not determined: its standard
error is NaN or larger than MAX_RELATIVE_STDERR times its value (the data do not tell it from zero, or a log-scale
one such as a CPE coefficient from a value e times larger). Among the others the lowest corrected Akaike information
criterion wins (Akaike, IEEE Trans. Autom. Control 19, 716 (1974); small-sample correction of Hurvich & Tsai,
Biometrika 76, 297 (1989)), computed from the fit's weighted residuals:

    AICc = N ln(chi2 / N) + 2 K + 2 K (K + 1) / (N - K - 1)

with N = 2 x points (real and imaginary parts), K = fitted parameters + 1 (the scale of the weights, which chi2/N
estimates) and chi2 the weighted sum of squares of `nassb.echem.fitting`. Only differences matter; each candidate's
delta is its AICc minus the chosen one's. The default candidates are the solid-electrolyte presets that
`nassb eis fit`, `nassb eis arrhenius`, `nassb diagnose` and the Measurements page offer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nassb.core.errors import InputError
from nassb.echem.fitting import DEFAULT_WEIGHTING, FitResult, fit_batch
from nassb.echem.spectrum import Spectrum

AUTO_CIRCUIT = "auto"  # the circuit option value that asks for this choice
CANDIDATE_CIRCUITS = (
    "R0-p(R1,CPE1)",  # series R and one arc
    "R0-p(R1,CPE1)-CPE2",  # series R, one arc, blocking electrodes
    "R0-p(R1,CPE1)-p(R2,CPE2)",  # series R and two arcs
    "p(R1,CPE1)-p(R2,CPE2)-CPE3",  # bulk and grain-boundary arcs, blocking electrodes
    "R0-p(R1,CPE1)-p(R2,CPE2)-CPE3",  # series R, two arcs, blocking electrodes
)
MAX_RELATIVE_STDERR = 1.0
CRITERION = "AICc (Akaike 1974; Hurvich & Tsai 1989) of the weighted residuals"


@dataclass(frozen=True)
class Candidate:
    """One fitted candidate: its AICc, delta to the chosen one, and why it was refused (None if it was not)."""

    circuit: str
    n_parameters: int
    chi2: float
    aicc: float
    delta_aicc: float
    chosen: bool
    refused_because: str | None
    fit: FitResult = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A row of the candidates table."""
        return {
            "circuit": self.circuit,
            "n_parameters": self.n_parameters,
            "chi2": self.chi2,
            "aicc": self.aicc if math.isfinite(self.aicc) else None,
            "delta_aicc": self.delta_aicc if math.isfinite(self.delta_aicc) else None,
            "chosen": self.chosen,
            "refused_because": self.refused_because,
        }


@dataclass(frozen=True)
class CircuitSelection:
    """The candidates of one spectrum in the order given, exactly one of them chosen."""

    candidates: tuple[Candidate, ...]

    @property
    def chosen(self) -> Candidate:
        return next(candidate for candidate in self.candidates if candidate.chosen)

    @property
    def circuit(self) -> str:
        return self.chosen.circuit

    @property
    def fit(self) -> FitResult:
        return self.chosen.fit

    def to_dict(self) -> dict[str, Any]:
        """The choice, the rule and the candidates table."""
        return {
            "chosen": self.circuit,
            "criterion": CRITERION,
            "max_relative_stderr": MAX_RELATIVE_STDERR,
            "candidates": [candidate.to_dict() for candidate in self.candidates],
        }


def aicc(chi2: float, n_values: int, n_parameters: int) -> float:
    """AICc of a least-squares fit with n_parameters to n_values data (K = n_parameters + 1); inf when
    N - K - 1 <= 0."""
    k = n_parameters + 1
    if n_values - k - 1 <= 0:
        return math.inf
    return n_values * math.log(chi2 / n_values) + 2 * k + 2 * k * (k + 1) / (n_values - k - 1)


def select_circuit(
    spectrum: Spectrum, candidates: Sequence[str] = CANDIDATE_CIRCUITS, weighting: str = DEFAULT_WEIGHTING
) -> CircuitSelection:
    """Fit each candidate circuit to one spectrum and choose by AICc among those whose parameters are determined."""
    return select_circuits([spectrum], candidates, weighting)[0]


def select_circuits(
    spectra: Sequence[Spectrum], candidates: Sequence[str] = CANDIDATE_CIRCUITS, weighting: str = DEFAULT_WEIGHTING
) -> list[CircuitSelection]:
    """`select_circuit` for each spectrum, each candidate fitted to all of them in one batch.

    Raises InputError (source: the spectrum) when every candidate is refused.
    """
    spectra = list(spectra)
    fits = [fit_batch(spectra, circuit, weighting=weighting) for circuit in candidates]
    return [_select(spectrum, [per_circuit[i] for per_circuit in fits]) for i, spectrum in enumerate(spectra)]


def _select(spectrum: Spectrum, fits: list[FitResult]) -> CircuitSelection:
    n_values = 2 * len(spectrum)
    criteria = [aicc(fit.chi2, n_values, len(fit.values)) for fit in fits]
    reasons = [_refusal(fit, criterion) for fit, criterion in zip(fits, criteria)]
    accepted = [i for i, reason in enumerate(reasons) if reason is None]
    if not accepted:
        summary = "; ".join(f"{fit.circuit}: {reason}" for fit, reason in zip(fits, reasons))
        raise InputError(
            spectrum.source, "circuit", "a candidate circuit with determined parameters (give one)", summary
        )
    best = min(accepted, key=lambda i: criteria[i])
    return CircuitSelection(
        tuple(
            Candidate(
                fit.circuit, len(fit.values), fit.chi2, criterion, criterion - criteria[best], i == best, reason, fit
            )
            for i, (fit, criterion, reason) in enumerate(zip(fits, criteria, reasons))
        )
    )


def _refusal(fit: FitResult, criterion: float) -> str | None:
    """Why a fit cannot be chosen: not converged, too few points, or its least determined parameter; None if none."""
    if not fit.success:
        return f"fit not converged ({fit.message})"
    if not math.isfinite(criterion):
        return f"too few points for {len(fit.values)} parameters"
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(fit.stderr / fit.values)
    worst = int(np.argmax(np.where(np.isfinite(relative), relative, np.inf)))
    if relative[worst] <= MAX_RELATIVE_STDERR:
        return None
    name, value, stderr = fit.parameter_names[worst], fit.values[worst], fit.stderr[worst]
    if not math.isfinite(stderr):
        return f"{name} not determined (no standard error)"
    unit = f" {fit.units[worst]}" if fit.units[worst] else ""
    return f"{name} = {value:.3g} ± {stderr:.2g}{unit}: standard error above {MAX_RELATIVE_STDERR:.0%} of the value"
