"""Interphase growth at a solid contact: Wagner's parabolic rate constant, the Deal-Grove law, the resistance added
and the Na (or active material) the interphase consumes.

Growth law (Deal and Grove, J. Appl. Phys. 36 (1965) 3770): a layer fed by transport through itself and by a
reaction at its front grows as t = L^2 / (2 k) + L / v; without a measured front velocity v the reaction does not
limit it and L = sqrt(2 k t), so four times the time doubles L; with a v (a fit of impedance over time) the layer
first grows linearly. A passivating interphase is an electronic insulator: its k is limited by its
electronic conductivity and is tiny. A mixed-conducting one passes electrons freely: sigma_amb = sigma_ion and it
grows without passivating, orders of magnitude faster. Which of the two a layer is follows from its products: the
layer is mixed-conducting when its electronically conducting products (kind "metal", "electronic_conductor" or
"mixed" in the product table, e.g. Na3P, whose contact with Na3PS4 seed 002 section 3.1 reports as electrically
conductive) fill more than the percolation threshold of its volume (`electronic_percolation_threshold`); below it
they are isolated grains in an insulating matrix. What the reaction leaves of the partner as an element it does not
share with the electrolyte (the Sn of a Na-Sn alloy that gave up its Na) stays in the electrode and is not part of
the layer. So Na | Na3PS4 (4 Na2S + Na3P) grows, while a Na-Sn alloy against it (4 Na2S + P, the Sn left in the
alloy) passivates, as the alloy anodes of seed 000 Table 4 are meant to. Type I contacts do not grow.

Parabolic rate constant from Wagner's theory of tarnishing (C. Wagner, Z. Phys. Chem. B 21 (1933) 25; in the form of
H. Schmalzried, Chemical Kinetics of Solids, VCH 1995, ch. 6): a product layer that grows by the ambipolar transport
of Na+ and electrons through itself thickens as dL/dt = k / L with

    k = V_m sigma_amb |dG| / (z F)^2,    sigma_amb = sigma_ion sigma_el / (sigma_ion + sigma_el)

where dG (J) is the reaction free energy and V_m (cm3) the product volume per mole of electrolyte formula units
consumed, and z the Na+ that cross the layer per formula unit (the Na the reaction moves from the metal or the
active material into the products). Reaction energies and products are the offline thermodynamics'
(`nassb.thermo.reactivity`, Richards et al. 2016); the DFT reaction energy stands for dG (the entropy of reactions
between solids is small). The product layer is a fine mixture of its phases: its conductivities are the
volume-weighted (Wiener, parallel) means of the phases' (`interphase_products.toml`), the mixture in which each
phase forms a continuous path, the picture of a mixed-conducting interphase (Zhu, He, Mo 2015).

The resistance the layer adds is R = L / sigma_ion (Ohm cm2 of contact area).

Calibration: the Na+ conductivity of interphase products has no measured value for most phases (the table says
which); the default is one effective conductivity, calibrated once on the knowledge base's time-resolved impedance
of Na | Na3SbS4 (records 002X-0068 and 002X-0069, seed 002 section 4.2: ASR 750 -> 1860 Ohm cm2 over the first
25 h at 60 degC, a mixed-conducting Na2S + Na3Sb interphase) with this same law, and reported as a default
everywhere it is used. Na | Na3PS4 (002X-0026/0027: 500 -> 20,000 Ohm over 240 h) and Na | beta''-alumina (stable,
Wenzel et al. 2016) are the checks it was not fitted to.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from nassb.core.constants import FARADAY_C_PER_MOL
from nassb.core.errors import InputError
from nassb.core.value import DocumentedDefault, Literature, Value

WORKING_ION = "Na"
PRODUCT_TABLE = "data/interphase_products.toml"
# Used where the product table has no measured value; each is reported as a documented default.
CONDUCTING_KINDS = ("metal", "electronic_conductor", "mixed")
SCHER_ZALLEN_CRITICAL_FRACTION = 0.16
CALIBRATION = {
    "records": ("002X-0068", "002X-0069"),
    "electrolyte": "Na3SbS4",
    "resistance_increase_ohm_cm2": 1860.0 - 750.0,
    "time_h": 25.0,
    "temperature_K": 333.15,
}
PRODUCT_DEFAULTS: dict[str, tuple[float, str, str]] = {
    "electronic_conductivity_S_per_cm": (
        1e-12,
        "S/cm",
        "no measured electronic conductivity of this insulating product in the table: 1e-12 S/cm, a wide-gap insulator",
    ),
    "metal_electronic_conductivity_S_per_cm": (
        1e4,
        "S/cm",
        "no value for this electronically conducting product in the table: 1e4 S/cm, the low end of metals and "
        "Zintl semimetals",
    ),
    "density_g_per_cm3": (3.0, "g/cm3", "no density of this product in the table: 3 g/cm3, mid-range of Na salts"),
    "activation_energy_eV": (
        0.5,
        "eV",
        "no activation energy of this product's conductivity in the table: 0.5 eV, mid-range of poor Na+ conductors",
    ),
}


@dataclass(frozen=True)
class ProductProperties:
    """Transport data of one interphase product (S/cm at `reference_K`), each with its source."""

    formula: str
    kind: str
    density: Value
    ionic_conductivity: Value | None
    electronic_conductivity: Value
    activation_energy: Value
    reference_K: float = 298.15

    def ionic_S_per_cm(self, temperature_K: float) -> float:
        """Na+ conductivity at `temperature_K` by the sigma*T Arrhenius law (0 for a metal)."""
        if self.ionic_conductivity is None:
            return 0.0
        return _arrhenius(
            self.ionic_conductivity.magnitude, self.activation_energy.magnitude, self.reference_K, temperature_K
        )

    def electronic_S_per_cm(self, temperature_K: float) -> float:
        """Electronic conductivity; an insulator's follows the ionic activation energy (no better data)."""
        if self.kind == "metal" or self.kind == "electronic_conductor":
            return self.electronic_conductivity.magnitude
        return _arrhenius(
            self.electronic_conductivity.magnitude, self.activation_energy.magnitude, self.reference_K, temperature_K
        )


def _arrhenius(sigma_ref: float, activation_eV: float, reference_K: float, temperature_K: float) -> float:
    from nassb.transport.arrhenius import arrhenius_conductivity_S_per_cm

    return float(arrhenius_conductivity_S_per_cm(sigma_ref, reference_K, temperature_K, activation_eV))


@lru_cache(maxsize=1)
def _product_table() -> dict[str, dict[str, Any]]:
    path = resources.files("nassb.interface").joinpath(PRODUCT_TABLE)
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _default(key: str) -> Value:
    magnitude, unit, why = PRODUCT_DEFAULTS[key]
    return Value(magnitude, unit, DocumentedDefault(why))


def _cited(spec: dict[str, Any] | None, unit: str, key: str) -> Value | None:
    if not spec or "value" not in spec:
        return None
    return Value(float(spec["value"]), unit, Literature(spec.get("ref", ""), "", f"{PRODUCT_TABLE} [{key}]"))


def product_properties(formula: str, default_ionic: Value | None = None) -> ProductProperties:
    """The product's transport data from the table (`PRODUCT_TABLE`); where it has none, documented defaults (the
    Na+ conductivity: `default_ionic`, else the calibrated `effective_interphase_conductivity`)."""
    from nassb.chem.formula import parse_formula
    from nassb.thermo.reactivity import is_electronic_conductor

    composition = parse_formula(formula)
    if composition is None:
        raise InputError(PRODUCT_TABLE, formula, "a chemical formula of an interphase product")
    table = _product_table()
    key = next(
        (name for name in table if (parse_formula(name) or composition).reduced_formula == composition.reduced_formula),
        None,
    )
    entry = table.get(key, {}) if key else {}
    kind = entry.get("kind", "metal" if is_electronic_conductor(formula) else "ionic_insulator")
    ionic_spec = entry.get("ionic_conductivity_S_per_cm")
    ionic = None
    if kind != "metal" and "Na" in composition:
        ionic = _cited(ionic_spec, "S/cm", key) or default_ionic or effective_interphase_conductivity()
    electronic = _cited(entry.get("electronic_conductivity_S_per_cm"), "S/cm", key) or _default(
        "metal_electronic_conductivity_S_per_cm" if kind in CONDUCTING_KINDS else "electronic_conductivity_S_per_cm"
    )
    activation = None
    if ionic_spec and "activation_energy_eV" in ionic_spec:
        activation = Value(
            float(ionic_spec["activation_energy_eV"]),
            "eV",
            Literature(ionic_spec.get("ref", ""), "", f"{PRODUCT_TABLE} [{key}]"),
        )
    reference_K = float(ionic_spec.get("temperature_K", 298.15)) if ionic_spec else CALIBRATION["temperature_K"]
    return ProductProperties(
        formula=composition.reduced_formula,
        kind=kind,
        density=_cited(entry.get("density_g_per_cm3"), "g/cm3", key) or _default("density_g_per_cm3"),
        ionic_conductivity=ionic,
        electronic_conductivity=electronic,
        activation_energy=activation or _default("activation_energy_eV"),
        reference_K=reference_K,
    )


@lru_cache(maxsize=1)
def effective_interphase_conductivity() -> Value:
    """The default Na+ conductivity of interphase products at `CALIBRATION["temperature_K"]`, calibrated on the
    knowledge base's Na | Na3SbS4 impedance growth (module docstring): R = L / sigma with L = sqrt(2 k t) and
    k proportional to sigma for a mixed-conducting layer, so R scales as sigma^(-1/2) and one run at sigma = 1 S/cm
    fixes sigma = (R(1 S/cm) / R_measured)^2."""
    from nassb.interface.compatibility import InterfaceCheck
    from nassb.thermo.entries import available_entries
    from nassb.thermo.reactivity import interface_reaction_of

    reaction = interface_reaction_of(WORKING_ION, CALIBRATION["electrolyte"], available_entries())
    check = InterfaceCheck(
        "Na | Na3SbS4",
        WORKING_ION,
        CALIBRATION["electrolyte"],
        reaction.reaction_energy_eV_per_atom,
        reaction.products,
        reaction.interface_type,
    )
    unit = Value(1.0, "S/cm", DocumentedDefault("calibration probe"))
    temperature_K = CALIBRATION["temperature_K"]
    probe = interphase_of(check, WORKING_ION, CALIBRATION["electrolyte"], temperature_K, default_ionic=unit)
    time_s = CALIBRATION["time_h"] * 3600.0
    resistance = thickness_cm(time_s, probe.parabolic_rate_cm2_per_s) / probe.ionic_conductivity_S_per_cm
    sigma = (resistance / CALIBRATION["resistance_increase_ohm_cm2"]) ** 2
    why = (
        f"no measured Na+ conductivity of this product: {sigma:.3g} S/cm at {temperature_K:g} K, the effective "
        "interphase conductivity calibrated on the Na | Na3SbS4 impedance growth of knowledge-base records "
        f"{' and '.join(CALIBRATION['records'])} (ASR 750 -> 1860 Ohm cm2 in 25 h at 60 degC, seed 002 section 4.2) "
        "with Wagner's law; measure the interphase resistance over time to replace it"
    )
    return Value(sigma, "S/cm", DocumentedDefault(why))


@dataclass(frozen=True)
class Interphase:
    """The interphase of one contact, per formula unit of the electrolyte side (B) consumed.

    `sodium_per_formula` z: Na+ moved into the products per B; `partner_per_formula`: formula units of the other
    side (A: Na metal, the active material) consumed per B; `volume_cm3_per_mol`: product volume per mol of B;
    `free_energy_J_per_mol`: |dG| per mol of B; conductivities of the product mixture at the temperature.
    """

    interface: str
    interface_type: str
    products: dict[str, float]
    sodium_per_formula: float
    partner_per_formula: float
    volume_cm3_per_mol: float
    free_energy_J_per_mol: float
    ionic_conductivity_S_per_cm: float
    electronic_conductivity_S_per_cm: float
    temperature_K: float
    mixed_conducting: bool = False
    layer_fractions: dict[str, float] = field(default_factory=dict)
    conducting_fraction: float = 0.0
    sources: dict[str, Value] = field(default_factory=dict)

    @property
    def ambipolar_conductivity_S_per_cm(self) -> float:
        ionic, electronic = self.ionic_conductivity_S_per_cm, self.electronic_conductivity_S_per_cm
        if self.mixed_conducting:
            return ionic
        return 0.0 if ionic <= 0 or electronic <= 0 else ionic * electronic / (ionic + electronic)

    @property
    def parabolic_rate_cm2_per_s(self) -> float:
        """Wagner's k (module docstring); 0 for a stable contact."""
        if self.interface_type == "I" or not self.products:
            return 0.0
        return wagner_rate_constant_cm2_per_s(
            self.volume_cm3_per_mol,
            self.ambipolar_conductivity_S_per_cm,
            self.free_energy_J_per_mol,
            max(self.sodium_per_formula, 1.0),
        )

    def sodium_mol_per_cm3(self) -> float:
        """Na locked in the interphase per volume of it (mol/cm3)."""
        return self.sodium_per_formula / self.volume_cm3_per_mol if self.volume_cm3_per_mol > 0 else 0.0

    def partner_mol_per_cm3(self) -> float:
        """Formula units of the partner (A) consumed per volume of interphase (mol/cm3)."""
        return self.partner_per_formula / self.volume_cm3_per_mol if self.volume_cm3_per_mol > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "interface": self.interface,
            "interface_type": self.interface_type,
            "mixed_conducting": self.mixed_conducting,
            "products": self.products,
            "layer_volume_fractions": self.layer_fractions,
            "conducting_volume_fraction": self.conducting_fraction,
            "percolation_threshold": electronic_percolation_threshold(),
            "sodium_per_formula": self.sodium_per_formula,
            "partner_per_formula": self.partner_per_formula,
            "volume_cm3_per_mol": self.volume_cm3_per_mol,
            "free_energy_kJ_per_mol": self.free_energy_J_per_mol / 1e3,
            "ionic_conductivity_S_per_cm": self.ionic_conductivity_S_per_cm,
            "electronic_conductivity_S_per_cm": self.electronic_conductivity_S_per_cm,
            "parabolic_rate_cm2_per_s": self.parabolic_rate_cm2_per_s,
            "sources": {name: value.to_dict() for name, value in self.sources.items()},
        }


def wagner_rate_constant_cm2_per_s(
    volume_cm3_per_mol: float, ambipolar_S_per_cm: float, free_energy_J_per_mol: float, charge_per_formula: float
) -> float:
    """k = V_m sigma_amb |dG| / (z F)^2 (cm2/s) for V_m in cm3/mol, sigma in S/cm, dG in J/mol (Wagner 1933)."""
    if volume_cm3_per_mol < 0 or ambipolar_S_per_cm < 0 or charge_per_formula <= 0:
        raise InputError("interphase growth", "Wagner rate constant", "non-negative volume and conductivity, z > 0")
    return (
        volume_cm3_per_mol
        * ambipolar_S_per_cm
        * abs(free_energy_J_per_mol)
        / (charge_per_formula * FARADAY_C_PER_MOL) ** 2
    )


def thickness_cm(time_s: float, parabolic_cm2_per_s: float, linear_cm_per_s: float = math.inf) -> float:
    """Deal-Grove thickness at `time_s`: the root of L^2/(2k) + L/v = t (L = sqrt(2kt) without a reaction limit,
    L = v t without a transport limit); 0 when neither grows."""
    if time_s < 0:
        raise InputError("interphase growth", "time", "a non-negative time", time_s)
    if time_s == 0 or parabolic_cm2_per_s <= 0 or linear_cm_per_s <= 0:
        return 0.0
    if math.isinf(linear_cm_per_s):
        return math.sqrt(2.0 * parabolic_cm2_per_s * time_s)
    if math.isinf(parabolic_cm2_per_s):
        return linear_cm_per_s * time_s
    a = 1.0 / (2.0 * parabolic_cm2_per_s)
    b = 1.0 / linear_cm_per_s
    return 2.0 * time_s / (b + math.sqrt(b * b + 4.0 * a * time_s))


def electronic_percolation_threshold() -> float:
    """Volume fraction at which the electronically conducting products of a dense, finely intergrown interphase
    percolate: the Scher-Zallen critical volume fraction of continuum percolation in 3D, 0.16 +- 0.02 (Scher and
    Zallen, J. Chem. Phys. 53 (1970) 3759)."""
    return SCHER_ZALLEN_CRITICAL_FRACTION


def _host_remnant(composition, partner, electrolyte) -> bool:
    """An element the reaction leaves of the partner (the Sn of a Na-Sn alloy that gave its Na): it stays in the
    electrode and is not part of the interphase layer."""
    return len(composition.elements) == 1 and all(
        element in partner and element not in electrolyte for element in composition.elements
    )


def _sodium(composition) -> float:
    return float(composition[WORKING_ION]) if WORKING_ION in composition else 0.0


def interphase_of(
    check,
    partner_formula: str,
    electrolyte_formula: str,
    temperature_K: float,
    default_ionic: Value | None = None,
    passivating: Value | None = None,
) -> Interphase:
    """The interphase of one `InterfaceCheck` (`nassb.interface.compatibility`): products per formula unit of the
    electrolyte side, their volume, Na and partner balance, reaction free energy and conductivity mixture.
    `passivating`: the measurement (value 1) that the contact stops growing, whatever its products' conductors."""
    from nassb.chem.formula import parse_formula

    products = dict(check.products or {})
    electrolyte = parse_formula(electrolyte_formula)
    partner = parse_formula(partner_formula)
    if check.interface_type in (None, "I") or not products or electrolyte is None or partner is None:
        return Interphase(check.interface, check.interface_type or "I", {}, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, temperature_K)
    properties = {formula: product_properties(formula, default_ionic) for formula in products}
    volumes, atoms, sodium = {}, 0.0, 0.0
    for formula, amount in products.items():
        composition = parse_formula(formula)
        atoms += amount * composition.num_atoms
        sodium += amount * _sodium(composition)
        if not _host_remnant(composition, partner, electrolyte):
            volumes[formula] = amount * float(composition.weight) / properties[formula].density.magnitude
    total_volume = sum(volumes.values())
    moved = sodium - _sodium(electrolyte)
    # partner consumed per B: the element balance of the partner's most abundant element not in the electrolyte
    # (or of its most abundant element), products minus electrolyte over the partner's count of it
    element = max(partner.elements, key=lambda el: (el not in electrolyte, partner[el]))
    produced = sum(amount * parse_formula(formula)[element] for formula, amount in products.items())
    partner_per_b = max(0.0, (produced - electrolyte[element]) / partner[element])
    free_energy_J = abs(check.reaction_energy_eV_per_atom) * atoms * FARADAY_C_PER_MOL  # eV per unit -> J/mol
    fractions = {formula: volume / total_volume for formula, volume in volumes.items()}
    conducting = sum(share for f, share in fractions.items() if properties[f].kind in CONDUCTING_KINDS)
    measured_passivating = passivating is not None and passivating.magnitude == 1
    mixed = conducting >= electronic_percolation_threshold() and not measured_passivating
    ionic = sum(share * properties[f].ionic_S_per_cm(temperature_K) for f, share in fractions.items())
    # below the threshold the conducting grains are isolated in the insulating matrix: electrons cross the matrix
    electronic = sum(
        share * properties[f].electronic_S_per_cm(temperature_K)
        for f, share in fractions.items()
        if mixed or properties[f].kind not in CONDUCTING_KINDS
    )
    sources = {"passivation": passivating} if measured_passivating else {}
    for formula, item in properties.items():
        sources[f"{formula}.density"] = item.density
        sources[f"{formula}.electronic_conductivity"] = item.electronic_conductivity
        if item.ionic_conductivity is not None:
            sources[f"{formula}.ionic_conductivity"] = item.ionic_conductivity
            sources[f"{formula}.activation_energy"] = item.activation_energy
    return Interphase(
        interface=check.interface,
        interface_type=check.interface_type,
        mixed_conducting=mixed,
        products=products,
        layer_fractions=fractions,
        conducting_fraction=conducting,
        sodium_per_formula=max(moved, 0.0),
        partner_per_formula=partner_per_b,
        volume_cm3_per_mol=total_volume,
        free_energy_J_per_mol=free_energy_J,
        ionic_conductivity_S_per_cm=ionic,
        electronic_conductivity_S_per_cm=electronic,
        temperature_K=temperature_K,
        sources=sources,
    )
