import json
import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from nassb.cli import app

runner = CliRunner(env={"COLUMNS": "200"})


def _run(*arguments):
    result = runner.invoke(app, list(arguments), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_list_counts_every_family_and_seed(tmp_path):
    output = _run("db", "list", "--json", str(tmp_path / "counts.json"))
    assert "nassb knowledge base" in output and "sulfide" in output and "004_987e8a203ea704ee.txt" in output
    counts = json.loads((tmp_path / "counts.json").read_text())
    assert counts["total"] >= 500
    assert sum(counts["seed"].values()) == counts["total"]
    assert counts["family"]["sulfide"] >= 50


def test_issue_acceptance_query_sulfides_above_1_mS(tmp_path):
    out = tmp_path / "out.json"
    _run("db", "query", "--property", "ionic_conductivity", "--family", "sulfide", "--min", "1e-3", "--json", str(out))
    records = json.loads(out.read_text())
    assert len(records) >= 10
    for record in records:
        assert record["property"] == "ionic_conductivity" and record["family"] == "sulfide"
        assert record["value_canonical"] >= 1e-3 and record["canonical_unit"] == "S/cm"
        assert record["seed_file"].endswith(".txt") and record["locator"]
        assert {"value", "unit", "temperature_K"} <= set(record)
    # seed 000 Table 1 row 21: Na2.88Sb0.88W0.12S4 at 32 mS/cm
    assert any(r["formula"] == "Na2.88Sb0.88W0.12S4" and r["value"] == 32.0 and r["unit"] == "mS/cm" for r in records)


def test_query_temperature_window_and_text_search():
    output = _run(
        "db",
        "query",
        "--property",
        "critical_current_density",
        "--text",
        "NZSSP",
        "--tmin-K",
        "300",
        "--tmax-K",
        "310",
        "--format",
        "csv",
    )
    frame = pd.read_csv(__import__("io").StringIO(output))
    assert list(frame["value"]) == [0.85]  # seed 004 section 4.1.1, at 30 degC
    assert frame["locator"].iloc[0] == "section 4.1.1"


def test_show_prints_the_record_with_its_citation():
    output = _run("db", "show", "000-0006")
    assert "Table 1 row 3" in output and "3291" in output and "ocr_repaired" in output
    assert "knowledge base 000-0006" in output


def test_plots_write_png_and_offline_html(tmp_path):
    for kind in ("arrhenius", "window"):
        _run("db", "plot", kind, "-o", str(tmp_path / kind))
        png = (tmp_path / f"{kind}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
        html = (tmp_path / f"{kind}.html").read_text(encoding="utf-8")
        assert "plotly" in html and "<script" in html and '<script src="http' not in html
    assert sorted(path.suffix for path in tmp_path.iterdir()) == [".html", ".html", ".png", ".png"]


def test_export_parquet_round_trips(tmp_path):
    _run("db", "export", str(tmp_path / "kb.parquet"))
    frame = pd.read_parquet(tmp_path / "kb.parquet")
    assert len(frame) >= 500 and {"record_id", "seed_file", "locator", "flags"} <= set(frame.columns)
    _run("db", "export", str(tmp_path / "kb.json"))
    assert len(json.loads((tmp_path / "kb.json").read_text())) == len(frame)


def _nassb(*arguments):
    return subprocess.run([sys.executable, "-m", "nassb", *arguments], capture_output=True, text=True)


def test_user_mistakes_give_one_line_and_exit_code_2(tmp_path):
    bad_family = _nassb("db", "query", "--family", "sulphides")
    assert bad_family.returncode == 2
    assert "--family" in bad_family.stderr and "sulfide" in bad_family.stderr and "Traceback" not in bad_family.stderr
    missing = _nassb("db", "show", "999-9999")
    assert missing.returncode == 2 and "999-9999" in missing.stderr
    bad_suffix = _nassb("db", "export", str(tmp_path / "kb.xlsx"))
    assert bad_suffix.returncode == 2 and ".parquet" in bad_suffix.stderr
    assert not (tmp_path / "kb.xlsx").exists()
    unbounded = _nassb("db", "query", "--min", "1")
    assert unbounded.returncode == 2 and "--property" in unbounded.stderr
