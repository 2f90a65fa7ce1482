import pytest

from nassb.core import InputError, convert, convert_difference, parse_unit
from nassb.core.constants import FARADAY_C_PER_MOL


def test_kj_per_mol_to_ev_matches_seed_002():
    # Seed 002 (Na3PS3.85O0.15): 41.5 kJ/mol = 0.430 eV; DOMAIN.md section 3.
    assert convert(41.5, "kJ/mol", "eV") == pytest.approx(0.430, abs=5e-4)


def test_one_ev_is_faraday_over_1000_kj_per_mol():
    assert convert(1.0, "eV", "kJ/mol") == pytest.approx(FARADAY_C_PER_MOL / 1000.0, rel=1e-12)
    assert convert(1.0, "eV", "kJ/mol") == pytest.approx(96.485, abs=1e-3)


@pytest.mark.parametrize(
    ("magnitude", "source", "target", "expected"),
    [
        (1.0, "mS/cm", "S/cm", 1e-3),
        (1.0, "S/m", "S/cm", 1e-2),
        (2.17, "mS/cm", "S/m", 0.217),
        (250.0, "meV", "eV", 0.25),
        (25.0, "degC", "K", 298.15),
        (0.0, "K", "degC", -273.15),
        (1.5, "GPa", "MPa", 1500.0),
        (50.0, "um", "cm", 5e-3),
        (1.0, "mm", "um", 1000.0),
        (4.7, "Ohm cm2", "Ohm cm2", 4.7),
        (1.2, "kOhm", "Ohm", 1200.0),
        (1166.0, "mAh/g", "Ah/kg", 1166.0),
        (557.0, "Wh/kg", "Wh/kg", 557.0),
        (850.0, "uA/cm2", "mA/cm2", 0.85),
        (3.75, "V", "mV", 3750.0),
        (1.0, "1", "%", 100.0),
        (2.0, "mL", "uL", 2000.0),
    ],
)
def test_conversions(magnitude, source, target, expected):
    assert convert(magnitude, source, target) == pytest.approx(expected, rel=1e-12)


def test_round_trip_every_unit_through_its_dimension():
    from nassb.core import UNITS

    for symbol, unit in UNITS.items():
        partner = next(other for other in UNITS.values() if other.dimension == unit.dimension)
        assert convert(convert(3.7, symbol, partner.symbol), partner.symbol, symbol) == pytest.approx(3.7)


def test_difference_conversion_has_no_offset():
    assert convert_difference(10.0, "degC", "K") == pytest.approx(10.0)


def test_spellings_from_papers_are_understood():
    assert parse_unit("mS cm-1").symbol == "mS/cm"
    assert parse_unit("S cm^-1").symbol == "S/cm"
    assert parse_unit("°C").symbol == "degC"
    assert parse_unit("µm").symbol == "um"
    assert parse_unit("Ω cm2").symbol == "Ohm cm2"


def test_incompatible_dimensions_are_refused_with_the_dimension_named():
    with pytest.raises(InputError, match="conductivity"):
        convert(1.0, "S/cm", "eV")
    assert parse_unit("mAh/g").dimension != parse_unit("mAh/cm2").dimension


def test_unknown_unit_error_names_the_field_and_the_text():
    with pytest.raises(InputError) as caught:
        parse_unit("furlongs", source="design.toml", field="thickness")
    assert "design.toml" in str(caught.value) and "thickness" in str(caught.value) and "furlongs" in str(caught.value)
