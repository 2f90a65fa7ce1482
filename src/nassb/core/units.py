"""Units of the solid-state battery field: one table of symbols, dimensions and factors.

A small explicit table instead of pint: the field uses some forty units, most of them compound
(``mAh/g``, ``Ohm cm2``, ``kJ/mol`` as an energy per ion), and the table makes every conversion
reviewable. Canonical internal units follow STYLE.md: S/cm, eV, K, Ohm, cm, V, mAh/g, mAh/cm2.
The SI units of the PyBaMM boundary (m, m2, m2/s, S/m, Ohm m2, A/m2, C/m2, mol/m3) are in the same
table, so the cell path converts with `convert`, never with a hand-written factor.
kJ/mol converts to eV per particle through the Faraday constant (1 eV = 96.485 kJ/mol).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nassb.core.constants import KJ_PER_MOL_IN_EV, ZERO_CELSIUS_K
from nassb.core.errors import InputError


@dataclass(frozen=True)
class Unit:
    """A unit symbol, the physical dimension it measures and its factor to the dimension's canonical unit."""

    symbol: str
    dimension: str
    factor: float
    offset: float = 0.0


_UNITS = [
    Unit("S/cm", "conductivity", 1.0),
    Unit("mS/cm", "conductivity", 1e-3),
    Unit("uS/cm", "conductivity", 1e-6),
    Unit("S/m", "conductivity", 1e-2),
    Unit("eV", "energy", 1.0),
    Unit("meV", "energy", 1e-3),
    Unit("kJ/mol", "energy", KJ_PER_MOL_IN_EV),
    Unit("kcal/mol", "energy", 4.184 * KJ_PER_MOL_IN_EV),
    Unit("eV/atom", "energy_per_atom", 1.0),
    Unit("meV/atom", "energy_per_atom", 1e-3),
    Unit("K", "temperature", 1.0),
    Unit("degC", "temperature", 1.0, ZERO_CELSIUS_K),
    Unit("Ohm", "resistance", 1.0),
    Unit("kOhm", "resistance", 1e3),
    Unit("MOhm", "resistance", 1e6),
    Unit("Ohm cm2", "area_resistance", 1.0),
    Unit("kOhm cm2", "area_resistance", 1e3),
    Unit("mAh/g", "specific_capacity", 1.0),
    Unit("Ah/kg", "specific_capacity", 1.0),
    Unit("mAh/cm2", "areal_capacity", 1.0),
    Unit("uAh/cm2", "areal_capacity", 1e-3),
    Unit("mAh", "charge", 1.0),
    Unit("Wh/kg", "specific_energy", 1.0),
    Unit("Wh/L", "energy_density", 1.0),
    Unit("W/kg", "specific_power", 1.0),
    Unit("V", "voltage", 1.0),
    Unit("mV", "voltage", 1e-3),
    Unit("MPa", "pressure", 1.0),
    Unit("GPa", "pressure", 1e3),
    Unit("kPa", "pressure", 1e-3),
    Unit("Pa", "pressure", 1e-6),
    Unit("bar", "pressure", 0.1),
    Unit("MPa m0.5", "fracture_toughness", 1.0),
    Unit("Pa m0.5", "fracture_toughness", 1e-6),
    Unit("J", "energy", 1.0 / 1.602176634e-19),
    Unit("A/m2/Pa", "current_per_pressure", 0.1 * 1e6),
    Unit("1/s", "c_rate", 3600.0),
    Unit("1/K", "expansion_coefficient", 1.0),
    Unit("ppm/K", "expansion_coefficient", 1e-6),
    Unit("mA/cm2/MPa", "current_per_pressure", 1.0),
    Unit("1/cm3", "number_density", 1.0),
    Unit("1/m3", "number_density", 1e-6),
    Unit("cm3/mol", "molar_volume", 1.0),
    Unit("m3/mol", "molar_volume", 1e6),
    Unit("J/mol", "molar_energy", 1.0),
    Unit("kJ/mol Na", "molar_energy", 1e3),
    Unit("cm", "length", 1.0),
    Unit("mm", "length", 0.1),
    Unit("um", "length", 1e-4),
    Unit("nm", "length", 1e-7),
    Unit("angstrom", "length", 1e-8),
    Unit("mg/cm2", "areal_mass", 1.0),
    Unit("g/cm3", "density", 1.0),
    Unit("uL", "volume", 1.0),
    Unit("mL", "volume", 1e3),
    Unit("cm3", "volume", 1e3),
    Unit("mA/cm2", "current_density", 1.0),
    Unit("uA/cm2", "current_density", 1e-3),
    Unit("A/cm2", "current_density", 1e3),
    Unit("mA/g", "specific_current", 1.0),
    Unit("A/g", "specific_current", 1e3),
    Unit("C", "c_rate", 1.0),
    Unit("h", "time", 1.0),
    Unit("min", "time", 1.0 / 60.0),
    Unit("s", "time", 1.0 / 3600.0),
    Unit("cycles", "count", 1.0),
    Unit("%", "fraction", 1.0),
    Unit("1", "fraction", 100.0),
    Unit("deg", "angle", 1.0),
    Unit("cm3/g", "specific_volume", 1.0),
    Unit("cm2/s", "diffusivity", 1.0),
    Unit("m2/s", "diffusivity", 1e4),
    Unit("mWh/cm2", "areal_energy", 1.0),
    Unit("W/L", "power_density", 1.0),
    Unit("cm2", "area", 1.0),
    Unit("mm2", "area", 1e-2),
    Unit("g/cm2", "areal_mass", 1e3),
    # SI units of the PyBaMM boundary (nassb.cell.rate_model works in them)
    Unit("m", "length", 1e2),
    Unit("m2", "area", 1e4),
    Unit("Ohm m2", "area_resistance", 1e4),
    Unit("A/m2", "current_density", 0.1),
    Unit("C/m2", "areal_capacity", 1.0 / 3.6e4),
    Unit("mol/m3", "concentration", 1.0),
    Unit("mol/L", "concentration", 1e3),
    Unit("kg/m3", "density", 1e-3),
    Unit("kg/m2", "areal_mass", 1e2),
    Unit("m3", "volume", 1e9),
    Unit("C/kg", "specific_capacity", 1.0 / 3.6e3),
    Unit("F", "capacitance", 1.0),
    Unit("H", "inductance", 1.0),
    Unit("Hz", "frequency", 1.0),
    Unit("Ohm^-1 s^n", "cpe_coefficient", 1.0),
    Unit("Ohm s^-1/2", "warburg_coefficient", 1.0),
    Unit("S K/cm", "conductivity_temperature", 1.0),
    Unit("%/cycle", "fade_rate", 1.0),
    Unit("nm2/h", "diffusivity", 1e-14 / 3600.0),
    Unit("um2/h", "diffusivity", 1e-8 / 3600.0),
    Unit("cm/h", "growth_velocity", 1.0),
    Unit("nm/h", "growth_velocity", 1e-7),
    Unit("mV/h", "voltage_drift", 1.0),
    Unit("mV/cycle", "voltage_drift_per_cycle", 1.0),
    Unit("Ohm2", "resistance_squared", 1.0),
    Unit("Ohm2 cm4/s", "area_resistance_growth", 1.0),  # parabolic growth of an ASR, R^2 = 2 k_R t
    Unit("Ohm2 m4/s", "area_resistance_growth", 1e8),
]

UNITS: dict[str, Unit] = {unit.symbol: unit for unit in _UNITS}

_ALIASES = {
    "s cm-1": "S/cm",
    "s/cm": "S/cm",
    "ms cm-1": "mS/cm",
    "ms/cm": "mS/cm",
    "s m-1": "S/m",
    "us/cm": "uS/cm",
    "µs/cm": "uS/cm",
    "ev": "eV",
    "mev": "meV",
    "kj mol-1": "kJ/mol",
    "kj/mol": "kJ/mol",
    "°c": "degC",
    "degc": "degC",
    "celsius": "degC",
    "k": "K",
    "ohm": "Ohm",
    "ω": "Ohm",
    "ohm cm2": "Ohm cm2",
    "ω cm2": "Ohm cm2",
    "ohm cm^2": "Ohm cm2",
    "ohm·cm2": "Ohm cm2",
    "mah g-1": "mAh/g",
    "mah/g": "mAh/g",
    "mah cm-2": "mAh/cm2",
    "mah/cm2": "mAh/cm2",
    "wh kg-1": "Wh/kg",
    "wh/kg": "Wh/kg",
    "wh l-1": "Wh/L",
    "wh/l": "Wh/L",
    "v": "V",
    "mv": "mV",
    "mpa": "MPa",
    "gpa": "GPa",
    "µm": "um",
    "μm": "um",
    "um": "um",
    "mg cm-2": "mg/cm2",
    "mg/cm2": "mg/cm2",
    "µl": "uL",
    "μl": "uL",
    "ul": "uL",
    "ma cm-2": "mA/cm2",
    "ma/cm2": "mA/cm2",
    "µa/cm2": "uA/cm2",
    "ma g-1": "mA/g",
    "ma/g": "mA/g",
    "å": "angstrom",
    "dimensionless": "1",
    "": "1",
    "percent": "%",
}


SI_UNITS: dict[str, str] = {
    "length": "m",
    "area": "m2",
    "volume": "m3",
    "temperature": "K",
    "voltage": "V",
    "fraction": "1",
    "conductivity": "S/m",
    "diffusivity": "m2/s",
    "area_resistance": "Ohm m2",
    "current_density": "A/m2",
    "areal_capacity": "C/m2",
    "specific_capacity": "C/kg",
    "density": "kg/m3",
    "areal_mass": "kg/m2",
    "pressure": "Pa",
    "concentration": "mol/m3",
    "resistance": "Ohm",
    "time": "s",
    "energy": "J",
    "fracture_toughness": "Pa m0.5",
    "expansion_coefficient": "1/K",
    "number_density": "1/m3",
    "molar_volume": "m3/mol",
    "current_per_pressure": "A/m2/Pa",
    "c_rate": "1/s",
    "count": "cycles",
    "area_resistance_growth": "Ohm2 m4/s",
}


def si_unit(unit: str) -> str:
    """The SI unit of `unit`'s dimension (``um`` -> ``m``, ``mA/cm2`` -> ``A/m2``); an InputError where none is
    listed."""
    dimension = parse_unit(unit).dimension
    if dimension not in SI_UNITS:
        raise InputError("unit conversion", "unit", f"a dimension with an SI unit ({', '.join(SI_UNITS)})", unit)
    return SI_UNITS[dimension]


def parse_unit(text: str, source: str = "unit", field: str = "unit") -> Unit:
    """Return the `Unit` for a symbol or a common spelling of it (``mS cm-1``, ``°C``, ``µm``)."""
    if text in UNITS:
        return UNITS[text]
    key = re.sub(r"\s+", " ", text.strip().replace("^", "").replace("−", "-")).lower()
    symbol = _ALIASES.get(key)
    if symbol is None:
        symbol = next((s for s in UNITS if s.lower() == key), None)
    if symbol is None:
        raise InputError(source, field, f"a unit nassb knows ({', '.join(UNITS)})", text)
    return UNITS[symbol]


def convert(magnitude: float, from_unit: str, to_unit: str) -> float:
    """Convert a magnitude between two units of the same dimension (affine for degC)."""
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source.dimension != target.dimension:
        raise InputError(
            "unit conversion", "unit", f"a unit of dimension '{source.dimension}'", f"{to_unit} ({target.dimension})"
        )
    if source.offset == 0.0 and target.offset == 0.0:
        return magnitude * (source.factor / target.factor)
    canonical = magnitude * source.factor + source.offset
    return (canonical - target.offset) / target.factor


def convert_difference(magnitude: float, from_unit: str, to_unit: str) -> float:
    """Convert a difference or an uncertainty: scale only, no temperature offset."""
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source.dimension != target.dimension:
        raise InputError("unit conversion", "unit", f"a unit of dimension '{source.dimension}'", to_unit)
    return magnitude * source.factor / target.factor
