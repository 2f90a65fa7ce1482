"""The material library's inputs of the interface-failure models: new electrolytes, Na metal mechanics, cathode
volume changes, and that every value is either a knowledge-base record or a cited, reproducible number."""

import math
import tomllib
from importlib import resources

import pytest
from pymatgen.core import Composition

from nassb.cell.materials import PROPERTY_UNITS, MaterialResolver, load_library
from nassb.core.value import KnowledgeBaseRecord, Literature

FAILURE_KEYS = (
    "shear_modulus_GPa",
    "young_modulus_GPa",
    "poisson_ratio",
    "fracture_toughness_MPa_m05",
    "thermal_expansion_per_K",
    "relative_permittivity",
    "volume_change_percent",
    "grain_boundary_conductivity_S_per_cm",
)


def _raw_library() -> dict:
    text = resources.files("nassb.cell").joinpath("data/materials.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _molar_volume_cm3(formula: str, density_g_per_cm3: float) -> float:
    return float(Composition(formula).weight) / density_g_per_cm3


def _library_value(name: str, key: str) -> float:
    return float(_raw_library()[name][key]["value"])


def test_every_property_key_of_the_library_is_a_known_one():
    for name, table in _raw_library().items():
        for key, spec in table.items():
            if isinstance(spec, dict):
                assert key in PROPERTY_UNITS, f"[{name}] {key} is not a library property"
                assert ("kb" in spec) != ("value" in spec), f"[{name}] {key}: either kb or value"
                if "value" in spec:
                    assert spec.get("ref", "").strip(), f"[{name}] {key}: a literature value needs its ref"
    for key in FAILURE_KEYS:
        assert key in PROPERTY_UNITS


def test_every_kb_reference_exists_in_the_knowledge_base_and_resolves():
    resolver = MaterialResolver()
    records = set(resolver.knowledge_base.records["record_id"])
    for name, entry in load_library().items():
        for key, spec in entry.properties.items():
            if "kb" in spec:
                assert spec["kb"] in records, f"[{name}] {key} -> {spec['kb']}"
                value = resolver.find(name, key)
                assert isinstance(value.source, KnowledgeBaseRecord)
                assert value.unit == PROPERTY_UNITS[key]


def test_beta_alumina_resolves_by_its_aliases_with_a_charge_neutral_formula():
    resolver = MaterialResolver()
    for alias in ("BASE", "Na-β''-Al2O3", "beta''-alumina", "Na-beta''-alumina", "beta-alumina"):
        entry = resolver.entry(alias)
        assert entry is not None and entry.name == "beta-alumina" and entry.role == "electrolyte"
    # Na2O.MgO.5Al2O3 of Bettman & Peters, J. Phys. Chem. 73 (1969) 1774: Na+ Mg2+ Al3+ O2-
    guesses = Composition(resolver.formula("BASE")).oxi_state_guesses()
    assert guesses and guesses[0] == {"Na": 1.0, "Mg": 2.0, "Al": 3.0, "O": -2.0}
    # seed 002 Table 1 row 1: 1.6e-3 S/cm at 25 C, Ea 0.41 eV
    assert resolver.find("BASE", "ionic_conductivity_S_per_cm").magnitude == pytest.approx(1.6e-3)
    assert resolver.find("BASE", "activation_energy_eV").magnitude == pytest.approx(0.41)


def test_beta_alumina_density_is_the_x_ray_density_of_the_seed_cell():
    # seed 001 section 2.2.1 (records 001X-0004/0005): P6_3/mmc, a = 5.58 A, c = 22.45 A; Z = 2 NaAl11O17
    volume_A3 = math.sqrt(3) / 2 * 5.58**2 * 22.45
    density = 2 * float(Composition("NaAl11O17").weight) / (6.02214076e23 * volume_A3 * 1e-24)
    assert _library_value("beta-alumina", "density_g_per_cm3") == pytest.approx(density, abs=0.005)


@pytest.mark.parametrize(
    ("name", "alias", "record"),
    [
        ("Na3.36Zr1.64Sc0.36Si2PO12", "NZSSP", "002T-0135"),  # seed 002 Table 1 row 45, 4.0e-3 S/cm
        ("Na3Hf2Si2PO12", "NHSP", "002T-0176"),  # seed 002 Table 3 row 19, 1.48e-3 S/cm
        ("Na3.2Zr1.9Ca0.1Si2PO12", "Ca-NZSP", "002T-0051"),  # seed 002 Table 1 row 15, 1.46e-3 S/cm
    ],
)
def test_the_nasicon_electrolytes_of_the_symmetric_cell_records(name, alias, record):
    resolver = MaterialResolver()
    assert resolver.entry(alias).name == name
    composition = Composition(resolver.formula(alias))
    charge = {"Na": 1, "Zr": 4, "Hf": 4, "Sc": 3, "Ca": 2, "Si": 4, "P": 5, "O": -2}
    assert sum(charge[str(element)] * amount for element, amount in composition.items()) == pytest.approx(0.0)
    sigma = resolver.find(alias, "ionic_conductivity_S_per_cm")
    assert sigma.source.record_id == record
    assert 1e-4 < resolver.find(alias, "density_g_per_cm3").magnitude < 10


def test_the_nasicon_densities_follow_from_the_nzsp_density_by_molar_mass():
    # Hong, Mater. Res. Bull. 11 (1976) 173: 3.24 g/cm3; same cell volume (Shannon radii Hf4+ 0.71, Zr4+ 0.72 A)
    nzsp = float(Composition("Na3Zr2Si2PO12").weight)
    for name in ("Na3.36Zr1.64Sc0.36Si2PO12", "Na3Hf2Si2PO12", "Na3.2Zr1.9Ca0.1Si2PO12"):
        expected = 3.24 * float(Composition(name).weight) / nzsp
        assert _library_value(name, "density_g_per_cm3") == pytest.approx(expected, abs=0.01)


def test_shear_moduli_computed_from_e_and_nu_equal_the_stated_arithmetic():
    # G = E / (2 (1 + nu)): Na from Wang et al., Materialia 12 (2020) 100792 (E = 4.6 GPa) and nu = 0.34;
    # the NaSICONs from Wolfenstine et al., Ionics 29 (2023) 1 (E 56-97 GPa, midpoint 76.5; nu 0.26)
    for name in ("Na", "Na3Zr2Si2PO12", "Na3.3Zr1.7La0.3Si2PO12", "Na3Hf2Si2PO12", "Na3.36Zr1.64Sc0.36Si2PO12"):
        young = _library_value(name, "young_modulus_GPa")
        poisson = _library_value(name, "poisson_ratio")
        # entered to three significant figures
        assert _library_value(name, "shear_modulus_GPa") == pytest.approx(young / (2 * (1 + poisson)), rel=5e-3)
    assert _library_value("Na3Zr2Si2PO12", "young_modulus_GPa") == pytest.approx((56 + 97) / 2)
    assert _library_value("Na3Zr2Si2PO12", "fracture_toughness_MPa_m05") == pytest.approx((1.0 + 1.5) / 2)


def test_sodium_metal_mechanics_and_expansion():
    resolver = MaterialResolver()
    shear = resolver.find("Na metal", "shear_modulus_GPa")
    assert isinstance(shear.source, Literature) and shear.magnitude == pytest.approx(1.72)
    assert resolver.find("Na", "young_modulus_GPa").magnitude == pytest.approx(4.6)  # acoustic, room temperature
    assert resolver.find("Na", "thermal_expansion_per_K").magnitude == pytest.approx(71e-6)  # CRC Handbook
    assert 0 < resolver.find("Na", "poisson_ratio").magnitude < 0.5


def test_conversion_cathode_volume_changes_follow_from_the_library_densities():
    # S -> Na2S and FeS2 + 4 Na -> Fe + 2 Na2S, molar volumes M / rho with the densities of the library
    # (S 2.07, Na2S 1.85, FeS2 5.01 g/cm3) and Fe 7.874 g/cm3 (CRC Handbook)
    sulfur = _molar_volume_cm3("S", _library_value("S", "density_g_per_cm3"))
    sulfide = _molar_volume_cm3("Na2S", _library_value("Na2S", "density_g_per_cm3"))
    pyrite = _molar_volume_cm3("FeS2", _library_value("FeS2", "density_g_per_cm3"))
    iron = _molar_volume_cm3("Fe", 7.874)
    s_to_na2s = (sulfide / sulfur - 1) * 100
    assert _library_value("S", "volume_change_percent") == pytest.approx(s_to_na2s, abs=0.05)
    assert _library_value("Na2S", "volume_change_percent") == pytest.approx(s_to_na2s, abs=0.05)
    fes2 = ((iron + 2 * sulfide) / pyrite - 1) * 100
    assert _library_value("FeS2", "volume_change_percent") == pytest.approx(fes2, abs=0.05)
    # seed 003 section 3.4 (003X-0046): conversion cathodes expand by more than 100 %
    assert s_to_na2s > 100 and fes2 > 100


def test_nvp_volume_change_is_the_reported_one_and_positive():
    # Jian et al., Adv. Energy Mater. 3 (2013) 156: 8.26 % between Na3V2(PO4)3 and NaV2(PO4)3
    value = MaterialResolver().find("NVP", "volume_change_percent")
    assert value.magnitude == pytest.approx(8.26) and value.unit == "%"


def test_every_solid_electrolyte_has_density_and_conductivity():
    resolver = MaterialResolver()
    for name, entry in load_library().items():
        if entry.role == "electrolyte" and name != "NaClO4-PC":  # the liquid wetting agent uses the liquid default
            assert resolver.find(name, "density_g_per_cm3") is not None, name
            assert resolver.find(name, "ionic_conductivity_S_per_cm") is not None, name


def test_the_failure_values_are_physical():
    resolver = MaterialResolver()
    bounds = {
        "shear_modulus_GPa": (0.1, 500),
        "young_modulus_GPa": (0.1, 1000),
        "poisson_ratio": (0.0, 0.5),
        "fracture_toughness_MPa_m05": (0.05, 20),
        "thermal_expansion_per_K": (0.0, 1e-3),
        "volume_change_percent": (-100, 1000),
    }
    for name, entry in load_library().items():
        for key, (low, high) in bounds.items():
            if key in entry.properties:
                assert low < resolver.find(name, key).magnitude < high, f"[{name}] {key}"
