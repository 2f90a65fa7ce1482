"""Material properties for a cell design, each a `Value` that says where it came from.

Lookup order for a property of a named material:
1. the design file's `[materials."NAME"]` table (user input);
2. the shipped material library `data/materials.toml`, whose entries either point at a knowledge-base
   record (the value and its seed citation are read from the knowledge base) or give a literature value
   with its reference (a `Literature` source: the citation, an optional locator, the library entry);
3. for electrolytes, the knowledge base itself: room-temperature ionic conductivity and activation
   energy records of the same reduced formula (the median of the unflagged records);
4. otherwise an `InputError` that names the field of the design and what to supply.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from nassb.chem.formula import parse_formula
from nassb.core.constants import ROOM_TEMPERATURE_K, ROOM_TEMPERATURE_RANGE_K
from nassb.core.errors import InputError
from nassb.core.value import Computation, KnowledgeBaseRecord, Literature, UserInput, Value
from nassb.transport.arrhenius import arrhenius_conductivity_S_per_cm

PROPERTY_UNITS: dict[str, str] = {
    "density_g_per_cm3": "g/cm3",
    "average_voltage_V": "V",
    "practical_capacity_mAh_per_g": "mAh/g",
    "theoretical_capacity_mAh_per_g": "mAh/g",
    "electrons_per_formula": "1",
    "diffusivity_cm2_per_s": "cm2/s",
    "exchange_current_density_mA_per_cm2": "mA/cm2",
    "particle_radius_um": "um",
    "electronic_conductivity_S_per_cm": "S/cm",
    "ionic_conductivity_S_per_cm": "S/cm",
    "activation_energy_eV": "eV",
    "ocv_slope_V": "V",
    "potential_vs_na_V": "V",
    # mechanical, dielectric and volumetric properties of the failure models (nassb.interface, nassb.mechanics)
    "shear_modulus_GPa": "GPa",
    "young_modulus_GPa": "GPa",
    "poisson_ratio": "1",
    "fracture_toughness_MPa_m05": "MPa m0.5",
    "thermal_expansion_per_K": "1/K",
    "relative_permittivity": "1",
    "volume_change_percent": "%",
    "grain_boundary_conductivity_S_per_cm": "S/cm",
    "na_interphase_passivating": "1",  # 1: the Na | electrolyte interphase was measured to stop growing
    # binary-salt (polymer, gel) electrolytes: transport = "binary_salt" in the table (nassb.cell.polymer)
    "transference_number": "1",
    "salt_diffusivity_cm2_per_s": "cm2/s",
    "salt_concentration_mol_per_L": "mol/L",
    "ether_oxygen_per_na": "1",
    "vtf_pseudo_activation_K": "K",
    "vtf_T0_K": "K",
}
OVERRIDE_KEYS = (*PROPERTY_UNITS, "formula")  # what a design's [materials."NAME"] table may set
KB_PROPERTY = {
    "average_voltage_V": "average_voltage",
    "practical_capacity_mAh_per_g": "discharge_capacity",
    "theoretical_capacity_mAh_per_g": "theoretical_capacity",
    "ionic_conductivity_S_per_cm": "ionic_conductivity",
    "electronic_conductivity_S_per_cm": "electronic_conductivity",
    "activation_energy_eV": "activation_energy",
    "density_g_per_cm3": "density",
    "young_modulus_GPa": "youngs_modulus",
    "volume_change_percent": "volume_change",
}
SAME_TEMPERATURE_TOLERANCE_K = 5.0  # a conductivity measured this close to the cell temperature is used as it is


@dataclass(frozen=True)
class MaterialEntry:
    """One material of the library: its role, formula, aliases and raw property specifications."""

    name: str
    role: str
    formula: str
    aliases: tuple[str, ...] = ()
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    transport: str = "single_ion"  # "binary_salt": a salt in a polymer or gel, t+ < 1 (nassb.cell.polymer)


def _reduced_formula(formula: str) -> str | None:
    composition = parse_formula(formula)
    return None if composition is None else composition.reduced_formula


@lru_cache(maxsize=1)
def load_library() -> dict[str, MaterialEntry]:
    """The shipped material library, keyed by name."""
    text = resources.files("nassb.cell").joinpath("data/materials.toml").read_text(encoding="utf-8")
    entries = {}
    for name, table in tomllib.loads(text).items():
        properties = {key: spec for key, spec in table.items() if key in PROPERTY_UNITS}
        entries[name] = MaterialEntry(
            name,
            table["role"],
            table.get("formula", name),
            tuple(table.get("aliases", ())),
            properties,
            table.get("transport", "single_ion"),
        )
    return entries


class MaterialResolver:
    """Finds every property a design needs, with its source; keeps a list of what it resolved for the report."""

    def __init__(
        self,
        overrides: dict[str, dict[str, Any]] | None = None,
        design_source: str = "design",
        library: dict[str, MaterialEntry] | None = None,
        knowledge_base=None,
    ):
        self.overrides = overrides or {}
        self.design_source = design_source
        self.library = library if library is not None else load_library()
        self._knowledge_base = knowledge_base
        self.resolved: dict[tuple[str, str], Value] = {}

    @property
    def knowledge_base(self):
        if self._knowledge_base is None:
            from nassb.kb.store import default_knowledge_base

            self._knowledge_base = default_knowledge_base()
        return self._knowledge_base

    def entry(self, name: str) -> MaterialEntry | None:
        """The library entry for a name, an alias or the same reduced formula."""
        if name in self.library:
            return self.library[name]
        for entry in self.library.values():
            if name in entry.aliases:
                return entry
        reduced = _reduced_formula(name)
        if reduced is not None:
            for entry in self.library.values():
                if _reduced_formula(entry.formula) == reduced:
                    return entry
        return None

    def formula(self, name: str) -> str:
        """The chemical formula of a material: the override, the library's, or the name itself if it parses."""
        override = self.overrides.get(name, {}).get("formula")
        if isinstance(override, str):
            return override
        entry = self.entry(name)
        if entry is not None:
            return entry.formula
        return name

    def check_known(self, name: str, design_field: str, roles: tuple[str, ...] = ()) -> None:
        """Reject a material that is neither in the library, nor given in the design, nor a formula, and a library
        material used in a role it cannot play (`roles`, e.g. ("carbon",) for cathode.carbon; empty: any)."""
        entry = self.entry(name)
        if entry is not None and roles and entry.role not in roles:
            raise InputError(
                self.design_source,
                design_field,
                f"a {' or '.join(roles)} material; '{name}' is a {entry.role} material in the library",
                name,
            )
        if entry is not None or name in self.overrides or _reduced_formula(name) is not None:
            return
        known = ", ".join(sorted(self.library))
        raise InputError(
            self.design_source,
            design_field,
            f'a material of the library ({known}), a chemical formula, or a [materials."{name}"] table',
            name,
        )

    def sodium_per_formula(self, name: str) -> float | None:
        """Na atoms per formula unit of a material (None when its formula does not parse)."""
        composition = parse_formula(self.formula(name))
        return None if composition is None else float(composition["Na"])

    def find(self, name: str, key: str) -> Value | None:
        """The property `key` (a name from `PROPERTY_UNITS`) of material `name`, or None when nobody has it."""
        unit = PROPERTY_UNITS[key]
        cached = self.resolved.get((name, key))
        if cached is not None:
            return cached
        value = self._from_override(name, key, unit)
        if value is None:
            value = self._from_library(name, key, unit)
        if value is None and key in ("ionic_conductivity_S_per_cm", "activation_energy_eV"):
            value = self._from_knowledge_base_search(name, key, unit)
        if value is not None:
            self.resolved[(name, key)] = value
        return value

    def require(self, name: str, key: str, design_field: str, purpose: str) -> Value:
        """Like `find`, but a missing property is an error that says what to supply and where."""
        value = self.find(name, key)
        if value is None:
            raise InputError(
                self.design_source,
                design_field,
                f"{key} of '{name}' ({purpose}); it is not in the library nor in the knowledge base: "
                f'add it as [materials."{name}"] {key} = ...',
                None,
            )
        return value

    def _from_override(self, name: str, key: str, unit: str) -> Value | None:
        raw = self.overrides.get(name, {}).get(key)
        if raw is None:
            return None
        if not isinstance(raw, (int, float)) or isinstance(raw, bool):
            raise InputError(self.design_source, f"materials.{name}.{key}", f"a number in {unit}", raw)
        return Value(float(raw), unit, UserInput(self.design_source, f"materials.{name}.{key}"))

    def _from_library(self, name: str, key: str, unit: str) -> Value | None:
        entry = self.entry(name)
        if entry is None or key not in entry.properties:
            return None
        spec = entry.properties[key]
        if "kb" in spec:
            return self.record_value(spec["kb"], unit)
        held_in = f"nassb material library [{entry.name}] {key}"
        return Value(float(spec["value"]), unit, Literature(spec["ref"], spec.get("locator", ""), held_in))

    def record_value(self, record_id: str, unit: str) -> Value:
        """A knowledge-base record's value in `unit`, citing the record (its temperature kept for conductivities)."""
        record = self.knowledge_base.record(record_id)
        value = self.knowledge_base.value(record_id).to(unit) if unit != "1" else self.knowledge_base.value(record_id)
        source = KnowledgeBaseRecord(record_id, record["seed_file"], record["locator"])
        return Value(value.magnitude, value.unit, source, value.uncertainty)

    def record_temperature_K(self, value: Value) -> float:
        """The measurement temperature of a knowledge-base value (room temperature when unstated)."""
        if isinstance(value.source, KnowledgeBaseRecord):
            temperature = self.knowledge_base.record(value.source.record_id).get("temperature_K")
            if temperature is not None and not (isinstance(temperature, float) and math.isnan(temperature)):
                return float(temperature)
        return ROOM_TEMPERATURE_K

    def _from_knowledge_base_search(self, name: str, key: str, unit: str) -> Value | None:
        reduced = _reduced_formula(self.formula(name))
        if reduced is None:
            return None
        records = self.knowledge_base.records
        chosen = records[
            (records["reduced_formula"] == reduced)
            & (records["property"] == KB_PROPERTY[key])
            & (records["role"] == "electrolyte")
            & (records["flags"].fillna("") == "")
        ]
        if key == "ionic_conductivity_S_per_cm":
            temperature = chosen["temperature_K"].fillna(ROOM_TEMPERATURE_K)
            chosen = chosen[temperature.between(*ROOM_TEMPERATURE_RANGE_K)]
        chosen = chosen.dropna(subset=["value_canonical"]).sort_values(["value_canonical", "record_id"])
        if chosen.empty:
            return None
        median = chosen.iloc[(len(chosen) - 1) // 2]
        return self.record_value(median["record_id"], unit)

    def ionic_conductivity_at(self, name: str, temperature_K: float, design_field: str) -> Value:
        """Ionic conductivity (S/cm) at `temperature_K` by the sigma*T Arrhenius law (seed 004 Eq.1, 003).

        sigma(T) = sigma_ref (T_ref / T) exp(-Ea/kB (1/T - 1/T_ref)), from the reference conductivity and the
        activation energy; within 5 K of the reference temperature the reference value is used as it is.
        """
        reference = self.require(
            name, "ionic_conductivity_S_per_cm", design_field, "ionic conductivity of the electrolyte"
        )
        reference_K = self.record_temperature_K(reference)
        if abs(temperature_K - reference_K) <= SAME_TEMPERATURE_TOLERANCE_K:
            return reference
        activation = self.require(
            name,
            "activation_energy_eV",
            design_field,
            f"activation energy to take the conductivity from {reference_K:.0f} K to {temperature_K:.0f} K",
        )
        sigma = arrhenius_conductivity_S_per_cm(reference.magnitude, reference_K, temperature_K, activation.magnitude)
        method = "Arrhenius sigma*T law (seed 004 Eq.1)"
        settings = {
            "sigma_ref": f"{reference.magnitude:.3g} S/cm at {reference_K:.0f} K ({reference.source.describe()})",
            "Ea": f"{activation.magnitude:.3g} eV ({activation.source.describe()})",
        }
        return Value(sigma, "S/cm", Computation(method, settings))
