"""The shipped knowledge base against the seed reviews it was transcribed from."""

import re
from functools import cache

import pytest

from nassb.kb import default_knowledge_base
from nassb.kb.schema import ELECTROLYTE_FAMILIES

SEED_FILES = (
    "000_1aab2d4f9fddafb9.txt",
    "001_36975c17d6f62e1a.txt",
    "002_17d1865c4c9dab40.txt",
    "003_f244f6ef08bb488c.txt",
    "004_987e8a203ea704ee.txt",
)


@pytest.fixture(scope="module")
def records():
    return default_knowledge_base().records


@cache
def _seed_text_without_spaces(path) -> str:
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8"))


def test_at_least_500_records_from_all_five_seeds(records):
    assert len(records) >= 500
    counts = records["seed_file"].value_counts()
    assert set(counts.index) == set(SEED_FILES)
    assert counts.min() >= 50


def test_every_family_of_domain_section_1_is_present(records):
    # DOMAIN.md section 1: electrolytes, cathode classes, anodes, interlayers.
    required = set(ELECTROLYTE_FAMILIES) - {"oxyhalide", "liquid"} | {
        "polyanionic",
        "prussian_blue",
        "conversion",
        "organic",
        "all_in_one",
        "layered_oxide",
        "metal",
        "alloy",
    }
    assert required <= set(records["family"])
    roles = set(records["role"])
    assert {"electrolyte", "cathode", "anode", "interlayer", "cell", "symmetric_cell"} <= roles


def test_every_printed_number_and_formula_is_in_its_seed(records, seeds_dir):
    missing = []
    for row in records.itertuples():
        text = _seed_text_without_spaces(seeds_dir / row.seed_file)
        for column in ("value_printed", "formula_printed"):
            printed = re.sub(r"\s+", "", getattr(row, column))
            if printed and printed not in text:
                missing.append(f"{row.record_id} {column}={getattr(row, column)!r}")
    assert not missing, missing[:20]


def test_every_record_cites_a_seed_and_a_locator(records):
    assert records["seed_file"].isin(SEED_FILES).all()
    assert (records["locator"].str.len() > 3).all()
    assert (
        records["locator"]
        .str.contains(r"Table|section|Section|Fig|Eq|abstract|Abstract|paragraph|Introduction|Conclusion", regex=True)
        .all()
    )


def test_cells_tie_cathode_electrolyte_and_anode_together(records):
    cells = records[records["role"] == "cell"]
    assert cells["cell_id"].nunique() >= 100
    parts = cells.groupby("cell_id")[["cathode", "electrolyte", "anode"]].agg(lambda column: (column != "").all())
    assert parts.any(axis=1).all(), "every cell names at least one of its parts"
    assert (parts["cathode"] & parts["electrolyte"]).mean() > 0.8
    for cell_id, rows in cells.groupby("cell_id"):
        assert rows[["cathode", "electrolyte", "anode"]].nunique().max() == 1, cell_id
