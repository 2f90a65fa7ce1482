"""Every known defect of the seeds (DOMAIN.md section 4) is in the knowledge base with a flag."""

import pytest

from nassb.kb import default_knowledge_base


@pytest.fixture(scope="module")
def records():
    return default_knowledge_base().records


def _flagged(records, seed, flag, *, formula_printed=None, property_name=None, value=None, note=None):
    rows = records[
        records["seed_file"].str.startswith(seed) & records["flags"].str.split(";").apply(lambda f: flag in f)
    ]
    if formula_printed is not None:
        rows = rows[rows["formula_printed"].str.contains(formula_printed, regex=False)]
    if property_name is not None:
        rows = rows[rows["property"] == property_name]
    if value is not None:
        rows = rows[(rows["value"] - value).abs() < 1e-9 + 1e-6 * abs(value)]
    if note is not None:
        rows = rows[rows["note"].str.contains(note, regex=False)]
    return rows


def test_000_hydrated_nss_reactions_do_not_balance_as_printed():
    reactions = default_knowledge_base().reactions.set_index("reaction_id")
    assert reactions.at["R000-1", "balance"] == "balanced"  # 8 Na + Na3PS4 -> 4 Na2S + Na3P
    assert reactions.at["R000-2", "balance"] == "balanced"  # 8 Na + Na3SbS4 -> 4 Na2S + Na3Sb
    assert reactions.at["R000-3", "balance"] == "Na 47 left vs 43 right"
    assert "H 16 left vs 18 right" in reactions.at["R000-4", "balance"]
    assert all("unbalanced" in reactions.at[r, "flags"] for r in ("R000-3", "R000-4"))


def test_000_printed_formula_with_wrong_sodium_count_is_corrected_with_a_flag(records):
    rows = _flagged(records, "000", "formula_corrected", property_name="ionic_conductivity", value=32.0)
    assert (rows["formula"] == "Na2.88Sb0.88W0.12S4").all() and len(rows) == 1


def test_001_nasicon_general_formula_misprint_is_flagged(records):
    assert not _flagged(records, "001", "seed_defect", formula_printed="Zr_xSi_{3-x}").empty


def test_001_strontium_written_as_3plus_is_flagged(records):
    assert not _flagged(records, "001", "seed_defect", formula_printed="Sr", note="Sr").empty


def test_001_table_1_nzsp_with_one_silicon_is_flagged(records):
    rows = _flagged(records, "001", "formula_corrected", note="Na3Zr2SiPO12")
    assert len(rows) >= 1 and rows["locator"].str.startswith("Table 1").all()


def test_001_table_3_double_dodecaborate_is_flagged(records):
    rows = _flagged(records, "001", "formula_corrected", note="(B12H12)0.5(B12H12)0.5")
    assert len(rows) >= 1 and rows["locator"].str.startswith("Table 3").all()


def test_001_tis2_above_theoretical_is_flagged(records):
    assert not _flagged(records, "001", "exceeds_theoretical", value=254.0).empty


def test_002_both_sides_of_the_chloride_conductivity_disagreement_are_flagged(records):
    values = set(_flagged(records, "002", "inconsistent_in_seed", property_name="ionic_conductivity")["value"].round(7))
    assert {0.00196, 0.000196} <= values


def test_002_w_doped_nass_at_125_mS_is_flagged(records):
    assert not _flagged(records, "002", "inconsistent_in_seed", value=0.125).empty


def test_003_every_quoted_nps_oxidation_limit_is_flagged(records):
    rows = _flagged(records, "003", "inconsistent_in_seed", property_name="oxidation_limit")
    nps = rows[rows["formula"] == "Na3PS4"]
    assert {5.0, 2.7, 2.5, 2.3, 2.25} <= set(nps["value"])


def test_003_na4c6o6_capacities_are_both_flagged(records):
    values = set(_flagged(records, "003", "inconsistent_in_seed", property_name="discharge_capacity")["value"])
    assert {107.0, 184.0} <= values


def test_003_nzsp_printed_as_na1_minus_x_is_noted(records):
    assert not _flagged(records, "003", "inconsistent_in_seed", note="Na1-x").empty


def test_004_transference_number_merged_with_reference_126(records):
    rows = _flagged(records, "004", "ocr_repaired", property_name="transference_number")
    assert (rows["value_printed"] == "126").any() and (rows["value"] == 1.0).any()
