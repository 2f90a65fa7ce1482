"""Arrhenius analysis of a temperature series of assigned impedance spectra, per contribution.

Each row is (temperature_K, summary), the summary being an `AssignmentSummary` or its `to_dict()`.
The fits are those of `nassb.transport.arrhenius` (seed 004 Eq.1), with the kink test run on each
contribution that has enough temperatures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nassb.core.errors import InputError
from nassb.echem.assignment import AssignmentSummary
from nassb.transport.arrhenius import PREFACTOR_UNITS, fit_arrhenius, fit_arrhenius_with_kink

CONTRIBUTION_FIELDS = {
    "bulk": "sigma_bulk_S_per_cm",
    "grain_boundary": "sigma_gb_total_S_per_cm",
    "grain_boundary_specific": "sigma_gb_specific_S_per_cm",
    "total": "sigma_total_S_per_cm",
}


def _field(summary: AssignmentSummary | Mapping[str, Any], name: str) -> Any:
    return summary.get(name) if isinstance(summary, Mapping) else getattr(summary, name)


def _kink_dict(kink) -> dict[str, Any]:
    low, high = kink.low_T, kink.high_T
    return {
        "detected": kink.kink_detected,
        "model": kink.model,
        "criterion": kink.criterion,
        "break_temperature_K": kink.break_temperature_K,
        "Ea_low_T_eV": None if low is None else low.Ea_eV,
        "Ea_low_T_stderr_eV": None if low is None else low.Ea_stderr_eV,
        "Ea_high_T_eV": None if high is None else high.Ea_eV,
        "Ea_high_T_stderr_eV": None if high is None else high.Ea_stderr_eV,
        "delta_aicc": kink.delta_aicc,
        "note": kink.note,
    }


def arrhenius_by_contribution(
    rows: Sequence[tuple[float, AssignmentSummary | Mapping[str, Any]]],
    form: str = "sigmaT",
    contributions: Sequence[str] = ("bulk", "grain_boundary", "total"),
    source: str = "temperature series",
) -> dict[str, dict[str, Any]]:
    """Per contribution: {Ea_eV, Ea_stderr_eV, prefactor, prefactor_stderr, prefactor_unit, form,
    sigma_298K_S_per_cm, sigma_298K_stderr_S_per_cm, extrapolated_to_298K, r_squared, n_points, temperature_range_K,
    kink, note}.

    Temperatures where a contribution is not resolved (None) are left out of its fit. The fit is
    weighted by the conductivity standard errors only when every used point has one. A contribution
    with fewer than 3 temperatures gets None values and a note. For "bulk" and "total", `note` says how
    many points took R_bulk from the series intercept rather than a resolved bulk arc.
    """
    unknown = [name for name in contributions if name not in CONTRIBUTION_FIELDS]
    if unknown:
        raise InputError(source, "contributions", f"names among {', '.join(CONTRIBUTION_FIELDS)}", unknown)
    if form not in PREFACTOR_UNITS:
        raise InputError(source, "form", "'sigmaT' or 'sigma'", form)
    results = {}
    for name in contributions:
        field = CONTRIBUTION_FIELDS[name]
        points = [
            (
                float(t),
                _field(s, field),
                _field(s, field.replace("_S_per_cm", "_stderr_S_per_cm")),
                _field(s, "bulk_source"),
            )
            for t, s in rows
            if _field(s, field) is not None
        ]
        temperatures = [p[0] for p in points]
        sigmas = [p[1] for p in points]
        stderrs = [p[2] for p in points]
        weighted = bool(points) and all(e is not None and e > 0 for e in stderrs)
        notes = []
        if name in ("bulk", "total"):
            from_series = sum(p[3] == "series intercept" for p in points)
            if from_series:
                notes.append(f"{from_series} of {len(points)} points take R_bulk from the series intercept")
        entry: dict[str, Any] = {
            "form": form,
            "prefactor_unit": PREFACTOR_UNITS[form],
            "n_points": len(points),
            "weighted": weighted,
        }
        if len(set(temperatures)) < 3:
            notes.append("fewer than 3 temperatures: no fit")
            entry.update(
                dict.fromkeys(
                    (
                        "Ea_eV",
                        "Ea_stderr_eV",
                        "prefactor",
                        "prefactor_stderr",
                        "sigma_298K_S_per_cm",
                        "sigma_298K_stderr_S_per_cm",
                        "extrapolated_to_298K",
                        "r_squared",
                        "temperature_range_K",
                        "kink",
                    )
                )
            )
            entry["note"] = "; ".join(notes)
            results[name] = entry
            continue
        label = f"{source} ({name})"
        fit = fit_arrhenius(temperatures, sigmas, stderrs if weighted else None, form, label)
        kink = fit_arrhenius_with_kink(temperatures, sigmas, stderrs if weighted else None, form, source=label)
        entry.update(
            {
                "Ea_eV": fit.Ea_eV,
                "Ea_stderr_eV": fit.Ea_stderr_eV,
                "prefactor": fit.prefactor,
                "prefactor_stderr": fit.prefactor_stderr,
                "sigma_298K_S_per_cm": fit.sigma_298K_S_per_cm,
                "sigma_298K_stderr_S_per_cm": fit.sigma_298K_stderr_S_per_cm,
                "extrapolated_to_298K": fit.extrapolated_to_298K,
                "r_squared": fit.r_squared,
                "temperature_range_K": [min(temperatures), max(temperatures)],
                "kink": _kink_dict(kink),
                "note": "; ".join(notes),
            }
        )
        results[name] = entry
    return results
