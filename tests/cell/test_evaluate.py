"""The main job end to end: example designs resolve with cited sources, the report has every section,
the JSON has the keys the issue names, and the low-rate capacity meets the material's capacity."""

import json
import math
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from typer.testing import CliRunner

from nassb.cell.design import design_from_dict, read_design
from nassb.cell.materials import MaterialResolver
from nassb.cell.resolve import resolve_cell
from nassb.cli import app
from nassb.core.errors import InputError
from nassb.core.value import KnowledgeBaseRecord, UserInput
from nassb.evaluate import evaluate_design
from nassb.report.cell_report import SECTIONS, render_report

EXAMPLES = sorted((REPO_ROOT / "examples" / "cells").glob("*.toml"))
TIS2 = REPO_ROOT / "examples" / "cells" / "tis2-borohydride-na.toml"


def test_there_are_at_least_five_examples_each_citing_a_seed_cell():
    assert len(EXAMPLES) >= 5
    for path in EXAMPLES:
        design = read_design(path)
        assert (
            design.reference is not None and design.reference.kb_cell and design.reference.discharge_capacity_mAh_per_g
        )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_examples_resolve_with_a_source_for_every_value(path):
    resolved = resolve_cell(read_design(path))
    energy = resolved.energy()
    assert 0 < energy.Wh_per_kg_cell < energy.Wh_per_kg_stack < energy.Wh_per_kg_cathode
    assert sum(resolved.volume_fractions.values()) + read_design(path).cathode.porosity == pytest.approx(1.0)
    assert all(value.source.describe() for _, value in resolved.provenance)


@pytest.mark.parametrize(("material", "capacity"), [("TiS2", 239), ("S", 1675), ("Na", 1166)])
def test_capacities_of_the_library_match_the_seeds(material, capacity):
    # DOMAIN.md section 3: TiS2 239 (001), S 1675 (001), Na 1166 (002), all nF/3.6M
    from nassb.chem.capacity import theoretical_capacity_mAh_per_g

    resolver = MaterialResolver()
    electrons = resolver.find(material, "electrons_per_formula").magnitude
    assert theoretical_capacity_mAh_per_g(resolver.formula(material), electrons) == pytest.approx(capacity, rel=0.003)


def test_conductivity_at_the_design_temperature_follows_arrhenius_from_the_cited_records():
    resolver = MaterialResolver()
    sigma = resolver.ionic_conductivity_at("Na3PS4", 313.15, "separator.material")
    # seed 002 Table 1 row 5: 4.6e-4 S/cm at 25 C, Ea 0.20 eV; sigma*T form
    expected = 4.6e-4 * (298.15 / 313.15) * math.exp(-0.20 / 8.617333262e-5 * (1 / 313.15 - 1 / 298.15))
    assert sigma.magnitude == pytest.approx(expected, rel=1e-6)
    assert "002T-0020" in sigma.source.describe()
    room = resolver.ionic_conductivity_at("Na3PS4", 298.15, "separator.material")
    assert isinstance(room.source, KnowledgeBaseRecord) and room.magnitude == pytest.approx(4.6e-4)


def test_design_overrides_take_precedence_and_unknown_materials_are_named():
    data = read_design(TIS2).model_dump(exclude_none=True)
    data["materials"] = {"TiS2": {"practical_capacity_mAh_per_g": 200.0}}
    resolved = resolve_cell(design_from_dict(data, "override.toml"))
    assert resolved.practical_capacity_mAh_per_g == 200.0
    source = resolved.parameters.value("cathode.active.practical_capacity").source
    assert isinstance(source, UserInput) and source.field == "materials.TiS2.practical_capacity_mAh_per_g"
    data["cathode"]["active"] = "Unobtainium"
    with pytest.raises(InputError, match="a material of the library") as caught:
        resolve_cell(design_from_dict(data, "override.toml"))
    assert caught.value.field == "cathode.active"


def test_a_property_missing_everywhere_says_what_to_supply():
    data = read_design(TIS2).model_dump(exclude_none=True)
    data["cathode"]["active"] = "Na2FePO4F"  # a parseable formula the library does not hold
    with pytest.raises(InputError, match=r"add it as \[materials.\"Na2FePO4F\"\] density_g_per_cm3"):
        resolve_cell(design_from_dict(data, "missing.toml"))


@pytest.fixture(scope="module")
def tis2_evaluation():
    return evaluate_design(read_design(TIS2), c_rates=[0.02, 1.0])


def test_low_rate_capacity_reaches_the_practical_capacity(tis2_evaluation):
    slow, fast = tis2_evaluation.rate
    practical = tis2_evaluation.resolved.practical_capacity_mAh_per_g
    assert slow.capacity_mAh_per_g == pytest.approx(practical, rel=0.03)
    assert fast.capacity_mAh_per_g < slow.capacity_mAh_per_g
    # reported 237 mAh/g at 0.02 C (seed 003 section 5.3.2, 003X-0109)
    assert tis2_evaluation.reference["reported_capacity_mAh_per_g"] == 237
    assert abs(tis2_evaluation.reference["difference_percent"]) < 5


def test_report_contains_every_section(tis2_evaluation):
    html = render_report(tis2_evaluation)
    for section in SECTIONS:
        assert f'id="{section.lower().replace(" ", "-")}"' in html
    assert "003X-0109" in html or "003X-C21" in html
    assert html.count("Plotly.newPlot") >= 5
    assert "<script src=" not in html  # self-contained: plotly.js inlined


def test_report_sources_table_lists_every_parameter_with_its_source(tis2_evaluation):
    html = render_report(tis2_evaluation)
    sources = html[html.index("<th>parameter</th>") :]
    for name in tis2_evaluation.resolved.parameters:
        assert f"<code>{name}</code>" in sources, name
    row = sources[sources.index("<code>separator.thickness</code>") :].split("</tr>")[0]
    assert "separator.thickness_um" in row and "design file" in row and ">500<" in row
    assert '<span class="badge literature">' in sources


def test_cli_evaluate_writes_the_report_and_the_json_keys(tmp_path: Path):
    report, payload = tmp_path / "report.html", tmp_path / "result.json"
    result = CliRunner().invoke(
        app, ["evaluate", str(TIS2), "-o", str(report), "--json", str(payload), "--c-rates", "0.1,1"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(payload.read_text())
    assert {"Wh_per_kg_cell", "Wh_per_L_cell", "Wh_per_kg_stack", "areal_capacity_mAh_per_cm2", "np_ratio"} <= set(
        data["energy"]
    )
    assert [point["c_rate"] for point in data["rate"]] == [0.1, 1.0]
    assert {"c_rate", "capacity_mAh_per_g", "energy_Wh_per_kg"} <= set(data["rate"][0])
    assert report.stat().st_size > 1e6
    assert data["parameters"]["separator.thickness"]["source"] == {
        "kind": "user_input",
        "file": str(TIS2),
        "toml_path": "separator.thickness_um",
    }


def test_cli_simulate_json_carries_the_parameter_set(tmp_path: Path):
    payload = tmp_path / "simulate.json"
    result = CliRunner().invoke(
        app, ["cell", "simulate", str(TIS2), "--c-rates", "1", "-o", str(tmp_path / "plots"), "--json", str(payload)]
    )
    assert result.exit_code == 0, result.output
    parameters = json.loads(payload.read_text())["parameters"]
    assert (
        parameters["cathode.active_loading"]["value"] == 3.0
        and parameters["cathode.active_loading"]["unit"] == "mg/cm2"
    )


def test_cli_rejects_a_broken_design_with_one_line(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    broken.write_text(TIS2.read_text().replace("thickness_um = 500", "thickness_um = -500"))
    result = CliRunner().invoke(app, ["cell", "energy", str(broken)])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError) and result.exception.field == "separator.thickness_um"


def test_the_anode_free_design_study_gains_energy_and_carries_the_plated_anodes_risk():
    """examples/designs/anode-free-...: the Na-Sn anode of the NYZC example removed (Na plates on Cu). The stack loses
    the alloy's mass and volume, so Wh/kg and Wh/L of the cell rise; the failure analysis sees a plated Na anode (its
    contact and plating modes apply), which the alloy cell does not have."""
    study = evaluate_design(read_design(REPO_ROOT / "examples" / "designs" / "anode-free-nacro2-nyzc-nps-cu.toml"))
    source = evaluate_design(read_design(REPO_ROOT / "examples" / "cells" / "nacro2-nyzc-nps-nasn.toml"))
    assert study.energy.Wh_per_kg_cell > source.energy.Wh_per_kg_cell
    assert study.energy.Wh_per_L_cell > source.energy.Wh_per_L_cell
    modes = {mode.mode: mode for mode in study.failure.modes}
    assert study.failure.dominant_mode in ("dendrite", "anode_contact_loss")
    assert modes[study.failure.dominant_mode].verdict == "fail"
    assert source.failure.dominant_mode not in ("dendrite", "anode_contact_loss")
