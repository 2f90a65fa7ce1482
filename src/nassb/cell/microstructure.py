"""Composite-cathode microstructure: phase fractions, effective conductivities, penetration depth, utilisation.

Phase fractions: volume fraction phi_i = (w_i / rho_i) / sum_k (w_k / rho_k) x (1 - porosity), with w mass
fractions and rho densities; so the solid fractions plus the porosity sum to 1.

Effective conductivity of a phase of bulk conductivity sigma at volume fraction phi of the composite:
- Bruggeman (Bruggeman, Ann. Phys. 416 (1935) 636): sigma_eff = sigma phi^b, b = 1.5 for spheres; written as
  sigma_eff = sigma phi / tau with the tortuosity factor tau = phi^(1 - b).
- Percolation (Stauffer and Aharony, Introduction to Percolation Theory, 2nd ed. 1994; Kirkpatrick, Rev. Mod.
  Phys. 45 (1973) 574): sigma_eff = sigma ((phi - phi_c) / (1 - phi_c))^t for phi > phi_c and 0 below, with
  the universal 3D exponent t = 2.0; phi_c from `percolation_threshold`.

Reaction penetration depth (Newman and Tobias, J. Electrochem. Soc. 109 (1962) 1183) and the utilisation it
implies, min(1, L_pen / L): an estimate; `nassb.cell.rate_model` solves the full porous-electrode problem.

Current densities enter in mA/cm2 (the cell-design unit) and are converted to A/cm2 before they meet S/cm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nassb.core.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K, ROOM_TEMPERATURE_K
from nassb.core.errors import InputError, ModelError
from nassb.core.units import convert

SOURCE = "microstructure"
FRACTION_SUM_TOLERANCE = 1e-6
BRUGGEMAN_EXPONENT = 1.5
PERCOLATION_EXPONENT = 2.0
MEAN_COORDINATION = 6.0  # random dense packing of spheres (German, Particle Packing Characteristics, 1989)
CRITICAL_COORDINATION = 1.764  # Z_ii at the threshold (Kuo and Gupta, Acta Metall. Mater. 43 (1995) 397)
MAX_RADIUS_RATIO = 1.4
MAX_MEAN_COORDINATION = 7.0
ALLOWED_OVERPOTENTIAL_V = 0.1


def _check_fractions(fractions: Mapping[str, float], field: str, total: float) -> None:
    if not fractions:
        raise InputError(SOURCE, field, "at least one phase", dict(fractions))
    for name, value in fractions.items():
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise InputError(SOURCE, f"{field}[{name}]", "a fraction between 0 and 1", value)
    if abs(sum(fractions.values()) - total) > FRACTION_SUM_TOLERANCE:
        raise InputError(
            SOURCE,
            field,
            f"fractions summing to {total:g} (within {FRACTION_SUM_TOLERANCE:g})",
            sum(fractions.values()),
        )


def _densities(names: Mapping[str, float], densities_g_per_cm3: Mapping[str, float]) -> dict[str, float]:
    for name in names:
        density = densities_g_per_cm3.get(name)
        if density is None or not (math.isfinite(density) and density > 0.0):
            raise InputError(SOURCE, f"densities_g_per_cm3[{name}]", "a positive density in g/cm3", density)
    return {name: float(densities_g_per_cm3[name]) for name in names}


def _check_porosity(porosity: float) -> None:
    if not (math.isfinite(porosity) and 0.0 <= porosity < 1.0):
        raise InputError(SOURCE, "porosity", "a fraction 0 <= porosity < 1", porosity)


def weight_to_volume_fractions(
    mass_fractions: Mapping[str, float], densities_g_per_cm3: Mapping[str, float], porosity: float = 0.0
) -> dict[str, float]:
    """Volume fractions of the composite, phi_i = (w_i / rho_i) / sum_k (w_k / rho_k) x (1 - porosity)."""
    _check_porosity(porosity)
    _check_fractions(mass_fractions, "mass_fractions", 1.0)
    density = _densities(mass_fractions, densities_g_per_cm3)
    specific_volume = {name: w / density[name] for name, w in mass_fractions.items()}
    total = sum(specific_volume.values())
    return {name: v / total * (1.0 - porosity) for name, v in specific_volume.items()}


def volume_to_weight_fractions(
    volume_fractions: Mapping[str, float], densities_g_per_cm3: Mapping[str, float], porosity: float = 0.0
) -> dict[str, float]:
    """Mass fractions w_i = phi_i rho_i / sum_k phi_k rho_k; the phi_i plus the porosity must sum to 1."""
    _check_porosity(porosity)
    _check_fractions(volume_fractions, "volume_fractions", 1.0 - porosity)
    density = _densities(volume_fractions, densities_g_per_cm3)
    mass = {name: phi * density[name] for name, phi in volume_fractions.items()}
    total = sum(mass.values())
    return {name: m / total for name, m in mass.items()}


def _as_result(array: np.ndarray) -> float | np.ndarray:
    return float(array) if array.ndim == 0 else array


def _check_sigma(sigma_S_per_cm: float | np.ndarray, field: str = "sigma_S_per_cm") -> np.ndarray:
    sigma = np.asarray(sigma_S_per_cm, dtype=float)
    if not np.all(np.isfinite(sigma) & (sigma >= 0.0)):
        raise InputError(SOURCE, field, "a finite conductivity >= 0 in S/cm", sigma_S_per_cm)
    return sigma


def _check_volume_fraction(volume_fraction: float | np.ndarray, positive: bool = False) -> np.ndarray:
    phi = np.asarray(volume_fraction, dtype=float)
    low_ok = phi > 0.0 if positive else phi >= 0.0
    if not np.all(np.isfinite(phi) & low_ok & (phi <= 1.0)):
        bounds = "0 < volume_fraction <= 1" if positive else "0 <= volume_fraction <= 1"
        raise InputError(SOURCE, "volume_fraction", f"a fraction {bounds}", volume_fraction)
    return phi


def _check_exponent(exponent: float, field: str) -> None:
    if not (math.isfinite(exponent) and exponent >= 1.0):
        raise InputError(SOURCE, field, "an exponent >= 1", exponent)


def bruggeman_conductivity(
    sigma_S_per_cm: float | np.ndarray, volume_fraction: float | np.ndarray, exponent: float = BRUGGEMAN_EXPONENT
) -> float | np.ndarray:
    """Bruggeman effective conductivity sigma phi^exponent in S/cm (Bruggeman 1935; 1.5 for spheres)."""
    _check_exponent(exponent, "exponent")
    return _as_result(_check_sigma(sigma_S_per_cm) * _check_volume_fraction(volume_fraction) ** exponent)


def tortuosity_factor(volume_fraction: float | np.ndarray, exponent: float = BRUGGEMAN_EXPONENT) -> float | np.ndarray:
    """Tortuosity factor tau = phi^(1 - exponent), so that sigma_eff = sigma phi / tau (Bruggeman 1935)."""
    _check_exponent(exponent, "exponent")
    return _as_result(_check_volume_fraction(volume_fraction, positive=True) ** (1.0 - exponent))


def like_coordination_number(
    solid_fraction: float, radius_ratio: float, mean_coordination: float = MEAN_COORDINATION
) -> float:
    """Mean number Z_cc of conducting neighbours of a conducting sphere in a binary random packing.

    Binary packing of conducting spheres (radius r_c, volume fraction x of the solid) among other spheres
    (radius r_o), radius_ratio = r_c / r_o (Bouvard and Lange, Acta Metall. Mater. 39 (1991) 3083, with the
    partial coordination numbers of Suzuki and Oshima, Powder Technol. 35 (1983) 159):
        number fractions  n_c = (x / r_c^3) / (x / r_c^3 + (1 - x) / r_o^3),  n_o = 1 - n_c
        Z_c = 3 + (Z - 3) r_c^2 / (n_c r_c^2 + n_o r_o^2)
        Z_cc = n_c Z_c^2 / Z
    with Z the mean coordination number of the packing (6 for a random dense packing).
    """
    if not (math.isfinite(solid_fraction) and 0.0 <= solid_fraction <= 1.0):
        raise InputError(SOURCE, "solid_fraction", "a fraction of the solid between 0 and 1", solid_fraction)
    scaled = solid_fraction / radius_ratio**3
    n_c = scaled / (scaled + 1.0 - solid_fraction)
    z_c = 3.0 + (mean_coordination - 3.0) * radius_ratio**2 / (n_c * radius_ratio**2 + 1.0 - n_c)
    return n_c * z_c**2 / mean_coordination


def percolation_threshold(
    radius_ratio: float = 1.0,
    porosity: float = 0.0,
    critical_coordination: float = CRITICAL_COORDINATION,
    mean_coordination: float = MEAN_COORDINATION,
) -> float:
    """Percolation threshold phi_c of a conducting phase, as a volume fraction of the composite.

    The conducting phase percolates when its like coordination number Z_cc (`like_coordination_number`,
    Bouvard and Lange 1991) reaches the critical value Z_crit. The threshold x_c in the solid solves
    Z_cc(x_c) = Z_crit (bisection on 0 < x < 1, where Z_cc rises from 0 to Z); the pores hold no particles,
    so phi_c = x_c (1 - porosity). Z_crit = 1.764 is where the percolation probability fitted by Kuo and
    Gupta (Acta Metall. Mater. 43 (1995) 397) to Bouvard and Lange's simulations vanishes; Bouvard and Lange
    quote values between about 1.5 and 2. For equal spheres n_c = x and Z_c = Z, so x_c = Z_crit / Z =
    0.294, i.e. 0.19 of space in a packing of density 0.64, near the Scher-Zallen invariant 0.16 +- 0.02
    (Scher and Zallen, J. Chem. Phys. 53 (1970) 3759). Small conducting particles among large ones
    (radius_ratio < 1) percolate at lower fractions. For radius_ratio above about 1.44 (Z = 7) to 1.64 (Z = 6)
    the model's threshold of the larger phase falls again, an artefact of the mean-field contact count, so
    radius_ratio <= 1.4 and Z <= 7 are required (ModelError otherwise).
    """
    _check_porosity(porosity)
    if not (math.isfinite(radius_ratio) and radius_ratio > 0.0):
        raise InputError(SOURCE, "radius_ratio", "a positive ratio r_conducting / r_other", radius_ratio)
    if not (math.isfinite(mean_coordination) and 3.0 < mean_coordination):
        raise InputError(SOURCE, "mean_coordination", "a mean coordination number > 3", mean_coordination)
    if not (math.isfinite(critical_coordination) and 0.0 < critical_coordination < mean_coordination):
        raise InputError(
            SOURCE,
            "critical_coordination",
            f"0 < Z_crit < mean_coordination ({mean_coordination:g})",
            critical_coordination,
        )
    if radius_ratio > MAX_RADIUS_RATIO or mean_coordination > MAX_MEAN_COORDINATION:
        raise ModelError(
            f"percolation_threshold: the coordination-number model holds for radius_ratio <= "
            f"{MAX_RADIUS_RATIO:g} and mean_coordination <= {MAX_MEAN_COORDINATION:g}; got "
            f"radius_ratio={radius_ratio:g}, mean_coordination={mean_coordination:g}"
        )
    low, high = 0.0, 1.0
    while high - low > 1e-12:
        middle = 0.5 * (low + high)
        if like_coordination_number(middle, radius_ratio, mean_coordination) < critical_coordination:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high) * (1.0 - porosity)


def percolation_conductivity(
    sigma_S_per_cm: float | np.ndarray,
    volume_fraction: float | np.ndarray,
    threshold: float,
    exponent: float = PERCOLATION_EXPONENT,
) -> float | np.ndarray:
    """Percolation conductivity sigma ((phi - phi_c) / (1 - phi_c))^t in S/cm, 0 for phi <= phi_c.

    t = 2.0 is the universal exponent of 3D conductivity percolation (Stauffer and Aharony 1994).
    """
    _check_exponent(exponent, "exponent")
    if not (math.isfinite(threshold) and 0.0 <= threshold < 1.0):
        raise InputError(SOURCE, "threshold", "a fraction 0 <= threshold < 1", threshold)
    sigma = _check_sigma(sigma_S_per_cm)
    excess = np.clip((_check_volume_fraction(volume_fraction) - threshold) / (1.0 - threshold), 0.0, None)
    return _as_result(sigma * excess**exponent)


@dataclass(frozen=True)
class EffectiveConductivity:
    """One phase's effective conductivity by both models; volume fractions are of the whole composite."""

    sigma_S_per_cm: float
    volume_fraction: float
    bruggeman_S_per_cm: float
    percolation_S_per_cm: float
    threshold: float
    tortuosity: float
    percolating: bool


def effective_conductivities(
    sigma_S_per_cm: float,
    volume_fraction: float,
    *,
    porosity: float = 0.0,
    radius_ratio: float = 1.0,
    bruggeman_exponent: float = BRUGGEMAN_EXPONENT,
    percolation_exponent: float = PERCOLATION_EXPONENT,
    critical_coordination: float = CRITICAL_COORDINATION,
    mean_coordination: float = MEAN_COORDINATION,
) -> EffectiveConductivity:
    """Bruggeman and percolation conductivities, the threshold and the tortuosity of one conducting phase.

    `volume_fraction` is the phase's fraction of the composite (<= 1 - porosity); `radius_ratio` is its particle
    radius over that of the rest of the solid (see `percolation_threshold`).
    """
    _check_porosity(porosity)
    phi = float(_check_volume_fraction(volume_fraction, positive=True))
    if phi > 1.0 - porosity + FRACTION_SUM_TOLERANCE:
        raise InputError(SOURCE, "volume_fraction", f"a fraction <= 1 - porosity = {1.0 - porosity:g}", phi)
    sigma = float(_check_sigma(sigma_S_per_cm))
    threshold = percolation_threshold(radius_ratio, porosity, critical_coordination, mean_coordination)
    return EffectiveConductivity(
        sigma_S_per_cm=sigma,
        volume_fraction=phi,
        bruggeman_S_per_cm=float(bruggeman_conductivity(sigma, phi, bruggeman_exponent)),
        percolation_S_per_cm=float(percolation_conductivity(sigma, phi, threshold, percolation_exponent)),
        threshold=threshold,
        tortuosity=float(tortuosity_factor(phi, bruggeman_exponent)),
        percolating=phi > threshold,
    )


def _series_resistivity_ohm_cm(kappa_eff_S_per_cm: float, sigma_eff_S_per_cm: float) -> float:
    if not (math.isfinite(kappa_eff_S_per_cm) and kappa_eff_S_per_cm > 0.0):
        raise InputError(
            SOURCE, "kappa_eff_S_per_cm", "a positive effective ionic conductivity in S/cm", kappa_eff_S_per_cm
        )
    if math.isnan(sigma_eff_S_per_cm) or sigma_eff_S_per_cm <= 0.0:
        raise InputError(
            SOURCE,
            "sigma_eff_S_per_cm",
            "a positive effective electronic conductivity in S/cm (inf for an ideal electronic network)",
            sigma_eff_S_per_cm,
        )
    return 1.0 / kappa_eff_S_per_cm + 1.0 / sigma_eff_S_per_cm


def ionic_penetration_depth_cm(
    kappa_eff_S_per_cm: float,
    current_density_mA_per_cm2: float,
    allowed_overpotential_V: float = ALLOWED_OVERPOTENTIAL_V,
    sigma_eff_S_per_cm: float = math.inf,
) -> float:
    """Ohmic-limited reaction penetration depth L_pen = dV / (i (1/kappa_eff + 1/sigma_eff)) in cm.

    The depth over which the ohmic drop of the current density i (the magnitude, converted from mA/cm2 to
    A/cm2) through the composite uses up the allowed overpotential spread dV; with sigma_eff >> kappa_eff
    it is kappa_eff dV / i. The resistances add as 1/kappa + 1/sigma in the Newman-Tobias equation
    d2(eta)/dx2 = j (1/kappa + 1/sigma) (Newman and Tobias 1962), whose Tafel-regime reaction zone is a
    few kappa_eff RT / (alpha F i) deep; dV = 0.1 V (about two Tafel slopes RT / (alpha F) at 298 K,
    alpha = 0.5) is a design choice, not a material property. Zero current gives an infinite depth.
    """
    resistivity = _series_resistivity_ohm_cm(kappa_eff_S_per_cm, sigma_eff_S_per_cm)
    if not (math.isfinite(allowed_overpotential_V) and allowed_overpotential_V > 0.0):
        raise InputError(SOURCE, "allowed_overpotential_V", "a positive overpotential in V", allowed_overpotential_V)
    if not math.isfinite(current_density_mA_per_cm2):
        raise InputError(
            SOURCE, "current_density_mA_per_cm2", "a finite current density in mA/cm2", current_density_mA_per_cm2
        )
    current_A_per_cm2 = convert(abs(current_density_mA_per_cm2), "mA/cm2", "A/cm2")
    if current_A_per_cm2 == 0.0:
        return math.inf
    return allowed_overpotential_V / (current_A_per_cm2 * resistivity)


def kinetic_penetration_depth_cm(
    kappa_eff_S_per_cm: float,
    specific_area_per_cm: float,
    exchange_current_density_mA_per_cm2: float,
    temperature_K: float = ROOM_TEMPERATURE_K,
    sigma_eff_S_per_cm: float = math.inf,
    transfer_coefficient_sum: float = 1.0,
) -> float:
    """Linear-kinetics penetration depth 1/nu = sqrt(R T / ((alpha_a + alpha_c) F a i0 (1/kappa + 1/sigma))) in cm.

    The decay length of the reaction rate from the limiting face in the low-current (linearised
    Butler-Volmer) regime of Newman and Tobias (1962); independent of the current. a is the electrochemically
    active area per volume (cm2/cm3 = 1/cm), i0 the exchange current density (mA/cm2, converted to A/cm2).
    """
    resistivity = _series_resistivity_ohm_cm(kappa_eff_S_per_cm, sigma_eff_S_per_cm)
    for field, value in (
        ("specific_area_per_cm", specific_area_per_cm),
        ("exchange_current_density_mA_per_cm2", exchange_current_density_mA_per_cm2),
        ("temperature_K", temperature_K),
        ("transfer_coefficient_sum", transfer_coefficient_sum),
    ):
        if not (math.isfinite(value) and value > 0.0):
            raise InputError(SOURCE, field, "a positive finite number", value)
    conductance_per_cm3 = (
        transfer_coefficient_sum
        * FARADAY_C_PER_MOL
        / (GAS_CONSTANT_J_PER_MOL_K * temperature_K)
        * specific_area_per_cm
        * convert(exchange_current_density_mA_per_cm2, "mA/cm2", "A/cm2")
    )
    return 1.0 / math.sqrt(conductance_per_cm3 * resistivity)


def utilisation_from_penetration(penetration_depth_cm: float, thickness_cm: float) -> float:
    """Estimated utilisation min(1, L_pen / L) of a composite of thickness L (the rate model does the full solve)."""
    if not (math.isfinite(thickness_cm) and thickness_cm > 0.0):
        raise InputError(SOURCE, "thickness_cm", "a positive thickness in cm", thickness_cm)
    if math.isnan(penetration_depth_cm) or penetration_depth_cm < 0.0:
        raise InputError(SOURCE, "penetration_depth_cm", "a depth >= 0 in cm", penetration_depth_cm)
    return min(1.0, penetration_depth_cm / thickness_cm)
