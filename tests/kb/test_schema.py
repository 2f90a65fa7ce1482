import re

from nassb.kb.schema import COLUMNS, FAMILIES, PROPERTIES
from nassb.kb.store import RECORDS_DIR

SCHEMA_TEXT = (RECORDS_DIR / "SCHEMA.md").read_text(encoding="utf-8")


def _table_first_cells(header: str) -> list[str]:
    cells = []
    inside = False
    for line in SCHEMA_TEXT.splitlines():
        if line.startswith(header):
            inside = True
            continue
        if inside and line.startswith("|---"):
            continue
        if inside and line.startswith("|"):
            cells.append(line.split("|")[1].strip())
        elif inside:
            break
    return cells


def test_schema_md_lists_the_columns_in_order():
    assert tuple(_table_first_cells("| column | meaning |")) == COLUMNS


def test_schema_md_lists_every_property():
    assert set(_table_first_cells("| property | units |")) == set(PROPERTIES) | {"other"}


def test_schema_md_lists_every_family():
    section = SCHEMA_TEXT.split("## Families")[1].split("(")[0]
    assert set(re.findall(r"[a-z_]+", section)) == set(FAMILIES)


def test_every_canonical_unit_is_allowed_for_its_property():
    for name, (canonical, allowed) in PROPERTIES.items():
        assert canonical in allowed or name in ("transference_number",) or canonical in ("degC",), name
