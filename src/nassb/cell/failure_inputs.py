"""The parameters of the interface-failure and cycle-life models, resolved into the cell's `ParameterSet`.

Each comes from the design file, the material library (a knowledge-base record or a cited paper), a computation
from other parameters, or a documented default below (`FAILURE_DEFAULTS`, each with its reason, marked as a default
in every output). Called by `nassb.cell.resolve.resolve_cell` after the stack is resolved.
"""

from __future__ import annotations

from nassb.core.constants import FARADAY_C_PER_MOL
from nassb.core.value import Computation, DocumentedDefault, Literature, Value

NA_SHEAR_MODULUS_JUSTIFICATION = "Na metal: G ~ 3.3 GPa, E ~ 10 GPa (project domain brief, ../shared/docs/DOMAIN.md 2)"
FAILURE_DEFAULTS: dict[str, tuple[float, str, str]] = {
    "stack_pressure": (
        1.0,
        "MPa",
        "stack pressure not stated: 1 MPa, a spring-loaded or lightly clamped test cell; state cell.stack_pressure_MPa",
    ),
    "cycling_c_rate": (0.1, "C", "cycling rate not stated: C/10; state cell.cycling_c_rate"),
    "cycles": (100.0, "cycles", "cycle count not stated: 100 cycles; state cell.cycles"),
    "vacancy_supply_current": (
        0.0,
        "mA/cm2",
        "Spencer Jolly et al. (ACS Appl. Mater. Interfaces 12 (2020) 678, abstract) find that 'Na creep rather than "
        "diffusion per se dominates Na transport to the interface': the diffusion term is taken as 0 until measured",
    ),
    "void_depth": (
        1.0,
        "um",
        "no measured value: 1 um of Na stripped from a contact before it is lost, the order of the surface roughness "
        "of pressed Na foil; fit it with nassb diagnose (anode_contact_loss)",
    ),
    "flaw_size": (
        10.0,
        "um",
        "no measured flaw size: 10 um, the scale of the surface defects from which Porz et al. (2017) saw filaments "
        "start; state separator.flaw_size_um from the pellet's microscopy",
    ),
    "fracture_toughness": (
        1.0,
        "MPa m0.5",
        "no fracture toughness of this electrolyte in the library: 1 MPa m0.5, mid-range of ceramic and glassy "
        "electrolytes (0.2-2 MPa m0.5)",
    ),
    "shear_modulus": (
        8.0,
        "GPa",
        "no shear modulus of this electrolyte in the library: 8 GPa, the order of sulfide electrolytes; compute it "
        "with nassb material analyze --elastic",
    ),
    "young_modulus": (
        20.0,
        "GPa",
        "no Young's modulus of this phase in the library: 20 GPa, the order of sulfide and halide electrolytes",
    ),
    "poisson_ratio": (0.3, "1", "no Poisson ratio in the library: 0.3, the usual value of ceramics"),
    "electronic_conductivity": (
        1e-9,
        "S/cm",
        "no electronic conductivity of this electrolyte in the library: 1e-9 S/cm, the order of DC-polarisation "
        "values of sulfide and oxide electrolytes",
    ),
    "relative_permittivity": (
        20.0,
        "1",
        "no static permittivity of this electrolyte in the library: 20, mid-range of ionic solids",
    ),
    "volume_change": (
        0.0,
        "%",
        "no volume change of this active material in the library: taken as 0, which hides cathode contact loss",
    ),
    "contact_loss_coefficient": (
        0.01,
        "1",
        "no measured value for Na cells: 1 % of the unclosed strain share lost per cycle (a 1 % linear strain costs "
        "1e-4 of the contact per cycle); fit it with nassb diagnose (cathode_contact_loss)",
    ),
    "contact_fraction": (1.0, "1", "full contact assumed at the start; state it under [interfaces] if measured"),
}
CREEP_ANCHOR = ("002X-0071", 9.0, 2.5)  # knowledge-base record, MPa, mA/cm2 (seed 002 section 4, Spencer Jolly 2020)
STRIPPING_ACTIVATION = (
    0.14,
    "Lowack et al., arXiv:2603.23340 (2026): critical current of Na | beta''-alumina, NASICON and Na5SmSi4O12",
    "abstract: E_A = 0.13 to 0.15 eV (midpoint taken)",
)


def _default(run, name: str, key: str) -> float:
    magnitude, unit, why = FAILURE_DEFAULTS[key]
    return run.set(name, Value(magnitude, unit, DocumentedDefault(why)))


def _library_or_default(run, name: str, material: str | None, key: str, default_key: str) -> float:
    value = run.materials.find(material, key) if material is not None else None
    return _default(run, name, default_key) if value is None else run.set(name, value)


def _carrier_density(run, name: str, material: str, density_name: str) -> None:
    from nassb.chem.formula import parse_formula
    from nassb.interface.blocking import carrier_density_per_cm3

    composition = parse_formula(run.materials.formula(material))
    if composition is None or density_name not in run.parameters or "Na" not in composition:
        return
    density = run.parameters.get(density_name, "g/cm3")
    run.computed(
        name,
        carrier_density_per_cm3(float(composition["Na"]), density, float(composition.weight)),
        "1/cm3",
        "n_Na rho N_A / M (every Na counted as mobile)",
        formula=composition.reduced_formula,
    )


def _measured(run, name: str, design_field: str, unit: str) -> None:
    """A measured value the design's [interfaces] table carries (`nassb diagnose --calibration`), when given."""
    value = getattr(run.design.interfaces, design_field)
    if value is not None:
        run.given(name, value, unit, f"interfaces.{design_field}")


def _contact_fraction(run, side: str) -> None:
    """The initial contact fraction of one side: from [interfaces] or full contact by default."""
    fraction = getattr(run.design.interfaces, f"{side}_contact_fraction")
    if fraction is not None:
        run.given(f"{side}.contact_fraction", fraction, "1", f"interfaces.{side}_contact_fraction")
    else:
        _default(run, f"{side}.contact_fraction", "contact_fraction")


def _conditions(run) -> None:
    cell = run.design.cell
    if "cell.stack_pressure" not in run.parameters:
        _default(run, "cell.stack_pressure", "stack_pressure")
    reference = run.design.reference
    if cell.cycling_c_rate is not None:
        run.given("cell.cycling_c_rate", cell.cycling_c_rate, "C", "cell.cycling_c_rate")
    elif reference is not None and reference.c_rate is not None:
        run.set("cell.cycling_c_rate", Value(reference.c_rate, "C", Computation("the reference's C-rate", {})))
    elif reference is not None and reference.current_density_mA_per_cm2 is not None:
        run.computed(
            "cell.cycling_c_rate",
            reference.current_density_mA_per_cm2 / run.parameters.get("cathode.areal_capacity", "mAh/cm2"),
            "C",
            "the reference's current density / cathode areal capacity",
        )
    else:
        _default(run, "cell.cycling_c_rate", "cycling_c_rate")
    if cell.cycles is not None:
        run.given("cell.cycles", cell.cycles, "cycles", "cell.cycles")
    elif reference is not None and reference.retention_cycles is not None:
        run.given("cell.cycles", reference.retention_cycles, "cycles", "reference.retention_cycles")
    else:
        _default(run, "cell.cycles", "cycles")


def _separator(run) -> None:
    material = run.design.separator.material
    for name, key, default_key in (
        ("separator.shear_modulus", "shear_modulus_GPa", "shear_modulus"),
        ("separator.fracture_toughness", "fracture_toughness_MPa_m05", "fracture_toughness"),
        ("separator.electronic_conductivity", "electronic_conductivity_S_per_cm", "electronic_conductivity"),
        ("separator.relative_permittivity", "relative_permittivity", "relative_permittivity"),
    ):
        _library_or_default(run, name, material, key, default_key)
    for name, key in (
        ("separator.grain_boundary_conductivity", "grain_boundary_conductivity_S_per_cm"),
        ("separator.na_interphase_passivating", "na_interphase_passivating"),
    ):
        found = run.materials.find(material, key)
        if found is not None:
            run.set(name, found)
    flaw = run.design.separator.flaw_size_um
    if flaw is not None:
        run.given("separator.flaw_size", flaw, "um", "separator.flaw_size_um")
    else:
        _default(run, "separator.flaw_size", "flaw_size")
    _carrier_density(run, "separator.carrier_density", material, "separator.density")


def _anode(run) -> None:
    design = run.design
    material = design.anode.material_name or "Na"
    value = run.materials.find(material, "shear_modulus_GPa")
    if value is None:
        value = Value(3.3, "GPa", Literature(NA_SHEAR_MODULUS_JUSTIFICATION, "section 2", "nassb.cell.failure_inputs"))
    run.set("anode.shear_modulus", value)
    density = run.materials.find(material, "density_g_per_cm3")
    from nassb.chem.formula import parse_formula

    composition = parse_formula(run.materials.formula(material))
    capacity = run.materials.find(material, "theoretical_capacity_mAh_per_g")
    if density is not None and composition is not None and "Na" in composition:
        run.computed(
            "anode.molar_volume",
            float(composition.weight) / density.magnitude / float(composition["Na"]),
            "cm3/mol",
            "M / (rho n_Na): the anode's volume per mole of Na",
            formula=composition.reduced_formula,
        )
    elif density is not None and capacity is not None:
        # a host that holds no Na in its formula (hard carbon): the Na it takes per gram is its capacity / F
        faraday_mAh_per_mol = FARADAY_C_PER_MOL / 3.6
        run.computed(
            "anode.molar_volume",
            faraday_mAh_per_mol / (density.magnitude * capacity.magnitude),
            "cm3/mol",
            "F / (rho Q): the host's volume per mole of Na it takes at its specific capacity Q",
            capacity_mAh_per_g=capacity.magnitude,
        )
    record, pressure_MPa, current = CREEP_ANCHOR
    run.computed(
        "anode.creep_supply_coefficient",
        current / pressure_MPa,
        "mA/cm2/MPa",
        "critical stripping current / stack pressure at the anchor of Spencer Jolly et al. (ACS Appl. Mater. "
        "Interfaces 12 (2020) 678: the pressure needed is linear in current, > 9 MPa at 2.5 mA/cm2), knowledge-base "
        f"record {record} (seed 002 section 4); the line through the origin",
        pressure_MPa=pressure_MPa,
        current_mA_per_cm2=current,
        record=record,
    )
    magnitude, citation, locator = STRIPPING_ACTIVATION
    run.set(
        "anode.creep_supply_activation_energy",
        Value(magnitude, "eV", Literature(citation, locator, "nassb.cell.failure_inputs")),
    )
    _default(run, "anode.vacancy_supply_current", "vacancy_supply_current")
    _default(run, "anode.void_depth", "void_depth")
    _contact_fraction(run, "anode")
    _measured(
        run, "interphase[anode].resistance_growth_constant", "anode_interphase_growth_ohm2_cm4_per_s", "Ohm2 cm4/s"
    )
    _measured(run, "anode.critical_current_density", "anode_ccd_mA_per_cm2", "mA/cm2")


def _cathode(run) -> None:
    design = run.design
    active = design.cathode.active
    partner = design.cathode.catholyte or design.separator.material
    _library_or_default(run, "cathode.active.volume_change", active, "volume_change_percent", "volume_change")
    _library_or_default(run, "cathode.partner.young_modulus", partner, "young_modulus_GPa", "young_modulus")
    _library_or_default(run, "cathode.partner.poisson_ratio", partner, "poisson_ratio", "poisson_ratio")
    _library_or_default(
        run, "cathode.partner.relative_permittivity", partner, "relative_permittivity", "relative_permittivity"
    )
    density_name = "cathode.catholyte.density" if design.cathode.catholyte else "separator.density"
    _carrier_density(run, "cathode.partner.carrier_density", partner, density_name)
    _default(run, "cathode.contact_loss_coefficient", "contact_loss_coefficient")
    _measured(run, "cathode.contact_loss_per_cycle", "cathode_contact_loss_per_cycle", "1")
    _contact_fraction(run, "cathode")


def resolve_failure_inputs(run) -> None:
    """Fill the failure and cycle-life parameters of one resolution pass (`nassb.cell.resolve._Resolution`)."""
    _conditions(run)
    _separator(run)
    _anode(run)
    _cathode(run)
