"""The cycle-life run: Na inventory conserved, resistance contributions, failure stops, the CLI and evaluate keys."""

import json
from pathlib import Path

import pytest

from nassb.cell.design import read_design
from nassb.cell.resolve import resolve_cell
from nassb.core.errors import InputError
from nassb.interface.compatibility import check_interfaces
from nassb.interface.failure import analyse_failure

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cells"


@pytest.fixture(scope="module")
def borohydride_run():
    design = read_design(EXAMPLES / "tis2-borohydride-na.toml")
    resolved = resolve_cell(design)
    return analyse_failure(resolved, check_interfaces(design, resolved.parameters), cycles=60)


def test_sodium_inventory_is_conserved(borohydride_run):
    pools = [sum(record.sodium_mol_per_cm2.values()) for record in borohydride_run.life.per_cycle]
    assert max(pools) - min(pools) <= 1e-9 * max(pools)
    last = borohydride_run.life.per_cycle[-1].sodium_mol_per_cm2
    assert last["anode_interphase"] > 0 and last["cathode_interphase"] > 0


def test_interphases_grow_and_capacity_fades(borohydride_run):
    records = borohydride_run.life.per_cycle
    grown = [sum(v for k, v in r.resistances_ohm_cm2.items() if k.endswith("interphase")) for r in records]
    assert all(later >= earlier for earlier, later in zip(grown, grown[1:]))
    assert records[-1].discharge_mAh_per_cm2 < records[0].discharge_mAh_per_cm2
    # the charge passed exceeds the discharge by the Na the interphases locked: CE < 1
    assert all(0 < r.coulombic_efficiency < 1 for r in records)
    assert borohydride_run.life.end_of_life_mode == "interphase_growth"


def test_evaluation_json_has_failure_and_life_keys(tmp_path):
    from nassb.evaluate import evaluate_design

    evaluation = evaluate_design(read_design(EXAMPLES / "tis2-borohydride-na.toml"), c_rates=[0.1])
    data = json.loads(json.dumps(evaluation.to_dict(), default=str))
    modes = {mode["mode"] for mode in data["failure"]["modes"]}
    assert modes >= {"interphase_growth", "electrical_blocking", "cathode_contact_loss", "dendrite"}
    for mode in data["failure"]["modes"]:
        assert set(mode) >= {"mode", "interface", "indicator", "threshold", "verdict", "evidence", "mitigations"}
        assert mode["verdict"] in ("ok", "risk", "fail")
    assert data["failure"]["dominant_mode"] == "interphase_growth"
    assert set(data["life"]) >= {"cycles_to_80_percent", "end_of_life_mode", "capacity_retention_percent", "per_cycle"}
    record = data["life"]["per_cycle"][0]
    assert set(record["resistances_ohm_cm2"]) >= {"anode_interphase", "cathode_interphase", "space_charge"}


@pytest.mark.parametrize(
    ("table", "key", "value"),
    [
        ("cell", "stack_pressure_MPa", -1.0),
        ("interfaces", "anode_contact_fraction", 1.2),
        ("interfaces", "cathode_contact_fraction", 0.0),
        ("cell", "cycles", 0),
    ],
)
def test_impossible_failure_inputs_are_schema_errors(table, key, value):
    import tomllib

    from nassb.cell.design import design_from_dict

    data = tomllib.loads((EXAMPLES / "tis2-borohydride-na.toml").read_text())
    data.setdefault(table, {})[key] = value
    with pytest.raises(InputError, match=key):
        design_from_dict(data, "test.toml")


def test_interface_ccd_reproduces_the_beta_alumina_anchor(tmp_path):
    """Seed 002 section 4 (Spencer Jolly et al. 2020): Na | Na-beta''-alumina needs > 9 MPa for 2.5 mA/cm2."""
    from nassb.interface.dendrite import predict_ccd

    at_9, _ = predict_ccd("BASE", 9.0, 298.15)
    at_2, _ = predict_ccd("BASE", 2.0, 298.15)
    assert at_9.stripping_ccd_mA_per_cm2 == pytest.approx(2.5)
    assert at_2.stripping_ccd_mA_per_cm2 < 1.5  # voids at 2 MPa and 1.5 mA/cm2 (seed 002 section 4)
    assert at_9.stripping_ccd_mA_per_cm2 == pytest.approx(4.5 * at_2.stripping_ccd_mA_per_cm2)


def test_a_contact_lost_on_the_first_stripping_stops_the_run_cleanly():
    """NVP | IL | LZSP | Na at 10C (examples/validation, seed 001 Table 1): 1.96 mA/cm2 against the 0.28 mA/cm2 the
    default 1 MPa supplies; the anode loses its contact in the first cycle and the run stops without an error."""
    design = read_design(EXAMPLES.parent / "validation" / "nvp-il-lzsp-na.toml")
    resolved = resolve_cell(design)
    analysis = analyse_failure(resolved, check_interfaces(design, resolved.parameters), cycles=20)
    assert analysis.life.stop_reason.startswith("anode contact lost")
    assert analysis.dominant_mode == "anode_contact_loss"
    anode = next(mode for mode in analysis.modes if mode.mode == "anode_contact_loss")
    assert anode.verdict == "fail" and anode.indicator["value"] > 1


def test_nacro2_on_na3ps4_fails_at_its_cathode_interphase():
    """The negative control of seeds 000 (section 3.3) and 003 (section 5): the NaCrO2 | Na3PS4 contact, not the
    alloy anode, limits the cell (the reaction consumes the active material); the halide catholyte is the remedy."""
    from nassb.evaluate import evaluate_design

    evaluation = evaluate_design(read_design(EXAMPLES / "nacro2-nps-na15sn4.toml"), c_rates=[0.1])
    failure = evaluation.failure
    assert failure.dominant_mode == "interphase_growth"
    assert failure.dominant_interface.startswith("cathode NaCrO2")
    regained = failure.life.interphase_capacity_regained
    assert regained["cathode"] > 10 * regained["anode"]
    dominant = next(
        m for m in failure.modes if m.mode == failure.dominant_mode and m.interface == failure.dominant_interface
    )
    assert dominant.mitigations and "halide" in dominant.mitigations[0]["action"]
    assert dominant.mitigations[0]["predicted_effect"]["retention_gain_percent_points"] > 0
    reference = evaluation.reference
    assert reference["predicted_capacity_with_interfaces_mAh_per_g"] < reference["predicted_capacity_mAh_per_g"]


def test_report_has_the_failure_and_cycle_life_sections(tmp_path):
    from nassb.evaluate import evaluate_design
    from nassb.report.cell_report import render_report

    html = render_report(evaluate_design(read_design(EXAMPLES / "tis2-borohydride-na.toml"), c_rates=[0.1]))
    assert '<h2 id="failure-risks">Failure risks</h2>' in html
    assert '<h2 id="cycle-life">Cycle life</h2>' in html
    assert "Capacity and resistances over cycles" in html
    assert "interphase growth" in html


def test_resistance_contributions_sum_to_what_the_rate_model_is_given(monkeypatch):
    """Every aged contribution reaches the discharge: anode interphase + anode interface = the anode ASR, and the
    separator and cathode interphases, space charge and cathode interface = the cathode ASR."""
    from nassb.cell import life

    design = read_design(EXAMPLES / "tis2-borohydride-na.toml")
    resolved = resolve_cell(design)
    seen = []
    original = life.simulate_discharge

    def capture(parameters, rates):
        seen.append(parameters)
        return original(parameters, rates)

    monkeypatch.setattr(life, "simulate_discharge", capture)
    run = analyse_failure(resolved, check_interfaces(design, resolved.parameters), cycles=5).life
    for record, parameters in zip(run.per_cycle, seen):
        parts = record.resistances_ohm_cm2
        anode = parts["anode_interphase"] + parts["anode_interface"]
        total = sum(parts.values())
        assert parameters.anode_interface_asr_ohm_cm2 == pytest.approx(anode, rel=1e-12)
        assert parameters.anode_interface_asr_ohm_cm2 + parameters.cathode_interface_asr_ohm_cm2 == pytest.approx(
            total, rel=1e-12
        )
    assert sum(run.per_cycle[-1].resistances_ohm_cm2.values()) > sum(run.per_cycle[0].resistances_ohm_cm2.values())
