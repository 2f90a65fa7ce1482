"""The knowledge-base record schema: columns, vocabularies, and each property's canonical unit.

The human-readable version of this schema, for transcribers and reviewers, is
`records/SCHEMA.md`; the two are kept in step by a test.
"""

from __future__ import annotations

COLUMNS = (
    "record_id",
    "system",
    "formula_printed",
    "formula",
    "family",
    "role",
    "property",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "value_printed",
    "temperature",
    "temperature_unit",
    "pressure_MPa",
    "thickness_um",
    "loading_mg_per_cm2",
    "current",
    "cycles",
    "liquid_uL",
    "voltage_window_V",
    "conditions",
    "method",
    "cell_id",
    "cathode",
    "electrolyte",
    "anode",
    "interlayer",
    "seed_file",
    "locator",
    "ref",
    "flags",
    "note",
)

ELECTROLYTE_FAMILIES = (
    "nasicon",
    "beta_alumina",
    "layered_oxide",
    "anti_perovskite",
    "sulfide",
    "selenide",
    "halide",
    "oxyhalide",
    "hydride",
    "polymer",
    "composite",
    "liquid",
    "ionic_liquid",
)

FAMILIES = (
    *ELECTROLYTE_FAMILIES,
    "oxide",
    "polyanionic",
    "prussian_blue",
    "conversion",
    "organic",
    "all_in_one",
    "metal",
    "alloy",
    "carbon",
    "other",
)

ROLES = (
    "electrolyte",
    "cathode",
    "anode",
    "interlayer",
    "cell",
    "symmetric_cell",
    "catholyte",
    "coating",
    "liquid_electrolyte",
)

QUALIFIERS = ("=", "~", ">", "<", ">=", "<=", "range")

METHODS = ("experiment", "computed", "theoretical", "")  # blank: the seed does not say

TRANSCRIBER_FLAGS = (
    "ocr_repaired",
    "seed_defect",
    "formula_corrected",
    "inconsistent_in_seed",
    "high_temperature",
    "exceeds_theoretical",
    "uncertain_transcription",
)

LOADER_FLAGS = ("unparsed_formula", "charge_imbalance", "duplicate", "rt_assumed", "unit_not_allowed")

# property -> (canonical unit, units a record may be written in)
PROPERTIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ionic_conductivity": ("S/cm", ("S/cm", "mS/cm", "S/m", "uS/cm")),
    "electronic_conductivity": ("S/cm", ("S/cm", "mS/cm", "S/m", "uS/cm")),
    "activation_energy": ("eV", ("eV", "kJ/mol", "meV")),
    "migration_barrier": ("eV", ("eV", "meV", "kJ/mol")),
    "oxidation_limit": ("V", ("V",)),
    "reduction_limit": ("V", ("V",)),
    "electrochemical_window": ("V", ("V",)),
    "theoretical_capacity": ("mAh/g", ("mAh/g",)),
    "discharge_capacity": ("mAh/g", ("mAh/g", "mAh/cm2")),
    "charge_capacity": ("mAh/g", ("mAh/g", "mAh/cm2")),
    "reversible_capacity": ("mAh/g", ("mAh/g", "mAh/cm2")),
    "areal_capacity": ("mAh/cm2", ("mAh/cm2",)),
    "capacity_retention": ("%", ("%",)),
    "coulombic_efficiency": ("%", ("%",)),
    "initial_coulombic_efficiency": ("%", ("%",)),
    "average_voltage": ("V", ("V",)),
    "voltage_range": ("V", ("V",)),
    "energy_density": ("Wh/kg", ("Wh/kg", "Wh/L")),
    "power_density": ("W/kg", ("W/kg",)),
    "critical_current_density": ("mA/cm2", ("mA/cm2", "uA/cm2")),
    "current_density": ("mA/cm2", ("mA/cm2", "uA/cm2")),
    "cycling_time": ("h", ("h",)),
    "cycle_life": ("cycles", ("cycles",)),
    "interfacial_resistance": ("Ohm cm2", ("Ohm", "Ohm cm2", "kOhm", "kOhm cm2")),
    "area_specific_resistance": ("Ohm cm2", ("Ohm cm2", "kOhm cm2")),
    "bulk_resistance": ("Ohm", ("Ohm", "Ohm cm2", "kOhm")),
    "overpotential": ("V", ("mV", "V")),
    "stack_pressure": ("MPa", ("MPa", "GPa", "kPa", "bar")),
    "thickness": ("cm", ("um", "mm", "cm", "nm")),
    "youngs_modulus": ("GPa", ("GPa", "MPa")),
    "shear_modulus": ("GPa", ("GPa", "MPa")),
    "bulk_modulus": ("GPa", ("GPa", "MPa")),
    "hardness": ("GPa", ("GPa", "MPa")),
    "fracture_toughness": ("MPa m0.5", ("MPa m0.5",)),
    "density": ("g/cm3", ("g/cm3",)),
    "relative_density": ("%", ("%",)),
    "lattice_parameter": ("angstrom", ("angstrom", "nm")),
    "volume_change": ("%", ("%",)),
    "transference_number": ("1", ("1", "%")),
    "band_gap": ("eV", ("eV",)),
    "sintering_temperature": ("degC", ("degC", "K")),
    "synthesis_temperature": ("degC", ("degC", "K")),
    "reaction_energy": ("eV", ("eV", "kJ/mol", "meV/atom", "eV/atom", "meV")),
    "h2s_release": ("cm3/g", ("cm3/g",)),
    "particle_size": ("um", ("um", "nm")),
    "loading": ("mg/cm2", ("mg/cm2",)),
    "liquid_volume": ("uL", ("uL", "mL")),
    "wetting_contact_angle": ("deg", ("deg",)),
}

# Properties whose units measure different dimensions (Ohm vs Ohm cm2, mAh/g vs mAh/cm2, Wh/kg vs
# Wh/L): a record in the second unit keeps that unit as its canonical one.
OTHER_PROPERTY = "other"
