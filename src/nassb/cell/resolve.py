"""From a `CellDesign` to its `ParameterSet`: every parameter resolved with its source, then the layers.

`resolve_cell` fills each parameter (`nassb.cell.parameters`) from the design file, the material library,
the knowledge base or a documented default (`DEFAULTS`, each with its justification, marked as a default in
every output), in that order; it then computes the composite cathode (wt% <-> vol% by densities, loading
<-> thickness), the effective conductivities, the separator resistance at the design temperature, the anode
size and N/P ratio, the interlayers and collectors, each computed parameter stored with its method. The transport
model follows from the electrolyte's class (`nassb.cell.polymer`): a binary-salt (polymer, gel) separator gets its
salt's t+, concentration, diffusivity and VTF conductivity, inorganic ones the single-ion model.
Everything downstream (stack layers, rate model, interface checks, report, JSON) reads the parameter set.
`overrides` replace design inputs by parameter name (the optimiser varies designs this way).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from nassb.cell import microstructure, polymer
from nassb.cell.design import CellDesign
from nassb.cell.failure_inputs import resolve_failure_inputs
from nassb.cell.materials import SAME_TEMPERATURE_TOLERANCE_K, MaterialResolver
from nassb.cell.parameters import ParameterSet
from nassb.cell.polymer import BINARY_SALT, SINGLE_ION, TransportChoice
from nassb.cell.rate_model import (
    BinarySaltElectrolyte,
    RateModelParameters,
    binary_salt_electrolyte,
    rate_model_parameters,
)
from nassb.cell.stack import Layer, LayerRole, StackEnergy, stack_energy
from nassb.chem.capacity import theoretical_capacity_mAh_per_g
from nassb.chem.formula import parse_formula
from nassb.core.errors import InputError, ModelError
from nassb.core.units import convert
from nassb.core.value import Computation, DocumentedDefault, UserInput, Value

# key -> (value, unit, justification); used only when neither the design, the library nor the knowledge base
# has the number, and always reported as a default.
DEFAULTS: dict[str, tuple[float, str, str]] = {
    "diffusivity": (
        1e-10,
        "cm2/s",
        "mid-range of solid-state Na+ diffusivities of insertion cathodes (1e-12 to 1e-9 cm2/s, "
        "GITT values collected in Hwang, Myung, Sun, Chem. Soc. Rev. 46 (2017) 3529); measure it by GITT",
    ),
    "exchange_current_density": (
        0.1,
        "mA/cm2",
        "order of magnitude of cathode | solid electrolyte charge transfer "
        "(R_ct ~ 0.26 Ohm cm2 of active area); fit it from the cell's impedance",
    ),
    "particle_radius": (
        2.5,
        "um",
        "a 5 um secondary particle, typical of commercial layered-oxide and polyanion powders",
    ),
    "catholyte_particle_radius": (
        1.0,
        "um",
        "ball-milled solid-electrolyte powder of ~2 um, as in most composite recipes",
    ),
    "carbon_particle_radius": (
        0.02,
        "um",
        "primary particles of conductive carbon black (~40 nm, Super P / acetylene black)",
    ),
    "ocv_slope": (
        0.3,
        "V",
        "a moderately sloped insertion curve; set ocv_slope_V in [materials] for plateaus (~0.05 V)",
    ),
    "active_electronic_conductivity": (
        1e-6,
        "S/cm",
        "a poorly conducting oxide or polyanion; carbon carries the electrons",
    ),
    "interface_asr": (0.0, "Ohm cm2", "no interfacial resistance assumed; give the measured one under [interfaces]"),
    "anode_exchange_current_density": (
        10.0,
        "mA/cm2",
        "fast Na plating/stripping at a wetted Na | electrolyte interface",
    ),
    "liquid_density": (1.3, "g/cm3", "1 M NaPF6 or NaClO4 in carbonates (~1.2-1.4 g/cm3)"),
    "polymer_density": (1.2, "g/cm3", "PEO-based polymer electrolytes (1.1-1.3 g/cm3)"),
    "initial_stoichiometry": (
        0.005,
        "1",
        "discharge starts from an almost fully desodiated active material; the Nernst term of "
        "the open-circuit curve is singular at x = 0",
    ),
}
FARADAY_CAPACITY = "Faraday's law Q = nF/(3.6 M)"
NA_REFERENCE = "the Na/Na+ reference: a Na-metal or plated-Na anode sits at 0 V by definition"
COMPOSITE_PARTS = ("active", "catholyte", "carbon", "binder")
# parameter prefix -> the roles of `data/materials.toml` a library material must have to fill it (interlayers: any)
LIBRARY_ROLES: dict[str, tuple[str, ...]] = {
    "cathode.active": ("cathode",),
    "cathode.catholyte": ("electrolyte",),
    "cathode.carbon": ("carbon",),
    "cathode.binder": ("binder",),
    "cathode.pore_electrolyte": ("electrolyte",),
    "separator": ("electrolyte",),
    "anode": ("anode",),
    "cathode_collector": ("current_collector",),
    "anode_collector": ("current_collector",),
}
NA_MELTING_POINT_K = 370.95  # 97.80 degC (CRC Handbook of Chemistry and Physics, 97th ed., section 4)
_INDEX = re.compile(r"\[[^\]]*\]")


def _parameter(name: str, unit: str, doc: str = "") -> property:
    """A read-only attribute that reads parameter `name` in `unit` from the cell's parameter set."""
    return property(lambda self: self.parameters.get(name, unit), doc=doc or f"{name} in {unit}")


@dataclass(frozen=True)
class ResolvedCell:
    """The design, its parameter set, the materials behind each role, the stack layers and the microstructure
    summary."""

    design: CellDesign
    parameters: ParameterSet
    materials: dict[str, str]
    layers: tuple[Layer, ...]
    microstructure: dict[str, float]
    transport: TransportChoice = TransportChoice(SINGLE_ION, "single-ion by default")

    def energy(self) -> StackEnergy:
        get = self.parameters.get
        return stack_energy(
            self.areal_capacity_mAh_per_cm2,
            self.cell_voltage_V,
            list(self.layers),
            get("cell.packaging_mass_fraction", "1"),
            get("cell.packaging_volume_fraction", "1"),
            self.np_ratio,
        )

    @property
    def rate_parameters(self) -> RateModelParameters:
        return rate_model_parameters(self.parameters)

    @property
    def binary_salt(self) -> BinarySaltElectrolyte | None:
        """The salt of a binary-salt (polymer, gel) electrolyte; None for the single-ion model."""
        return binary_salt_electrolyte(self.parameters) if self.transport.model == BINARY_SALT else None

    temperature_K = _parameter("cell.temperature", "K")

    def _fractions(self, kind: str) -> dict[str, float]:
        return {
            part: self.parameters.get(f"cathode.{part}.{kind}", "1")
            for part in COMPOSITE_PARTS
            if f"cathode.{part}.{kind}" in self.parameters
        }

    @property
    def mass_fractions(self) -> dict[str, float]:
        return self._fractions("mass_fraction")

    @property
    def volume_fractions(self) -> dict[str, float]:
        return self._fractions("volume_fraction")

    active_loading_mg_per_cm2 = _parameter("cathode.active_loading", "mg/cm2")

    cathode_thickness_cm = _parameter("cathode.thickness", "cm")

    practical_capacity_mAh_per_g = _parameter("cathode.active.practical_capacity", "mAh/g")

    @property
    def theoretical_capacity_mAh_per_g(self) -> float | None:
        return self.parameters.find("cathode.active.theoretical_capacity", "mAh/g")

    areal_capacity_mAh_per_cm2 = _parameter(
        "cell.areal_capacity",
        "mAh/cm2",
        "What the cell delivers at low rate (the cathode's, less where the anode limits it).",
    )

    @property
    def cell_voltage_V(self) -> float:
        return self.parameters.get("cathode.active.average_voltage", "V") - self.parameters.get("anode.potential", "V")

    @property
    def np_ratio(self) -> float | None:
        """N/P of the anode; None for an anode-free cell, which has no anode to compare."""
        return self.parameters.find("anode.np_ratio", "1")

    @property
    def conductivities(self) -> dict[str, float]:
        """Bulk and effective conductivities (S/cm) of the separator and the composite's networks."""
        names = {
            "separator_S_per_cm": "separator.ionic_conductivity",
            "separator_eff_S_per_cm": "separator.ionic_conductivity_effective",
            "catholyte_S_per_cm": "cathode.catholyte.ionic_conductivity",
            "catholyte_eff_S_per_cm": "cathode.ionic_conductivity_effective",
            "electronic_eff_S_per_cm": "cathode.electronic_conductivity_effective",
        }
        return {key: self.parameters.get(name, "S/cm") for key, name in names.items() if name in self.parameters}

    @property
    def provenance(self) -> list[tuple[str, Value]]:
        return list(self.parameters.items())

    @property
    def defaults_used(self) -> list[tuple[str, Value]]:
        return [(name, value) for name, value in self.parameters.items() if isinstance(value.source, DocumentedDefault)]

    def material_of(self, name: str) -> str | None:
        """The material behind a parameter (``cathode.active.density`` -> 'NaCrO2'), None for the cell's own."""
        prefixes = [prefix for prefix in self.materials if name.startswith(prefix + ".")]
        return self.materials[max(prefixes, key=len)] if prefixes else None


def _written_in_file(design: CellDesign, toml_path: str) -> bool:
    """Whether the design file sets `toml_path` (``interlayer[0].thickness_um``) itself rather than leaving it to the
    schema's default (pydantic's `model_fields_set` along the path)."""
    node = design
    for part in toml_path.split("."):
        name, _, index = part.partition("[")
        if name not in node.model_fields_set:
            return False
        node = getattr(node, name)
        if index:
            node = node[int(index.rstrip("]"))]
    return True


class _Resolution:
    """One resolution pass: fills the parameter set, each value with its source."""

    def __init__(self, design: CellDesign, knowledge_base=None, overrides: Mapping[str, Value] | None = None):
        self.design = design
        self.materials = MaterialResolver(design.materials, design.source, knowledge_base=knowledge_base)
        self.parameters = ParameterSet()
        self.overrides = dict(overrides or {})
        self.roles: dict[str, str] = {}
        self.transport = TransportChoice(SINGLE_ION, "single-ion by default")

    def set(self, name: str, value: Value) -> float:
        return self.parameters.set(name, value)

    def given(self, name: str, magnitude: float, unit: str, toml_path: str) -> float:
        """A design input, unless `overrides` replaces it; the magnitude in `unit`. A field the file leaves out
        takes the design schema's default, recorded as a documented default."""
        if name in self.overrides:
            self.set(name, self.overrides[name])
            return self.parameters.get(name, unit)
        if not _written_in_file(self.design, toml_path):
            justification = f"the design schema's default for {toml_path} (nassb.cell.design): not given in the file"
            return self.set(name, Value(magnitude, unit, DocumentedDefault(justification)))
        return self.set(name, Value(magnitude, unit, UserInput(self.design.source, toml_path)))

    def default(self, name: str, key: str) -> float:
        magnitude, unit, justification = DEFAULTS[key]
        return self.set(name, Value(magnitude, unit, DocumentedDefault(justification)))

    def computed(self, name: str, magnitude: float, unit: str, method: str, **settings) -> float:
        return self.set(name, Value(magnitude, unit, Computation(method, settings)))

    def role(self, prefix: str, material: str, design_field: str) -> str:
        """Record that `material` plays the role `prefix` (``cathode.active``), after checking that it is known and
        that the library does not file it under another role (`LIBRARY_ROLES`)."""
        self.materials.check_known(material, design_field, LIBRARY_ROLES.get(_INDEX.sub("", prefix), ()))
        self.roles[prefix] = material
        return material

    def required(self, name: str, material: str, key: str, design_field: str, purpose: str) -> float:
        return self.set(name, self.materials.require(material, key, design_field, purpose))

    def optional(self, name: str, material: str | None, key: str, default_key: str) -> float:
        value = self.materials.find(material, key) if material is not None else None
        return self.default(name, default_key) if value is None else self.set(name, value)

    def conductivity(self, name: str, material: str, design_field: str) -> float:
        temperature_K = self.parameters.get("cell.temperature", "K")
        if self.is_binary_salt(material):
            return self.set(name, self.vtf_conductivity(material, design_field))
        return self.set(name, self.materials.ionic_conductivity_at(material, temperature_K, design_field))

    def binary_salt_basis(self, material: str) -> str | None:
        """Why `material` is a binary-salt (polymer, gel) electrolyte: its library class (transport = "binary_salt")
        or a transference number below 1 in the design; None for a single-ion conductor."""
        entry = self.materials.entry(material)
        if entry is not None and entry.transport == "binary_salt":
            return f'its material-library class is transport = "binary_salt" ([{entry.name}])'
        given = self.design.materials.get(material, {}).get("transference_number")
        if isinstance(given, (int, float)) and not isinstance(given, bool) and given < 1:
            return f'the design gives it t+ = {given:g} < 1 ([materials."{material}"])'
        return None

    def is_binary_salt(self, material: str) -> bool:
        return self.binary_salt_basis(material) is not None

    def polymer_property(self, material: str, key: str) -> Value:
        """A property of a binary-salt electrolyte: the design's or the library's, else `polymer.DEFAULTS`."""
        value = self.materials.find(material, key)
        if value is not None:
            return value
        magnitude, unit, justification = polymer.DEFAULTS[key]
        return Value(magnitude, unit, DocumentedDefault(justification))

    def vtf_conductivity(self, material: str, design_field: str) -> Value:
        """Conductivity at the cell temperature by VTF (seed 004 Eq.2) through the reference value, which is used as
        it is within 5 K of its temperature."""
        reference = self.materials.require(
            material, "ionic_conductivity_S_per_cm", design_field, "ionic conductivity of the electrolyte"
        )
        reference_K = self.materials.record_temperature_K(reference)
        temperature_K = self.parameters.get("cell.temperature", "K")
        if abs(temperature_K - reference_K) <= SAME_TEMPERATURE_TOLERANCE_K:
            return reference
        b = self.polymer_property(material, "vtf_pseudo_activation_K")
        t0 = self.polymer_property(material, "vtf_T0_K")
        sigma = polymer.vtf_conductivity_S_per_cm(
            reference.magnitude, reference_K, temperature_K, b.magnitude, t0.magnitude
        )
        settings = {
            "sigma_ref": f"{reference.magnitude:.3g} S/cm at {reference_K:.0f} K ({reference.source.describe()})",
            "B": f"{b.magnitude:.4g} K ({b.source.describe()})",
            "T0": f"{t0.magnitude:.4g} K ({t0.source.describe()})",
        }
        return Value(sigma, "S/cm", Computation("VTF sigma = A T^(-1/2) exp(-B/(T - T0)) (seed 004 Eq.2)", settings))


def _phase_conductivity(
    model: str,
    phase: str,
    sigma_S_per_cm: float,
    volume_fraction: float,
    porosity: float,
    radius_ratio: float,
    microstructure_summary: dict[str, float],
) -> float:
    """Effective conductivity of one phase of the composite by the chosen model; both models are summarised."""
    if volume_fraction <= 0 or sigma_S_per_cm <= 0:
        return 0.0
    try:
        result = microstructure.effective_conductivities(
            sigma_S_per_cm, volume_fraction, porosity=porosity, radius_ratio=radius_ratio
        )
    except ModelError:
        if model == "percolation":
            raise
        result = None
    bruggeman = microstructure.bruggeman_conductivity(sigma_S_per_cm, volume_fraction)
    microstructure_summary[f"{phase}: volume fraction"] = volume_fraction
    microstructure_summary[f"{phase}: tortuosity factor (Bruggeman)"] = float(
        microstructure.tortuosity_factor(volume_fraction)
    )
    microstructure_summary[f"{phase}: effective conductivity, Bruggeman (S/cm)"] = float(bruggeman)
    if result is not None:
        microstructure_summary[f"{phase}: percolation threshold (volume fraction)"] = result.threshold
        microstructure_summary[f"{phase}: effective conductivity, percolation (S/cm)"] = result.percolation_S_per_cm
    if model == "percolation":
        return result.percolation_S_per_cm
    return float(bruggeman)


def _conditions(run: _Resolution) -> None:
    cell = run.design.cell
    run.given("cell.temperature", cell.temperature_C, "degC", "cell.temperature_C")
    run.given("cell.voltage_min", cell.voltage_min_V, "V", "cell.voltage_min_V")
    run.given("cell.voltage_max", cell.voltage_max_V, "V", "cell.voltage_max_V")
    for name in ("packaging_mass_fraction", "packaging_volume_fraction"):
        run.given(f"cell.{name}", getattr(cell, name), "1", f"cell.{name}")
    if cell.area_cm2 is not None:
        run.given("cell.area", cell.area_cm2, "cm2", "cell.area_cm2")
    if cell.stack_pressure_MPa is not None:
        run.given("cell.stack_pressure", cell.stack_pressure_MPa, "MPa", "cell.stack_pressure_MPa")


def _mass_fractions(run: _Resolution, densities: dict[str, float]) -> dict[str, float]:
    """The composite's mass fractions: as given by weight, converted from volume, or with the active share
    overridden."""
    cathode = run.design.cathode
    basis = cathode.composition_basis
    fractions = cathode.composition.fractions()
    if "cathode.active.mass_fraction" in run.overrides:
        if basis != "wt":
            raise InputError(
                run.design.source, "cathode.composition_wt", "a composition by weight to vary the active fraction"
            )
        active = run.given("cathode.active.mass_fraction", fractions["active"], "1", "cathode.composition_wt.active")
        others = {part: share for part, share in fractions.items() if part != "active"}
        scale = (1.0 - active) / sum(others.values()) if others else 0.0
        for part, share in others.items():
            run.computed(
                f"cathode.{part}.mass_fraction",
                share * scale,
                "1",
                "the other parts scaled to keep 100 %",
                active_mass_fraction=active,
            )
    elif basis == "wt":
        for part, share in fractions.items():
            run.given(f"cathode.{part}.mass_fraction", share, "1", f"cathode.composition_wt.{part}")
    else:
        for part, share in fractions.items():
            run.given(f"cathode.{part}.volume_fraction", share, "1", f"cathode.composition_vol.{part}")
        for part, mass in microstructure.volume_to_weight_fractions(fractions, densities).items():
            run.computed(f"cathode.{part}.mass_fraction", mass, "1", "w_i = phi_i rho_i / sum_k phi_k rho_k")
    return {part: run.parameters.get(f"cathode.{part}.mass_fraction", "1") for part in fractions}


def _cathode(run: _Resolution) -> None:
    """Composition, densities, loading and thickness of the composite cathode."""
    cathode = run.design.cathode
    parts = [part for part in COMPOSITE_PARTS if getattr(cathode.composition, part) > 0]
    for part in COMPOSITE_PARTS:
        if getattr(cathode, part) is not None:
            run.role(f"cathode.{part}", getattr(cathode, part), f"cathode.{part}")
    densities = {
        part: run.required(
            f"cathode.{part}.density",
            getattr(cathode, part),
            "density_g_per_cm3",
            f"cathode.{part}",
            "to convert between wt% and vol%",
        )
        for part in parts
    }
    porosity = run.given("cathode.porosity", cathode.porosity, "1", "cathode.porosity")
    mass_fractions = _mass_fractions(run, densities)
    volume_fractions = microstructure.weight_to_volume_fractions(mass_fractions, densities, porosity)
    if cathode.composition_basis == "wt" or "cathode.active.mass_fraction" in run.overrides:
        for part, phi in volume_fractions.items():
            run.computed(
                f"cathode.{part}.volume_fraction",
                phi,
                "1",
                "phi_i = (w_i / rho_i) / sum_k (w_k / rho_k) (1 - porosity)",
            )
    bulk_density = run.computed(
        "cathode.bulk_density",
        sum(volume_fractions[part] * densities[part] for part in volume_fractions),
        "g/cm3",
        "sum_i phi_i rho_i",
    )
    if "cathode.active_loading" in run.overrides or cathode.active_loading_mg_per_cm2 is not None:
        active_loading = run.given(
            "cathode.active_loading", cathode.active_loading_mg_per_cm2, "mg/cm2", "cathode.active_loading_mg_per_cm2"
        )
        composite_loading = run.computed(
            "cathode.composite_loading",
            active_loading / mass_fractions["active"],
            "mg/cm2",
            "active loading / active mass fraction",
        )
    elif cathode.composite_loading_mg_per_cm2 is not None:
        composite_loading = run.given(
            "cathode.composite_loading",
            cathode.composite_loading_mg_per_cm2,
            "mg/cm2",
            "cathode.composite_loading_mg_per_cm2",
        )
    else:
        thickness_cm = convert(
            run.given("cathode.thickness", cathode.thickness_um, "um", "cathode.thickness_um"), "um", "cm"
        )
        composite_loading = run.computed(
            "cathode.composite_loading",
            convert(bulk_density * thickness_cm, "g/cm2", "mg/cm2"),
            "mg/cm2",
            "bulk density x thickness",
        )
    if "cathode.active_loading" not in run.parameters:
        run.computed(
            "cathode.active_loading",
            composite_loading * mass_fractions["active"],
            "mg/cm2",
            "composite loading x active mass fraction",
        )
    if "cathode.thickness" not in run.parameters:
        run.computed(
            "cathode.thickness",
            convert(composite_loading, "mg/cm2", "g/cm2") / bulk_density,
            "cm",
            "composite loading / bulk density",
        )


def _active_material(run: _Resolution) -> None:
    """Capacity, voltage, OCV shape, transport and kinetics of the active material, and the areal capacity."""
    active = run.design.cathode.active
    practical = run.required(
        "cathode.active.practical_capacity",
        active,
        "practical_capacity_mAh_per_g",
        "cathode.active",
        "the capacity the cathode delivers at low rate",
    )
    electrons = run.materials.find(active, "electrons_per_formula")
    if electrons is not None:
        run.set("cathode.active.electrons_per_formula", electrons)
        formula = run.materials.formula(active)
        run.computed(
            "cathode.active.theoretical_capacity",
            theoretical_capacity_mAh_per_g(formula, electrons.magnitude),
            "mAh/g",
            FARADAY_CAPACITY,
            formula=formula,
            n=electrons.magnitude,
        )
    run.required(
        "cathode.active.average_voltage",
        active,
        "average_voltage_V",
        "cathode.active",
        "the mean discharge voltage against Na/Na+",
    )
    loading_g_per_cm2 = run.parameters.get("cathode.active_loading", "g/cm2")
    run.computed(
        "cathode.areal_capacity", loading_g_per_cm2 * practical, "mAh/cm2", "active loading x practical capacity"
    )
    run.optional("cathode.active.ocv_slope", active, "ocv_slope_V", "ocv_slope")
    run.optional("cathode.active.diffusivity", active, "diffusivity_cm2_per_s", "diffusivity")
    run.optional(
        "cathode.active.exchange_current_density",
        active,
        "exchange_current_density_mA_per_cm2",
        "exchange_current_density",
    )
    run.default("cathode.active.initial_stoichiometry", "initial_stoichiometry")
    cathode = run.design.cathode
    if cathode.active_particle_radius_um is not None:
        run.given(
            "cathode.active.particle_radius",
            cathode.active_particle_radius_um,
            "um",
            "cathode.active_particle_radius_um",
        )
    else:
        run.optional("cathode.active.particle_radius", active, "particle_radius_um", "particle_radius")


def _composite_networks(run: _Resolution) -> dict[str, float]:
    """Effective ionic and electronic conductivities of the composite; returns the microstructure summary."""
    cathode = run.design.cathode
    params = run.parameters
    porosity = params.get("cathode.porosity", "1")
    volume = {
        part: params.get(f"cathode.{part}.volume_fraction", "1")
        for part in COMPOSITE_PARTS
        if f"cathode.{part}.volume_fraction" in params
    }
    active_radius_um = params.get("cathode.active.particle_radius", "um")
    summary: dict[str, float] = {}
    kappa_eff = 0.0
    if cathode.catholyte is not None:
        sigma_catholyte = run.conductivity(
            "cathode.catholyte.ionic_conductivity", cathode.catholyte, "cathode.catholyte"
        )
        if cathode.catholyte_particle_radius_um is not None:
            run.given(
                "cathode.catholyte.particle_radius",
                cathode.catholyte_particle_radius_um,
                "um",
                "cathode.catholyte_particle_radius_um",
            )
        else:
            run.default("cathode.catholyte.particle_radius", "catholyte_particle_radius")
        ratio = params.get("cathode.catholyte.particle_radius", "um") / active_radius_um
        kappa_eff = _phase_conductivity(
            cathode.conductivity_model,
            "catholyte",
            sigma_catholyte,
            volume.get("catholyte", 0.0),
            porosity,
            ratio,
            summary,
        )
    if cathode.pore_electrolyte is not None:
        liquid = run.role("cathode.pore_electrolyte", cathode.pore_electrolyte, "cathode.pore_electrolyte")
        sigma_liquid = run.conductivity(
            "cathode.pore_electrolyte.ionic_conductivity", liquid, "cathode.pore_electrolyte"
        )
        kappa_eff += _phase_conductivity("bruggeman", "pore electrolyte", sigma_liquid, porosity, 0.0, 1.0, summary)
    if kappa_eff <= 0:
        raise InputError(
            run.design.source,
            "cathode.catholyte",
            "a catholyte that percolates: with no ionic path through the composite the cathode cannot discharge",
            cathode.catholyte,
        )
    sigma_active = run.optional(
        "cathode.active.electronic_conductivity",
        cathode.active,
        "electronic_conductivity_S_per_cm",
        "active_electronic_conductivity",
    )
    sigma_electronic = _phase_conductivity(
        cathode.conductivity_model,
        "active material (electronic)",
        sigma_active,
        volume["active"],
        porosity,
        1.0,
        summary,
    )
    if cathode.carbon is not None and "carbon" in volume:
        sigma_carbon = run.required(
            "cathode.carbon.electronic_conductivity",
            cathode.carbon,
            "electronic_conductivity_S_per_cm",
            "cathode.carbon",
            "the electronic path through the composite",
        )
        run.optional("cathode.carbon.particle_radius", cathode.carbon, "particle_radius_um", "carbon_particle_radius")
        ratio = params.get("cathode.carbon.particle_radius", "um") / active_radius_um
        sigma_electronic += _phase_conductivity(
            cathode.conductivity_model, "carbon", sigma_carbon, volume["carbon"], porosity, ratio, summary
        )
    model = "percolation (Bouvard-Lange threshold)" if cathode.conductivity_model == "percolation" else "Bruggeman"
    run.computed(
        "cathode.ionic_conductivity_effective", kappa_eff, "S/cm", f"{model}, sum over the ion-conducting phases"
    )
    run.computed(
        "cathode.electronic_conductivity_effective",
        sigma_electronic,
        "S/cm",
        f"{model}, sum over the electron-conducting phases",
    )
    depth_cm = microstructure.ionic_penetration_depth_cm(
        kappa_eff, params.get("cathode.areal_capacity", "mAh/cm2"), sigma_eff_S_per_cm=sigma_electronic
    )
    summary["ionic penetration depth at 1C, 0.1 V allowed (um)"] = convert(depth_cm, "cm", "um")
    summary["ohmic penetration depth / thickness at 1C (0.1 V spread; the rate model gives the utilisation)"] = (
        microstructure.utilisation_from_penetration(depth_cm, params.get("cathode.thickness", "cm"))
    )
    return summary


def _separator(run: _Resolution) -> Layer:
    separator = run.design.separator
    material = run.role("separator", separator.material, "separator.material")
    density = run.required(
        "separator.density", material, "density_g_per_cm3", "separator.material", "the separator mass"
    )
    sigma = run.conductivity("separator.ionic_conductivity", material, "separator.material")
    thickness_cm = convert(
        run.given("separator.thickness", separator.thickness_um, "um", "separator.thickness_um"), "um", "cm"
    )
    porosity = run.given("separator.porosity", separator.porosity, "1", "separator.porosity")
    sigma_eff = run.computed(
        "separator.ionic_conductivity_effective",
        microstructure.bruggeman_conductivity(sigma, 1.0 - porosity),
        "S/cm",
        "sigma (1 - porosity)^1.5 (Bruggeman)",
    )
    run.computed(
        "separator.area_resistance",
        thickness_cm / sigma_eff,
        "Ohm cm2",
        "thickness / (sigma (1 - porosity)^1.5) (Bruggeman)",
    )
    run.transport = _transport(run)
    if run.transport.model == BINARY_SALT:
        _binary_salt(run, material, thickness_cm)
    return Layer(
        LayerRole.SEPARATOR, f"separator ({material})", thickness_cm, thickness_cm * density * (1.0 - porosity)
    )


def _same_material(run: _Resolution, a: str, b: str) -> bool:
    entry_a, entry_b = run.materials.entry(a), run.materials.entry(b)
    return a == b or (entry_a is not None and entry_a is entry_b)


def _transport(run: _Resolution) -> TransportChoice:
    """The rate model from the electrolytes' class: binary-salt when the separator is a polymer or gel electrolyte
    (the catholyte must then be the same one: the model has one electrolyte phase), single-ion when both separator
    and catholyte are inorganic single-ion conductors; a mixture of the two is outside the rate model."""
    design = run.design
    separator, catholyte = design.separator.material, design.cathode.catholyte
    separator_salt = run.is_binary_salt(separator)
    catholyte_salt = catholyte is not None and run.is_binary_salt(catholyte)
    if not separator_salt and not catholyte_salt:
        named = f"separator {separator}" + (f" and catholyte {catholyte}" if catholyte else "")
        return TransportChoice(
            SINGLE_ION,
            f"the {named}: inorganic solid electrolytes, single-ion conductors (t+ ~ 1, seed 004 section 2.1.3; no "
            "binary_salt class in the material library, no t+ < 1 in the design): no salt gradient forms, the "
            "single-ion model applies",
            separator,
        )
    if separator_salt and (catholyte is None or _same_material(run, separator, catholyte)):
        if design.cathode.pore_electrolyte is not None:
            raise InputError(
                design.source,
                "cathode.pore_electrolyte",
                "no second electrolyte in the pores of a binary-salt (polymer) cell: the model has one electrolyte",
                design.cathode.pore_electrolyte,
            )
        return TransportChoice(
            BINARY_SALT,
            f"the separator {separator} is a salt in a polymer or gel ({run.binary_salt_basis(separator)}): both ions "
            "move (t+ < 1, seed 004 Eqs.4-5), so the current builds a salt gradient that can deplete the cathode; the "
            "binary-salt DFN applies",
            separator,
        )
    raise InputError(
        design.source,
        "cathode.catholyte",
        f"the separator's electrolyte ({separator}) in the cathode as well: the rate model has one electrolyte phase, "
        "so a binary-salt (polymer) electrolyte cannot be combined with a single-ion one",
        catholyte,
    )


def _binary_salt(run: _Resolution, material: str, thickness_cm: float) -> None:
    """The salt of a binary-salt separator: t+, VTF constants, concentration (given, or from EO:Na and the film's
    density), diffusivity (given, or Nernst-Einstein from sigma and t+) and the film's limiting current."""
    temperature_K = run.parameters.get("cell.temperature", "K")
    t_plus = run.set("separator.transference_number", run.polymer_property(material, "transference_number"))
    conductivity_source = run.parameters.value("separator.ionic_conductivity").source
    if isinstance(conductivity_source, Computation) and conductivity_source.method.startswith("VTF"):
        for name, key in (
            ("separator.vtf_pseudo_activation", "vtf_pseudo_activation_K"),
            ("separator.vtf_T0", "vtf_T0_K"),
        ):
            run.set(name, run.polymer_property(material, key))
    sigma = run.parameters.get("separator.ionic_conductivity", "S/cm")
    given = run.materials.find(material, "salt_concentration_mol_per_L")
    if given is not None:
        concentration = run.set("separator.salt_concentration", given)
    else:
        ratio = run.set("separator.ether_oxygen_per_na", run.polymer_property(material, "ether_oxygen_per_na"))
        formula = run.materials.formula(material)
        composition = parse_formula(formula)
        if composition is None:
            raise InputError(
                run.design.source,
                "separator.material",
                f"the salt's formula as the formula of '{material}' (to find c0 from EO:Na), or "
                "salt_concentration_mol_per_L in [materials]",
                formula,
            )
        salt_molar_mass = float(composition.weight)
        concentration = run.computed(
            "separator.salt_concentration",
            polymer.salt_concentration_mol_per_L(
                run.parameters.get("separator.density", "g/cm3"), ratio, salt_molar_mass
            ),
            "mol/L",
            "c = rho / (n M_EO + M_salt) (nassb.cell.polymer)",
            salt=formula,
            M_salt_g_per_mol=round(salt_molar_mass, 3),
            EO_per_Na=ratio,
        )
    diffusivity = run.materials.find(material, "salt_diffusivity_cm2_per_s")
    if diffusivity is not None:
        salt_diffusivity = run.set("separator.salt_diffusivity", diffusivity)
    else:
        salt_diffusivity = run.computed(
            "separator.salt_diffusivity",
            polymer.nernst_einstein_salt_diffusivity_cm2_per_s(sigma, t_plus, concentration, temperature_K),
            "cm2/s",
            "D = 2 t+ (1 - t+) sigma R T / (F^2 c), Nernst-Einstein for an ideal dissociated 1:1 salt "
            "(Newman and Thomas-Alyea, Electrochemical Systems, 2004, sections 11.2, 11.8)",
        )
    run.computed(
        "separator.limiting_current_density",
        polymer.limiting_current_density_mA_per_cm2(salt_diffusivity, concentration, t_plus, thickness_cm),
        "mA/cm2",
        "i_lim = 2 F D c0 / ((1 - t+) L) across the film (Newman and Thomas-Alyea, Electrochemical Systems, 2004, "
        "section 11.7)",
    )


def _anode_capacity(run: _Resolution, material: str) -> float:
    value = run.materials.find(material, "theoretical_capacity_mAh_per_g")
    if value is not None:
        return run.set("anode.specific_capacity", value)
    electrons = run.required(
        "anode.electrons_per_formula",
        material,
        "electrons_per_formula",
        "anode.material",
        "the Na it holds per formula unit",
    )
    formula = run.materials.formula(material)
    return run.computed(
        "anode.specific_capacity",
        theoretical_capacity_mAh_per_g(formula, electrons),
        "mAh/g",
        FARADAY_CAPACITY,
        formula=formula,
        n=electrons,
    )


def _check_sodium_anode(run: _Resolution) -> None:
    """A Na-metal or plated-Na anode must stay solid, and an anode-free cell needs a cathode that holds Na."""
    anode, cathode = run.design.anode, run.design.cathode
    if anode.type in ("na_metal", "anode_free") and run.parameters.get("cell.temperature", "K") >= NA_MELTING_POINT_K:
        raise InputError(
            run.design.source,
            "cell.temperature_C",
            f"a temperature below the melting point of Na (97.8 degC) for a {anode.type} cell: molten Na is "
            "outside the model",
            run.design.cell.temperature_C,
        )
    if anode.type == "anode_free" and not run.materials.sodium_per_formula(cathode.active):
        raise InputError(
            run.design.source,
            "anode.type",
            f"a Na source: an anode-free cell plates the Na its cathode holds, and {cathode.active} "
            f"({run.materials.formula(cathode.active)}) holds none; use a sodiated cathode or a Na or Na-alloy anode",
            anode.type,
        )


def _plated_sodium(run: _Resolution) -> Layer:
    """The Na an anode-free cell plates at full charge: no mass of its own (it came from the cathode), but volume."""
    run.role("anode", "Na", "anode.type")
    density = run.required("anode.density", "Na", "density_g_per_cm3", "anode.type", "the thickness of the plated Na")
    capacity = _anode_capacity(run, "Na")
    plated_g_per_cm2 = run.parameters.get("cathode.areal_capacity", "mAh/cm2") / capacity
    thickness_cm = run.computed(
        "anode.thickness",
        plated_g_per_cm2 / density,
        "cm",
        "Na plated at full charge: cathode areal capacity / (Na capacity x Na density)",
    )
    return Layer(LayerRole.ANODE, "plated Na (at full charge; its mass is in the cathode)", thickness_cm, 0.0)


def _anode(run: _Resolution) -> Layer:
    anode = run.design.anode
    material = anode.material_name
    if material is not None:
        run.role("anode", material, "anode.material")
    if anode.type == "alloy":
        run.required(
            "anode.potential",
            material,
            "potential_vs_na_V",
            "anode.material",
            "the alloy's mean potential against Na/Na+",
        )
    else:
        run.computed("anode.potential", 0.0, "V", NA_REFERENCE)
    run.optional(
        "anode.exchange_current_density",
        material,
        "exchange_current_density_mA_per_cm2",
        "anode_exchange_current_density",
    )
    if anode.type == "anode_free":
        return _plated_sodium(run)
    density = run.required(
        "anode.density", material, "density_g_per_cm3", "anode.material", "the anode's mass and thickness"
    )
    capacity = _anode_capacity(run, material)
    cathode_capacity = run.parameters.get("cathode.areal_capacity", "mAh/cm2")
    if anode.thickness_um is not None:
        thickness_cm = convert(run.given("anode.thickness", anode.thickness_um, "um", "anode.thickness_um"), "um", "cm")
        mass = thickness_cm * density
    elif anode.loading_mg_per_cm2 is not None:
        mass = convert(
            run.given("anode.loading", anode.loading_mg_per_cm2, "mg/cm2", "anode.loading_mg_per_cm2"),
            "mg/cm2",
            "g/cm2",
        )
        thickness_cm = mass / density
    else:
        np_ratio = run.given("anode.np_ratio", anode.np_ratio, "1", "anode.np_ratio")
        mass = np_ratio * cathode_capacity / capacity
        thickness_cm = mass / density
    if "anode.np_ratio" not in run.parameters:
        run.computed(
            "anode.np_ratio",
            mass * capacity / cathode_capacity,
            "1",
            "anode mass x Na capacity / cathode areal capacity",
        )
    np_ratio = run.parameters.get("anode.np_ratio", "1")
    sodiated_cathode = bool(run.materials.sodium_per_formula(run.design.cathode.active))
    if np_ratio < 1.0 and (anode.type == "alloy" or not sodiated_cathode):
        why = (
            "the alloy cannot hold the cathode's Na"
            if anode.type == "alloy"
            else "the cathode holds no Na: the anode supplies it"
        )
        run.computed("anode.capacity_fraction", np_ratio, "1", f"min(1, N/P): {why}")
    for name, magnitude, unit in (
        ("anode.thickness", thickness_cm, "cm"),
        ("anode.loading", convert(mass, "g/cm2", "mg/cm2"), "mg/cm2"),
    ):
        if name not in run.parameters:
            run.computed(name, magnitude, unit, "from the anode's size and density")
    return Layer(LayerRole.ANODE, f"anode ({material})", thickness_cm, mass)


def _interlayers(run: _Resolution) -> list[Layer]:
    layers = []
    for index, layer in enumerate(run.design.interlayer):
        where, name = f"interlayer[{index}]", f"interlayer[{index}]"
        label = f"interlayer {index + 1} ({layer.type}, {layer.position} side)"
        if layer.material is not None:
            run.role(name, layer.material, f"{where}.material")
        if layer.thickness_um is not None:
            thickness_cm = convert(
                run.given(f"{name}.thickness", layer.thickness_um, "um", f"{where}.thickness_um"), "um", "cm"
            )
        else:
            volume_uL = run.given(f"{name}.liquid_volume", layer.liquid_uL, "uL", f"{where}.liquid_uL")
            thickness_cm = run.computed(
                f"{name}.thickness",
                convert(volume_uL, "uL", "cm3") / run.parameters.get("cell.area", "cm2"),
                "cm",
                "liquid volume / cell area",
            )
        if layer.density_g_per_cm3 is not None:
            density = run.given(f"{name}.density", layer.density_g_per_cm3, "g/cm3", f"{where}.density_g_per_cm3")
        elif layer.material is not None and run.materials.find(layer.material, "density_g_per_cm3") is not None:
            density = run.required(
                f"{name}.density", layer.material, "density_g_per_cm3", f"{where}.material", "the interlayer mass"
            )
        elif layer.type in ("liquid", "polymer"):
            density = run.default(f"{name}.density", f"{layer.type}_density")
        else:
            raise InputError(
                run.design.source,
                f"{where}.density_g_per_cm3",
                "the coating's density (or a material the library knows)",
            )
        if layer.asr_ohm_cm2 is not None:
            run.given(f"{name}.asr", layer.asr_ohm_cm2, "Ohm cm2", f"{where}.asr_ohm_cm2")
        elif (
            layer.material is not None and run.materials.find(layer.material, "ionic_conductivity_S_per_cm") is not None
        ):
            sigma = run.conductivity(f"{name}.ionic_conductivity", layer.material, f"{where}.material")
            run.computed(f"{name}.asr", thickness_cm / sigma, "Ohm cm2", "thickness / conductivity")
        else:
            run.default(f"{name}.asr", "interface_asr")
        role = LayerRole.CATHODE_INTERLAYER if layer.position == "cathode" else LayerRole.ANODE_INTERLAYER
        layers.append(Layer(role, label, thickness_cm, thickness_cm * density))
    return layers


def _cell_capacity(run: _Resolution) -> None:
    """The capacity the cell delivers: the cathode's, times the anode's limit where N/P < 1 limits it."""
    cathode = run.parameters.get("cathode.areal_capacity", "mAh/cm2")
    if "anode.capacity_fraction" not in run.parameters:
        run.computed(
            "anode.capacity_fraction",
            1.0,
            "1",
            "the anode does not limit the capacity (N/P >= 1, a sodiated cathode against Na metal, or plated Na)",
        )
    run.computed(
        "cell.areal_capacity",
        cathode * run.parameters.get("anode.capacity_fraction", "1"),
        "mAh/cm2",
        "cathode areal capacity x anode.capacity_fraction",
    )


def _series_asr(run: _Resolution) -> None:
    """Each side's interfacial ASR (given or the default) plus the ASRs of that side's interlayers."""
    for side in ("cathode", "anode"):
        given = getattr(run.design.interfaces, f"{side}_asr_ohm_cm2")
        if given is not None:
            own = run.given(f"{side}.interface_asr", given, "Ohm cm2", f"interfaces.{side}_asr_ohm_cm2")
        else:
            own = run.default(f"{side}.interface_asr", "interface_asr")
        interlayers = [
            f"interlayer[{index}].asr" for index, layer in enumerate(run.design.interlayer) if layer.position == side
        ]
        total = own + sum(run.parameters.get(name, "Ohm cm2") for name in interlayers)
        run.computed(
            f"{side}.series_asr",
            total,
            "Ohm cm2",
            f"{side}.interface_asr + the {side}-side interlayer ASRs",
            interlayers=", ".join(interlayers) or "none",
        )


def _collectors(run: _Resolution) -> list[Layer]:
    layers = []
    share = 0.5 if run.design.cell.double_sided else 1.0
    roles = {"cathode": LayerRole.CATHODE_COLLECTOR, "anode": LayerRole.ANODE_COLLECTOR}
    for position, role in roles.items():
        collector = getattr(run.design.current_collectors, position)
        if collector is None:
            continue
        field = f"current_collectors.{position}"
        material = run.role(f"{position}_collector", collector.material, f"{field}.material")
        density = run.required(
            f"{position}_collector.density", material, "density_g_per_cm3", f"{field}.material", "the collector mass"
        )
        given_cm = convert(
            run.given(f"{position}_collector.thickness", collector.thickness_um, "um", f"{field}.thickness_um"),
            "um",
            "cm",
        )
        thickness_cm = share * given_cm
        layers.append(
            Layer(role, f"{position} current collector ({collector.material})", thickness_cm, thickness_cm * density)
        )
    return layers


def _cathode_layer(run: _Resolution) -> Layer:
    params, cathode = run.parameters, run.design.cathode
    thickness_cm = params.get("cathode.thickness", "cm")
    mass = params.get("cathode.composite_loading", "g/cm2")
    if cathode.pore_electrolyte is not None:
        found = run.materials.find(cathode.pore_electrolyte, "density_g_per_cm3")
        liquid_density = (
            run.set("cathode.pore_electrolyte.density", found)
            if found is not None
            else run.default("cathode.pore_electrolyte.density", "liquid_density")
        )
        mass += params.get("cathode.porosity", "1") * thickness_cm * liquid_density
    return Layer(LayerRole.CATHODE, "cathode composite", thickness_cm, mass)


def resolve_cell(design: CellDesign, knowledge_base=None, overrides: Mapping[str, Value] | None = None) -> ResolvedCell:
    """Resolve every parameter of `design` (overrides, by parameter name, replace design inputs) and build its stack."""
    run = _Resolution(design, knowledge_base, overrides)
    _conditions(run)
    _check_sodium_anode(run)
    _cathode(run)
    _active_material(run)
    separator = _separator(run)
    summary = _composite_networks(run)
    anode = _anode(run)
    interlayers = _interlayers(run)
    _series_asr(run)
    _cell_capacity(run)
    resolve_failure_inputs(run)
    layers = [*_collectors(run), _cathode_layer(run), separator, *interlayers, anode]
    unused = set(run.overrides) - set(run.parameters)
    if unused:
        raise InputError(
            design.source, "overrides", "parameters this design takes as inputs", ", ".join(sorted(unused))
        )
    return ResolvedCell(
        design=design,
        parameters=run.parameters,
        materials=dict(run.roles),
        layers=tuple(sorted(layers, key=lambda layer: layer.role.order)),
        microstructure=summary,
        transport=run.transport,
    )
