from nassb.chem.formula import parse_formula


def test_formula_parses_to_its_composition():
    assert parse_formula("Na3(PS4)").reduced_formula == "Na3PS4"


def test_unparseable_or_empty_formula_gives_none():
    assert parse_formula("not a formula") is None
    assert parse_formula("") is None
