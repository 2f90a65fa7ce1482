"""The transport ranking across families: the fit recovers a known model, leave-one-family-out predicts a held-out
family from the others only, and the extrinsic defect count follows the doping."""

import pytest

from nassb.transport.bvse_validation import CASES
from nassb.transport.transport_ranking import (
    EXTRINSIC_FRACTION,
    extrinsic_defect_fraction,
    fit_coefficients,
    leave_one_family_out,
    predict,
)


def _known_model(barrier: float, carrier: float) -> float:
    return 0.4 * barrier + 0.05 + 0.8 * carrier


def test_the_fit_recovers_a_known_model():
    barriers = [0.3, 0.5, 0.7, 0.9, 0.4, 0.8]
    carrier = [0.0, 0.25, 0.0, 0.9, 0.2, 0.0]
    measured = [_known_model(b, c) for b, c in zip(barriers, carrier)]
    alpha, beta, gamma = fit_coefficients(barriers, carrier, measured)
    assert (alpha, beta, gamma) == pytest.approx((0.4, 0.05, 0.8), abs=1e-12)
    assert predict([alpha, beta, gamma], 1.0, 0.5) == pytest.approx(0.85)


def test_leave_one_family_out_predicts_each_family_from_the_others_only():
    """Three families drawn from one model: each held-out family is predicted exactly and in its measured order;
    a family whose measured values were shifted (what a fit to the answer would absorb) shows the shift as its MAE,
    because its own values never enter its prediction."""
    families = ["a"] * 4 + ["b"] * 4 + ["c"] * 4
    barriers = [0.30, 0.45, 0.60, 0.75, 0.35, 0.50, 0.65, 0.80, 0.40, 0.55, 0.70, 0.85]
    carrier = [0.0, 0.2, 0.0, 0.9] * 3
    measured = [_known_model(b, c) for b, c in zip(barriers, carrier)]
    lofo, per_family = leave_one_family_out(barriers, carrier, measured, families)
    assert lofo == pytest.approx(measured, abs=1e-9)
    assert all(per_family[f]["spearman_rho"] == pytest.approx(1.0) for f in "abc")
    shifted = [m + (0.1 if f == "c" else 0.0) for m, f in zip(measured, families)]
    lofo, per_family = leave_one_family_out(barriers, carrier, shifted, families)
    assert per_family["c"]["mae_eV"] == pytest.approx(0.1, abs=1e-9)
    assert per_family["a"]["mae_eV"] > 0  # the shifted family now pulls the others' fit


def test_a_family_with_too_few_cases_elsewhere_is_not_predicted():
    lofo, per_family = leave_one_family_out([0.3, 0.5, 0.7], [0.0, 0.2, 0.0], [0.2, 0.4, 0.3], ["a", "a", "b"])
    assert lofo == [None, None, None] and "note" in per_family["a"] and "note" in per_family["b"]


def test_extrinsic_defects_follow_the_doping():
    """W6+ on P5+ at x = 0.15 in Na3PS4: 0.15 Na vacancies per 3 Na sites; Cl- on S2- at x = 0.2: 0.2 / 3; P5+ on Si4+
    in Na4Zr2Si3O12 (NZSP): one Na of four removed; an undoped compound has none (the intrinsic regime)."""
    by_label = {case.label: case for case in CASES}
    expected = {"Na2.85P0.85W0.15S4": 0.05, "Na2.8PS3.8Cl0.2": 0.2 / 3, "Na3Zr2Si2PO12": 0.25, "Na3PS4 (cubic)": 0.0}
    for label, fraction in expected.items():
        assert extrinsic_defect_fraction(by_label[label], None) == pytest.approx(fraction)
    assert extrinsic_defect_fraction(by_label["Na3PS4 (cubic)"], None) < EXTRINSIC_FRACTION
