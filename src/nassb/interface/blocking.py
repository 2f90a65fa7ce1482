"""Electrical blocking at interfaces: space-charge layers and blocking grain boundaries.

Space charge (Maier, Prog. Solid State Chem. 23 (1995) 171; for oxide | sulfide contacts Haruyama et al., Chem.
Mater. 26 (2014) 4248): where two phases of different Na chemical potential touch, Na+ moves across until an
electric potential step e dphi balances the mismatch; the carriers of the electrolyte are depleted over a few Debye
lengths lambda_D = sqrt(eps_r eps_0 kB T / (c e^2)). The potential step is the difference between the cathode's
potential at its state of charge and the Na potential of the electrolyte, taken as the middle of its
electrochemical stability window (the electrolyte's Na activity can sit anywhere inside it; the middle is the
unbiased choice, stated in every result). For a Gouy-Chapman depletion layer (one depleted carrier,
c(x) = c_bulk exp(-e phi(x) / kB T), phi(x) = (4 kB T / e) artanh(g exp(-x / lambda_D)), g = tanh(e dphi / 4 kB T))
the added resistance integrates in closed form:

    R_sc = (1 / sigma) int_0^inf (exp(e phi / kB T) - 1) dx = (4 lambda_D / sigma) g / (1 - g)

which is lambda_D dphi e / (kB T sigma) for a small step and 2 lambda_D exp(e dphi / 2 kB T) / sigma for a large one.
With carrier densities of ~1e22 cm-3 lambda_D is below an interatomic distance, where the continuum picture is
only a guide; the estimate is reported with that caveat.

Grain-boundary blocking: the share of the separator's resistance in its grain boundaries, R_gb / R_total, from a
measured grain-boundary (apparent) conductivity L / (A R_gb) and the total conductivity.
"""

from __future__ import annotations

import math

from nassb.core.constants import BOLTZMANN_EV_PER_K, ELEMENTARY_CHARGE_C
from nassb.core.errors import InputError

VACUUM_PERMITTIVITY_F_PER_CM = 8.8541878128e-14


def debye_length_cm(relative_permittivity: float, carrier_density_per_cm3: float, temperature_K: float) -> float:
    """lambda_D = sqrt(eps_r eps_0 kB T / (c e^2)) for one monovalent carrier of density c (1/cm3)."""
    if relative_permittivity <= 0 or carrier_density_per_cm3 <= 0 or temperature_K <= 0:
        raise InputError("space charge", "Debye length", "positive permittivity, carrier density and temperature")
    thermal_J = BOLTZMANN_EV_PER_K * temperature_K * ELEMENTARY_CHARGE_C
    return math.sqrt(
        relative_permittivity
        * VACUUM_PERMITTIVITY_F_PER_CM
        * thermal_J
        / (carrier_density_per_cm3 * ELEMENTARY_CHARGE_C**2)
    )


def space_charge_resistance_ohm_cm2(
    potential_step_V: float, debye_length_cm_: float, conductivity_S_per_cm: float, temperature_K: float
) -> float:
    """Gouy-Chapman depletion-layer resistance (4 lambda_D / sigma) g / (1 - g), g = tanh(e dphi / 4 kB T)."""
    if conductivity_S_per_cm <= 0:
        raise InputError("space charge", "conductivity", "a positive ionic conductivity", conductivity_S_per_cm)
    reduced = abs(potential_step_V) / (BOLTZMANN_EV_PER_K * temperature_K)
    if reduced == 0:
        return 0.0
    # g / (1 - g) with g = tanh(a/4) equals (exp(a/2) - 1) / 2, exact and without cancellation
    return 4.0 * debye_length_cm_ / conductivity_S_per_cm * math.expm1(reduced / 2.0) / 2.0


def carrier_density_per_cm3(sodium_per_formula: float, density_g_per_cm3: float, molar_mass_g_per_mol: float) -> float:
    """Na+ per cm3 of a phase: n_Na rho N_A / M (every Na counted as mobile: an upper bound)."""
    from nassb.core.constants import AVOGADRO_PER_MOL

    return sodium_per_formula * density_g_per_cm3 * AVOGADRO_PER_MOL / molar_mass_g_per_mol


def grain_boundary_share(total_conductivity_S_per_cm: float, grain_boundary_conductivity_S_per_cm: float) -> float:
    """R_gb / R_total of a pellet from its total and apparent grain-boundary conductivities (both L / (A R))."""
    if total_conductivity_S_per_cm <= 0 or grain_boundary_conductivity_S_per_cm <= 0:
        raise InputError("grain boundaries", "conductivity", "positive total and grain-boundary conductivities")
    return min(1.0, total_conductivity_S_per_cm / grain_boundary_conductivity_S_per_cm)
