"""Stack accounting against hand calculations, and the C-rate <-> current density conversion of seed 003."""

import pytest

from nassb.cell.stack import Layer, LayerRole, stack_energy
from nassb.core.errors import InputError
from nassb.echem.full_cell import areal_capacity_mAh_per_cm2_from_c_rate, current_density_mA_per_cm2_from_c_rate


def simple_stack(**kwargs):
    # 50 um cathode of 10 mg/cm2, 100 um separator of 20 mg/cm2, 20 um of Na (0.968 g/cm3 -> 1.936 mg/cm2)
    layers = [
        Layer(LayerRole.CATHODE, "cathode composite", 50e-4, 10e-3),
        Layer(LayerRole.SEPARATOR, "separator", 100e-4, 20e-3),
        Layer(LayerRole.ANODE, "anode", 20e-4, 20e-4 * 0.968),
    ]
    return stack_energy(1.2, 3.0, layers, **kwargs)


def test_hand_computed_energy_of_a_simple_stack():
    stack = simple_stack(packaging_mass_fraction=0.2, packaging_volume_fraction=0.25)
    # by hand: 1.2 mAh/cm2 x 3.0 V = 3.6 mWh/cm2; mass 10 + 20 + 1.936 = 31.936 mg/cm2; thickness 170 um
    assert stack.areal_energy_mWh_per_cm2 == pytest.approx(3.6, rel=1e-12)
    assert stack.Wh_per_kg_cathode == pytest.approx(3.6 / 0.010, rel=1e-3)  # 360 Wh/kg
    assert stack.Wh_per_L_cathode == pytest.approx(3.6 / 0.0050, rel=1e-3)  # 720 Wh/L
    assert stack.Wh_per_kg_stack == pytest.approx(112.725, rel=1e-3)  # 3.6 / 0.031936
    assert stack.Wh_per_L_stack == pytest.approx(211.765, rel=1e-3)  # 3.6 / 0.0170
    assert stack.Wh_per_kg_cell == pytest.approx(90.180, rel=1e-3)  # x (1 - 0.2)
    assert stack.Wh_per_L_cell == pytest.approx(158.824, rel=1e-3)  # x (1 - 0.25)


def test_breakdowns_sum_to_one_and_name_every_layer():
    stack = simple_stack(packaging_mass_fraction=0.1)
    mass = stack.mass_breakdown()
    assert sum(mass.values()) == pytest.approx(1.0)
    assert mass["separator"] == pytest.approx(0.9 * 20 / 31.936)
    assert set(stack.volume_breakdown()) == {"cathode composite", "separator", "anode", "packaging"}


def test_seed_003_five_c_is_4_5_mA_per_cm2_for_0_9_mAh_per_cm2():
    # seed 003 (NaCrO2 composite): "5C = 4.5 mA/cm2", i.e. 0.9 mAh/cm2
    assert current_density_mA_per_cm2_from_c_rate(5.0, 0.9) == pytest.approx(4.5)
    assert areal_capacity_mAh_per_cm2_from_c_rate(4.5, 5.0) == pytest.approx(0.9)


def test_stack_without_cathode_or_with_bad_packaging_is_rejected():
    with pytest.raises(InputError, match="cathode composite"):
        stack_energy(1.0, 3.0, [Layer(LayerRole.SEPARATOR, "separator", 1e-2, 2e-2)])
    with pytest.raises(InputError, match="packaging_mass_fraction"):
        simple_stack(packaging_mass_fraction=1.0)
