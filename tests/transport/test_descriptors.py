"""Descriptors: tolerance factor, HSAB ranking along the seeds' statements, carrier density, bottleneck radius."""

import math

import pytest
from pymatgen.core import Lattice, Structure

from nassb.transport.descriptors import (
    antiperovskite_tolerance_factor,
    bottleneck_radii_A,
    describe,
    goldschmidt_tolerance_factor,
    hsab_indicator,
)


def _cubic_na3ps4() -> Structure:
    # Jansen and Henseler 1992, J. Solid State Chem. 99, 110: I-43m, a = 6.9965 A
    return Structure.from_spacegroup(
        "I-43m", Lattice.cubic(6.9965), ["Na", "P", "S"], [[0, 0.5, 0.5], [0, 0, 0], [0.1694] * 3]
    )


def test_tolerance_factor_of_the_textbook_perovskite_srtio3_is_one():
    # Shannon 1976 radii: Sr2+ (XII) 1.44, Ti4+ (VI) 0.605, O2- (VI) 1.40 A; SrTiO3 is the ideal cubic perovskite
    assert goldschmidt_tolerance_factor(1.44, 0.605, 1.40) == pytest.approx(1.0, abs=0.005)


def test_antiperovskite_tolerance_factor_of_na3obr():
    # Br- 1.96, O2- 1.40, Na+ 1.02 A (Shannon, VI): (1.96 + 1.02) / (sqrt 2 (1.40 + 1.02)) = 0.871
    assert antiperovskite_tolerance_factor("Na3OBr") == pytest.approx((1.96 + 1.02) / (math.sqrt(2) * 2.42), abs=1e-3)
    assert antiperovskite_tolerance_factor("Na3OCl") < antiperovskite_tolerance_factor("Na3OBr")
    assert antiperovskite_tolerance_factor("Na3PS4") is None


def test_hsab_ranking_follows_the_seeds():
    risk = {
        f: hsab_indicator(f).risk_score
        for f in ["Na3PS4", "Na3SbS4", "Na3PS3.85O0.15", "Na3.1Ge0.1Sb0.9S4", "Na3YCl6", "Na3Zr2Si2PO12"]
    }
    assert risk["Na3PS4"] > risk["Na3SbS4"]  # seed 001 section 4.5: Sb5+ soft acid, more stable than P5+
    assert risk["Na3PS4"] > risk["Na3PS3.85O0.15"]  # seed 000 section 4.1.1: O2- hard base protects
    assert risk["Na3SbS4"] > risk["Na3.1Ge0.1Sb0.9S4"]  # seed 000 section 4.1.1: Ge doping, 54.5 % less H2S
    assert risk["Na3YCl6"] == 0 and risk["Na3Zr2Si2PO12"] == 0


def test_carrier_density_and_sublattice_of_cubic_na3ps4():
    descriptors = describe(_cubic_na3ps4())
    assert descriptors.na_sites == 6 and descriptors.na_atoms == 6
    assert descriptors.na_site_vacancy_fraction == 0
    assert descriptors.carrier_density_per_cm3 == pytest.approx(6 / (6.9965e-8) ** 3, rel=1e-6)


def test_bottleneck_radius_of_a_cubic_conductor_is_isotropic_and_below_the_na_site_radius():
    radii = bottleneck_radii_A(_cubic_na3ps4())
    assert radii[1] == pytest.approx(radii[3], abs=0.02)  # cubic: a path along one axis is a path along all three
    # the free radius at the Na site is Na-S minus r(S2-) = 2.86 - 1.84 = 1.02 A; the window is narrower
    assert 0.3 < radii[3] < 1.02


def test_bottleneck_radius_of_a_layered_sulfide_opens_in_2d_only(external_dir):
    from nassb.chem.structure import read_structure

    radii = bottleneck_radii_A(read_structure(external_dir / "cod-tools" / "COD_2019542_NaYS2.cif"))
    assert radii[2] is not None
    assert radii[3] is None or radii[3] < radii[2] - 0.1
