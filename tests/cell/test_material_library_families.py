"""Library entries for the material families the example cells do not use: layered P2/O3 oxides, a Prussian-blue
analogue, FeF3, the organic PTO, the all-in-one Na3NbS4 and hard carbon. The electrolytes Na3OCl, NaAlCl4, Na3YCl6,
Na3AsS4 and Na11Sn2PS12 have no entry: a density or a conductivity had no source. Each entry is found under its role,
every property it declares resolves with its unit and a source, and no practical capacity exceeds the theoretical
n F / (3.6 M) of its formula."""

import pytest
from pymatgen.core import Composition

from nassb.cell.materials import PROPERTY_UNITS, MaterialResolver
from nassb.core.value import KnowledgeBaseRecord, Literature

FARADAY_C_PER_MOL = 96485.33212

NEW_ENTRIES = {
    "Na0.67Ni0.33Mn0.67O2": "cathode",
    "NaNi0.33Fe0.33Mn0.33O2": "cathode",
    "Na2FeFe(CN)6": "cathode",
    "FeF3": "cathode",
    "PTO": "cathode",
    "Na3NbS4": "cathode",
    "hard carbon": "anode",
}

ALIASES = {
    "P2-NNM": "Na0.67Ni0.33Mn0.67O2",
    "NFM": "NaNi0.33Fe0.33Mn0.33O2",
    "PBA": "Na2FeFe(CN)6",
    "Prussian blue": "Na2FeFe(CN)6",
    "pyrene-4,5,9,10-tetraone": "PTO",
    "HC": "hard carbon",
}

CATHODES = [name for name, role in NEW_ENTRIES.items() if role == "cathode"]


@pytest.fixture(scope="module")
def resolver() -> MaterialResolver:
    return MaterialResolver()


@pytest.mark.parametrize("name,role", sorted(NEW_ENTRIES.items()))
def test_new_entry_is_found_with_its_role(resolver, name, role):
    entry = resolver.entry(name)
    assert entry is not None, name
    assert entry.name == name
    assert entry.role == role
    assert Composition(entry.formula).num_atoms > 0


@pytest.mark.parametrize("alias,name", sorted(ALIASES.items()))
def test_new_entry_is_found_by_its_alias(resolver, alias, name):
    entry = resolver.entry(alias)
    assert entry is not None and entry.name == name


@pytest.mark.parametrize("name", sorted(NEW_ENTRIES))
def test_every_declared_property_resolves_with_its_unit_and_a_source(resolver, name):
    entry = resolver.entry(name)
    for key, spec in entry.properties.items():
        value = resolver.find(name, key)
        assert value is not None, f"[{name}] {key}"
        assert value.unit == PROPERTY_UNITS[key], f"[{name}] {key}: {value.unit}"
        assert value.magnitude == value.magnitude and value.magnitude >= 0, f"[{name}] {key}"
        if "kb" in spec:
            assert isinstance(value.source, KnowledgeBaseRecord), f"[{name}] {key}"
            assert value.source.record_id == spec["kb"]
        else:
            assert isinstance(value.source, Literature), f"[{name}] {key}"
            assert spec["ref"].strip(), f"[{name}] {key}: a literature value needs its ref"


def test_every_new_cathode_has_a_practical_capacity(resolver):
    for name in CATHODES:
        assert resolver.find(name, "practical_capacity_mAh_per_g") is not None, name


def test_electrolytes_without_a_sourced_density_or_conductivity_have_no_entry(resolver):
    for name in ("Na3OCl", "NaAlCl4", "Na3YCl6", "Na3AsS4", "Na11Sn2PS12"):
        entry = resolver.entry(name)
        assert entry is None or entry.role != "electrolyte", name


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in CATHODES
        if {"practical_capacity_mAh_per_g", "electrons_per_formula"} <= set(MaterialResolver().entry(name).properties)
    ],
)
def test_practical_capacity_does_not_exceed_the_theoretical_capacity_of_the_formula(resolver, name):
    practical = resolver.find(name, "practical_capacity_mAh_per_g").magnitude
    electrons = resolver.find(name, "electrons_per_formula").magnitude
    molar_mass = float(Composition(resolver.formula(name)).weight)
    theoretical = electrons * FARADAY_C_PER_MOL / (3.6 * molar_mass)
    assert practical <= theoretical * 1.01, f"{name}: {practical} > {theoretical:.1f} mAh/g"
    declared = resolver.find(name, "theoretical_capacity_mAh_per_g")
    if declared is not None:
        assert declared.magnitude == pytest.approx(theoretical, rel=0.01)


def test_the_capacity_check_covers_the_cathodes_with_a_redox_count():
    checked = {
        name
        for name in CATHODES
        if {"practical_capacity_mAh_per_g", "electrons_per_formula"} <= set(MaterialResolver().entry(name).properties)
    }
    assert checked == {"Na2FeFe(CN)6", "FeF3", "PTO"}
