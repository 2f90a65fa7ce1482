import csv

import pytest

from nassb.core import InputError
from nassb.kb import load_knowledge_base
from nassb.kb.schema import COLUMNS
from nassb.kb.validate import check_charge_balance


@pytest.mark.parametrize(
    "formula",
    [
        "Na3PS4",
        "Na3SbS4",
        "Na11Sn2PS12",
        "Na10GeP2S12",
        "Na3PSe4",
        "Na2.88Sb0.88W0.12S4",
        "Na3Zr2Si2PO12",
        "Na3.4Zr1.9Zn0.1Si2.2P0.8O12",
        "Na3YCl6",
        "Na2ZrCl6",
        "NaTaCl6",
        "NaAlCl4",
        "Na2.25Y0.25Zr0.75Cl6",
        "Na3OCl",
        "Na3O(BH4)",
        "Na3O(NO2)",
        "Na2(B12H12)",
        "Na2B10H10",
        "Na2(B12H12)0.5(B10H10)0.5",
        "Na(CB11H12)",
        "NaCB9H10",
        "Na3(NH2)(B12H12)",
        "NaBH4",
        "NaNH2",
        "Na3AlH6",
        "NaCrO2",
        "Na0.67Ni0.33Mn0.67O2",
        "NaNi0.33Fe0.33Mn0.33O2",
        "Na3V2(PO4)3",
        "Na3V2(PO4)2F3",
        "NaFePO4",
        "Na2S",
        "TiS2",
        "Fe(S2)",
        "NaFeCl4",
        "Na3PS3.85O0.15",
    ],
)
def test_known_electrolytes_and_cathodes_are_charge_balanced(formula):
    assert check_charge_balance(formula).balanced, check_charge_balance(formula).detail


@pytest.mark.parametrize(
    "formula",
    [
        "Na3.06Sb0.88W0.12S4",  # seed 000 Table 1 as printed; DOMAIN.md section 4: it is Na2.88
        "Na4PS4",
        "Na2(B12H12)2",
        "Na3ZrCl6",
    ],
)
def test_known_bad_formulas_are_not_balanced(formula):
    assert not check_charge_balance(formula).balanced


def _row(**fields):
    row = {column: "" for column in COLUMNS}
    row.update(
        record_id="T-0001",
        system="test",
        family="sulfide",
        role="electrolyte",
        property="ionic_conductivity",
        value="1.0",
        unit="mS/cm",
        qualifier="=",
        method="experiment",
        seed_file="000_1aab2d4f9fddafb9.txt",
        locator="Table 1 row 1",
    )
    row.update(fields)
    return row


def _write(path, rows, header=COLUMNS):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_failing_records_are_flagged_not_dropped(tmp_path):
    _write(
        tmp_path / "seed_a.csv",
        [
            _row(record_id="T-0001", formula="Na3.06Sb0.88W0.12S4"),
            _row(record_id="T-0002", formula="Na3PS4", temperature_unit="RT"),
            _row(record_id="T-0003", formula="Na3PS4", temperature_unit="RT"),
            _row(record_id="T-0004", formula="NotAFormula99"),
            _row(record_id="T-0005", property="activation_energy", unit="mS/cm"),
        ],
    )
    knowledge_base = load_knowledge_base(tmp_path)
    assert len(knowledge_base) == 5
    flags = dict(zip(knowledge_base.records["record_id"], knowledge_base.records["flags"]))
    assert "charge_imbalance" in flags["T-0001"]
    assert "rt_assumed" in flags["T-0002"]
    assert "duplicate" in flags["T-0003"] and "duplicate" not in flags["T-0002"]
    assert "unparsed_formula" in flags["T-0004"]
    assert "unit_not_allowed" in flags["T-0005"]
    assert any("T-0001" in issue and "neutral" in issue for issue in knowledge_base.issues)


def test_units_are_normalised_to_each_propertys_canonical_unit(tmp_path):
    _write(
        tmp_path / "seed_a.csv",
        [
            _row(record_id="T-0001", value="0.20", unit="mS/cm", temperature="25", temperature_unit="degC"),
            _row(record_id="T-0002", property="activation_energy", value="41.5", unit="kJ/mol"),
            _row(record_id="T-0003", property="interfacial_resistance", value="4.7", unit="Ohm cm2"),
            _row(record_id="T-0004", property="interfacial_resistance", value="120", unit="Ohm"),
            _row(
                record_id="T-0005", property="voltage_range", value="1.2", value_max="3.8", unit="V", qualifier="range"
            ),
        ],
    )
    records = load_knowledge_base(tmp_path).records.set_index("record_id")
    assert records.at["T-0001", "value_canonical"] == pytest.approx(2.0e-4)
    assert records.at["T-0001", "temperature_K"] == pytest.approx(298.15)
    assert records.at["T-0002", "value_canonical"] == pytest.approx(0.430, abs=5e-4)
    assert records.at["T-0003", "canonical_unit"] == "Ohm cm2"
    assert records.at["T-0004", "canonical_unit"] == "Ohm"
    assert records.at["T-0005", "value_max_canonical"] == pytest.approx(3.8)


def test_schema_breaking_rows_name_file_row_and_field(tmp_path):
    _write(tmp_path / "seed_bad.csv", [_row(), _row(record_id="T-0002", value="2,17")])
    with pytest.raises(InputError) as caught:
        load_knowledge_base(tmp_path)
    message = str(caught.value)
    assert "seed_bad.csv row 3" in message and "'value'" in message and "2,17" in message


def test_unknown_vocabulary_is_an_error(tmp_path):
    _write(tmp_path / "seed_bad.csv", [_row(family="garnet-ish")])
    with pytest.raises(InputError, match="family"):
        load_knowledge_base(tmp_path)


def test_wrong_header_is_an_error(tmp_path):
    _write(tmp_path / "seed_bad.csv", [_row()], header=COLUMNS[:-1])
    with pytest.raises(InputError, match="missing \\['note'\\]"):
        load_knowledge_base(tmp_path)


def test_repeated_record_ids_are_an_error(tmp_path):
    _write(tmp_path / "seed_a.csv", [_row()])
    _write(tmp_path / "seed_b.csv", [_row()])
    with pytest.raises(InputError, match="T-0001"):
        load_knowledge_base(tmp_path)
