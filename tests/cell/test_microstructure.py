import math

import numpy as np
import pytest

from nassb.cell.microstructure import (
    EffectiveConductivity,
    bruggeman_conductivity,
    effective_conductivities,
    ionic_penetration_depth_cm,
    kinetic_penetration_depth_cm,
    like_coordination_number,
    percolation_conductivity,
    percolation_threshold,
    tortuosity_factor,
    utilisation_from_penetration,
    volume_to_weight_fractions,
    weight_to_volume_fractions,
)
from nassb.core.errors import InputError, ModelError

# X-ray densities from the unit cells: NaCrO2 R-3m, a = 2.974 A, c = 15.96 A, Z = 3, M = 106.98 g/mol
# -> 4.36 g/cm3; tetragonal Na3PS4 P-42_1c, a = 6.952 A, c = 7.076 A, Z = 2, M = 228.2 g/mol -> 2.22 g/cm3
# (Jansen and Henseler, J. Solid State Chem. 99 (1992) 110).
DENSITIES = {"NaCrO2": 4.36, "Na3PS4": 2.22}


def test_bruggeman_limits_and_value():
    assert bruggeman_conductivity(1e-3, 1.0) == pytest.approx(1e-3)
    assert bruggeman_conductivity(1e-3, 0.3) == pytest.approx(1e-3 * 0.3**1.5)
    assert bruggeman_conductivity(1e-3, 0.3) == pytest.approx(1.6432e-4, rel=1e-4)
    assert bruggeman_conductivity(1e-3, 0.0) == 0.0
    values = bruggeman_conductivity(2.0, np.array([0.25, 1.0]))
    np.testing.assert_allclose(values, [2.0 * 0.125, 2.0])


def test_tortuosity_factor():
    assert tortuosity_factor(0.36) == pytest.approx(1 / 0.6)
    assert tortuosity_factor(1.0) == 1.0
    # sigma_eff = sigma phi / tau is the Bruggeman result for any exponent
    for exponent in (1.5, 2.0, 3.0):
        expected = 5e-4 * 0.42 / tortuosity_factor(0.42, exponent)
        assert bruggeman_conductivity(5e-4, 0.42, exponent) == pytest.approx(expected)


def test_weight_to_volume_hand_calculation():
    # 0.70 / 4.36 = 0.160550, 0.30 / 2.22 = 0.135135; sum 0.295685 -> 0.54297 : 0.45703
    volume = weight_to_volume_fractions({"NaCrO2": 0.7, "Na3PS4": 0.3}, DENSITIES)
    assert volume["NaCrO2"] == pytest.approx(0.54297, abs=1e-5)
    assert volume["Na3PS4"] == pytest.approx(0.45703, abs=1e-5)
    porous = weight_to_volume_fractions({"NaCrO2": 0.7, "Na3PS4": 0.3}, DENSITIES, porosity=0.2)
    assert porous["NaCrO2"] == pytest.approx(0.8 * 0.54297, abs=1e-5)
    assert sum(porous.values()) + 0.2 == pytest.approx(1.0)


def test_weight_volume_round_trip():
    mass = {"NaCrO2": 0.65, "Na3PS4": 0.30, "carbon": 0.05}
    densities = {**DENSITIES, "carbon": 1.9}
    volume = weight_to_volume_fractions(mass, densities, porosity=0.15)
    back = volume_to_weight_fractions(volume, densities, porosity=0.15)
    for name, w in mass.items():
        assert back[name] == pytest.approx(w, abs=1e-12)
    # the light phase takes more volume than mass
    assert volume["carbon"] / 0.85 > mass["carbon"]


def test_fraction_errors_name_the_field():
    with pytest.raises(InputError, match="mass_fractions"):
        weight_to_volume_fractions({"NaCrO2": 0.7, "Na3PS4": 0.2}, DENSITIES)
    with pytest.raises(InputError, match=r"mass_fractions\[NaCrO2\]"):
        weight_to_volume_fractions({"NaCrO2": 1.2, "Na3PS4": -0.2}, DENSITIES)
    with pytest.raises(InputError, match=r"densities_g_per_cm3\[carbon\]"):
        weight_to_volume_fractions({"NaCrO2": 0.9, "carbon": 0.1}, DENSITIES)
    with pytest.raises(InputError, match=r"densities_g_per_cm3\[Na3PS4\]"):
        weight_to_volume_fractions({"NaCrO2": 0.7, "Na3PS4": 0.3}, {"NaCrO2": 4.36, "Na3PS4": 0.0})
    with pytest.raises(InputError, match="volume_fractions"):
        volume_to_weight_fractions({"NaCrO2": 0.5, "Na3PS4": 0.5}, DENSITIES, porosity=0.1)
    with pytest.raises(InputError, match="porosity"):
        weight_to_volume_fractions({"NaCrO2": 1.0}, DENSITIES, porosity=1.0)


def test_like_coordination_hand_calculation():
    # equal spheres: n_c = x, Z_c = Z, so Z_cc = x Z
    assert like_coordination_number(0.3, 1.0) == pytest.approx(1.8)
    # r_c / r_o = 0.5, x = 0.2: n_c = 1.6 / 2.4 = 2/3, Z_c = 3 + 3 x 0.25 / (2/3 x 0.25 + 1/3) = 4.5,
    # Z_cc = (2/3) 4.5^2 / 6 = 2.25
    assert like_coordination_number(0.2, 0.5) == pytest.approx(2.25)


def test_percolation_threshold_equal_spheres():
    # Z_crit / Z = 1.764 / 6 = 0.294 of the solid (Bouvard and Lange 1991; Kuo and Gupta 1995)
    threshold = percolation_threshold(1.0)
    assert 0.28 <= threshold <= 0.31
    assert threshold == pytest.approx(0.294, abs=1e-9)
    # Bouvard and Lange's lower critical coordination 1.5 gives 0.25
    assert percolation_threshold(1.0, critical_coordination=1.5) == pytest.approx(0.25, abs=1e-9)
    # pores hold no particles: the threshold scales with the solid fraction; in a 0.64 dense packing it is
    # 0.19 of space, near the Scher-Zallen invariant 0.16 +- 0.02 (J. Chem. Phys. 53 (1970) 3759)
    assert percolation_threshold(1.0, porosity=0.36) == pytest.approx(0.294 * 0.64, abs=1e-9)


def test_percolation_threshold_falls_for_smaller_conducting_particles():
    ratios = np.geomspace(0.05, 1.4, 40)
    thresholds = [percolation_threshold(r) for r in ratios]
    assert np.all(np.diff(thresholds) > 0)
    assert percolation_threshold(0.5) == pytest.approx(0.14206, abs=1e-4)
    # at the threshold the like coordination is the critical value
    assert like_coordination_number(percolation_threshold(0.3), 0.3) == pytest.approx(1.764, abs=1e-8)
    with pytest.raises(ModelError):
        percolation_threshold(3.0)
    with pytest.raises(InputError, match="radius_ratio"):
        percolation_threshold(-1.0)


def test_percolation_conductivity_threshold_behaviour():
    threshold = 0.294
    assert percolation_conductivity(1e-3, 0.2, threshold) == 0.0
    assert percolation_conductivity(1e-3, threshold, threshold) == 0.0
    just_above = percolation_conductivity(1e-3, threshold + 1e-6, threshold)
    assert 0.0 < just_above < 1e-3 * 1e-10
    assert percolation_conductivity(1e-3, 1.0, threshold) == pytest.approx(1e-3)
    # t = 2: ((0.5 - 0.294) / 0.706)^2 = 0.085139
    assert percolation_conductivity(1e-3, 0.5, threshold) == pytest.approx(1e-3 * 0.085139, rel=1e-4)


def test_effective_conductivities_side_by_side():
    result = effective_conductivities(1e-3, 0.4, porosity=0.1, radius_ratio=0.5)
    assert isinstance(result, EffectiveConductivity)
    threshold = 0.14206 * 0.9
    assert result.threshold == pytest.approx(threshold, abs=1e-4)
    assert result.percolating
    assert result.bruggeman_S_per_cm == pytest.approx(1e-3 * 0.4**1.5)
    assert result.percolation_S_per_cm == pytest.approx(1e-3 * ((0.4 - threshold) / (1 - threshold)) ** 2, rel=1e-3)
    assert result.tortuosity == pytest.approx(0.4**-0.5)
    below = effective_conductivities(1e-3, 0.2)
    assert not below.percolating and below.percolation_S_per_cm == 0.0 and below.bruggeman_S_per_cm > 0.0
    with pytest.raises(InputError, match="volume_fraction"):
        effective_conductivities(1e-3, 0.95, porosity=0.1)


def test_conductivity_errors_name_the_field():
    with pytest.raises(InputError, match="sigma_S_per_cm"):
        bruggeman_conductivity(-1e-3, 0.3)
    with pytest.raises(InputError, match="volume_fraction"):
        bruggeman_conductivity(1e-3, 1.2)
    with pytest.raises(InputError, match="volume_fraction"):
        percolation_conductivity(1e-3, -0.1, 0.3)
    with pytest.raises(InputError, match="threshold"):
        percolation_conductivity(1e-3, 0.5, 1.0)
    with pytest.raises(InputError, match="volume_fraction"):
        tortuosity_factor(0.0)


def test_ionic_penetration_depth_units_and_scaling():
    # kappa_eff dV / i = 1e-4 S/cm x 0.1 V / 1e-3 A/cm2 = 1e-2 cm: 1 mA/cm2 is read as 1e-3 A/cm2
    assert ionic_penetration_depth_cm(1e-4, 1.0, 0.1) == pytest.approx(1e-2)
    base = ionic_penetration_depth_cm(2e-4, 4.5)
    assert ionic_penetration_depth_cm(4e-4, 4.5) == pytest.approx(2 * base)
    assert ionic_penetration_depth_cm(2e-4, 9.0) == pytest.approx(base / 2)
    assert ionic_penetration_depth_cm(2e-4, -4.5) == pytest.approx(base)
    # equal electronic and ionic conductivity: the resistances add, the depth halves
    assert ionic_penetration_depth_cm(2e-4, 4.5, sigma_eff_S_per_cm=2e-4) == pytest.approx(base / 2)
    assert ionic_penetration_depth_cm(2e-4, 0.0) == math.inf
    with pytest.raises(InputError, match="kappa_eff_S_per_cm"):
        ionic_penetration_depth_cm(-1e-4, 1.0)
    with pytest.raises(InputError, match="allowed_overpotential_V"):
        ionic_penetration_depth_cm(1e-4, 1.0, 0.0)


def test_kinetic_penetration_depth_hand_calculation():
    # sqrt(RT/F x kappa / (a i0)) = sqrt(0.0256926 V x 1e-3 S/cm / (1e3 /cm x 1e-4 A/cm2)) = 0.016029 cm
    assert kinetic_penetration_depth_cm(1e-3, 1e3, 0.1) == pytest.approx(0.016029, rel=1e-4)
    assert kinetic_penetration_depth_cm(4e-3, 1e3, 0.1) == pytest.approx(2 * 0.016029, rel=1e-4)
    with pytest.raises(InputError, match="specific_area_per_cm"):
        kinetic_penetration_depth_cm(1e-3, 0.0, 0.1)


def test_utilisation_from_penetration():
    assert utilisation_from_penetration(0.01, 0.02) == pytest.approx(0.5)
    assert utilisation_from_penetration(0.01, 0.005) == 1.0
    assert utilisation_from_penetration(math.inf, 0.005) == 1.0
    assert utilisation_from_penetration(0.0, 0.005) == 0.0
    with pytest.raises(InputError, match="thickness_cm"):
        utilisation_from_penetration(0.01, 0.0)
