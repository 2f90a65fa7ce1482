"""Spot checks: records against the seed text, read by hand (seed file, locator and printed words cited).

Each case selects a record by seed, property, locator and a piece of its system/formula/cell text,
and asserts the number, the unit and, where stated, the temperature and flags. The quoted seed words
in the comments are what the reviewer read; `test_records.py` checks all printed numbers verbatim.
"""

import pytest

from nassb.kb import default_knowledge_base

CASES = [
    # seed 000 (Chen et al., Chem. Sci. 2026), Table 1: "NasPS, 0.20 27.89 38"
    ("000", "ionic_conductivity", "Table 1 row 1", "Na3PS4", 0.20, "mS/cm", None, ()),
    ("000", "activation_energy", "Table 1 row 1", "Na3PS4", 27.89, "kJ/mol", None, ()),
    # "NasSbS, 0.44 25.77 39"
    ("000", "ionic_conductivity", "Table 1 row 2", "Na3SbS4", 0.44, "mS/cm", None, ()),
    # "NasAsS, 0.03 3291 38": decimal point lost by OCR
    ("000", "activation_energy", "Table 1 row 3", "Na3AsS4", 32.91, "kJ/mol", None, ("ocr_repaired",)),
    # "NasPSes 1.16 20.27 44"
    ("000", "ionic_conductivity", "Table 1 row 10", "Na3PSe4", 1.16, "mS/cm", None, ()),
    # "Na, sSbS;5Clo. 217 23.35 39"
    ("000", "ionic_conductivity", "Table 1 row 14", "Na2.85SbS3.85Cl0.15", 2.17, "mS/cm", None, ("ocr_repaired",)),
    # "Nas,065b0.88Wo.1254 32 17.08 48": Na3.06 printed, Na2.88 charge-balanced
    ("000", "ionic_conductivity", "Table 1 row 21", "Na2.88Sb0.88W0.12S4", 32.0, "mS/cm", None, ("formula_corrected",)),
    # "Na3SbPo.1653600.4 3.82 95.63 0": kept as printed, flagged
    ("000", "activation_energy", "Table 1 row 23", "Na3SbP0.16", 95.63, "kJ/mol", None, ("seed_defect",)),
    # Table 2: "NaioSnP;S1; 0.4 34.35 57"; "Na11Sn,PS12 14 24.12 9"
    ("000", "ionic_conductivity", "Table 2 row 3", "Na10SnP2S12", 0.4, "mS/cm", None, ()),
    ("000", "ionic_conductivity", "Table 2 row 5", "Na11Sn2PS12", 1.4, "mS/cm", None, ("ocr_repaired",)),
    # Table 3: "NaFeCls - 117 2.65-3.95 3.4 129"
    ("000", "discharge_capacity", "Table 3 row 8", "NaFeCl4", 117.0, "mAh/g", None, ()),
    # Table 4: "FeS, NasPS, Na 60 mA g 287/100 1.9v 155"
    ("000", "discharge_capacity", "Table 4 row 12", "FeS2", 287.0, "mAh/g", None, ()),
    # section 6.3: "theoretical capacity of Na,S (687 mAh g2)"
    ("000", "theoretical_capacity", "section 6.3", "Na2S", 687.0, "mAh/g", None, ()),
    # section 3.1: tetragonal Na3PS4 "can reach 15.5 mS/cm and 0.40 eV" (a high-temperature value)
    ("000", "ionic_conductivity", "section 3.1", "tetragonal", 15.5, "mS/cm", None, ("high_temperature",)),
    # seed 001 (Wang et al. 2024), Table 1: "Na3V2(PO4)3/SC-treated-β''-Al2O3/Na 87.9 (25 °C) 91.1%/315 cycles (1 C)"
    ("001", "discharge_capacity", "Table 1 row 2", "SC-treated", 87.9, "mAh/g", 298.15, ()),
    ("001", "capacity_retention", "Table 1 row 2", "SC-treated", 91.1, "%", 298.15, ()),
    # "NaCrO2/NZSP-0.2Mg/Na 110.9 (25 °C) 87%/1755 cycles (1 C)"
    ("001", "capacity_retention", "Table 1 row 9", "NZSP-0.2Mg", 87.0, "%", 298.15, ()),
    # "FeS2/PDA-Na3.4Zr1.9Zn0.1Si2.2P0.8O12/Na 181.6 (60 °C)"
    ("001", "discharge_capacity", "Table 1 row 12", "FeS2", 181.6, "mAh/g", 333.15, ()),
    # Table 3 row 1: TiS2 at 254 mAh/g above its 239 mAh/g limit (DOMAIN.md section 4)
    ("001", "discharge_capacity", "Table 3 row 1", "TiS2", 254.0, "mAh/g", None, ("exceeds_theoretical",)),
    # section 4.6: "3.56 × 10^-5 S/cm at 30 °C" for F-doped NaAlCl4
    ("001", "ionic_conductivity", "section 4.6", "NaAlCl3.3F0.7", 3.56e-5, "S/cm", 303.15, ()),
    # section 2.2.5: tetragonal Na3PS4 "a = b = 6.9520 Å, c = 7.0699 Å"
    ("001", "lattice_parameter", "section 2.2.5", "tetragonal", 6.9520, "angstrom", None, ()),
    # seed 002 (Singh et al. 2025), Table 1 row 2: NZSP with graphene, 46 Ohm cm2, 5.6e-3 S/cm
    ("002", "interfacial_resistance", "Table 1 row 2", "graphene", 46.0, "Ohm cm2", None, ()),
    ("002", "ionic_conductivity", "Table 1 row 2", "graphene", 5.6e-3, "S/cm", 298.15, ()),
    # Table 1 row 39: Na3SbS4 Ea 0.20 eV
    ("002", "activation_energy", "Table 1 row 39", "Na3SbS4", 0.20, "eV", None, ()),
    # Table 1 row 23: 125e-3 S/cm for Na2.88Sb0.88W0.12S4, a 60 degC value per Table 3
    (
        "002",
        "ionic_conductivity",
        "Table 1 row 23",
        "Na2.88Sb0.88W0.12S4",
        125e-3,
        "S/cm",
        None,
        ("inconsistent_in_seed",),
    ),
    # Table 3 row 46: PEO electrolyte 3.36 × 10^-4 S/cm at 80 degC
    ("002", "ionic_conductivity", "Table 3 row 46", "PEO", 3.36e-4, "S/cm", 353.15, ()),
    # section 1: "relatively high specific capacity (≈ 1166 mAh g⁻¹) of Na metal"
    ("002", "theoretical_capacity", "section 1", "Na metal", 1166.0, "mAh/g", None, ()),
    # section 5.1: Na3PS3.85O0.15 "low activation energy barrier of 41.5 kJ mol^-1"
    ("002", "activation_energy", "section 5.1", "Na3PS3.85O0.15", 41.5, "kJ/mol", None, ()),
    # section 4.2: beta''-alumina needs >9 MPa at 2.5 mA/cm2
    ("002", "stack_pressure", "section 4.2", "beta''-alumina", 9.0, "MPa", None, ()),
    # seed 003 (Sun et al. 2025), section 2.4: "(NYC) and Na3YBr6 (NYB) are 3.75 and 3.36 V"
    ("003", "oxidation_limit", "section 2.4", "Na3YCl6", 3.75, "V", None, ()),
    ("003", "oxidation_limit", "section 2.4", "Na3YBr6", 3.36, "V", None, ()),
    ("003", "oxidation_limit", "section 2.4", "Na3PS4", 2.25, "V", None, ("inconsistent_in_seed",)),
    # section 3.2.1: "Sb2S3 has a theoretical capacity of 946 mAh g-1"
    ("003", "theoretical_capacity", "section 3.2.1", "Sb2S3", 946.0, "mAh/g", None, ()),
    # section 3.3: "PBQS achieved a high energy density of 557 Wh kg-1 (2.08 V ..."
    ("003", "energy_density", "section 3.3", "PBQS", 557.0, "Wh/kg", None, ()),
    # section 5.3.1: PTO theoretical capacity 409 mAh/g
    ("003", "theoretical_capacity", "section 5.3.1", "PTO", 409.0, "mAh/g", None, ()),
    # seed 004 (Wang et al., Chem. Sci. 2026), section 4.1.1: NZSSP "4.7 Ω cm2 ... 0.85 mA cm-2 ... at 30 °C"
    ("004", "critical_current_density", "section 4.1.1", "NZSSP", 0.85, "mA/cm2", 303.15, ()),
    ("004", "interfacial_resistance", "section 4.1.1", "NZSSP", 4.7, "Ohm cm2", 303.15, ()),
    # section 3.1.1: PCUF "2.59 × 10^-4" S/cm
    ("004", "ionic_conductivity", "section 3.1.1", "PCUF", 2.59e-4, "S/cm", None, ()),
    # section 2.1.3: "approaching 126" is t+ approaching 1 (reference number merged)
    ("004", "transference_number", "section 2.1.3", "inorganic", 1.0, "1", None, ("ocr_repaired",)),
]


def _select(records, seed, property_name, locator, text):
    rows = records[
        records["seed_file"].str.startswith(seed)
        & (records["property"] == property_name)
        & records["locator"].str.startswith(locator)
    ]
    haystack = rows[["system", "formula", "cathode", "electrolyte"]].agg(" ".join, axis=1)
    return rows[haystack.str.contains(text, regex=False)]


@pytest.mark.parametrize(("seed", "property_name", "locator", "text", "value", "unit", "temperature_K", "flags"), CASES)
def test_record_matches_seed(seed, property_name, locator, text, value, unit, temperature_K, flags):
    rows = _select(default_knowledge_base().records, seed, property_name, locator, text)
    assert not rows.empty, f"no {property_name} record for '{text}' at {seed} {locator}"
    matching = rows[(rows["unit"] == unit) & ((rows["value"] - value).abs() <= 1e-9 + 1e-6 * abs(value))]
    assert not matching.empty, rows[["record_id", "value", "unit"]].to_string()
    row = matching.iloc[0]
    if temperature_K is not None:
        assert row["temperature_K"] == pytest.approx(temperature_K)
    for flag in flags:
        assert flag in row["flags"].split(";"), (row["record_id"], row["flags"])


def test_there_are_at_least_30_spot_checks_spanning_all_seeds():
    assert len(CASES) >= 30
    assert {case[0] for case in CASES} == {"000", "001", "002", "003", "004"}
