"""Polymer and gel electrolytes: a dissolved salt whose anion moves too (t+ < 1), and the choice of transport model.

Inorganic solid electrolytes conduct Na+ alone (t+ ~ 1, seed 004 section 2.1.3): the cell model is the single-ion
model of `nassb.cell.rate_model`. A salt in a polymer (PEO-NaX) or a gel carries current with both ions, "usually
t+ values below 0.5" (seed 004 section 2.1.3, Eq.4 t+ = mu+ / (mu+ + mu-), Eq.5 Bruce-Vincent): the current then
builds a salt gradient across the membrane and the cathode, and the cell model is the binary-salt porous-electrode
model (Doyle, Fuller, Newman, J. Electrochem. Soc. 140 (1993) 1526) that `rate_model.simulate_discharge(...,
model="binary-salt")` runs on PyBaMM's DFN. Which one applies follows from the electrolyte's class in the material
library (`transport = "binary_salt"` in `data/materials.toml`) or from a transference number the design gives.

Physics here (plain floats in the units their names say):
- VTF conductivity sigma(T) = A T^(-1/2) exp(-B / (T - T0)) (seed 004 Eq.2; Vogel 1921, Fulcher 1925, Tammann and
  Hesse 1926), here from one measured sigma_ref at T_ref: sigma = sigma_ref (T_ref / T)^(1/2)
  exp(-B/(T - T0) + B/(T_ref - T0)).
- Salt concentration of a PEO-salt film from its density and EO:Na ratio: c = rho / (n M_EO + M_salt).
- Salt diffusivity of an ideal, fully dissociated 1:1 salt from the conductivity and t+ (Nernst-Einstein for each
  ion, D_salt = 2 D+ D- / (D+ + D-); Newman and Thomas-Alyea, Electrochemical Systems, 3rd ed., Wiley 2004,
  sections 11.2 and 11.8): D_salt = 2 t+ (1 - t+) sigma R T / (F^2 c). Ion pairing in PEO makes the measured value
  differ; give a measured one in the library or the design where it exists.
- Limiting current of a binary electrolyte across a layer of thickness L (Newman and Thomas-Alyea, section 11.7):
  the steady salt gradient that carries the anion flux to zero is i (1 - t+) / (z F D); it empties the side that
  consumes Na+ when the concentration drop reaches twice the mean, i_lim = 2 z F D c0 / ((1 - t+) L).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nassb.core.constants import FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K
from nassb.core.errors import InputError
from nassb.core.units import convert

SOURCE = "polymer electrolyte"
SINGLE_ION = "single-ion"
BINARY_SALT = "binary-salt"
ETHYLENE_OXIDE_MOLAR_MASS_G_PER_MOL = 44.053  # C2H4O repeat unit, standard atomic weights
# Williams, Landel, Ferry, J. Am. Chem. Soc. 77 (1955) 3701: the 'universal' WLF constants log aT = -C1 (T - Tg) /
# (C2 + T - Tg), which is VTF with T0 = Tg - C2 and B = ln(10) C1 C2
WLF_C1 = 17.44
WLF_C2_K = 51.6
PEO_GLASS_TRANSITION_K = 213.15  # about -60 C, the commonly quoted glass transition of amorphous PEO

# key -> (value, unit, justification): used only where neither the design nor the library gives the property, and
# always reported as a default.
DEFAULTS: dict[str, tuple[float, str, str]] = {
    "transference_number": (
        0.3,
        "1",
        "polymer-based electrolytes 'usually have t+ values below 0.5' (seed 004 section 2.1.3, record 004-0005); 0.3 "
        "is an assumed value inside that range, not a measurement: measure t+ by the Bruce-Vincent method (seed 004 "
        "Eq.5) and give transference_number in [materials]",
    ),
    "ether_oxygen_per_na": (
        20.0,
        "1",
        "EO:Na = 20, an assumed salt content of a PEO-NaX film (the seeds do not state it); give ether_oxygen_per_na "
        "or salt_concentration_mol_per_L in [materials]",
    ),
    "vtf_T0_K": (
        PEO_GLASS_TRANSITION_K - WLF_C2_K,
        "K",
        "T0 = Tg - 51.6 K, the universal WLF C2 (Williams, Landel, Ferry, J. Am. Chem. Soc. 77 (1955) 3701; seed 004 "
        "below Eq.2: T0 'typically around 50 K below Tg'), with Tg = 213 K (-60 C) of amorphous PEO; the salt raises "
        "Tg, which is not accounted for: fit VTF to a temperature series (nassb eis arrhenius --vtf) and give vtf_T0_K",
    ),
    "vtf_pseudo_activation_K": (
        math.log(10.0) * WLF_C1 * WLF_C2_K,
        "K",
        "B = ln(10) C1 C2 = 2072 K from the universal WLF constants C1 = 17.44, C2 = 51.6 K (Williams, Landel, Ferry, "
        "J. Am. Chem. Soc. 77 (1955) 3701), ion motion taken as coupled to segmental motion; fit VTF to a temperature "
        "series and give vtf_pseudo_activation_K",
    ),
}


@dataclass(frozen=True)
class TransportChoice:
    """Which rate model a design gets, why, and for which electrolyte material."""

    model: str
    reason: str
    material: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"model": self.model, "reason": self.reason, "material": self.material}


def vtf_conductivity_S_per_cm(
    sigma_ref_S_per_cm: float, reference_K: float, temperature_K: float, B_K: float, T0_K: float
) -> float:
    """sigma (S/cm) at `temperature_K` by VTF (seed 004 Eq.2), the prefactor A fixed by sigma_ref at reference_K.

    sigma = sigma_ref (T_ref / T)^(1/2) exp(-B/(T - T0) + B/(T_ref - T0)); both temperatures must lie above T0."""
    for name, value in (("sigma_ref_S_per_cm", sigma_ref_S_per_cm), ("B_K", B_K)):
        if not (math.isfinite(value) and value > 0):
            raise InputError(SOURCE, name, "a positive number", value)
    for name, value in (("reference_K", reference_K), ("temperature_K", temperature_K)):
        if not (math.isfinite(value) and value > T0_K >= 0):
            raise InputError(SOURCE, name, f"a temperature above T0 = {T0_K:g} K (VTF diverges at T0)", value)
    exponent = -B_K / (temperature_K - T0_K) + B_K / (reference_K - T0_K)
    return sigma_ref_S_per_cm * math.sqrt(reference_K / temperature_K) * math.exp(exponent)


def vtf_prefactor_S_K05_per_cm(sigma_ref_S_per_cm: float, reference_K: float, B_K: float, T0_K: float) -> float:
    """A (S K^0.5/cm) of sigma = A T^(-1/2) exp(-B/(T - T0)) through sigma_ref at reference_K."""
    return sigma_ref_S_per_cm * math.sqrt(reference_K) * math.exp(B_K / (reference_K - T0_K))


def salt_concentration_mol_per_L(density_g_per_cm3: float, ether_oxygen_per_na: float, salt_molar_mass: float) -> float:
    """Salt concentration (mol/L) of a PEO film of EO:Na = n: c = rho / (n M_EO + M_salt), `salt_molar_mass` in
    g/mol (the volume of mixing is neglected: rho is that of the film)."""
    for name, value in (
        ("density_g_per_cm3", density_g_per_cm3),
        ("ether_oxygen_per_na", ether_oxygen_per_na),
        ("salt_molar_mass", salt_molar_mass),
    ):
        if not (math.isfinite(value) and value > 0):
            raise InputError(SOURCE, name, "a positive number", value)
    mol_per_cm3 = density_g_per_cm3 / (ether_oxygen_per_na * ETHYLENE_OXIDE_MOLAR_MASS_G_PER_MOL + salt_molar_mass)
    return convert(mol_per_cm3 * 1e6, "mol/m3", "mol/L")


def nernst_einstein_salt_diffusivity_cm2_per_s(
    sigma_S_per_cm: float, transference_number: float, concentration_mol_per_L: float, temperature_K: float
) -> float:
    """Salt diffusivity (cm2/s) of an ideal, fully dissociated 1:1 salt: D = 2 t+ (1 - t+) sigma R T / (F^2 c).

    sigma = F^2 c (D+ + D-) / RT with t+ = D+ / (D+ + D-) gives each ion's D; the salt diffuses with
    2 D+ D- / (D+ + D-) (Newman and Thomas-Alyea, Electrochemical Systems, 3rd ed., 2004, sections 11.2, 11.8)."""
    _check_transference(transference_number)
    sigma_S_per_m = convert(sigma_S_per_cm, "S/cm", "S/m")
    c_mol_per_m3 = convert(concentration_mol_per_L, "mol/L", "mol/m3")
    d_m2_per_s = (
        2.0
        * transference_number
        * (1.0 - transference_number)
        * sigma_S_per_m
        * GAS_CONSTANT_J_PER_MOL_K
        * temperature_K
        / (FARADAY_C_PER_MOL**2 * c_mol_per_m3)
    )
    return convert(d_m2_per_s, "m2/s", "cm2/s")


def limiting_current_density_mA_per_cm2(
    salt_diffusivity_cm2_per_s: float,
    concentration_mol_per_L: float,
    transference_number: float,
    thickness_cm: float,
    charge_number: int = 1,
) -> float:
    """i_lim = 2 z F D c0 / ((1 - t+) L) (mA/cm2): the steady current that empties one side of a binary electrolyte
    layer of thickness L (Newman and Thomas-Alyea, Electrochemical Systems, 3rd ed., 2004, section 11.7); infinite
    for t+ = 1."""
    _check_transference(transference_number)
    if transference_number >= 1.0:
        return math.inf
    d_m2_per_s = convert(salt_diffusivity_cm2_per_s, "cm2/s", "m2/s")
    c_mol_per_m3 = convert(concentration_mol_per_L, "mol/L", "mol/m3")
    thickness_m = convert(thickness_cm, "cm", "m")
    flux_A_per_m2 = 2.0 * charge_number * FARADAY_C_PER_MOL * d_m2_per_s * c_mol_per_m3
    i_A_per_m2 = flux_A_per_m2 / ((1.0 - transference_number) * thickness_m)
    return convert(i_A_per_m2, "A/m2", "mA/cm2")


def _check_transference(transference_number: float) -> None:
    if not (math.isfinite(transference_number) and 0.0 < transference_number <= 1.0):
        raise InputError(SOURCE, "transference_number", "a cation transference number in (0, 1]", transference_number)
