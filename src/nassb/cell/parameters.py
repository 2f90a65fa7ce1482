"""The cell's parameters: each declared once by name, and one `ParameterSet` of `Value`s that feeds every model.

After PyBaMM's split of a model from its parameter values: models (the stack, the microstructure, the rate
model, the optimiser, the report) ask for parameters by a dotted name such as ``separator.thickness`` or
``cathode.active.diffusivity``, in the unit they compute in (``params.get("separator.thickness", "cm")``);
`nassb.cell.resolve` fills one `ParameterSet` from the design file, the material library, the knowledge base
or a documented default, and each `Value` keeps its source (a TOML path, a knowledge-base record, a cited
paper, a computation with its settings, or a default with its justification).

Adding a parameter is one `Parameter` line in `REGISTRY` below: its name, canonical unit (one that
`nassb.core.units` knows), one-line meaning and allowed range. Per-layer names take an index in brackets,
``interlayer[0].thickness``, which the registry entry ``interlayer.thickness`` declares.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nassb.core.errors import InputError
from nassb.core.units import convert, parse_unit
from nassb.core.value import UserInput, Value, source_from_dict

SOURCE = "cell parameters"
INF = math.inf


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: dotted name, canonical unit, meaning, and the closed or open range it may take."""

    name: str
    unit: str
    meaning: str
    minimum: float = -INF
    maximum: float = INF
    minimum_inclusive: bool = True
    maximum_inclusive: bool = True

    def describe_range(self) -> str:
        low = "[" if self.minimum_inclusive else "("
        high = "]" if self.maximum_inclusive else ")"
        return f"{low}{self.minimum:g}, {self.maximum:g}{high} {self.unit}"

    def contains(self, magnitude: float) -> bool:
        above = magnitude >= self.minimum if self.minimum_inclusive else magnitude > self.minimum
        below = magnitude <= self.maximum if self.maximum_inclusive else magnitude < self.maximum
        return math.isfinite(magnitude) and above and below


def _positive(name: str, unit: str, meaning: str, maximum: float = INF) -> Parameter:
    return Parameter(name, unit, meaning, 0.0, maximum, minimum_inclusive=False)


def _non_negative(name: str, unit: str, meaning: str, maximum: float = INF) -> Parameter:
    return Parameter(name, unit, meaning, 0.0, maximum)


def _fraction(name: str, meaning: str, open_at_one: bool = False) -> Parameter:
    return Parameter(name, "1", meaning, 0.0, 1.0, maximum_inclusive=not open_at_one)


_COMPOSITE_PARTS = ("active", "catholyte", "carbon", "binder")

_PARAMETERS = [
    _positive("cell.temperature", "K", "operating temperature of the cell"),
    Parameter("cell.voltage_min", "V", "lower cut-off voltage of the discharge", 0.0, 10.0, minimum_inclusive=False),
    Parameter("cell.voltage_max", "V", "upper cut-off voltage of the charge", 0.0, 10.0, minimum_inclusive=False),
    _fraction("cell.packaging_mass_fraction", "share of the cell mass outside the electrode stack", open_at_one=True),
    _fraction(
        "cell.packaging_volume_fraction", "share of the cell volume outside the electrode stack", open_at_one=True
    ),
    _positive("cell.area", "cm2", "electrode area of the cell"),
    _non_negative("cell.stack_pressure", "MPa", "stack pressure applied to the cell"),
    *[
        _fraction(f"cathode.{part}.mass_fraction", f"mass fraction of the {part} in the composite cathode")
        for part in _COMPOSITE_PARTS
    ],
    *[
        _fraction(
            f"cathode.{part}.volume_fraction",
            f"volume fraction of the {part} in the composite cathode (pores included)",
        )
        for part in _COMPOSITE_PARTS
    ],
    *[
        _positive(f"cathode.{part}.density", "g/cm3", f"density of the {part} material of the composite")
        for part in _COMPOSITE_PARTS
    ],
    Parameter(
        "cathode.porosity",
        "1",
        "pore volume fraction of the composite cathode (above 0.9 it is no composite)",
        0.0,
        0.9,
    ),
    _positive("cathode.active_loading", "mg/cm2", "active-material mass per electrode area", maximum=1000.0),
    _positive(
        "cathode.composite_loading", "mg/cm2", "composite-cathode mass per electrode area (pore liquid excluded)"
    ),
    _positive("cathode.thickness", "cm", "thickness of the composite cathode", maximum=1.0),
    _positive("cathode.bulk_density", "g/cm3", "density of the composite cathode including its pores"),
    _positive("cathode.areal_capacity", "mAh/cm2", "practical capacity of the cathode per electrode area (1C current)"),
    _positive(
        "cell.areal_capacity",
        "mAh/cm2",
        "capacity the cell delivers at low rate per electrode area (the cathode's, or less where the anode limits it)",
    ),
    _positive("cathode.active.practical_capacity", "mAh/g", "capacity the active material delivers at low rate"),
    _positive("cathode.active.theoretical_capacity", "mAh/g", "Faraday capacity of the active material"),
    _positive("cathode.active.electrons_per_formula", "1", "Na exchanged per formula unit of the active material"),
    Parameter(
        "cathode.active.average_voltage",
        "V",
        "mean discharge potential of the active material vs Na/Na+",
        0.0,
        6.0,
        minimum_inclusive=False,
    ),
    Parameter(
        "cathode.active.ocv_slope",
        "V",
        "Frumkin interaction term of the open-circuit curve (negative flattens it)",
        -1.0,
        5.0,
    ),
    _positive("cathode.active.diffusivity", "cm2/s", "Na diffusivity in the active particles"),
    _positive(
        "cathode.active.exchange_current_density",
        "mA/cm2",
        "exchange current density of the active | catholyte interface per particle surface",
    ),
    _positive("cathode.active.particle_radius", "cm", "radius of the active particles", maximum=0.01),
    _non_negative("cathode.active.electronic_conductivity", "S/cm", "electronic conductivity of the active material"),
    Parameter(
        "cathode.active.initial_stoichiometry",
        "1",
        "Na stoichiometry of the active particles when discharge starts",
        0.0,
        1.0,
        minimum_inclusive=False,
        maximum_inclusive=False,
    ),
    _positive(
        "cathode.catholyte.ionic_conductivity", "S/cm", "ionic conductivity of the catholyte at the cell temperature"
    ),
    _positive("cathode.catholyte.particle_radius", "cm", "radius of the catholyte particles"),
    _non_negative("cathode.carbon.electronic_conductivity", "S/cm", "electronic conductivity of the conductive carbon"),
    _positive("cathode.carbon.particle_radius", "cm", "radius of the conductive-carbon particles"),
    _positive(
        "cathode.pore_electrolyte.ionic_conductivity",
        "S/cm",
        "ionic conductivity of the liquid in the cathode pores at the cell temperature",
    ),
    _positive("cathode.pore_electrolyte.density", "g/cm3", "density of the liquid in the cathode pores"),
    _positive("cathode.ionic_conductivity_effective", "S/cm", "effective ionic conductivity of the composite cathode"),
    _positive(
        "cathode.electronic_conductivity_effective",
        "S/cm",
        "effective electronic conductivity of the composite cathode",
    ),
    _non_negative("cathode.interface_asr", "Ohm cm2", "area-specific resistance of the cathode | separator interface"),
    _non_negative("cathode.series_asr", "Ohm cm2", "cathode-side interface ASR plus the cathode-side interlayers"),
    _positive("separator.thickness", "cm", "thickness of the solid-electrolyte separator", maximum=1.0),
    Parameter(
        "separator.porosity", "1", "pore volume fraction of the separator (above 0.9 it does not separate)", 0.0, 0.9
    ),
    _positive("separator.density", "g/cm3", "density of the separator material"),
    _positive(
        "separator.ionic_conductivity", "S/cm", "ionic conductivity of the separator material at the cell temperature"
    ),
    _positive("separator.ionic_conductivity_effective", "S/cm", "conductivity of the porous separator (Bruggeman)"),
    _non_negative("separator.area_resistance", "Ohm cm2", "ionic resistance of the separator per electrode area"),
    # binary-salt (polymer, gel) electrolytes: separator film and catholyte are one electrolyte (nassb.cell.polymer)
    Parameter(
        "separator.transference_number",
        "1",
        "cation transference number t+ of the electrolyte salt (seed 004 Eqs.4-5)",
        0.0,
        1.0,
        minimum_inclusive=False,
    ),
    _positive("separator.salt_diffusivity", "cm2/s", "diffusivity of the salt in the binary-salt electrolyte"),
    _positive("separator.salt_concentration", "mol/L", "salt concentration of the binary-salt electrolyte"),
    _positive("separator.ether_oxygen_per_na", "1", "ether oxygens per Na+ (EO:Na) of a PEO-salt electrolyte"),
    _positive("separator.vtf_pseudo_activation", "K", "VTF pseudo-activation B of the conductivity (seed 004 Eq.2)"),
    _non_negative("separator.vtf_T0", "K", "VTF reference temperature T0 of the conductivity (seed 004 Eq.2)"),
    _positive(
        "separator.limiting_current_density",
        "mA/cm2",
        "salt-depletion limiting current of the separator film, 2 F D c0 / ((1 - t+) L)",
    ),
    _positive("anode.thickness", "cm", "thickness of the anode", maximum=1.0),
    _positive("anode.loading", "mg/cm2", "anode mass per electrode area"),
    _positive("anode.np_ratio", "1", "Na capacity of the anode over the cathode's areal capacity (N/P)"),
    Parameter(
        "anode.capacity_fraction",
        "1",
        "share of the cathode's capacity the anode can supply (Na-free cathode) or "
        "hold (alloy host): min(1, N/P) where it limits, else 1",
        0.0,
        1.0,
        minimum_inclusive=False,
    ),
    _positive("anode.density", "g/cm3", "density of the anode material"),
    _positive("anode.specific_capacity", "mAh/g", "Na the anode material holds per mass"),
    _positive("anode.electrons_per_formula", "1", "Na held per formula unit of the anode alloy"),
    Parameter("anode.potential", "V", "mean potential of the anode vs Na/Na+", -1.0, 3.0),
    _positive("anode.exchange_current_density", "mA/cm2", "exchange current density of Na plating and stripping"),
    _non_negative("anode.interface_asr", "Ohm cm2", "area-specific resistance of the anode | separator interface"),
    _non_negative("anode.series_asr", "Ohm cm2", "anode-side interface ASR plus the anode-side interlayers"),
    _positive("interlayer.thickness", "cm", "thickness of an interlayer"),
    _positive("interlayer.liquid_volume", "uL", "volume of a liquid interlayer"),
    _positive("interlayer.density", "g/cm3", "density of an interlayer"),
    _positive("interlayer.ionic_conductivity", "S/cm", "ionic conductivity of an interlayer at the cell temperature"),
    _non_negative("interlayer.asr", "Ohm cm2", "area-specific resistance of an interlayer"),
    *[
        _positive(
            f"{side}_collector.thickness",
            "cm",
            f"{side} current-collector thickness per cell (halved when double-sided)",
        )
        for side in ("cathode", "anode")
    ],
    *[
        _positive(f"{side}_collector.density", "g/cm3", f"density of the {side} current collector")
        for side in ("cathode", "anode")
    ],
]

# the interface-failure and cycle-life models (nassb.interface, nassb.mechanics, nassb.cell.life)
_FAILURE_PARAMETERS = [
    _positive("cell.cycling_c_rate", "C", "C-rate of the charge and of the discharge in cycling", maximum=100.0),
    _positive("cell.cycles", "cycles", "number of cycles the design states (retention is reported there)", 1e6),
    _positive("separator.shear_modulus", "GPa", "shear modulus of the separator electrolyte"),
    _positive("separator.young_modulus", "GPa", "Young's modulus of the separator electrolyte"),
    Parameter(
        "separator.poisson_ratio", "1", "Poisson ratio of the separator electrolyte", 0.0, 0.5, maximum_inclusive=False
    ),
    _positive("separator.fracture_toughness", "MPa m0.5", "fracture toughness K_IC of the separator"),
    _positive("separator.flaw_size", "cm", "depth of the largest surface flaw of the separator", maximum=0.1),
    _non_negative("separator.electronic_conductivity", "S/cm", "electronic conductivity of the separator"),
    _positive("separator.relative_permittivity", "1", "static relative permittivity of the separator"),
    _positive("separator.grain_boundary_conductivity", "S/cm", "apparent grain-boundary conductivity L/(A R_gb)"),
    _positive("separator.carrier_density", "1/cm3", "Na+ per volume of the separator electrolyte"),
    _fraction(
        "separator.na_interphase_passivating",
        "1 where the Na | separator interphase was measured to stop growing (overrides the thermodynamic class)",
    ),
    _positive("anode.shear_modulus", "GPa", "shear modulus of the Na metal (or alloy) anode"),
    _positive("anode.molar_volume", "cm3/mol", "volume of the anode metal per mole of Na"),
    _non_negative(
        "anode.creep_supply_coefficient", "mA/cm2/MPa", "critical stripping current per stack pressure (Na creep)"
    ),
    _non_negative("anode.creep_supply_activation_energy", "eV", "activation energy of the critical stripping current"),
    _non_negative("anode.vacancy_supply_current", "mA/cm2", "Na supplied to the interface by vacancy diffusion"),
    _positive("anode.void_depth", "cm", "depth of Na stripped from a contact before it is lost to a void"),
    Parameter(
        "anode.contact_fraction",
        "1",
        "initial share of the anode | separator area in contact",
        0.0,
        1.0,
        minimum_inclusive=False,
    ),
    Parameter(
        "cathode.active.volume_change",
        "%",
        "volume change of the active material between the ends of charge",
        -90.0,
        500.0,
    ),
    _positive("cathode.partner.young_modulus", "GPa", "Young's modulus of the phase around the active particles"),
    Parameter(
        "cathode.partner.poisson_ratio",
        "1",
        "Poisson ratio of the phase around the active particles",
        0.0,
        0.5,
        maximum_inclusive=False,
    ),
    _positive("cathode.partner.relative_permittivity", "1", "relative permittivity of the catholyte"),
    _positive("cathode.partner.carrier_density", "1/cm3", "Na+ per volume of the catholyte"),
    Parameter(
        "cathode.contact_fraction",
        "1",
        "initial share of the active surface in contact",
        0.0,
        1.0,
        minimum_inclusive=False,
    ),
    _non_negative("cathode.contact_loss_coefficient", "1", "share of the unclosed strain lost as contact per cycle"),
    _fraction("cathode.contact_loss_per_cycle", "measured fraction of the active material's contact lost per cycle"),
    _positive("anode.critical_current_density", "mA/cm2", "measured critical current density of the Na contact"),
    _non_negative("interphase.growth_rate_constant", "cm2/s", "Wagner parabolic rate constant k of an interphase"),
    _non_negative("interphase.ionic_conductivity", "S/cm", "Na+ conductivity of an interphase's product mixture"),
    _non_negative("interphase.electronic_conductivity", "S/cm", "electronic conductivity of an interphase"),
    _positive(
        "interphase.resistance_growth_constant",
        "Ohm2 cm4/s",
        "measured parabolic growth of an interphase's ASR, R^2 = 2 k_R t (nassb diagnose)",
    ),
]
_PARAMETERS += _FAILURE_PARAMETERS
REGISTRY: dict[str, Parameter] = {parameter.name: parameter for parameter in _PARAMETERS}
_INDEX = re.compile(r"\[[^\]]*\]")


def definition(name: str) -> Parameter:
    """The registry entry of `name` (``interlayer[1].asr`` -> ``interlayer.asr``); unknown names are an InputError."""
    parameter = REGISTRY.get(_INDEX.sub("", name))
    if parameter is None:
        close = difflib.get_close_matches(_INDEX.sub("", name), list(REGISTRY), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise InputError(SOURCE, "parameter", f"a registered parameter name{hint}", name)
    return parameter


def _check(name: str, value: Value) -> Value:
    parameter = definition(name)
    if parse_unit(value.unit).dimension != parse_unit(parameter.unit).dimension:
        raise InputError(SOURCE, name, f"a value in a unit of {parameter.unit}", value.unit)
    magnitude = convert(value.magnitude, value.unit, parameter.unit)
    if not parameter.contains(magnitude):
        where = (value.source.file, value.source.field) if isinstance(value.source, UserInput) else (SOURCE, name)
        raise InputError(
            *where, f"{parameter.meaning} in {parameter.describe_range()}", f"{magnitude:g} {parameter.unit}"
        )
    return value


class ParameterSet:
    """Named `Value`s of one cell; every name is registered and every value within its range."""

    def __init__(self, values: Mapping[str, Value] | None = None):
        self._values: dict[str, Value] = {}
        for name, value in (values or {}).items():
            self.set(name, value)

    def set(self, name: str, value: Value) -> float:
        """Store `value` under `name` after checking the name, the unit's dimension and the range; returns the
        magnitude."""
        self._values[name] = _check(name, value)
        return value.magnitude

    def value(self, name: str) -> Value:
        """The `Value` stored under `name`, with its source."""
        if name not in self._values:
            definition(name)
            raise InputError(SOURCE, name, "a parameter this cell has (it was not resolved for this design)")
        return self._values[name]

    def get(self, name: str, unit: str | None = None) -> float:
        """The magnitude of `name` in `unit` (any unit of the same dimension; the registry's canonical unit by
        default)."""
        value = self.value(name)
        return convert(value.magnitude, value.unit, unit or definition(name).unit)

    def find(self, name: str, unit: str | None = None) -> float | None:
        """Like `get`, but None when this cell does not have the parameter."""
        return self.get(name, unit) if name in self._values else None

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def items(self):
        return self._values.items()

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """{name: {value, unit, meaning, uncertainty, source: {kind, ...}}}, the JSON form of the evaluation."""
        return {
            name: {
                "value": value.magnitude,
                "unit": value.unit,
                "meaning": definition(name).meaning,
                "uncertainty": value.uncertainty,
                "source": value.source.to_dict(),
            }
            for name, value in self._values.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> ParameterSet:
        """The set `to_dict` wrote."""
        return cls(
            {
                name: Value(
                    float(item["value"]), item["unit"], source_from_dict(item["source"]), item.get("uncertainty")
                )
                for name, item in data.items()
            }
        )
