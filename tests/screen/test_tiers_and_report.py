"""Screen tiers 2 (CHGNet relaxation, hull, window, reactions) and 3 (MD of the top candidates), the ranking and its
Pareto front, and the HTML report."""

import json

import pytest

from nassb.screen.ranking import pareto_front, ranked_table
from nassb.screen.run import run_screen
from nassb.screen.store import Store


def test_the_pareto_front_of_a_constructed_case():
    """A dominates C in all three objectives, B trades a lower barrier for a lower oxidation limit, D lacks the hull
    and takes no part; descending ranking puts the highest oxidation limit first."""
    rows = [
        {"name": "A", "Ea_3D_eV": 0.30, "oxidation_limit_V": 3.0, "e_above_hull_eV": 0.00},
        {"name": "B", "Ea_3D_eV": 0.20, "oxidation_limit_V": 2.0, "e_above_hull_eV": 0.00},
        {"name": "C", "Ea_3D_eV": 0.40, "oxidation_limit_V": 2.5, "e_above_hull_eV": 0.10},
        {"name": "D", "Ea_3D_eV": 0.10, "oxidation_limit_V": 4.0},
    ]
    assert pareto_front(rows) == {"A", "B"}
    import pandas as pd

    results = pd.DataFrame([{**row, "tier": 2, "content_key": row["name"]} for row in rows])
    assert [row["name"] for row in ranked_table(results, "-oxidation_limit_V")] == ["D", "A", "C", "B"]
    assert [row["name"] for row in ranked_table(results, "e_above_hull_eV")] == ["A", "B", "C", "D"]


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    """Na3SbS4 (cubic, the library's refinement), the same cell with P on Sb and with Se on S, through tiers 0-3:
    MD for the one with the highest oxidation limit, 0.1 ps at 900 K (a short check of the path, not a result)."""
    from pymatgen.io.cif import CifWriter

    from nassb.screen.candidates import load_candidates
    from nassb.structures import load

    folder = tmp_path_factory.mktemp("screen")
    inputs = folder / "in"
    inputs.mkdir()
    base = load("Na3SbS4-cubic")
    CifWriter(base).write_file(inputs / "Na3SbS4.cif")
    phosphorus = base.copy()
    phosphorus.replace_species({"Sb": "P"})
    phosphorus.scale_lattice(base.volume * 0.9)
    CifWriter(phosphorus).write_file(inputs / "P-on-Sb.cif")
    selenide = base.copy()
    selenide.replace_species({"S": "Se"})
    CifWriter(selenide).write_file(inputs / "Se-on-S.cif")
    rows, _ = load_candidates(inputs)
    store = Store(folder / "store")
    store.create(
        {
            "tiers": [0, 1, 2, 3],
            "filters": ["e_above_hull_eV < 0.1"],
            "chunk_size": 1,
            "resolution_A": 0.3,
            "rank_by": "-oxidation_limit_V",
            "top_k": 1,
            "md_temperatures_K": [900.0],
            "md_time_ps": 0.1,
            "md_equilibration_ps": 0.02,
            "md_min_atoms": 16,
        }
    )
    store.add_candidates(rows)
    counts = run_screen(store, workers=1)
    return store, counts


def test_tier_2_gives_the_numbers_of_the_stability_and_reaction_commands(screened):
    """The tier's hull, window and reactions for Na3SbS4 are those `nassb material stability`, `nassb interface
    react` and `nassb material hydrolysis` give for the library structure (the same relaxation and entries); Na
    reduces it (negative reaction energy) and water releases H2S. A selenide fails tier 2 with its reason: the
    offline entries hold no Se."""
    from nassb.thermo.reactivity import hydrolysis, interface_reaction
    from nassb.thermo.stability import phase_stability

    store, counts = screened
    assert counts["tier 2"] == {"done": 2, "failed": 1}
    failures = {name: error for name, tier, error, _ in store.failures() if tier == 2}
    assert "Se" in failures["Se-on-S"]
    tier2 = store.results().query("tier == 2").set_index("name")
    own = tier2.loc["Na3SbS4"]
    reference = phase_stability("Na3SbS4-cubic")
    assert own["e_above_hull_eV"] == pytest.approx(reference.e_above_hull_eV_per_atom, abs=2e-3)
    assert own["reduction_limit_V"] == pytest.approx(reference.window.reduction_V, abs=2e-3)
    assert own["oxidation_limit_V"] == pytest.approx(reference.window.oxidation_V, abs=2e-3)
    with_na = interface_reaction("Na", "Na3SbS4-cubic")
    assert own["na_reaction_eV_per_atom"] == pytest.approx(with_na.reaction_energy_eV_per_atom, abs=2e-3)
    assert own["na_reaction_eV_per_atom"] < 0
    water = hydrolysis("Na3SbS4-cubic")
    assert own["h2s_per_formula_unit"] == pytest.approx(water.h2s_per_formula_unit)
    assert own["h2s_per_formula_unit"] > 0
    assert own["reduction_limit_V"] < own["oxidation_limit_V"]
    # CHGNet (PBE-trained) swells the cell by a few per cent, not tens
    assert abs(own["relaxed_volume_change_percent"]) < 8
    relaxed = json.loads(own["relaxed_structure"])
    assert len(relaxed["sites"]) == 16


def test_every_numeric_field_the_tiers_record_can_be_filtered_and_ranked(screened):
    """--filter and --rank-by accept exactly the tiers' numeric fields: each numeric column of a screen through all
    four tiers is one of them, and a misspelt field is refused rather than filtering nothing."""
    from nassb.core.errors import InputError
    from nassb.screen.tiers import check_field

    store, _ = screened
    results = store.results()
    numeric = [c for c in results.columns if results[c].dtype.kind in "if" and c not in ("tier", "relax_converged")]
    for column in numeric:
        check_field(column, "--filter")
    with pytest.raises(InputError, match="--rank-by"):
        check_field("Ea_3d_eV", "--rank-by")


def test_tier_3_runs_md_for_the_top_candidate_only(screened):
    store, counts = screened
    results = store.results()
    tier2 = results.query("tier == 2")
    passing = tier2[tier2["e_above_hull_eV"] < 0.1]
    best = passing.sort_values("oxidation_limit_V", ascending=False)["name"].iloc[0]
    tier3 = results.query("tier == 3")
    assert counts["tier 3"] == {"done": 1} and tier3["name"].tolist() == [best]
    assert tier3["md_D_900K_cm2_per_s"].iloc[0] > 0 and tier3["md_atoms"].iloc[0] == 16


def test_the_report_ranks_marks_the_front_and_draws_the_top_candidate(screened):
    from nassb.report.screen_report import render_screen_report

    store, _ = screened
    text = render_screen_report(store, top=1)
    rows = ranked_table(store.results(), "-oxidation_limit_V")
    assert "Pareto plots" in text and "data:image/png;base64," in text
    assert f"id='c-{rows[0]['name']}'" in text and f"id='c-{rows[1]['name']}'" not in text
    assert text.count("class='front'") == len(pareto_front(rows)) >= 1
    assert "Se-on-S" in text and "no reference energy for Se" in text
