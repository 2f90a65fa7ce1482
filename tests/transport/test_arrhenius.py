"""Arrhenius (seed 004 Eq.1), kink detection and VTF (seed 004 Eq.2) fits on synthetic series with known answers."""

import json

import numpy as np
import pytest

from nassb.core.constants import BOLTZMANN_EV_PER_K as KB
from nassb.core.errors import InputError
from nassb.transport.arrhenius import arrhenius_conductivity_S_per_cm, fit_arrhenius, fit_arrhenius_with_kink, fit_vtf

T = np.linspace(250.0, 400.0, 10)


def sigma_t_series(temperature, Ea_eV, prefactor_S_K_per_cm, noise, seed):
    sigma = prefactor_S_K_per_cm * np.exp(-Ea_eV / (KB * temperature)) / temperature
    return sigma * (1.0 + noise * np.random.default_rng(seed).standard_normal(temperature.size))


def test_recovers_known_activation_energy_within_two_stderr():
    sigma = sigma_t_series(T, 0.30, 1e5, 0.02, seed=1)
    fit = fit_arrhenius(T, sigma)
    assert fit.form == "sigmaT" and fit.prefactor_unit == "S K/cm"
    assert abs(fit.Ea_eV - 0.30) < 2 * fit.Ea_stderr_eV
    assert 0.0003 < fit.Ea_stderr_eV < 0.003  # 2 % noise over 250-400 K
    assert abs(fit.ln_prefactor - np.log(1e5)) < 2 * fit.ln_prefactor_stderr
    true_rt = 1e5 * np.exp(-0.30 / (KB * 298.15)) / 298.15
    assert abs(fit.sigma_298K_S_per_cm - true_rt) < 2 * fit.sigma_298K_stderr_S_per_cm
    assert fit.predict(298.15) == pytest.approx(fit.sigma_298K_S_per_cm)
    assert not fit.extrapolated_to_298K and fit.r_squared > 0.999
    assert len(fit.residuals_ln) == T.size
    json.dumps(fit.to_dict())


def test_standard_error_is_honest_over_many_noise_draws():
    z = [
        (f.Ea_eV - 0.30) / f.Ea_stderr_eV
        for f in (fit_arrhenius(T, sigma_t_series(T, 0.30, 1e5, 0.02, s)) for s in range(300))
    ]
    coverage = np.mean(np.abs(z) < 2)
    assert 0.88 < coverage < 0.99  # t distribution with 8 dof: 92 % within 2 stderr


def test_noiseless_recovery_and_the_two_forms_differ_by_kT():
    sigma = sigma_t_series(T, 0.30, 1e5, 0.0, seed=0)
    with_t = fit_arrhenius(T, sigma, form="sigmaT")
    plain = fit_arrhenius(T, sigma, form="sigma")
    assert with_t.Ea_eV == pytest.approx(0.30, abs=1e-10)
    assert with_t.prefactor == pytest.approx(1e5, rel=1e-8)
    assert plain.prefactor_unit == "S/cm"
    # d ln(sigma)/d(1/T) = d ln(sigma T)/d(1/T) + T, so Ea(sigma) ~ Ea(sigmaT) - kB T_mean
    assert with_t.Ea_eV - plain.Ea_eV == pytest.approx(KB * T.mean(), rel=0.05)
    sigma0 = 50.0 * np.exp(-0.45 / (KB * T))
    assert fit_arrhenius(T, sigma0, form="sigma").Ea_eV == pytest.approx(0.45, abs=1e-10)
    assert fit_arrhenius(T, sigma0, form="sigma").prefactor == pytest.approx(50.0, rel=1e-8)


def test_weights_discount_an_uncertain_outlier():
    sigma = sigma_t_series(T, 0.30, 1e5, 0.0, seed=0)
    sigma[0] *= 1.5
    stderr = 0.01 * sigma
    stderr[0] = 0.5 * sigma[0]
    assert abs(fit_arrhenius(T, sigma).Ea_eV - 0.30) > 0.01
    weighted = fit_arrhenius(T, sigma, stderr)
    assert weighted.weighted and abs(weighted.Ea_eV - 0.30) < 0.003


def test_rejects_bad_input():
    with pytest.raises(InputError):
        fit_arrhenius([300, 350, 400], [1e-3, -1e-3, 1e-2])
    with pytest.raises(InputError):
        fit_arrhenius([300, 350], [1e-3, 1e-2])
    with pytest.raises(InputError):
        fit_arrhenius([300, 350, 400], [1e-3, 2e-3, 3e-3], form="log")


TK = np.linspace(300.0, 450.0, 13)


def kinked_series(seed, noise=0.02, break_K=370.0, Ea_low_eV=0.6, Ea_high_eV=0.25):
    """Continuous ln(sigma T) with Ea 0.6 eV below and 0.25 eV above 370 K (Na3PS4-like order-disorder)."""
    x, xb = 1.0 / TK, 1.0 / break_K
    ln_sigma_t = np.log(10.0) - np.where(x > xb, Ea_low_eV, Ea_high_eV) / KB * (x - xb)
    return np.exp(ln_sigma_t) / TK * (1.0 + noise * np.random.default_rng(seed).standard_normal(TK.size))


def test_kink_detected_near_the_transition():
    for seed in range(5):
        kink = fit_arrhenius_with_kink(TK, kinked_series(seed))
        assert kink.kink_detected and kink.model == "joined" and kink.criterion == "AICc"
        assert abs(kink.break_temperature_K - 370.0) < 6.0
        assert kink.break_bracket_K[0] <= kink.break_temperature_K <= kink.break_bracket_K[1]
        assert abs(kink.low_T.Ea_eV - 0.6) < 0.02 and abs(kink.high_T.Ea_eV - 0.25) < 0.02
        assert 0.001 < kink.low_T.Ea_stderr_eV < 0.01 and 0.001 < kink.high_T.Ea_stderr_eV < 0.01
        assert kink.delta_aicc > 20
    json.dumps(kink.to_dict())


def test_straight_series_is_not_flagged():
    flagged = [
        fit_arrhenius_with_kink(TK, sigma_t_series(TK, 0.30, 1e5, 0.02, seed)).kink_detected for seed in range(40)
    ]
    assert sum(flagged) <= 3  # about 3 % false positives at the default AICc margin of 2
    straight = fit_arrhenius_with_kink(TK, sigma_t_series(TK, 0.30, 1e5, 0.0, 0))
    assert not straight.kink_detected and straight.low_T is None
    assert straight.single.Ea_eV == pytest.approx(0.30, abs=1e-9)


def test_conductivity_jump_is_an_unjoined_break():
    """Na2B12H12-like order-disorder: a jump of about two decades at 529 K with a lower Ea above it."""
    temperature = np.linspace(450.0, 600.0, 13)
    sigma = np.where(
        temperature < 529.0, 1e3 * np.exp(-0.8 / (KB * temperature)), 5.0 * np.exp(-0.2 / (KB * temperature))
    )
    sigma *= 1.0 + 0.02 * np.random.default_rng(0).standard_normal(temperature.size)
    kink = fit_arrhenius_with_kink(temperature, sigma, form="sigma")
    assert kink.kink_detected and kink.model == "unjoined"
    assert kink.break_bracket_K == (525.0, 537.5)
    assert kink.low_T.Ea_eV == pytest.approx(0.8, abs=0.05)
    assert kink.high_T.Ea_eV == pytest.approx(0.2, abs=0.05)


def test_too_few_points_for_a_kink():
    temperature = np.linspace(300.0, 400.0, 6)
    kink = fit_arrhenius_with_kink(temperature, sigma_t_series(temperature, 0.3, 1e5, 0.02, 0))
    assert not kink.kink_detected and kink.aicc_joined is None and "too few" in kink.note


TV = np.linspace(250.0, 380.0, 14)


def vtf_series(seed, noise=0.01, A=3.0, B_K=1000.0, T0_K=200.0):
    """PEO-like: T0 ~ 200 K, B ~ 1000 K."""
    sigma = A / np.sqrt(TV) * np.exp(-B_K / (TV - T0_K))
    return sigma * (1.0 + noise * np.random.default_rng(seed).standard_normal(TV.size))


def test_vtf_recovers_B_and_T0():
    exact = fit_vtf(TV, vtf_series(0, noise=0.0))
    assert exact.B_K == pytest.approx(1000.0, rel=1e-6)
    assert exact.T0_K == pytest.approx(200.0, rel=1e-6)
    assert exact.A_S_K05_per_cm == pytest.approx(3.0, rel=1e-6)
    for seed in range(3):
        fit = fit_vtf(TV, vtf_series(seed))
        assert abs(fit.B_K - 1000.0) < 2.5 * fit.B_stderr_K and abs(fit.B_K - 1000.0) < 50.0
        assert abs(fit.T0_K - 200.0) < 2.5 * fit.T0_stderr_K and abs(fit.T0_K - 200.0) < 5.0
        assert not fit.T0_at_bound and fit.T0_K < TV.min()
        assert fit.pseudo_Ea_eV == pytest.approx(KB * fit.B_K)
    assert fit.predict(300.0) == pytest.approx(3.0 / np.sqrt(300.0) * np.exp(-1000.0 / 100.0), rel=0.03)
    json.dumps(fit.to_dict())


def test_vtf_on_arrhenius_data_pushes_T0_to_its_bound():
    """An Arrhenius series is VTF with T0 = 0: the fit must say T0 is not determined."""
    fit = fit_vtf(TV, 1e5 * np.exp(-0.3 / (KB * TV)) / np.sqrt(TV))
    assert fit.T0_at_bound and fit.T0_K == pytest.approx(0.0, abs=1e-3)
    assert fit.pseudo_Ea_eV == pytest.approx(0.3, rel=1e-4)


def test_arrhenius_law_from_a_reference_point():
    assert arrhenius_conductivity_S_per_cm(1e-3, 298.15, 298.15, 0.3) == pytest.approx(1e-3)
    factor = np.exp(-0.3 / KB * (1 / 350.0 - 1 / 298.15))
    assert arrhenius_conductivity_S_per_cm(1e-3, 298.15, 350.0, 0.3) == pytest.approx(1e-3 * 298.15 / 350.0 * factor)
    assert arrhenius_conductivity_S_per_cm(1e-3, 298.15, [350.0], 0.3, form="sigma") == pytest.approx([1e-3 * factor])
