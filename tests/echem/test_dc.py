"""DC methods: Bruce-Vincent t+ (seed 004 Eq.5), chronoamperometry, Hebb-Wagner electronic conductivity."""

import json

import numpy as np
import pytest

from nassb.core.errors import InputError, ModelError
from nassb.echem.dc import (
    analyse_chronoamperometry,
    bruce_vincent_transference,
    electronic_conductivity,
    initial_current_from_impedance,
    ionic_transference_from_conductivities,
)


def test_bruce_vincent_worked_example():
    # dV = 10 mV, I0 = 20 uA, Iss = 10 uA, R0 = 100 Ohm, Rss = 150 Ohm:
    # t+ = 10e-6 (0.010 - 0.002) / (20e-6 (0.010 - 0.0015)) = 8e-8 / 1.7e-7 = 8/17
    result = bruce_vincent_transference(0.010, 20e-6, 10e-6, 100.0, 150.0)
    assert result.t_plus == pytest.approx(8.0 / 17.0, rel=1e-12)
    assert not result.delta_V_above_limit and result.t_plus_in_unit_interval and result.notes == ()
    json.dumps(result.to_dict())


def test_bruce_vincent_without_interfacial_resistance_is_the_current_ratio():
    assert bruce_vincent_transference(0.005, 4e-6, 1e-6, 0.0, 0.0).t_plus == pytest.approx(0.25, rel=1e-12)


def test_bruce_vincent_flags_large_polarisation_and_rejects_impossible_drops():
    large = bruce_vincent_transference(0.050, 20e-6, 10e-6, 100.0, 150.0)
    assert large.delta_V_above_limit and "exceeds 10 mV" in large.notes[0]
    with pytest.raises(ModelError):
        bruce_vincent_transference(0.050, 20e-6, 10e-6, 100.0, 150.0, strict=True)
    with pytest.raises(ModelError):
        bruce_vincent_transference(0.010, 20e-6, 10e-6, 600.0, 150.0)  # I0 R0 = 12 mV > dV
    above_one = bruce_vincent_transference(0.010, 10e-6, 12e-6, 0.0, 0.0)
    assert above_one.t_plus == pytest.approx(1.2) and not above_one.t_plus_in_unit_interval
    with pytest.raises(InputError):
        bruce_vincent_transference(0.010, -1e-6, 1e-6, 0.0, 0.0)


def test_initial_current_from_impedance():
    assert initial_current_from_impedance(0.010, 300.0, 200.0) == pytest.approx(2e-5)


def decay(time_s, I0_A=20e-6, Iss_A=8e-6, tau_s=100.0, noise_A=0.0, seed=0):
    current = Iss_A + (I0_A - Iss_A) * np.exp(-time_s / tau_s)
    return current + noise_A * np.random.default_rng(seed).standard_normal(time_s.size)


def test_chronoamperometry_recovers_I0_and_Iss_of_an_exponential_decay():
    time = np.arange(1.0, 3601.0)
    exact = analyse_chronoamperometry(time, decay(time))
    assert exact.I0_A == pytest.approx(20e-6, rel=1e-9)
    assert exact.Iss_A == pytest.approx(8e-6, rel=1e-9)
    assert exact.steady and exact.tail_points == 360 and "exponential" in exact.I0_method
    noisy = analyse_chronoamperometry(time, decay(time, noise_A=20e-9))
    assert noisy.I0_A == pytest.approx(20e-6, rel=0.01)
    assert abs(noisy.Iss_A - 8e-6) < 3 * noisy.Iss_stderr_A and noisy.Iss_stderr_A == pytest.approx(20e-9 / 19, rel=0.2)
    assert noisy.steady
    first = analyse_chronoamperometry(time, decay(time), initial="first")
    assert first.I0_A == pytest.approx(8e-6 + 12e-6 * np.exp(-0.01), rel=1e-12)  # the first sample is 1 s late
    json.dumps(noisy.to_dict())


def test_chronoamperometry_flags_a_record_that_is_not_yet_steady():
    time = np.arange(1.0, 301.0)  # 3 tau only
    result = analyse_chronoamperometry(time, decay(time))
    assert not result.steady and result.tail_relative_drift > 0.02 and "not steady" in result.notes[0]
    assert result.Iss_A > 8e-6 * 1.05


def test_chronoamperometry_handles_a_cathodic_transient():
    time = np.arange(1.0, 3601.0)
    result = analyse_chronoamperometry(time, -decay(time))
    assert result.I0_A == pytest.approx(-20e-6, rel=1e-9) and result.Iss_A == pytest.approx(-8e-6, rel=1e-9)
    t_plus = bruce_vincent_transference(0.010, abs(result.I0_A), abs(result.Iss_A), 0.0, 0.0).t_plus
    assert t_plus == pytest.approx(0.4, rel=1e-8)


def test_electronic_conductivity_of_a_known_pellet():
    # Iss = 1 nA at 0.5 V through L = 0.1 cm, A = 1 cm2: 1e-9 x 0.1 / (0.5 x 1) = 2e-10 S/cm
    sigma_e = electronic_conductivity(1e-9, 0.5, 0.1, 1.0)
    assert sigma_e == pytest.approx(2e-10)
    assert ionic_transference_from_conductivities(1e-4, sigma_e) == pytest.approx(1.0 - 2e-6, rel=1e-9)
    assert ionic_transference_from_conductivities(1e-4, 1e-4) == pytest.approx(0.5)
    with pytest.raises(InputError):
        electronic_conductivity(1e-9, 0.5, 0.0, 1.0)
