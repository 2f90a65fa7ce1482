"""Mechanical failure at the interfaces: voids in the Na anode, cathode particles losing contact, thermal mismatch.

Anode contact loss on stripping (Krauskopf et al., ACS Appl. Mater. Interfaces 11 (2019) 14463 for the vacancy
picture; Kasemchainan et al., Nat. Mater. 18 (2019) 1105 and, for Na | Na-beta''-alumina, Spencer Jolly et al.,
ACS Appl. Mater. Interfaces 12 (2020) 678): the metal at the interface is replenished by vacancy diffusion away from
it and by creep under the stack pressure. Spencer Jolly et al. found the critical stripping current linear in the
stack pressure and set by creep ("Na creep rather than diffusion per se dominates"): the supply is

    j_supply(P, T) = j_vacancy(T) + s P exp(-Ea / kB (1/T - 1/T_ref))

with s the critical stripping current per stack pressure at T_ref (their > 9 MPa for 2.5 mA/cm2, seed 002
section 4) and Ea the activation energy of the critical current (Lowack et al., arXiv:2603.23340 (2026): 0.13 to
0.15 eV on beta-alumina, NASICON and Na5SmSi4O12). While the stripping current per contact area j / f stays below
the supply the contact holds (f returns to its value); above it the charge not replenished, (j / f - j_supply)
t_strip per contact area, opens voids: the contact fraction falls by that charge over the Na of one void depth
h (q_h = h F / V_m), and plating does not refill voids (they accumulate over cycles, Spencer Jolly et al.).

Cathode contact loss (Koerver et al., Chem. Mater. 29 (2017) 5574; Bucci et al., J. Mater. Chem. A 5 (2017) 19422):
the active particle's linear strain between the ends of charge, eps = (1 + dV/V)^(1/3) - 1, opens a gap against a
stiff catholyte unless the stack pressure closes it elastically: the share of the strain the pressure cannot
close, chi = max(0, 1 - P / (E* |eps|)) with E* = E / (1 - nu^2) the catholyte's plane-strain modulus, is exposed
to irreversible loss; a fraction k_c of it is lost each cycle, df = -k_c chi |eps| f. Bucci et al. find the
composite fractures (a step loss) when the particles expand by more than 7.5 %.

Thermal mismatch (a bonded thin layer on a thick substrate): sigma = E d_alpha dT / (1 - nu).
"""

from __future__ import annotations

import math

from nassb.core.constants import BOLTZMANN_EV_PER_K, FARADAY_C_PER_MOL
from nassb.core.errors import InputError

BUCCI_FRACTURE_EXPANSION_PERCENT = 7.5  # Bucci et al. 2017, abstract: fracture prevented below 7.5 % expansion
STRIPPING_REFERENCE_K = 298.15


def stripping_supply_mA_per_cm2(
    pressure_MPa: float,
    temperature_K: float,
    creep_coefficient_mA_per_cm2_MPa: float,
    activation_energy_eV: float,
    vacancy_supply_mA_per_cm2: float = 0.0,
    reference_K: float = STRIPPING_REFERENCE_K,
) -> float:
    """Na supplied to the stripping interface (mA/cm2): vacancy diffusion plus pressure-driven creep (docstring)."""
    if pressure_MPa < 0:
        raise InputError("anode contact", "stack pressure", "a stack pressure >= 0 MPa", pressure_MPa)
    if temperature_K <= 0:
        raise InputError("anode contact", "temperature", "a temperature above 0 K", temperature_K)
    thermal = math.exp(-activation_energy_eV / BOLTZMANN_EV_PER_K * (1.0 / temperature_K - 1.0 / reference_K))
    return vacancy_supply_mA_per_cm2 + creep_coefficient_mA_per_cm2_MPa * pressure_MPa * thermal


def void_depth_charge_mAh_per_cm2(void_depth_cm: float, molar_volume_cm3_per_mol: float) -> float:
    """Charge of the Na in one void depth h per contact area: q_h = h F / V_m, in mAh/cm2."""
    return void_depth_cm / molar_volume_cm3_per_mol * FARADAY_C_PER_MOL / 3.6


def anode_contact_after_stripping(
    contact_fraction: float,
    current_mA_per_cm2: float,
    supply_mA_per_cm2: float,
    stripping_time_h: float,
    void_depth_charge: float,
) -> float:
    """The contact fraction after one stripping half-cycle at `current_mA_per_cm2` (per electrode area)."""
    if not 0 < contact_fraction <= 1:
        raise InputError("anode contact", "contact fraction", "a contact fraction in (0, 1]", contact_fraction)
    if current_mA_per_cm2 < 0 or stripping_time_h < 0:
        raise InputError("anode contact", "current", "a non-negative stripping current and time")
    local = current_mA_per_cm2 / contact_fraction
    if local <= supply_mA_per_cm2:
        return contact_fraction
    unreplenished = (local - supply_mA_per_cm2) * stripping_time_h  # mAh per cm2 of contact
    return max(0.0, contact_fraction * (1.0 - unreplenished / void_depth_charge))


def linear_strain(volume_change_percent: float) -> float:
    """Isotropic linear strain of a particle from its volume change: (1 + dV/V)^(1/3) - 1."""
    if volume_change_percent <= -100:
        raise InputError("cathode contact", "volume change", "a volume change above -100 %", volume_change_percent)
    return (1.0 + volume_change_percent / 100.0) ** (1.0 / 3.0) - 1.0


def unclosed_strain_share(pressure_MPa: float, young_modulus_GPa: float, poisson_ratio: float, strain: float) -> float:
    """chi = max(0, 1 - P / (E* |eps|)): the share of the particle's strain the stack pressure cannot close."""
    if pressure_MPa < 0 or young_modulus_GPa <= 0 or not 0 <= poisson_ratio < 0.5:
        raise InputError("cathode contact", "mechanics", "P >= 0, E > 0 and 0 <= nu < 0.5")
    if strain == 0:
        return 0.0
    plane_strain_MPa = young_modulus_GPa * 1e3 / (1.0 - poisson_ratio**2)
    return max(0.0, 1.0 - pressure_MPa / (plane_strain_MPa * abs(strain)))


def cathode_contact_after_cycle(
    contact_fraction: float, loss_coefficient: float, unclosed: float, strain: float
) -> float:
    """f after one cycle: f (1 - k_c chi |eps|) (module docstring)."""
    if not 0 < contact_fraction <= 1:
        raise InputError("cathode contact", "contact fraction", "a contact fraction in (0, 1]", contact_fraction)
    return contact_fraction * max(0.0, 1.0 - loss_coefficient * unclosed * abs(strain))


def thermal_mismatch_stress_MPa(
    young_modulus_GPa: float, poisson_ratio: float, expansion_difference_per_K: float, temperature_change_K: float
) -> float:
    """sigma = E d_alpha dT / (1 - nu) (MPa) of a bonded layer on a thick substrate."""
    if young_modulus_GPa <= 0 or not 0 <= poisson_ratio < 0.5:
        raise InputError("thermal stress", "mechanics", "E > 0 and 0 <= nu < 0.5")
    return young_modulus_GPa * 1e3 * expansion_difference_per_K * temperature_change_K / (1.0 - poisson_ratio)
