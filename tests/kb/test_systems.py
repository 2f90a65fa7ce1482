"""`nassb db systems`: every system of DOMAIN.md section 1 listed with what nassb holds for it."""

import json

import pytest
from conftest import REPO_ROOT

from nassb.evaluate.systems import system_coverage, systems
from nassb.kb.store import default_knowledge_base


@pytest.fixture(scope="module")
def coverage():
    return {row.name: row for row in system_coverage(default_knowledge_base(), REPO_ROOT / "examples")}


def test_every_role_of_domain_section_1_is_listed():
    roles = {system["role"] for system in systems()}
    assert roles == {"electrolyte", "cathode", "anode", "interlayer"}
    names = " ".join(system["name"] for system in systems())
    for word in (
        "alumina",
        "NASICON",
        "anti-perovskite",
        "Na3PS4",
        "Na3SbS4",
        "selenides",
        "NaAlCl4",
        "closo",
        "PEO",
        "ionic liquids",
        "NaCrO2",
        "Prussian",
        "FeF3",
        "PTO",
        "Na3NbS4",
        "Na-In",
        "anode-free",
        "hard carbon",
        "SnOx",
        "AlF3",
        "Na2.25Y0.25Zr0.75Cl6",
    ):
        assert word in names, word


def test_a_covered_system_shows_its_records_library_and_examples(coverage):
    nacro2 = coverage["NaCrO2"]
    assert nacro2.kb_records > 20
    assert nacro2.cell_library == "NaCrO2" and nacro2.stability == "yes"
    assert "cells/nacro2-nyzc-nps-nasn.toml" in nacro2.examples
    assert "Na3PS4-cubic" in coverage["Na3PS4 (tetragonal, cubic)"].structure


def test_gaps_are_visible(coverage):
    # the seeds give no conductivity of any selenide with a density source, nor of any ionic liquid (issue 19)
    assert coverage["selenides Na3PSe4, Na3SbSe4"].cell_library == ""
    assert coverage["selenides Na3PSe4, Na3SbSe4"].kb_records > 0
    assert coverage["ionic liquids"].cell_library == "" and coverage["ionic liquids"].kb_records > 0
    # Na-In has only symmetric cells in the seeds (004-C08): no library entry, no example
    assert coverage["Na-In"].cell_library == "" and coverage["Na-In"].examples == ""
    assert coverage["Prussian-blue analogues"].cell_library == "Fe4[Fe(CN)6]3, K2MnFe(CN)6, Na2FeFe(CN)6"
    assert "cells/kmnhcf-nzsp-liquid-na.toml" in coverage["Prussian-blue analogues"].examples
    assert coverage["selenides Na3PSe4, Na3SbSe4"].stability.startswith("no (Se")
    # a term inside a longer name does not match: PAN is not the PAN of SeSPAN
    assert coverage["PAN"].examples == ""


def test_issue_19_library_entries_land_in_their_rows_only(coverage):
    assert coverage["Na3AsS4"].cell_library == "Na3AsS4"
    assert coverage["closo-carbaborates"].cell_library == "Na(CB9H10)0.7(CB11H12)0.3"
    assert coverage["doped sulfides (W, Mo, Ge, Si, Sn, halide)"].cell_library == "Na2.88Sb0.88W0.12S4"
    assert coverage["Na3SbS4"].cell_library == "Na3SbS4"
    # NVPF is not NVP, and the NaF term of the fluoride coatings is not the NaFNFSI salt of the PEO electrolyte
    assert coverage["Na3V2(PO4)3"].cell_library == "Na3V2(PO4)3"
    assert coverage["Na3V2(PO4)2F3"].cell_library == "Na3V2(PO4)2F3"
    assert coverage["oxide and fluoride coatings (TiO2, AlF3)"].cell_library == "AlF3, TiO2"
    assert coverage["alloy-forming coatings (SnOx/Sn, Pb, Au, SbF3, BiCl3)"].cell_library == "Au, SnOx/Sn"
    gaps = {name for name, row in coverage.items() if row.cell_library == ""}
    assert gaps == {"selenides Na3PSe4, Na3SbSe4", "oxyhalides", "ionic liquids", "Na-In", "liquid Na-K", "anode-free"}


def test_cli_writes_the_table(tmp_path):
    from typer.testing import CliRunner

    from nassb.cli import app

    out = tmp_path / "systems.json"
    run = CliRunner().invoke(app, ["db", "systems", "--json", str(out)])
    assert run.exit_code == 0, run.output
    rows = json.loads(out.read_text())["systems"]
    assert len(rows) == len(systems())
    assert set(rows[0]) == {
        "name",
        "role",
        "family",
        "kb_records",
        "structure",
        "stability",
        "cell_library",
        "examples",
    }
