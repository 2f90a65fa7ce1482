"""The interphase-product table (src/nassb/interface/data/interphase_products.toml): keys, units, refs, physics."""

from __future__ import annotations

import math
import tomllib

import pytest
from conftest import REPO_ROOT
from pymatgen.core import Composition

TABLE = REPO_ROOT / "src" / "nassb" / "interface" / "data" / "interphase_products.toml"
KINDS = {"ionic_insulator", "electronic_conductor", "mixed", "metal"}
PROPERTIES = {"density_g_per_cm3", "ionic_conductivity_S_per_cm", "electronic_conductivity_S_per_cm", "band_gap_eV"}
AVOGADRO = 6.02214076e23


def _table() -> dict:
    return tomllib.loads(TABLE.read_text(encoding="utf-8"))


PHASES = _table()


def test_covers_the_products_the_growth_model_meets():
    required = {
        "Na2S", "Na3P", "Na3Sb", "Na3As", "Na3Bi", "Na2Se", "Na2O", "Na2O2", "NaCl", "NaBr", "NaI", "NaF",
        "Na3PO4", "Na2PS3", "Na3PS4", "S", "P2S5", "NaCrS2", "Na3N", "NaH", "Na(BH)6", "Na15Sn4",
        "Sn", "Sb", "Bi", "Pb", "Y", "Zr", "Sc", "In", "ZrO2", "SiO2", "Na2SiO3", "Na4SiO4",
    }  # fmt: skip
    assert required <= set(PHASES)


@pytest.mark.parametrize("key", sorted(PHASES))
def test_key_is_the_reduced_formula_pymatgen_writes(key):
    assert Composition(key).reduced_formula == key
    for alias in PHASES[key].get("aliases", []):
        assert isinstance(alias, str) and alias


@pytest.mark.parametrize("key", sorted(PHASES))
def test_every_value_is_finite_positive_and_cited(key):
    entry = PHASES[key]
    assert set(entry) <= PROPERTIES | {"kind", "aliases"}, f"{key}: unknown field"
    for name in PROPERTIES & set(entry):
        prop = entry[name]
        assert isinstance(prop["value"], int | float) and not isinstance(prop["value"], bool)
        assert math.isfinite(prop["value"]) and prop["value"] > 0, f"{key}.{name}"
        assert isinstance(prop.get("ref"), str) and len(prop["ref"]) > 20, f"{key}.{name} has no ref"
        for extra in ("temperature_K", "activation_energy_eV"):
            if extra in prop:
                assert math.isfinite(prop[extra]) and prop[extra] > 0, f"{key}.{name}.{extra}"
        assert set(prop) <= {"value", "ref", "temperature_K", "activation_energy_eV"}


@pytest.mark.parametrize("key", sorted(PHASES))
def test_kind_is_one_of_four_and_metals_have_no_ionic_conductivity(key):
    entry = PHASES[key]
    assert entry.get("kind") in KINDS, f"{key}: kind {entry.get('kind')!r}"
    if entry["kind"] == "metal":
        assert "ionic_conductivity_S_per_cm" not in entry
    if "ionic_conductivity_S_per_cm" in entry:  # a Na+ conductivity needs Na in the phase
        assert "Na" in {el.symbol for el in Composition(key).elements}


def test_every_kind_line_carries_a_ref_or_reasoning_comment():
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("kind = "):
            j = i - 1
            while lines[j].startswith("# ") and not lines[j].startswith("# kind: "):
                j -= 1  # a ref comment may run over several lines
            assert lines[j].startswith("# kind: "), f"line {i + 1}: kind without its ref comment"


def test_metals_conduct_electrons_better_than_any_compound():
    sigma = "electronic_conductivity_S_per_cm"
    metals = [e[sigma]["value"] for e in PHASES.values() if e["kind"] == "metal" and sigma in e]
    assert len(metals) >= 8 and min(metals) > 1e3  # Bi, the poorest metal here, is 7.8e3 S/cm (129 uOhm cm)
    for entry in PHASES.values():
        if entry["kind"] != "metal" and sigma in entry:
            assert entry[sigma]["value"] < min(metals)


def _cell_volume_A3(kind: str, a: float, c: float | None = None) -> float:
    if kind == "cubic":
        return a**3
    if kind == "hexagonal":
        return math.sqrt(3) / 2 * a**2 * c
    raise ValueError(kind)


# (formula, lattice, a / A, c / A, Z, source of the cell).  rho = Z M / (N_A V) must agree with the table within 3 %.
CELLS = [
    # antifluorite Na2S: Zintl, Harder & Dauth, Z. Elektrochem. 40 (1934) 588
    ("Na2S", "cubic", 6.54, None, 4),
    # rock salt NaCl: AFLOW prototype AB_cF8_225_a_b (Mehl et al., Comput. Mater. Sci. 136 (2017) S1)
    ("NaCl", "cubic", 5.639, None, 4),
    # rock salt NaBr: Wikipedia 'Sodium bromide', a = 5.97 A
    ("NaBr", "cubic", 5.97, None, 4),
    # Na3P: Dong & DiSalvo, Acta Cryst. E61 (2005) i223 (165 K)
    ("Na3P", "hexagonal", 4.9512, 8.7874, 2),
    # Na3As (D0_18): ICSD 26883 via the AFLOW prototype AB3_hP8_194_c_bf
    ("Na3As", "hexagonal", 5.088, 8.982, 2),
    # Na3Bi: Wang et al., Phys. Rev. B 85 (2012) 195320
    ("Na3Bi", "hexagonal", 5.448, 9.655, 2),
    # anti-ReO3 Na3N: Fischer & Jansen, Angew. Chem. Int. Ed. 41 (2002) 1755
    ("Na3N", "cubic", 4.7325, None, 1),
    # Na2O2 form I: Tallman (1960) / Foppl, Z. Anorg. Allg. Chem. 291 (1957) 12
    ("Na2O2", "hexagonal", 6.207, 4.471, 3),
    # Na15Sn4 (I-43d): Ellis, Hatchard & Obrovac, J. Electrochem. Soc. 159 (2012) A1801
    ("Na15Sn4", "cubic", 13.14, None, 4),
]


@pytest.mark.parametrize(("formula", "lattice", "a", "c", "z"), CELLS)
def test_density_agrees_with_the_crystal_cell(formula, lattice, a, c, z):
    molar_mass = Composition(formula).weight  # g/mol
    rho = z * molar_mass / (AVOGADRO * _cell_volume_A3(lattice, a, c) * 1e-24)
    assert PHASES[formula]["density_g_per_cm3"]["value"] == pytest.approx(rho, rel=0.03)


def test_na2s_density_from_the_antifluorite_cell():
    """Na2S, Fm-3m, a = 6.54 A, Z = 4 (Zintl, Harder & Dauth 1934): 4 x 78.045 / (N_A x 279.7 A^3) = 1.853 g/cm3."""
    rho = 4 * Composition("Na2S").weight / (AVOGADRO * 6.54**3 * 1e-24)
    assert rho == pytest.approx(1.853, abs=0.002)
    assert PHASES["Na2S"]["density_g_per_cm3"]["value"] == pytest.approx(rho, rel=0.03)


def test_the_only_ionic_conductivities_are_the_sourced_thiophosphates():
    """No guessed Na+ conductivities: the table holds only the two measured ones."""
    with_sigma = {k for k, e in PHASES.items() if "ionic_conductivity_S_per_cm" in e}
    assert with_sigma == {"Na3PS4", "Na2PS3"}
    na3ps4 = PHASES["Na3PS4"]["ionic_conductivity_S_per_cm"]
    assert na3ps4["value"] == pytest.approx(4.6e-4) and na3ps4["activation_energy_eV"] == pytest.approx(0.20)
    assert PHASES["Na2PS3"]["ionic_conductivity_S_per_cm"]["value"] < na3ps4["value"]
