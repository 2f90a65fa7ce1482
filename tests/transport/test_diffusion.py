"""MSD, GLS diffusion coefficients, Nernst-Einstein and MD Arrhenius on synthetic walks with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nassb.core.constants import BOLTZMANN_EV_PER_K
from nassb.core.errors import InputError, ModelError
from nassb.transport.diffusion import (
    diffusion_coefficient,
    md_arrhenius,
    msd,
    msd_covariance,
    nernst_einstein_sigma_S_per_cm,
)

A2_PER_PS_IN_CM2_PER_S = 1e-4


def random_walk(
    seed: int, D_A2_per_ps: float, frame_ps: float, n_frames: int, n_ions: int, vibration_A: float = 0.0
) -> np.ndarray:
    """Gaussian random walkers (per-component step variance 2 D dt), plus an uncorrelated site vibration."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, math.sqrt(2 * D_A2_per_ps * frame_ps), size=(n_frames - 1, n_ions, 3))
    walk = np.concatenate([np.zeros((1, n_ions, 3)), np.cumsum(steps, axis=0)])
    return walk + rng.normal(0.0, vibration_A, size=walk.shape) if vibration_A else walk


def repeat_fits(D_A2_per_ps: float, vibration_A: float, n_repeats: int, **walk) -> np.ndarray:
    fits = []
    for seed in range(n_repeats):
        positions = random_walk(seed, D_A2_per_ps, 0.1, vibration_A=vibration_A, **walk)
        result = diffusion_coefficient(msd(positions, 0.1 * np.arange(positions.shape[0]), max_lags=40))
        fits.append((result.D_cm2_per_s, result.D_stderr_cm2_per_s))
    return np.array(fits)


def test_msd_of_ballistic_motion_is_v2_t2():
    velocity = np.array([[0.3, -0.4, 1.2], [1.0, 0.0, 0.0]])  # A/ps
    times = 0.5 * np.arange(9)
    result = msd(times[:, None, None] * velocity[None], times)
    expected = np.mean(np.sum(velocity**2, axis=1)) * result.lag_ps**2
    np.testing.assert_allclose(result.msd_A2, expected, rtol=1e-12)
    speeds_squared = np.sum(velocity**2, axis=1)
    np.testing.assert_allclose(result.squared_displacement_variance_A4, np.var(speeds_squared) * result.lag_ps**4)
    np.testing.assert_allclose(result.n_independent, 2 * 8 / result.lag_frames)


def test_lag_one_covariance_is_the_independent_gaussian_variance():
    # at a lag of one frame the windows do not overlap: Var = (2/3) MSD^2 / (n_ions (n_frames - 1)), MSD = 3 q
    q, n_frames, n_ions = 0.2, 50, 7
    sigma = msd_covariance(np.array([1]), n_frames, n_ions, q, 0.0)
    assert sigma[0, 0] == pytest.approx((2 / 3) * (3 * q) ** 2 / (n_ions * (n_frames - 1)), rel=1e-12)


def test_msd_covariance_matches_monte_carlo():
    # the exact covariance (random walk + uncorrelated offset) against the scatter of simulated MSD estimates
    q, s2, n_frames, lags = 0.05, 0.04, 16, np.array([1, 2, 5, 9])
    rng = np.random.default_rng(11)
    n_samples = 40000
    steps = rng.normal(0, math.sqrt(q), size=(n_samples, n_frames - 1, 3))
    positions = np.concatenate([np.zeros((n_samples, 1, 3)), np.cumsum(steps, axis=1)], axis=1)
    positions += rng.normal(0, math.sqrt(s2), size=positions.shape)
    estimates = np.array([np.mean(np.sum((positions[:, k:] - positions[:, :-k]) ** 2, axis=2), axis=1) for k in lags])
    simulated = np.cov(estimates)
    model = msd_covariance(lags, n_frames, 1, q, s2)
    np.testing.assert_allclose(np.mean(estimates, axis=1), 3 * q * lags + 6 * s2, rtol=0.01)
    np.testing.assert_allclose(model, simulated, rtol=0.06)


def test_random_walk_diffusion_and_its_standard_error():
    D_true = 0.05  # A^2/ps = 5e-6 cm^2/s
    fits = repeat_fits(D_true, 0.0, n_repeats=24, n_frames=101, n_ions=200)
    D_cm2, stderr = fits[:, 0], fits[:, 1]
    truth = D_true * A2_PER_PS_IN_CM2_PER_S
    assert abs(D_cm2[0] - truth) < 3 * stderr[0]
    assert np.all(np.abs(D_cm2 - truth) < 4 * stderr)
    scatter = np.std(D_cm2, ddof=1)
    assert 0.5 < np.mean(stderr) / scatter < 2.0
    assert abs(np.mean(D_cm2) - truth) < 3 * scatter / math.sqrt(len(D_cm2))


def test_vibrational_offset_keeps_estimate_and_error_honest():
    # site vibration (offset 6 s^2 = 0.54 A^2) larger than 6 D t over the first lags
    D_true = 0.01
    fits = repeat_fits(D_true, 0.3, n_repeats=24, n_frames=201, n_ions=48)
    scatter = np.std(fits[:, 0], ddof=1)
    assert 0.5 < np.mean(fits[:, 1]) / scatter < 2.0
    assert abs(np.mean(fits[:, 0]) - D_true * A2_PER_PS_IN_CM2_PER_S) < 3 * scatter / math.sqrt(len(fits))


def test_empirical_variance_factor_is_two_thirds_for_gaussian_steps():
    positions = random_walk(5, 0.05, 0.1, n_frames=101, n_ions=200)
    result = diffusion_coefficient(msd(positions, 0.1 * np.arange(101), max_lags=40), variance="empirical")
    assert result.variance_factor == pytest.approx(2 / 3, rel=0.1)


def test_fit_window_and_bad_input():
    positions = random_walk(2, 0.05, 0.1, n_frames=51, n_ions=10)
    result = msd(positions, 0.1 * np.arange(51))
    fit = diffusion_coefficient(result, start_ps=1.0, end_ps=3.0)
    assert fit.start_ps >= 1.0 - 1e-9 and fit.end_ps <= 3.0 + 1e-9
    with pytest.raises(InputError):
        diffusion_coefficient(result, start_ps=4.9)
    with pytest.raises(InputError):
        msd(positions[:, :, :2], 0.1 * np.arange(51))
    with pytest.raises(InputError):
        msd(positions, np.r_[0.0, 0.1 * np.arange(1, 50), 7.0])
    with pytest.raises(InputError):
        diffusion_coefficient(result, variance="bootstrap")


def test_nernst_einstein_hand_calculation():
    # n = 1e22 cm^-3, D = 1e-7 cm^2/s, 300 K: 1e22 (1.602e-19)^2 1e-7 / (1.381e-23 x 300) = 6.197e-3 S/cm
    sigma = nernst_einstein_sigma_S_per_cm(1e-7, 1e22, 300.0)
    assert sigma == pytest.approx(6.197e-3, rel=1e-3)
    assert nernst_einstein_sigma_S_per_cm(1e-7, 1e22, 300.0, haven_ratio=0.5) == pytest.approx(2 * sigma)
    assert nernst_einstein_sigma_S_per_cm(1e-7, 1e22, 300.0, charge=2) == pytest.approx(4 * sigma)
    with pytest.raises(InputError):
        nernst_einstein_sigma_S_per_cm(-1e-7, 1e22, 300.0)


def test_md_arrhenius_recovers_activation_energy_and_room_temperature_values():
    Ea, D0, density = 0.25, 1e-3, 1.2e22
    temperatures = np.array([500.0, 600.0, 700.0, 800.0, 900.0, 1000.0])
    rng = np.random.default_rng(3)
    D_exact = D0 * np.exp(-Ea / (BOLTZMANN_EV_PER_K * temperatures))
    D = D_exact * (1 + 0.05 * rng.standard_normal(temperatures.size))
    result = md_arrhenius(temperatures, D, 0.05 * D, density, haven_ratio=0.5)
    assert abs(result.Ea_eV - Ea) < 3 * result.Ea_stderr_eV
    assert result.Ea_stderr_eV < 0.02
    D_298 = D0 * math.exp(-Ea / (BOLTZMANN_EV_PER_K * 298.15))
    assert abs(result.D_298K_cm2_per_s - D_298) < 3 * result.D_298K_stderr_cm2_per_s
    sigma_298 = nernst_einstein_sigma_S_per_cm(result.D_298K_cm2_per_s, density, 298.15, haven_ratio=0.5)
    assert result.sigma_298K_S_per_cm == pytest.approx(sigma_298, rel=1e-9)
    assert result.fit.extrapolated_to_298K
    with pytest.raises(ModelError):
        md_arrhenius(temperatures, np.r_[D[:-1], 0.0], 0.05 * np.abs(D) + 1e-12, density)


def test_md_arrhenius_line_passes_through_room_temperature_and_follows_Ea():
    Ea, D0, density = 0.25, 1e-3, 1.2e22
    temperatures = np.array([500.0, 700.0, 900.0])
    result = md_arrhenius(
        temperatures, D0 * np.exp(-Ea / (BOLTZMANN_EV_PER_K * temperatures)), np.full(3, 1e-9), density
    )
    assert result.D_cm2_per_s_at(298.15) == pytest.approx(result.D_298K_cm2_per_s, rel=1e-12)
    expected = D0 * np.exp(-Ea / (BOLTZMANN_EV_PER_K * temperatures))
    np.testing.assert_allclose(result.D_cm2_per_s_at(temperatures), expected, rtol=1e-6)
