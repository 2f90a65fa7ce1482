"""Per-contribution Arrhenius fits of a temperature series of assigned spectra (seed 004 Eq.1)."""

import json

import numpy as np
import pytest

from nassb.core.constants import BOLTZMANN_EV_PER_K as KB
from nassb.echem.assignment import Arc, assign_contributions
from nassb.echem.temperature_series import arrhenius_by_contribution

THICKNESS_CM, AREA_CM2 = 0.1, 1.0
TEMPERATURES = np.linspace(250.0, 400.0, 10)


def resistance(temperature, Ea_eV, prefactor_S_K_per_cm):
    sigma = prefactor_S_K_per_cm * np.exp(-Ea_eV / (KB * temperature)) / temperature
    return THICKNESS_CM / (AREA_CM2 * sigma)


def series(noise=0.02, seed=0, bulk_above_window_K=None):
    """Bulk (Ea 0.25 eV, 1e-11 F) and grain boundary (Ea 0.45 eV, R||CPE n = 0.9 with C_eff 1e-9 F); above
    `bulk_above_window_K` the
    bulk arc is not resolved and its resistance is given as the series intercept."""
    rng = np.random.default_rng(seed)
    rows = []
    for temperature in TEMPERATURES:
        r_bulk = resistance(temperature, 0.25, 1e3) * (1 + noise * rng.standard_normal())
        r_gb = resistance(temperature, 0.45, 1e6) * (1 + noise * rng.standard_normal())
        gb = Arc(r_gb, 1e-9**0.9 * r_gb**-0.1, 0.9, R_stderr_ohm=noise * r_gb or None)  # CPE with C_eff = 1e-9 F
        if bulk_above_window_K is not None and temperature > bulk_above_window_K:
            result = assign_contributions(
                [gb], THICKNESS_CM, AREA_CM2, series_R_ohm=r_bulk, series_R_stderr_ohm=noise * r_bulk or None
            )
        else:
            bulk = Arc(r_bulk, 1e-11, 1.0, R_stderr_ohm=noise * r_bulk or None)
            result = assign_contributions([bulk, gb], THICKNESS_CM, AREA_CM2)
        rows.append((float(temperature), result.summary))
    return rows


def test_recovers_bulk_and_grain_boundary_activation_energies():
    result = arrhenius_by_contribution(series())
    bulk, gb, total = result["bulk"], result["grain_boundary"], result["total"]
    assert abs(bulk["Ea_eV"] - 0.25) < 2.5 * bulk["Ea_stderr_eV"] and abs(bulk["Ea_eV"] - 0.25) < 0.01
    assert abs(gb["Ea_eV"] - 0.45) < 2.5 * gb["Ea_stderr_eV"] and abs(gb["Ea_eV"] - 0.45) < 0.01
    assert bulk["weighted"] and bulk["n_points"] == 10 and bulk["prefactor_unit"] == "S K/cm"
    assert bulk["prefactor"] == pytest.approx(1e3, rel=0.3)
    assert 0.25 < total["Ea_eV"] < 0.45  # series resistances: an apparent Ea between the two
    assert bulk["kink"]["detected"] is False and gb["kink"]["detected"] is False
    json.dumps(result)


def test_noiseless_series_is_exact_and_summaries_may_be_dicts():
    rows = [(t, summary.to_dict()) for t, summary in series(noise=0.0)]
    result = arrhenius_by_contribution(rows, contributions=("bulk", "grain_boundary", "grain_boundary_specific"))
    assert result["bulk"]["Ea_eV"] == pytest.approx(0.25, abs=1e-9)
    assert result["grain_boundary"]["Ea_eV"] == pytest.approx(0.45, abs=1e-9)
    # temperature-independent capacitances: the brick-layer specific conductivity has the grain-boundary Ea
    assert result["grain_boundary_specific"]["Ea_eV"] == pytest.approx(0.45, abs=1e-9)
    assert result["grain_boundary_specific"]["prefactor"] == pytest.approx(1e6 * 1e-11 / 1e-9, rel=1e-8)
    sigma_rt = 1e3 * np.exp(-0.25 / (KB * 298.15)) / 298.15
    assert result["bulk"]["sigma_298K_S_per_cm"] == pytest.approx(sigma_rt, rel=1e-9)
    assert result["bulk"]["weighted"] is False


def test_bulk_from_series_intercept_is_counted_and_too_few_points_give_none():
    result = arrhenius_by_contribution(series(bulk_above_window_K=350.0))
    assert abs(result["bulk"]["Ea_eV"] - 0.25) < 0.01
    assert "3 of 10 points take R_bulk from the series intercept" in result["bulk"]["note"]
    few = arrhenius_by_contribution(series()[:2])
    assert few["bulk"]["Ea_eV"] is None and few["bulk"]["n_points"] == 2 and "fewer than 3" in few["bulk"]["note"]
