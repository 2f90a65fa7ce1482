"""Dendrites on plating and the critical current density of a Na | electrolyte | Na cell.

Three plating-side criteria and the stripping side of `nassb.mechanics.contact`:

* Monroe and Newman (J. Electrochem. Soc. 152 (2005) A396): a metal | solid-electrolyte interface is stable
  against roughening when the electrolyte's shear modulus exceeds about twice the metal's (Na: G ~ 3.3 GPa).
  It is a yes/no criterion: the ratio G_electrolyte / G_Na against 2.
* Crack opening by deposited metal (Porz et al., Adv. Energy Mater. 7 (2017) 1701003): Na deposited into a surface
  flaw of depth a pressurises it; the flaw grows (Griffith) when the pressure reaches P_c = K_IC / (Y sqrt(pi a)),
  Y = 1.12 for a surface crack. The pressure the plating overpotential can build is P = F |eta| / V_m (the
  mechanical work of inserting a mole of Na), so cracking starts at eta_c = V_m K_IC / (F Y sqrt(pi a)), and the
  interface resistance turns a current into that overpotential: j_c = eta_c / ASR (the resistance-limited form of
  Raj and Wolfenstine, J. Power Sources 343 (2017) 119).
* Electronic leakage (Han et al., Nat. Energy 4 (2019) 187): an electrolyte whose electronic conductivity is high
  enough lets Na+ be reduced inside it; the indicator is the electronic conductivity against a threshold, and the
  leakage current at the cell voltage, j = sigma_e V / L.

The predicted CCD is the smaller of the stripping CCD (the Na supply, `stripping_supply_mA_per_cm2`) and the
plating CCD (crack opening), and the limiting mechanism is the one that sets it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from nassb.core.constants import FARADAY_C_PER_MOL
from nassb.core.errors import InputError
from nassb.mechanics.contact import stripping_supply_mA_per_cm2

SURFACE_CRACK_GEOMETRY_FACTOR = 1.12  # Y of an edge (surface) crack, Porz et al. 2017
ELECTRONIC_LEAKAGE_THRESHOLD_S_PER_CM = 1e-8


def monroe_newman_ratio(electrolyte_shear_GPa: float, metal_shear_GPa: float) -> float:
    """G_electrolyte / G_metal; the interface resists dendrites above `MONROE_NEWMAN_CRITICAL_RATIO` (2)."""
    if electrolyte_shear_GPa <= 0 or metal_shear_GPa <= 0:
        raise InputError("Monroe-Newman", "shear modulus", "positive shear moduli")
    return electrolyte_shear_GPa / metal_shear_GPa


def crack_opening_overpotential_V(
    fracture_toughness_MPa_m05: float, flaw_size_cm: float, molar_volume_cm3_per_mol: float
) -> float:
    """eta_c = V_m K_IC / (F Y sqrt(pi a)) (V): the plating overpotential that opens a flaw of depth a."""
    if fracture_toughness_MPa_m05 <= 0 or flaw_size_cm <= 0 or molar_volume_cm3_per_mol <= 0:
        raise InputError("crack opening", "inputs", "positive fracture toughness, flaw size and molar volume")
    critical_pressure_Pa = (
        fracture_toughness_MPa_m05 * 1e6 / (SURFACE_CRACK_GEOMETRY_FACTOR * math.sqrt(math.pi * flaw_size_cm * 1e-2))
    )
    return molar_volume_cm3_per_mol * 1e-6 * critical_pressure_Pa / FARADAY_C_PER_MOL


def crack_opening_current_mA_per_cm2(overpotential_V: float, interface_asr_ohm_cm2: float) -> float:
    """j_c = eta_c / ASR (mA/cm2); infinite for a resistance-free interface."""
    if interface_asr_ohm_cm2 < 0:
        raise InputError("crack opening", "interface ASR", "a non-negative ASR", interface_asr_ohm_cm2)
    return math.inf if interface_asr_ohm_cm2 == 0 else 1e3 * overpotential_V / interface_asr_ohm_cm2


def leakage_current_mA_per_cm2(electronic_S_per_cm: float, voltage_V: float, thickness_cm: float) -> float:
    """Electronic leakage through the separator at a voltage: sigma_e V / L (mA/cm2)."""
    return 1e3 * electronic_S_per_cm * voltage_V / thickness_cm


@dataclass(frozen=True)
class CriticalCurrent:
    """Predicted CCD of a Na | electrolyte | Na cell and the numbers behind it."""

    stripping_ccd_mA_per_cm2: float
    plating_ccd_mA_per_cm2: float
    ccd_mA_per_cm2: float
    limiting_mechanism: str
    crack_opening_overpotential_V: float
    monroe_newman_ratio: float | None
    monroe_newman_stable: bool | None
    electronic_conductivity_S_per_cm: float | None
    electronic_leakage_risk: bool | None
    pressure_MPa: float
    temperature_K: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {key: (None if isinstance(value, float) and math.isinf(value) else value) for key, value in data.items()}


def critical_current(
    pressure_MPa: float,
    temperature_K: float,
    creep_coefficient_mA_per_cm2_MPa: float,
    stripping_activation_eV: float,
    vacancy_supply_mA_per_cm2: float,
    fracture_toughness_MPa_m05: float,
    flaw_size_cm: float,
    interface_asr_ohm_cm2: float,
    sodium_molar_volume_cm3_per_mol: float,
    electrolyte_shear_GPa: float | None = None,
    metal_shear_GPa: float | None = None,
    electronic_S_per_cm: float | None = None,
    critical_ratio: float = 2.0,
) -> CriticalCurrent:
    """The CCD of a symmetric Na cell at a stack pressure and temperature and the mechanism that sets it."""
    stripping = stripping_supply_mA_per_cm2(
        pressure_MPa,
        temperature_K,
        creep_coefficient_mA_per_cm2_MPa,
        stripping_activation_eV,
        vacancy_supply_mA_per_cm2,
    )
    eta_c = crack_opening_overpotential_V(fracture_toughness_MPa_m05, flaw_size_cm, sodium_molar_volume_cm3_per_mol)
    plating = crack_opening_current_mA_per_cm2(eta_c, interface_asr_ohm_cm2)
    ratio = None
    if electrolyte_shear_GPa is not None and metal_shear_GPa is not None:
        ratio = monroe_newman_ratio(electrolyte_shear_GPa, metal_shear_GPa)
    leakage = None if electronic_S_per_cm is None else electronic_S_per_cm >= ELECTRONIC_LEAKAGE_THRESHOLD_S_PER_CM
    if stripping <= plating:
        mechanism = "stripping: voids in the Na anode (Na supply by creep and diffusion below the stripping flux)"
    else:
        mechanism = "plating: Na filament opening a surface flaw (crack opening, Porz et al. 2017)"
    return CriticalCurrent(
        stripping_ccd_mA_per_cm2=stripping,
        plating_ccd_mA_per_cm2=plating,
        ccd_mA_per_cm2=min(stripping, plating),
        limiting_mechanism=mechanism,
        crack_opening_overpotential_V=eta_c,
        monroe_newman_ratio=ratio,
        monroe_newman_stable=None if ratio is None else ratio >= critical_ratio,
        electronic_conductivity_S_per_cm=electronic_S_per_cm,
        electronic_leakage_risk=leakage,
        pressure_MPa=pressure_MPa,
        temperature_K=temperature_K,
    )


DEFAULT_INTERFACE_ASR = (
    10.0,
    "no interface ASR given: 10 Ohm cm2, the Na | heat-treated Na-beta''-alumina value of knowledge-base record "
    "001X-0105 (seed 001 section 5.1); give --asr-ohm-cm2 from a symmetric-cell impedance fit",
)


def predict_ccd(
    electrolyte: str,
    pressure_MPa: float,
    temperature_K: float,
    interface_asr_ohm_cm2: float | None = None,
    flaw_size_um: float | None = None,
    anode: str = "Na",
) -> tuple[CriticalCurrent, dict[str, Any]]:
    """The CCD of a Na | `electrolyte` | Na cell from the material library's properties (flagged defaults where it
    has none, `nassb.cell.failure_inputs`); returns the result and the inputs with their sources."""
    from nassb.cell.failure_inputs import CREEP_ANCHOR, FAILURE_DEFAULTS, STRIPPING_ACTIVATION
    from nassb.cell.materials import MaterialResolver
    from nassb.chem.formula import parse_formula
    from nassb.core.value import DocumentedDefault, Value

    if anode != "Na":
        raise InputError("interface ccd", "--anode", "Na (the model is that of a Na metal anode)", anode)
    resolver = MaterialResolver()
    resolver.check_known(electrolyte, "--electrolyte", ("electrolyte",))
    inputs: dict[str, Any] = {}

    def library(name: str, key: str, default_key: str, material: str = electrolyte) -> float:
        value = resolver.find(material, key)
        if value is None:
            magnitude, unit, why = FAILURE_DEFAULTS[default_key]
            value = Value(magnitude, unit, DocumentedDefault(why))
        inputs[name] = {"value": value.magnitude, "unit": value.unit, "source": value.source.describe()}
        return value.magnitude

    toughness = library("fracture_toughness", "fracture_toughness_MPa_m05", "fracture_toughness")
    shear = library("shear_modulus", "shear_modulus_GPa", "shear_modulus")
    electronic = library("electronic_conductivity", "electronic_conductivity_S_per_cm", "electronic_conductivity")
    sodium_shear = resolver.find("Na", "shear_modulus_GPa")
    density = resolver.find("Na", "density_g_per_cm3")
    molar_volume = float(parse_formula("Na").weight) / density.magnitude
    flaw_cm = (flaw_size_um if flaw_size_um is not None else FAILURE_DEFAULTS["flaw_size"][0]) * 1e-4
    asr = interface_asr_ohm_cm2 if interface_asr_ohm_cm2 is not None else DEFAULT_INTERFACE_ASR[0]
    inputs["flaw_size_um"] = {
        "value": flaw_cm * 1e4,
        "source": "given" if flaw_size_um else FAILURE_DEFAULTS["flaw_size"][2],
    }
    inputs["interface_asr_ohm_cm2"] = {
        "value": asr,
        "source": "given" if interface_asr_ohm_cm2 is not None else DEFAULT_INTERFACE_ASR[1],
    }
    record, anchor_MPa, anchor_current = CREEP_ANCHOR
    inputs["creep_supply_coefficient_mA_per_cm2_MPa"] = {
        "value": anchor_current / anchor_MPa,
        "source": f"knowledge-base record {record} (Spencer Jolly et al. 2020)",
    }
    inputs["stripping_activation_energy_eV"] = {"value": STRIPPING_ACTIVATION[0], "source": STRIPPING_ACTIVATION[1]}
    result = critical_current(
        pressure_MPa,
        temperature_K,
        anchor_current / anchor_MPa,
        STRIPPING_ACTIVATION[0],
        FAILURE_DEFAULTS["vacancy_supply_current"][0],
        toughness,
        flaw_cm,
        asr,
        molar_volume,
        shear,
        None if sodium_shear is None else sodium_shear.magnitude,
        electronic,
    )
    return result, inputs
