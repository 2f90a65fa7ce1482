"""From a `CellDesign` to numbers: every property resolved with its source, the layers, and the rate-model inputs.

`resolve_cell` fills each property from the design, the material library, the knowledge base or a
documented default (`DEFAULTS`, each with its justification, marked as a default in every output), then
computes the composite cathode (wt% <-> vol% by densities, loading <-> thickness), the separator
resistance at the design temperature, the anode size and N/P ratio, the interlayers and collectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nassb.cell import microstructure
from nassb.cell.design import CellDesign
from nassb.cell.materials import MaterialResolver, is_library_value
from nassb.cell.rate_model import RateModelParameters
from nassb.cell.stack import CATHODE_LAYER, Layer, StackEnergy, stack_energy
from nassb.chem.capacity import theoretical_capacity_mAh_per_g
from nassb.core.errors import InputError
from nassb.core.value import Computation, DocumentedDefault, UserInput, Value

UM_PER_CM = 1e4
UL_PER_CM3 = 1e3

# property -> (value, unit, justification); used only when neither the design, the library nor the
# knowledge base has the number, and always reported as a default.
DEFAULTS: dict[str, tuple[float, str, str]] = {
    "diffusivity_cm2_per_s": (1e-10, "cm2/s", "mid-range of solid-state Na+ diffusivities of insertion cathodes (1e-12 to 1e-9 cm2/s, "
                              "GITT values collected in Hwang, Myung, Sun, Chem. Soc. Rev. 46 (2017) 3529); measure it by GITT"),
    "exchange_current_density_mA_per_cm2": (0.1, "mA/cm2", "order of magnitude of cathode | solid electrolyte charge transfer "
                                            "(R_ct ~ 0.26 Ohm cm2 of active area); fit it from the cell's impedance"),
    "particle_radius_um": (2.5, "um", "a 5 um secondary particle, typical of commercial layered-oxide and polyanion powders"),
    "catholyte_particle_radius_um": (1.0, "um", "ball-milled solid-electrolyte powder of ~2 um, as in most composite recipes"),
    "carbon_particle_radius_um": (0.02, "um", "primary particles of conductive carbon black (~40 nm, Super P / acetylene black)"),
    "ocv_slope_V": (0.3, "V", "a moderately sloped insertion curve; set ocv_slope_V in [materials] for plateaus (~0.05 V)"),
    "active_electronic_conductivity_S_per_cm": (1e-6, "S/cm", "a poorly conducting oxide or polyanion; carbon carries the electrons"),
    "interface_asr_ohm_cm2": (0.0, "Ohm cm2", "no interfacial resistance assumed; give the measured one under [interfaces]"),
    "anode_exchange_current_density_mA_per_cm2": (10.0, "mA/cm2", "fast Na plating/stripping at a wetted Na | electrolyte interface"),
    "liquid_density_g_per_cm3": (1.3, "g/cm3", "1 M NaPF6 or NaClO4 in carbonates (~1.2-1.4 g/cm3)"),
    "polymer_density_g_per_cm3": (1.2, "g/cm3", "PEO-based polymer electrolytes (1.1-1.3 g/cm3)"),
}


@dataclass(frozen=True)
class ResolvedCell:
    """Everything the energy and rate calculations need, as plain numbers, and the sources behind them."""

    design: CellDesign
    temperature_K: float
    mass_fractions: dict[str, float]
    volume_fractions: dict[str, float]
    active_loading_mg_per_cm2: float
    cathode_thickness_cm: float
    practical_capacity_mAh_per_g: float
    theoretical_capacity_mAh_per_g: float | None
    cell_voltage_V: float
    areal_capacity_mAh_per_cm2: float
    np_ratio: float | None
    layers: tuple[Layer, ...]
    rate_parameters: RateModelParameters
    conductivities: dict[str, float]
    microstructure: dict[str, float]
    provenance: list[tuple[str, Value]] = field(default_factory=list)

    def energy(self) -> StackEnergy:
        conditions = self.design.cell
        return stack_energy(self.areal_capacity_mAh_per_cm2, self.cell_voltage_V, list(self.layers),
                            conditions.packaging_mass_fraction, conditions.packaging_volume_fraction, self.np_ratio)

    @property
    def defaults_used(self) -> list[tuple[str, Value]]:
        return [(label, value) for label, value in self.provenance
                if isinstance(value.source, DocumentedDefault) and not is_library_value(value)]


class _Resolution:
    """One resolution pass: looks properties up and records each with a readable label."""

    def __init__(self, design: CellDesign, knowledge_base=None):
        self.design = design
        self.materials = MaterialResolver(design.materials, design.source, knowledge_base=knowledge_base)
        self.provenance: list[tuple[str, Value]] = []

    def note(self, label: str, value: Value) -> float:
        if (label, value) not in self.provenance:
            self.provenance.append((label, value))
        return value.magnitude

    def given(self, label: str, magnitude: float, unit: str, design_field: str) -> float:
        return self.note(label, Value(magnitude, unit, UserInput(self.design.source, design_field)))

    def default(self, label: str, key: str) -> float:
        magnitude, unit, justification = DEFAULTS[key]
        return self.note(label, Value(magnitude, unit, DocumentedDefault(justification)))

    def computed(self, label: str, magnitude: float, unit: str, method: str, **settings) -> float:
        return self.note(label, Value(magnitude, unit, Computation(method, settings)))

    def required(self, material: str, key: str, design_field: str, purpose: str) -> float:
        return self.note(f"{material}: {key}", self.materials.require(material, key, design_field, purpose))

    def optional(self, material: str, key: str, default_key: str, label: str | None = None) -> float:
        value = self.materials.find(material, key)
        if value is None:
            return self.default(label or f"{material}: {key}", default_key)
        return self.note(label or f"{material}: {key}", value)


def _phase_conductivity(model: str, phase: str, sigma_S_per_cm: float, volume_fraction: float, porosity: float,
                        radius_ratio: float, microstructure_summary: dict[str, float]) -> float:
    """Effective conductivity of one phase of the composite by the chosen model; both models are summarised."""
    from nassb.core.errors import ModelError

    if volume_fraction <= 0 or sigma_S_per_cm <= 0:
        return 0.0
    try:
        result = microstructure.effective_conductivities(sigma_S_per_cm, volume_fraction, porosity=porosity, radius_ratio=radius_ratio)
    except ModelError:
        if model == "percolation":
            raise
        result = None
    bruggeman = microstructure.bruggeman_conductivity(sigma_S_per_cm, volume_fraction)
    microstructure_summary[f"{phase}: volume fraction"] = volume_fraction
    microstructure_summary[f"{phase}: tortuosity factor (Bruggeman)"] = float(microstructure.tortuosity_factor(volume_fraction))
    microstructure_summary[f"{phase}: effective conductivity, Bruggeman (S/cm)"] = float(bruggeman)
    if result is not None:
        microstructure_summary[f"{phase}: percolation threshold (volume fraction)"] = result.threshold
        microstructure_summary[f"{phase}: effective conductivity, percolation (S/cm)"] = result.percolation_S_per_cm
    if model == "percolation":
        return result.percolation_S_per_cm
    return float(bruggeman)


def _cathode(run: _Resolution) -> dict:
    design = run.design
    cathode = design.cathode
    names = {"active": cathode.active, "catholyte": cathode.catholyte, "carbon": cathode.carbon, "binder": cathode.binder}
    for part, name in names.items():
        if name is not None:
            run.materials.check_known(name, f"cathode.{part}")
    fractions = cathode.composition.fractions()
    densities = {part: run.required(names[part], "density_g_per_cm3", f"cathode.{part}", "to convert between wt% and vol%")
                 for part in fractions}
    if cathode.composition_basis == "wt":
        mass_fractions = fractions
    else:
        mass_fractions = microstructure.volume_to_weight_fractions(fractions, densities)
    volume_fractions = microstructure.weight_to_volume_fractions(mass_fractions, densities, cathode.porosity)
    bulk_density = sum(volume_fractions[part] * densities[part] for part in volume_fractions)
    if cathode.active_loading_mg_per_cm2 is not None:
        active_loading = run.given("cathode: active loading (mg/cm2)", cathode.active_loading_mg_per_cm2, "mg/cm2",
                                   "cathode.active_loading_mg_per_cm2")
        composite_loading = active_loading / mass_fractions["active"]
    elif cathode.composite_loading_mg_per_cm2 is not None:
        composite_loading = run.given("cathode: composite loading (mg/cm2)", cathode.composite_loading_mg_per_cm2, "mg/cm2",
                                      "cathode.composite_loading_mg_per_cm2")
        active_loading = composite_loading * mass_fractions["active"]
    else:
        thickness_um = run.given("cathode: thickness", cathode.thickness_um, "um", "cathode.thickness_um")
        composite_loading = 1e3 * bulk_density * thickness_um / UM_PER_CM
        active_loading = composite_loading * mass_fractions["active"]
    thickness_cm = composite_loading / 1e3 / bulk_density
    return {"names": names, "mass_fractions": mass_fractions, "volume_fractions": volume_fractions,
            "active_loading_mg_per_cm2": active_loading, "composite_loading_mg_per_cm2": composite_loading,
            "thickness_cm": thickness_cm}


def _capacity_and_voltage(run: _Resolution, active: str) -> tuple[float, float | None, float]:
    practical = run.required(active, "practical_capacity_mAh_per_g", "cathode.active", "the capacity the cathode delivers at low rate")
    electrons = run.materials.find(active, "electrons_per_formula")
    theoretical = None
    if electrons is not None:
        run.note(f"{active}: electrons_per_formula", electrons)
        formula = run.materials.formula(active)
        theoretical = run.computed(f"{active}: theoretical capacity", theoretical_capacity_mAh_per_g(formula, electrons.magnitude),
                                   "mAh/g", "Faraday's law Q = nF/(3.6 M)", formula=formula, n=electrons.magnitude)
    voltage = run.required(active, "average_voltage_V", "cathode.active", "the mean discharge voltage against Na/Na+")
    return practical, theoretical, voltage


def _anode_capacity(run: _Resolution, material: str) -> float:
    value = run.materials.find(material, "theoretical_capacity_mAh_per_g")
    if value is not None:
        return run.note(f"{material}: Na capacity", value)
    electrons = run.required(material, "electrons_per_formula", "anode.material", "the Na it holds per formula unit")
    formula = run.materials.formula(material)
    return run.computed(f"{material}: Na capacity", theoretical_capacity_mAh_per_g(formula, electrons), "mAh/g",
                        "Faraday's law Q = nF/(3.6 M)", formula=formula, n=electrons)


def _anode(run: _Resolution, cathode_areal_capacity: float) -> tuple[Layer | None, float | None, float]:
    anode = run.design.anode
    if anode.type == "anode_free":
        return None, 0.0, 0.0
    material = anode.material_name
    run.materials.check_known(material, "anode.material")
    density = run.required(material, "density_g_per_cm3", "anode.material", "the anode's mass and thickness")
    capacity = _anode_capacity(run, material)
    potential = 0.0 if anode.type == "na_metal" else run.required(material, "potential_vs_na_V", "anode.material",
                                                                    "the alloy's mean potential against Na/Na+")
    if anode.thickness_um is not None:
        thickness_cm = run.given("anode: thickness", anode.thickness_um, "um", "anode.thickness_um") / UM_PER_CM
        mass = thickness_cm * density
    elif anode.loading_mg_per_cm2 is not None:
        mass = run.given("anode: loading", anode.loading_mg_per_cm2, "mg/cm2", "anode.loading_mg_per_cm2") / 1e3
        thickness_cm = mass / density
    else:
        np_ratio = run.given("anode: N/P ratio", anode.np_ratio, "1", "anode.np_ratio")
        mass = np_ratio * cathode_areal_capacity / capacity
        thickness_cm = mass / density
    np_ratio = mass * capacity / cathode_areal_capacity
    return Layer(f"anode ({material})", thickness_cm, mass), np_ratio, potential


def _interlayers(run: _Resolution, temperature_K: float) -> tuple[list[Layer], dict[str, float]]:
    layers, asr = [], {"anode": 0.0, "cathode": 0.0}
    for index, layer in enumerate(run.design.interlayer):
        where = f"interlayer[{index}]"
        label = f"interlayer {index + 1} ({layer.type}, {layer.position} side)"
        if layer.thickness_um is not None:
            thickness_cm = run.given(f"{label}: thickness", layer.thickness_um, "um", f"{where}.thickness_um") / UM_PER_CM
        else:
            volume_uL = run.given(f"{label}: liquid volume", layer.liquid_uL, "uL", f"{where}.liquid_uL")
            thickness_cm = volume_uL / UL_PER_CM3 / run.design.cell.area_cm2
        if layer.density_g_per_cm3 is not None:
            density = run.given(f"{label}: density", layer.density_g_per_cm3, "g/cm3", f"{where}.density_g_per_cm3")
        elif layer.material is not None and run.materials.find(layer.material, "density_g_per_cm3") is not None:
            density = run.required(layer.material, "density_g_per_cm3", f"{where}.material", "the interlayer mass")
        elif layer.type in ("liquid", "polymer"):
            density = run.default(f"{label}: density", f"{layer.type}_density_g_per_cm3")
        else:
            raise InputError(run.design.source, f"{where}.density_g_per_cm3", "the coating's density (or a material the library knows)")
        if layer.asr_ohm_cm2 is not None:
            resistance = run.given(f"{label}: ASR", layer.asr_ohm_cm2, "Ohm cm2", f"{where}.asr_ohm_cm2")
        elif layer.material is not None and run.materials.find(layer.material, "ionic_conductivity_S_per_cm") is not None:
            sigma = run.note(f"{layer.material}: ionic conductivity", run.materials.ionic_conductivity_at(layer.material, temperature_K, f"{where}.material"))
            resistance = run.computed(f"{label}: ASR", thickness_cm / sigma, "Ohm cm2", "thickness / conductivity")
        else:
            resistance = run.default(f"{label}: ASR", "interface_asr_ohm_cm2")
        asr[layer.position] += resistance
        layers.append(Layer(label, thickness_cm, thickness_cm * density))
    return layers, asr


def _collectors(run: _Resolution) -> list[Layer]:
    layers = []
    share = 0.5 if run.design.cell.double_sided else 1.0
    for position in ("cathode", "anode"):
        collector = getattr(run.design.current_collectors, position)
        if collector is None:
            continue
        run.materials.check_known(collector.material, f"current_collectors.{position}.material")
        density = run.required(collector.material, "density_g_per_cm3", f"current_collectors.{position}.material", "the collector mass")
        thickness_cm = share * collector.thickness_um / UM_PER_CM
        layers.append(Layer(f"{position} current collector ({collector.material})", thickness_cm, thickness_cm * density))
    return layers


def resolve_cell(design: CellDesign, knowledge_base=None) -> ResolvedCell:
    """Resolve every property of `design` and compute its layers and rate-model inputs."""
    run = _Resolution(design, knowledge_base)
    conditions, cathode = design.cell, design.cathode
    temperature_K = conditions.temperature_K
    composite = _cathode(run)
    names, volume_fractions = composite["names"], composite["volume_fractions"]
    practical, theoretical, cathode_voltage = _capacity_and_voltage(run, cathode.active)
    areal_capacity = composite["active_loading_mg_per_cm2"] / 1e3 * practical

    separator = design.separator
    run.materials.check_known(separator.material, "separator.material")
    separator_density = run.required(separator.material, "density_g_per_cm3", "separator.material", "the separator mass")
    sigma_separator = run.note(f"{separator.material}: ionic conductivity at {temperature_K:.0f} K",
                               run.materials.ionic_conductivity_at(separator.material, temperature_K, "separator.material"))
    separator_cm = separator.thickness_um / UM_PER_CM
    sigma_separator_eff = microstructure.bruggeman_conductivity(sigma_separator, 1.0 - separator.porosity)
    separator_resistance = run.computed("separator: resistance", separator_cm / sigma_separator_eff, "Ohm cm2",
                                        "thickness / (sigma (1 - porosity)^1.5) (Bruggeman)")

    active_radius_um = (run.given("cathode: active particle radius", cathode.active_particle_radius_um, "um", "cathode.active_particle_radius_um")
                        if cathode.active_particle_radius_um is not None
                        else run.optional(cathode.active, "particle_radius_um", "particle_radius_um"))
    conductivities = {"separator_S_per_cm": sigma_separator, "separator_eff_S_per_cm": sigma_separator_eff}
    summary: dict[str, float] = {}
    kappa_eff = 0.0
    if names["catholyte"] is not None:
        sigma_catholyte = run.note(f"{names['catholyte']}: ionic conductivity at {temperature_K:.0f} K",
                                   run.materials.ionic_conductivity_at(names["catholyte"], temperature_K, "cathode.catholyte"))
        catholyte_radius_um = (run.given("cathode: catholyte particle radius", cathode.catholyte_particle_radius_um, "um",
                                         "cathode.catholyte_particle_radius_um")
                               if cathode.catholyte_particle_radius_um is not None
                               else run.default("cathode: catholyte particle radius", "catholyte_particle_radius_um"))
        kappa_eff = _phase_conductivity(cathode.conductivity_model, "catholyte", sigma_catholyte, volume_fractions["catholyte"],
                                        cathode.porosity, catholyte_radius_um / active_radius_um, summary)
        conductivities["catholyte_S_per_cm"] = sigma_catholyte
    if cathode.pore_electrolyte is not None:
        liquid = cathode.pore_electrolyte
        run.materials.check_known(liquid, "cathode.pore_electrolyte")
        sigma_liquid = run.note(f"{liquid}: ionic conductivity at {temperature_K:.0f} K",
                                run.materials.ionic_conductivity_at(liquid, temperature_K, "cathode.pore_electrolyte"))
        kappa_eff += _phase_conductivity("bruggeman", "pore electrolyte", sigma_liquid, cathode.porosity, 0.0, 1.0, summary)
    if kappa_eff <= 0:
        raise InputError(design.source, "cathode.catholyte",
                         "a catholyte that percolates: with no ionic path through the composite the cathode cannot discharge",
                         names["catholyte"])
    sigma_active = run.optional(cathode.active, "electronic_conductivity_S_per_cm", "active_electronic_conductivity_S_per_cm")
    sigma_electronic = _phase_conductivity(cathode.conductivity_model, "active material (electronic)", sigma_active,
                                           volume_fractions["active"], cathode.porosity, 1.0, summary)
    if names["carbon"] is not None:
        sigma_carbon = run.required(names["carbon"], "electronic_conductivity_S_per_cm", "cathode.carbon", "the electronic path through the composite")
        carbon_radius_um = run.optional(names["carbon"], "particle_radius_um", "carbon_particle_radius_um")
        sigma_electronic += _phase_conductivity(cathode.conductivity_model, "carbon", sigma_carbon, volume_fractions["carbon"],
                                                cathode.porosity, carbon_radius_um / active_radius_um, summary)
    conductivities.update(catholyte_eff_S_per_cm=kappa_eff, electronic_eff_S_per_cm=sigma_electronic)
    one_c = areal_capacity
    depth_cm = microstructure.ionic_penetration_depth_cm(kappa_eff, one_c, sigma_eff_S_per_cm=sigma_electronic)
    summary["ionic penetration depth at 1C, 0.1 V allowed (um)"] = UM_PER_CM * depth_cm
    summary["utilisation estimate at 1C from the penetration depth"] = microstructure.utilisation_from_penetration(
        depth_cm, composite["thickness_cm"])

    anode_layer, np_ratio, anode_potential = _anode(run, areal_capacity)
    interlayers, interlayer_asr = _interlayers(run, temperature_K)
    interfaces = design.interfaces
    asr = {}
    for side in ("cathode", "anode"):
        given = getattr(interfaces, f"{side}_asr_ohm_cm2")
        label = f"{side} interface ASR"
        own = (run.given(label, given, "Ohm cm2", f"interfaces.{side}_asr_ohm_cm2") if given is not None
               else run.default(label, "interface_asr_ohm_cm2"))
        asr[side] = own + interlayer_asr[side]

    pore_liquid_g_per_cm2 = 0.0
    if cathode.pore_electrolyte is not None:
        found = run.materials.find(cathode.pore_electrolyte, "density_g_per_cm3")
        liquid_density = (run.note(f"{cathode.pore_electrolyte}: density", found) if found is not None
                          else run.default(f"{cathode.pore_electrolyte}: density", "liquid_density_g_per_cm3"))
        pore_liquid_g_per_cm2 = cathode.porosity * composite["thickness_cm"] * liquid_density
    collectors = _collectors(run)
    layers = [*[layer for layer in collectors if layer.name.startswith("cathode")],
              Layer(CATHODE_LAYER, composite["thickness_cm"], composite["composite_loading_mg_per_cm2"] / 1e3 + pore_liquid_g_per_cm2),
              *[layer for layer in interlayers if "cathode side" in layer.name],
              Layer(f"separator ({separator.material})", separator_cm, separator_cm * separator_density * (1.0 - separator.porosity)),
              *[layer for layer in interlayers if "anode side" in layer.name]]
    if anode_layer is not None:
        layers.append(anode_layer)
    layers += [layer for layer in collectors if layer.name.startswith("anode")]

    anode_i0 = (run.optional(design.anode.material_name, "exchange_current_density_mA_per_cm2", "anode_exchange_current_density_mA_per_cm2",
                             "anode: exchange current density") if design.anode.material_name else
                run.default("anode: exchange current density", "anode_exchange_current_density_mA_per_cm2"))
    parameters = RateModelParameters(
        temperature_K=temperature_K,
        cathode_thickness_cm=composite["thickness_cm"],
        active_volume_fraction=volume_fractions["active"],
        particle_radius_cm=active_radius_um / UM_PER_CM,
        areal_capacity_mAh_per_cm2=areal_capacity,
        average_voltage_V=cathode_voltage,
        ocv_slope_V=run.optional(cathode.active, "ocv_slope_V", "ocv_slope_V"),
        solid_diffusivity_cm2_per_s=run.optional(cathode.active, "diffusivity_cm2_per_s", "diffusivity_cm2_per_s"),
        exchange_current_density_mA_per_cm2=run.optional(cathode.active, "exchange_current_density_mA_per_cm2",
                                                         "exchange_current_density_mA_per_cm2"),
        ionic_conductivity_eff_S_per_cm=kappa_eff,
        electronic_conductivity_eff_S_per_cm=sigma_electronic,
        separator_resistance_ohm_cm2=separator_resistance,
        cathode_interface_asr_ohm_cm2=asr["cathode"],
        anode_interface_asr_ohm_cm2=asr["anode"],
        anode_exchange_current_density_mA_per_cm2=anode_i0,
        anode_potential_V=anode_potential,
        lower_cutoff_V=conditions.voltage_min_V,
    )
    return ResolvedCell(
        design=design, temperature_K=temperature_K, mass_fractions=composite["mass_fractions"],
        volume_fractions=volume_fractions, active_loading_mg_per_cm2=composite["active_loading_mg_per_cm2"],
        cathode_thickness_cm=composite["thickness_cm"], practical_capacity_mAh_per_g=practical,
        theoretical_capacity_mAh_per_g=theoretical, cell_voltage_V=cathode_voltage - anode_potential,
        areal_capacity_mAh_per_cm2=areal_capacity, np_ratio=np_ratio, layers=tuple(layers),
        rate_parameters=parameters, conductivities=conductivities, microstructure=summary, provenance=run.provenance,
    )

