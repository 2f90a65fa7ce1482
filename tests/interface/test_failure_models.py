"""Analytic limits and reference values of the interface-failure models (growth, blocking, contact, dendrites)."""

import math

import pytest

from nassb.core.errors import InputError
from nassb.interface import blocking, dendrite, growth
from nassb.mechanics import contact


def test_no_reaction_gives_no_growth():
    assert growth.thickness_cm(3600.0 * 1000, 0.0) == 0.0
    assert growth.wagner_rate_constant_cm2_per_s(200.0, 0.0, 6e5, 8.0) == 0.0


def test_parabolic_law_doubles_thickness_at_four_times_the_time():
    k = 3e-13
    assert growth.thickness_cm(4 * 3600.0, k) == pytest.approx(2 * growth.thickness_cm(3600.0, k), rel=1e-12)


def test_deal_grove_has_the_linear_and_parabolic_limits():
    velocity = 1e-9  # cm/s
    short, long_ = 10.0, 1e9
    # reaction-limited at short times (L = v t), transport-limited at long times (L = sqrt(2 k t))
    assert growth.thickness_cm(short, 1e-10, velocity) == pytest.approx(velocity * short, rel=1e-3)
    assert growth.thickness_cm(long_, 1e-14, velocity) == pytest.approx(math.sqrt(2e-14 * long_), rel=1e-2)


def test_wagner_rate_constant_units():
    # V = 1 cm3/mol, sigma = 1 S/cm, dG = F J/mol, z = 1: k = F / F^2 = 1/F cm2/s
    from nassb.core.constants import FARADAY_C_PER_MOL

    k = growth.wagner_rate_constant_cm2_per_s(1.0, 1.0, FARADAY_C_PER_MOL, 1.0)
    assert k == pytest.approx(1.0 / FARADAY_C_PER_MOL)


def test_calibrated_interphase_conductivity_reproduces_its_anchor():
    """Na | Na3SbS4, knowledge-base records 002X-0068/0069 (seed 002 section 4.2): 750 -> 1860 Ohm cm2 in 25 h."""
    from nassb.interface.compatibility import InterfaceCheck
    from nassb.thermo.entries import available_entries
    from nassb.thermo.reactivity import interface_reaction_of

    reaction = interface_reaction_of("Na", "Na3SbS4", available_entries())
    check = InterfaceCheck(
        "Na | Na3SbS4", "Na", "Na3SbS4", reaction.reaction_energy_eV_per_atom, reaction.products, "II"
    )
    interphase = growth.interphase_of(check, "Na", "Na3SbS4", 333.15)
    assert interphase.mixed_conducting
    resistance = growth.thickness_cm(25 * 3600.0, interphase.parabolic_rate_cm2_per_s) / (
        interphase.ionic_conductivity_S_per_cm
    )
    assert resistance == pytest.approx(1860.0 - 750.0, rel=1e-6)
    # 8 Na per Na3SbS4 go into 4 Na2S + Na3Sb (seed 000, balanced)
    assert interphase.sodium_per_formula == pytest.approx(8.0)
    assert interphase.partner_per_formula == pytest.approx(8.0)


def test_debye_length_of_a_dilute_electrolyte():
    # 1e18 cm-3 monovalent carriers, eps_r = 10, 298.15 K: lambda_D = sqrt(eps eps0 kT / (n e^2)) = 3.77 nm
    assert blocking.debye_length_cm(10.0, 1e18, 298.15) * 1e7 == pytest.approx(3.77, rel=0.01)


def test_space_charge_resistance_limits():
    debye, sigma, temperature = 1e-7, 1e-3, 298.15
    assert blocking.space_charge_resistance_ohm_cm2(0.0, debye, sigma, temperature) == 0.0
    small = 1e-4  # V: R -> lambda e dphi / (kT sigma)
    thermal = 8.617333262e-5 * temperature
    assert blocking.space_charge_resistance_ohm_cm2(small, debye, sigma, temperature) == pytest.approx(
        debye * small / thermal / sigma, rel=1e-3
    )
    large = 0.5  # V: R -> 2 lambda exp(e dphi / 2kT) / sigma
    assert blocking.space_charge_resistance_ohm_cm2(large, debye, sigma, temperature) == pytest.approx(
        2 * debye * math.exp(large / (2 * thermal)) / sigma, rel=1e-3
    )


def test_zero_current_keeps_full_contact():
    assert contact.anode_contact_after_stripping(1.0, 0.0, 0.0, 10.0, 0.1) == 1.0


def test_stripping_above_supply_opens_voids():
    # 1 mA/cm2 for 1 h against 0.5 mA/cm2 of supply: 0.5 mAh/cm2 unreplenished over a 1 mAh/cm2 void depth
    assert contact.anode_contact_after_stripping(1.0, 1.0, 0.5, 1.0, 1.0) == pytest.approx(0.5)


def test_stripping_supply_reproduces_the_beta_alumina_anchor():
    """Seed 002 section 4 (Spencer Jolly et al. 2020): > 9 MPa for 2.5 mA/cm2, linear in pressure."""
    slope = 2.5 / 9.0
    assert contact.stripping_supply_mA_per_cm2(9.0, 298.15, slope, 0.14) == pytest.approx(2.5)
    assert contact.stripping_supply_mA_per_cm2(18.0, 298.15, slope, 0.14) == pytest.approx(5.0)
    # warmer Na creeps faster (E_A = 0.14 eV)
    assert contact.stripping_supply_mA_per_cm2(9.0, 333.15, slope, 0.14) > 2.5


def test_monroe_newman_threshold_at_the_stated_ratio():
    from nassb.mechanics.elastic import MONROE_NEWMAN_CRITICAL_RATIO

    assert dendrite.monroe_newman_ratio(2 * 3.3, 3.3) == MONROE_NEWMAN_CRITICAL_RATIO
    result = dendrite.critical_current(1.0, 298.15, 0.28, 0.14, 0.0, 1.0, 1e-3, 10.0, 23.75, 6.7, 3.3)
    assert result.monroe_newman_stable
    result = dendrite.critical_current(1.0, 298.15, 0.28, 0.14, 0.0, 1.0, 1e-3, 10.0, 23.75, 6.5, 3.3)
    assert not result.monroe_newman_stable


def test_crack_opening_overpotential():
    # K_IC = 1 MPa m0.5, a = 10 um, V_m = 23.75 cm3/mol: P_c = 1e6/(1.12 sqrt(pi 1e-5)) = 159 MPa, eta = 39 mV
    eta = dendrite.crack_opening_overpotential_V(1.0, 1e-3, 23.75)
    assert eta == pytest.approx(23.75e-6 * 1e6 / (1.12 * math.sqrt(math.pi * 1e-5)) / 96485.33212, rel=1e-6)
    assert dendrite.crack_opening_current_mA_per_cm2(eta, 0.0) == math.inf


def test_cathode_contact_and_thermal_stress():
    assert contact.linear_strain(0.0) == 0.0
    assert contact.linear_strain(8.26) == pytest.approx(1.0826 ** (1 / 3) - 1)
    assert contact.unclosed_strain_share(10.0, 20.0, 0.3, 0.0) == 0.0
    # a pressure above E*|eps| closes the gap
    assert contact.unclosed_strain_share(1000.0, 20.0, 0.0, 0.01) == 0.0
    assert contact.thermal_mismatch_stress_MPa(100.0, 0.25, 1e-6, 100.0) == pytest.approx(100e3 * 1e-4 / 0.75)


@pytest.mark.parametrize(
    "call",
    [
        lambda: contact.stripping_supply_mA_per_cm2(-1.0, 298.0, 0.28, 0.14),
        lambda: contact.anode_contact_after_stripping(1.2, 1.0, 1.0, 1.0, 1.0),
        lambda: contact.cathode_contact_after_cycle(1.5, 0.01, 1.0, 0.01),
        lambda: blocking.debye_length_cm(10.0, -1.0, 298.0),
    ],
)
def test_impossible_inputs_are_refused(call):
    with pytest.raises(InputError):
        call()


def _interphase(partner, electrolyte, passivating=None):
    from nassb.interface.compatibility import InterfaceCheck
    from nassb.thermo.entries import available_entries
    from nassb.thermo.reactivity import interface_reaction_of

    reaction = interface_reaction_of(partner, electrolyte, available_entries())
    check = InterfaceCheck(
        f"{partner} | {electrolyte}",
        partner,
        electrolyte,
        reaction.reaction_energy_eV_per_atom,
        reaction.products,
        reaction.interface_type,
    )
    return growth.interphase_of(check, partner, electrolyte, 298.15, passivating=passivating)


def test_na_metal_makes_a_percolating_mixed_conductor_with_na3ps4_but_the_alloy_passivates():
    """Na | Na3PS4 -> 4 Na2S + Na3P (seed 000; DOMAIN.md section 3): Na3P (a mixed conductor, seed 002 section 3.1)
    fills a quarter of the layer, above the Scher-Zallen 16 %, so the layer grows unchecked. Na15Sn4 gives 4 Na2S + P
    with its Sn left in the alloy: no conductor percolates and the layer passivates, orders of magnitude slower."""
    metal = _interphase("Na", "Na3PS4")
    alloy = _interphase("Na15Sn4", "Na3PS4")
    assert metal.mixed_conducting and metal.conducting_fraction > growth.electronic_percolation_threshold()
    assert "Sn" not in alloy.layer_fractions and sum(alloy.layer_fractions.values()) == pytest.approx(1.0)
    assert not alloy.mixed_conducting and alloy.conducting_fraction == 0.0
    assert metal.parabolic_rate_cm2_per_s > 1e5 * alloy.parabolic_rate_cm2_per_s


def test_a_measured_passivating_contact_overrides_the_product_class():
    """Na | NZSP: Na3P is 25 vol% of the products, but the interphase was measured to stop growing (Zhang et al.
    2020, in the material library): marked passivating it grows like an insulator."""
    free = _interphase("Na", "Na3Zr2Si2PO12")
    from nassb.core.value import Literature, Value

    measurement = Value(1.0, "1", Literature("Zhang et al. 2020", "", "test"))
    measured = _interphase("Na", "Na3Zr2Si2PO12", passivating=measurement)
    assert free.mixed_conducting and not measured.mixed_conducting
    assert measured.parabolic_rate_cm2_per_s < 1e-3 * free.parabolic_rate_cm2_per_s
