"""The single-ion rate model: analytic limits, hand-calculated overpotentials and the PyBaMM DFN reference."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from nassb.cell.rate_model import OVERPOTENTIAL_KEYS, RateModelParameters, ocv_V, simulate_discharge
from nassb.core.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K
from nassb.core.errors import InputError

THERMAL_V = GAS_CONSTANT_J_PER_MOL_K * 298.15 / FARADAY_C_PER_MOL

# A NaCrO2-like composite: 0.9 mAh/cm2, i.e. 5C = 4.5 mA/cm2 as in seed 003 (DOMAIN.md section 3).
NACRO2 = RateModelParameters(
    temperature_K=298.15,
    cathode_thickness_cm=60e-4,
    active_volume_fraction=0.5,
    particle_radius_cm=2.5e-4,
    areal_capacity_mAh_per_cm2=0.9,
    average_voltage_V=3.0,
    ocv_slope_V=0.3,
    solid_diffusivity_cm2_per_s=1e-11,
    exchange_current_density_mA_per_cm2=0.1,
    ionic_conductivity_eff_S_per_cm=1e-4,
    electronic_conductivity_eff_S_per_cm=1e-2,
    separator_resistance_ohm_cm2=20.0,
    lower_cutoff_V=2.0,
)
# Every loss negligible: fast diffusion and kinetics, highly conducting composite, no separator resistance.
FAST = dataclasses.replace(
    NACRO2,
    solid_diffusivity_cm2_per_s=1e-8,
    exchange_current_density_mA_per_cm2=100.0,
    ionic_conductivity_eff_S_per_cm=1.0,
    electronic_conductivity_eff_S_per_cm=10.0,
    separator_resistance_ohm_cm2=0.0,
    anode_exchange_current_density_mA_per_cm2=1e4,
)


def open_circuit(p: RateModelParameters, x):
    return ocv_V(x, p.average_voltage_V, p.ocv_slope_V, p.temperature_K) - p.anode_potential_V


def test_ocv_mean_over_the_window_is_the_average_voltage():
    mean = quad(lambda x: float(ocv_V(x, 3.0, 0.3, 298.15)), 0.0, 1.0)[0]
    assert mean == pytest.approx(3.0, abs=1e-9)
    # the ideal-mixing term: U(0.25) - U(0.75) = 0.5 s + 2 (RT/F) ln 3
    assert ocv_V(0.25, 3.0, 0.3, 298.15) - ocv_V(0.75, 3.0, 0.3, 298.15) == pytest.approx(
        0.15 + 2 * THERMAL_V * np.log(3)
    )


@pytest.mark.parametrize(
    "design",
    [
        NACRO2,  # stops at full sodiation (surface stoichiometry 0.999)
        # the OCV crosses the cut-off before full sodiation
        dataclasses.replace(NACRO2, ocv_slope_V=2.0, lower_cutoff_V=2.2, anode_potential_V=0.1),
    ],
)
def test_vanishing_rate_gives_the_thermodynamic_capacity_and_mean_voltage(design):
    x_end = min(brentq(lambda x: open_circuit(design, x) - design.lower_cutoff_V, 0.5, 1 - 1e-15), 0.999)
    window = x_end - design.initial_stoichiometry
    result = simulate_discharge(design, [0.01])[0]
    assert result.delivered_capacity_mAh_per_cm2 == pytest.approx(design.areal_capacity_mAh_per_cm2 * window, rel=5e-3)
    mean_V = quad(lambda x: float(open_circuit(design, x)), design.initial_stoichiometry, x_end)[0] / window
    assert result.energy_mWh_per_cm2 / result.delivered_capacity_mAh_per_cm2 == pytest.approx(mean_V, rel=2e-3)
    assert result.utilisation == pytest.approx(result.delivered_capacity_mAh_per_cm2 / 0.9)


def test_resistive_separator_and_asrs_shift_the_curve_by_i_r():
    current = 0.9  # mA/cm2 at 1C
    reference, separator, interfaces = (
        simulate_discharge(p, [1.0])[0]
        for p in (
            FAST,
            dataclasses.replace(FAST, separator_resistance_ohm_cm2=100.0),
            dataclasses.replace(FAST, cathode_interface_asr_ohm_cm2=50.0, anode_interface_asr_ohm_cm2=30.0),
        )
    )
    q = np.linspace(0.02, 0.4, 6)
    base_V = np.interp(q, reference.capacity_mAh_per_cm2, reference.voltage_V)
    for result, resistance in ((separator, 100.0), (interfaces, 80.0)):
        drop = base_V - np.interp(q, result.capacity_mAh_per_cm2, result.voltage_V)
        np.testing.assert_allclose(drop, current * 1e-3 * resistance, rtol=1e-2)
    assert separator.overpotentials_V["separator_ohmic"] == pytest.approx(0.09)
    assert interfaces.overpotentials_V["interface_asr"] == pytest.approx(0.072)
    assert separator.limiting_process == "separator_ohmic" and interfaces.limiting_process == "interface_asr"
    # with every other loss negligible the curve is the OCV less the anode Butler-Volmer overpotential
    anode = 2 * THERMAL_V * np.arcsinh(current / (2 * 1e4))
    np.testing.assert_allclose(base_V, open_circuit(FAST, FAST.initial_stoichiometry + q / 0.9) - anode, atol=1e-3)


def test_overpotentials_match_hand_calculations():
    # uniform reaction: the ionic (electronic) current falls linearly through the cathode, so the drop from
    # the separator (collector) face to the electrode average is I L / (3 kappa_eff) (I L / (3 sigma_eff))
    low_kappa = dataclasses.replace(FAST, ionic_conductivity_eff_S_per_cm=1e-4)
    eta = simulate_discharge(low_kappa, [1.0])[0].overpotentials_V
    assert eta["catholyte_ohmic"] == pytest.approx(0.9e-3 * 60e-4 / (3 * 1e-4), rel=0.03)
    low_sigma = dataclasses.replace(FAST, electronic_conductivity_eff_S_per_cm=1e-4)
    eta = simulate_discharge(low_sigma, [1.0])[0].overpotentials_V
    assert eta["electronic_ohmic"] == pytest.approx(0.9e-3 * 60e-4 / (3 * 1e-4), rel=0.03)

    # Butler-Volmer at the active surface: area a L = 3 (0.5 / 2.5e-4 cm) 60e-4 cm = 36 cm2 per cm2, local
    # current 0.9 / 36 mA/cm2, i0 = 1e-3 * 2 sqrt(x (1 - x)) at the half-discharge stoichiometry
    slow = dataclasses.replace(FAST, exchange_current_density_mA_per_cm2=1e-3)
    result = simulate_discharge(slow, [1.0])[0]
    x = FAST.initial_stoichiometry + 0.5 * result.utilisation
    expected = 2 * THERMAL_V * np.arcsinh(0.9 / 36 / (2 * 1e-3 * 2 * np.sqrt(x * (1 - x))))
    assert result.overpotentials_V["cathode_kinetics"] == pytest.approx(expected, rel=0.02)
    assert result.limiting_process == "cathode_kinetics"

    # constant flux into a sphere (pseudo-steady): x_surface - x_average = (dx/dt) R^2 / (15 D), times |U'|
    result = simulate_discharge(NACRO2, [0.2])[0]
    x = NACRO2.initial_stoichiometry + 0.5 * result.utilisation
    slope = 0.3 + THERMAL_V / (x * (1 - x))
    expected = slope * (0.2 / 3600) * (2.5e-4) ** 2 / (15 * 1e-11)
    assert result.overpotentials_V["solid_diffusion"] == pytest.approx(expected, rel=0.05)


def test_limiting_process_follows_the_slow_step():
    fast_diffusion = dataclasses.replace(NACRO2, solid_diffusivity_cm2_per_s=1e-9)
    rate = simulate_discharge(NACRO2, [1.0])[0]
    assert rate.limiting_process == "solid_diffusion"
    poor_catholyte = dataclasses.replace(fast_diffusion, ionic_conductivity_eff_S_per_cm=1e-5)
    poor_catholyte = simulate_discharge(poor_catholyte, [1.0])[0]
    assert poor_catholyte.limiting_process == "catholyte_ohmic"
    assert poor_catholyte.utilisation < rate.utilisation
    slow_diffusion = simulate_discharge(dataclasses.replace(NACRO2, solid_diffusivity_cm2_per_s=1e-13), [1.0])[0]
    assert slow_diffusion.limiting_process == "solid_diffusion"
    assert slow_diffusion.utilisation < 0.1


def test_rate_capability_curves_are_consistent():
    results = simulate_discharge(NACRO2, [0.1, 1.0, 5.0])
    capacities = [r.delivered_capacity_mAh_per_cm2 for r in results]
    assert capacities[0] > capacities[1] > capacities[2] > 0.3
    for r in results:
        assert r.current_density_mA_per_cm2 == pytest.approx(0.9 * r.c_rate)
        assert r.capacity_mAh_per_cm2[-1] == pytest.approx(r.current_density_mA_per_cm2 * r.time_h[-1])
        assert np.all(np.diff(r.voltage_V) < 1e-9)
        assert set(r.overpotentials_V) == set(OVERPOTENTIAL_KEYS)
        assert min(r.overpotentials_V.values()) > -1e-4
        q_half = 0.5 * r.delivered_capacity_mAh_per_cm2
        assert r.energy_mWh_per_cm2 == pytest.approx(np.trapezoid(r.voltage_V, r.capacity_mAh_per_cm2))
        # losses at half capacity: V = OCV - sum(overpotentials) within the particle-average spread
        ocv_half = open_circuit(NACRO2, NACRO2.initial_stoichiometry + q_half / 0.9)
        loss = sum(r.overpotentials_V.values())
        assert np.interp(q_half, r.capacity_mAh_per_cm2, r.voltage_V) == pytest.approx(ocv_half - loss, abs=0.1 * loss)


def test_matches_the_pybamm_dfn_reference():
    design = dataclasses.replace(
        NACRO2,
        cathode_interface_asr_ohm_cm2=5.0,
        anode_interface_asr_ohm_cm2=3.0,
        anode_potential_V=0.15,
        lower_cutoff_V=1.8,
    )
    rates = [0.2, 1.0, 2.0, 5.0]
    ours = simulate_discharge(design, rates)
    dfn = simulate_discharge(design, rates, model="dfn")
    for a, b in zip(ours, dfn):
        assert a.delivered_capacity_mAh_per_cm2 == pytest.approx(b.delivered_capacity_mAh_per_cm2, rel=0.02)
        assert a.energy_mWh_per_cm2 == pytest.approx(b.energy_mWh_per_cm2, rel=0.02)
        q = 0.5 * b.delivered_capacity_mAh_per_cm2
        assert np.interp(q, a.capacity_mAh_per_cm2, a.voltage_V) == pytest.approx(
            np.interp(q, b.capacity_mAh_per_cm2, b.voltage_V), abs=5e-3
        )
        for key in OVERPOTENTIAL_KEYS:
            assert a.overpotentials_V[key] == pytest.approx(b.overpotentials_V[key], rel=0.03, abs=5e-4), key
        assert a.limiting_process == b.limiting_process


def test_cut_off_at_the_start_gives_zero_capacity():
    result = simulate_discharge(dataclasses.replace(NACRO2, separator_resistance_ohm_cm2=2000.0), [1.0])[0]
    assert result.delivered_capacity_mAh_per_cm2 == 0.0 and result.energy_mWh_per_cm2 == 0.0
    assert result.overpotentials_V["separator_ohmic"] == pytest.approx(1.8)
    assert result.limiting_process == "separator_ohmic"


def test_progress_is_reported_per_rate():
    calls = []
    simulate_discharge(FAST, [0.5, 1.0, 2.0], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"cathode_thickness_cm": -60e-4}, "cathode_thickness_cm"),
        ({"active_volume_fraction": 1.2}, "active_volume_fraction"),
        ({"active_volume_fraction": 0.0}, "active_volume_fraction"),
        ({"particle_radius_cm": float("nan")}, "particle_radius_cm"),
        ({"separator_resistance_ohm_cm2": -1.0}, "separator_resistance_ohm_cm2"),
        ({"lower_cutoff_V": 3.5}, "lower_cutoff_V"),
    ],
)
def test_bad_parameters_name_the_field(change, field):
    with pytest.raises(InputError) as error:
        simulate_discharge(dataclasses.replace(NACRO2, **change), [1.0])
    assert error.value.field == field


def test_bad_rates_and_model_name():
    with pytest.raises(InputError, match="c_rates"):
        simulate_discharge(NACRO2, [1.0, -2.0])
    with pytest.raises(InputError, match="model"):
        simulate_discharge(NACRO2, [1.0], model="spm")


def test_import_is_light_and_pybamm_never_prompts(tmp_path):
    script = (
        "import sys, nassb.cell.rate_model as m; assert 'pybamm' not in sys.modules; "
        "pybamm = m._import_pybamm(); print(pybamm.config.check_opt_out())"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYBAMM_DISABLE_TELEMETRY"}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True" and "telemetry" not in done.stdout.lower()
    assert not (tmp_path / "pybamm").exists()


def test_attractive_interaction_flattens_a_plateau_down_to_the_critical_slope():
    # Frumkin isotherm: at s = -4RT/F the curve is flat at x = 0.5; NVP's library slope -0.09 V sits just above
    x = np.array([0.1, 0.9])
    plateau = ocv_V(x, 3.3, -0.09, 298.15)
    assert 0 < plateau[0] - plateau[1] < 0.05
    sloped = ocv_V(x, 3.3, 0.0, 298.15)
    assert sloped[0] - sloped[1] == pytest.approx(2 * 0.025693 * np.log(9), rel=1e-3)
    with pytest.raises(InputError) as caught:
        simulate_discharge(dataclasses.replace(NACRO2, ocv_slope_V=-0.11), [1.0])
    assert caught.value.field == "ocv_slope_V"
