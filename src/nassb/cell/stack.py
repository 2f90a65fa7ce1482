"""Stack accounting: mass, volume and energy of a cell per unit electrode area, from layer to cell level.

Energy per area = areal capacity x mean cell voltage (seed 000 section 6: Wh/kg = mAh/g x V); per mass and
per volume it is divided by the areal mass and thickness of the layers counted at each level:
- cathode level: the composite cathode only;
- stack level: cathode, separator, anode, interlayers and current collectors (halved when double-sided
  electrodes share them in a multi-layer stack);
- cell level: the stack divided by (1 - packaging fraction), mass and volume separately.
Units: mWh/cm2 over g/cm2 is Wh/kg; mWh/cm2 over cm is Wh/L.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from nassb.core.errors import InputError
from nassb.core.units import convert


class LayerRole(Enum):
    """What a layer does in the stack, in stacking order from the cathode's collector to the anode's."""

    CATHODE_COLLECTOR = "cathode current collector"
    CATHODE = "cathode composite"
    CATHODE_INTERLAYER = "cathode-side interlayer"
    SEPARATOR = "separator"
    ANODE_INTERLAYER = "anode-side interlayer"
    ANODE = "anode"
    ANODE_COLLECTOR = "anode current collector"

    @property
    def order(self) -> int:
        return list(LayerRole).index(self)


@dataclass(frozen=True)
class Layer:
    """One layer of the stack per unit area: its role, a readable name, thickness in cm and areal mass in g/cm2."""

    role: LayerRole
    name: str
    thickness_cm: float
    mass_g_per_cm2: float

    @property
    def density_g_per_cm3(self) -> float:
        return self.mass_g_per_cm2 / self.thickness_cm if self.thickness_cm > 0 else 0.0


@dataclass(frozen=True)
class StackEnergy:
    """Energy of one cell per unit area and its densities at cathode, stack and cell level."""

    areal_capacity_mAh_per_cm2: float
    cell_voltage_V: float
    layers: tuple[Layer, ...]
    packaging_mass_fraction: float
    packaging_volume_fraction: float
    np_ratio: float | None

    @property
    def areal_energy_mWh_per_cm2(self) -> float:
        return self.areal_capacity_mAh_per_cm2 * self.cell_voltage_V

    @property
    def stack_mass_g_per_cm2(self) -> float:
        return sum(layer.mass_g_per_cm2 for layer in self.layers)

    @property
    def stack_thickness_cm(self) -> float:
        return sum(layer.thickness_cm for layer in self.layers)

    @property
    def cell_mass_g_per_cm2(self) -> float:
        return self.stack_mass_g_per_cm2 / (1.0 - self.packaging_mass_fraction)

    @property
    def cell_thickness_cm(self) -> float:
        return self.stack_thickness_cm / (1.0 - self.packaging_volume_fraction)

    @property
    def cathode(self) -> Layer:
        return next(layer for layer in self.layers if layer.role is LayerRole.CATHODE)

    @property
    def Wh_per_kg_cathode(self) -> float:
        return self.areal_energy_mWh_per_cm2 / self.cathode.mass_g_per_cm2

    @property
    def Wh_per_L_cathode(self) -> float:
        return self.areal_energy_mWh_per_cm2 / self.cathode.thickness_cm

    @property
    def Wh_per_kg_stack(self) -> float:
        return self.areal_energy_mWh_per_cm2 / self.stack_mass_g_per_cm2

    @property
    def Wh_per_L_stack(self) -> float:
        return self.areal_energy_mWh_per_cm2 / self.stack_thickness_cm

    @property
    def Wh_per_kg_cell(self) -> float:
        return self.areal_energy_mWh_per_cm2 / self.cell_mass_g_per_cm2

    @property
    def Wh_per_L_cell(self) -> float:
        return self.areal_energy_mWh_per_cm2 / self.cell_thickness_cm

    def mass_breakdown(self) -> dict[str, float]:
        """Share of the cell mass (fraction of 1) per layer, packaging included."""
        cell = self.cell_mass_g_per_cm2
        shares = {layer.name: layer.mass_g_per_cm2 / cell for layer in self.layers}
        shares["packaging"] = 1.0 - self.stack_mass_g_per_cm2 / cell
        return shares

    def volume_breakdown(self) -> dict[str, float]:
        """Share of the cell volume (fraction of 1) per layer, packaging included."""
        cell = self.cell_thickness_cm
        shares = {layer.name: layer.thickness_cm / cell for layer in self.layers}
        shares["packaging"] = 1.0 - self.stack_thickness_cm / cell
        return shares

    def to_dict(self) -> dict:
        return {
            "Wh_per_kg_cell": self.Wh_per_kg_cell,
            "Wh_per_L_cell": self.Wh_per_L_cell,
            "Wh_per_kg_stack": self.Wh_per_kg_stack,
            "Wh_per_L_stack": self.Wh_per_L_stack,
            "Wh_per_kg_cathode": self.Wh_per_kg_cathode,
            "Wh_per_L_cathode": self.Wh_per_L_cathode,
            "areal_capacity_mAh_per_cm2": self.areal_capacity_mAh_per_cm2,
            "areal_energy_mWh_per_cm2": self.areal_energy_mWh_per_cm2,
            "cell_voltage_V": self.cell_voltage_V,
            "np_ratio": self.np_ratio,
            "stack_mass_mg_per_cm2": convert(self.stack_mass_g_per_cm2, "g/cm2", "mg/cm2"),
            "stack_thickness_um": convert(self.stack_thickness_cm, "cm", "um"),
            "layers": [
                {
                    "name": layer.name,
                    "role": layer.role.value,
                    "thickness_um": convert(layer.thickness_cm, "cm", "um"),
                    "mass_mg_per_cm2": convert(layer.mass_g_per_cm2, "g/cm2", "mg/cm2"),
                }
                for layer in self.layers
            ],
            "mass_breakdown": self.mass_breakdown(),
            "volume_breakdown": self.volume_breakdown(),
        }


def stack_energy(
    areal_capacity_mAh_per_cm2: float,
    cell_voltage_V: float,
    layers: list[Layer],
    packaging_mass_fraction: float = 0.0,
    packaging_volume_fraction: float = 0.0,
    np_ratio: float | None = None,
) -> StackEnergy:
    """Energy densities of a stack of `layers` (one must be the cathode composite)."""
    if not any(layer.role is LayerRole.CATHODE for layer in layers):
        raise InputError("stack", "layers", f"a layer with the role '{LayerRole.CATHODE.value}'")
    for layer in layers:
        if layer.thickness_cm < 0 or layer.mass_g_per_cm2 < 0:
            raise InputError(
                "stack",
                layer.name,
                "a non-negative thickness and areal mass",
                (layer.thickness_cm, layer.mass_g_per_cm2),
            )
    for name, fraction in (
        ("packaging_mass_fraction", packaging_mass_fraction),
        ("packaging_volume_fraction", packaging_volume_fraction),
    ):
        if not 0 <= fraction < 1:
            raise InputError("stack", name, "a fraction in [0, 1)", fraction)
    return StackEnergy(
        areal_capacity_mAh_per_cm2,
        cell_voltage_V,
        tuple(layers),
        packaging_mass_fraction,
        packaging_volume_fraction,
        np_ratio,
    )
