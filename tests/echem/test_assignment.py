"""Assignment of fitted arcs: Brug capacitance, Irvine-Sinclair-West classes, sigma = L/(A R) (seed 004 Eq.3),
brick-layer grain-boundary conductivity and the symmetric-cell ASR halving (seed 002 Eq.8)."""

import json
import math

import numpy as np
import pytest

from nassb.core.errors import InputError
from nassb.echem.assignment import (
    Arc,
    CapacitanceRanges,
    assign_contributions,
    brug_capacitance_F,
    classify_capacitance,
)


def test_brug_capacitance_hand_value_and_ideal_limit():
    # R = 1e5 Ohm, Q = 1e-10 S s^0.9, n = 0.9: (1e5^0.1 x 1e-10)^(1/0.9) = (10^-9.5)^(1/0.9) = 10^(-10.556)
    assert brug_capacitance_F(1e5, 1e-10, 0.9) == pytest.approx(10 ** (-9.5 / 0.9), rel=1e-12)
    assert brug_capacitance_F(1e5, 1e-10, 0.9) == pytest.approx(2.7826e-11, rel=1e-4)
    assert brug_capacitance_F(123.0, 4.5e-9, 1.0) == pytest.approx(4.5e-9, rel=1e-14)
    arc = Arc(1e5, 1e-10, 0.9)
    assert arc.peak_frequency_Hz == pytest.approx(1.0 / (2 * math.pi * 1e5 * arc.C_F))
    with pytest.raises(InputError):
        brug_capacitance_F(1e5, 1e-10, 1.2)


@pytest.mark.parametrize(
    ("capacitance_F", "kind"),
    [
        (1e-12, "bulk"),  # Irvine, Sinclair, West 1990 Table 1: bulk
        (5e-12, "bulk"),
        (1e-11, "bulk"),  # on a boundary: the lower class
        (2e-11, "grain_boundary"),  # minor second phase / grain boundary
        (1e-9, "grain_boundary"),  # grain boundary and surface layer overlap: grain boundary up to 1e-8
        (5e-8, "surface_layer"),
        (1e-6, "electrode_interface"),  # sample-electrode interface
        (1e-4, "electrode_interface"),  # electrochemical reaction
        (1e-14, "unassigned"),
        (1e-2, "unassigned"),
    ],
)
def test_irvine_sinclair_west_classes_at_unit_cell_constant(capacitance_F, kind):
    assert classify_capacitance(capacitance_F) == kind


def test_classification_normalises_by_the_cell_constant():
    # a 1 mm pellet of 1 cm2 with eps_r = 30: C = eps0 eps_r A / L = 2.66e-11 F, i.e. 2.66e-12 F/cm: bulk
    geometric = 8.854e-14 * 30 * 1.0 / 0.1
    assert classify_capacitance(geometric) == "grain_boundary"
    assert classify_capacitance(geometric, cell_constant_per_cm=0.1) == "bulk"
    wide = CapacitanceRanges(bulk_max_F_per_cm=1e-10)
    assert classify_capacitance(5e-11, ranges=wide) == "bulk"
    with pytest.raises(InputError):
        CapacitanceRanges(bulk_max_F_per_cm=1e-7)


def test_conductivity_of_a_known_pellet():
    # L = 0.1 cm, A = 1 cm2, R = 100 Ohm -> sigma = 0.1 / 100 = 1e-3 S/cm
    result = assign_contributions([Arc(100.0, 5e-11, 1.0, R_stderr_ohm=2.0)], thickness_cm=0.1, area_cm2=1.0)
    (bulk,) = result.contributions
    assert bulk.kind == "bulk"
    assert bulk.sigma_S_per_cm == pytest.approx(1e-3)
    assert bulk.sigma_stderr_S_per_cm == pytest.approx(2e-5)
    assert result.summary.sigma_total_S_per_cm == pytest.approx(1e-3)
    assert result.summary.bulk_source == "arc"


def pellet_arcs():
    """Bulk 100 Ohm / 1e-11 F and grain boundary 1000 Ohm / 1e-9 F on a 1 mm, 1 cm2 pellet; Na|SE|Na interface arc."""
    return [
        Arc(1000.0, 1e-9, 1.0, R_stderr_ohm=20.0, Q_stderr=2e-11),
        Arc(100.0, 1e-11, 1.0, R_stderr_ohm=1.0, Q_stderr=1e-13),
        Arc(400.0, 2e-5, 0.85, R_stderr_ohm=8.0, Q_stderr=4e-7, n_stderr=0.01),
    ]


def test_brick_layer_and_total_conductivity():
    summary = assign_contributions(pellet_arcs(), 0.1, 1.0, symmetric=True, electrodes="reversible").summary
    assert summary.sigma_bulk_S_per_cm == pytest.approx(1e-3)
    assert summary.sigma_gb_total_S_per_cm == pytest.approx(1e-4)
    # (C_bulk / C_gb) L / (A R_gb) = (1e-11 / 1e-9) x 1e-4
    assert summary.sigma_gb_specific_S_per_cm == pytest.approx(1e-6)
    assert summary.sigma_total_S_per_cm == pytest.approx(0.1 / 1100.0)
    assert summary.sigma_total_stderr_S_per_cm == pytest.approx(0.1 / 1100.0 * math.hypot(1.0, 20.0) / 1100.0)
    assert summary.R_total_ohm == pytest.approx(1500.0)
    assert summary.notes == ()


def test_brick_layer_error_matches_numerical_propagation():
    """C_gb depends on R_gb through the Brug formula: the analytic error must include that correlation."""

    def specific(v):
        arcs = [Arc(v[0], v[1], v[2]), Arc(v[3], v[4], v[5])]
        return assign_contributions(arcs, 0.1, 1.0).summary.sigma_gb_specific_S_per_cm

    values = np.array([100.0, 1e-11, 0.95, 1000.0, 1e-9, 0.9])
    stderr = np.array([1.0, 1e-13, 0.005, 20.0, 2e-11, 0.01])
    steps = 1e-6 * values
    gradient = [
        (specific(values + np.eye(6)[k] * steps[k]) - specific(values - np.eye(6)[k] * steps[k])) / (2 * steps[k])
        for k in range(6)
    ]
    numerical = math.sqrt(sum((g * s) ** 2 for g, s in zip(gradient, stderr)))
    bulk = Arc(100.0, 1e-11, 0.95, R_stderr_ohm=1.0, Q_stderr=1e-13, n_stderr=0.005)
    gb = Arc(1000.0, 1e-9, 0.9, R_stderr_ohm=20.0, Q_stderr=2e-11, n_stderr=0.01)
    summary = assign_contributions([bulk, gb], 0.1, 1.0).summary
    assert summary.sigma_gb_specific_stderr_S_per_cm == pytest.approx(numerical, rel=1e-4)
    without_q_error = assign_contributions([Arc(100.0, 1e-11, 0.95, R_stderr_ohm=1.0), gb], 0.1, 1.0).summary
    assert without_q_error.sigma_gb_specific_stderr_S_per_cm is None


def test_asr_is_halved_for_a_symmetric_cell():
    arcs = pellet_arcs()
    one = assign_contributions(arcs, 0.1, 0.5, electrodes="reversible").summary
    two = assign_contributions(arcs, 0.1, 0.5, symmetric=True, electrodes="reversible").summary
    assert one.asr_interface_ohm_cm2 == pytest.approx(400.0 * 0.5)
    assert two.asr_interface_ohm_cm2 == pytest.approx(400.0 * 0.5 / 2)
    assert two.asr_interface_stderr_ohm_cm2 == pytest.approx(8.0 * 0.5 / 2)
    blocking = assign_contributions(arcs, 0.1, 0.5, symmetric=True, electrodes="blocking")
    interface = [c for c in blocking.contributions if c.kind == "electrode_interface"][0]
    assert interface.asr_ohm_cm2 is None and "blocking" in interface.note
    assert blocking.summary.R_interface_ohm is None


def test_series_intercept_stands_in_for_an_unresolved_bulk_arc():
    # room-temperature sulfide: bulk semicircle above the window, grain boundary and interface visible
    arcs = [Arc(1000.0, 1e-9, 1.0), Arc(400.0, 2e-5, 0.85)]
    result = assign_contributions(arcs, 0.1, 1.0, series_R_ohm=50.0, series_R_stderr_ohm=1.0)
    kinds = [c.kind for c in result.contributions]
    assert kinds == ["bulk (series intercept)", "grain_boundary", "electrode_interface"]
    summary = result.summary
    assert summary.bulk_source == "series intercept"
    assert summary.sigma_bulk_S_per_cm == pytest.approx(0.1 / 50.0)
    assert summary.sigma_bulk_stderr_S_per_cm == pytest.approx(0.1 / 50.0 / 50.0)
    assert summary.sigma_total_S_per_cm == pytest.approx(0.1 / 1050.0)
    assert summary.sigma_gb_specific_S_per_cm is None
    with_bulk = assign_contributions(pellet_arcs(), 0.1, 1.0, series_R_ohm=3.0)
    assert with_bulk.contributions[0].kind == "series" and with_bulk.summary.R_series_ohm == 3.0
    assert with_bulk.summary.R_bulk_ohm == 100.0


def test_two_arcs_in_the_bulk_range_keep_the_higher_frequency_one_as_bulk():
    fast, slow = Arc(100.0, 5e-12, 1.0), Arc(5000.0, 8e-12, 1.0)
    result = assign_contributions([slow, fast], 0.1, 0.1)
    kinds = {c.arc_index: c.kind for c in result.contributions}
    assert kinds == {1: "bulk", 0: "grain_boundary"}
    assert "higher peak frequency" in [c for c in result.contributions if c.arc_index == 0][0].note
    assert [c.arc_index for c in result.contributions] == [1, 0]  # high to low frequency


def test_rejects_bad_geometry_and_electrodes():
    with pytest.raises(InputError):
        assign_contributions(pellet_arcs(), 0.0, 1.0)
    with pytest.raises(InputError):
        assign_contributions(pellet_arcs(), 0.1, 1.0, electrodes="gold")
    with pytest.raises(InputError):
        assign_contributions([Arc(-5.0, 1e-9, 1.0)], 0.1, 1.0)


def test_to_dict_is_json():
    result = assign_contributions(pellet_arcs(), 0.1, 1.0, series_R_ohm=3.0, symmetric=True, electrodes="reversible")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["summary"]["sigma_bulk_S_per_cm"] == pytest.approx(1e-3)
    assert len(data["contributions"]) == 4
