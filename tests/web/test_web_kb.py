"""The Knowledge base page: filters, downloads and record pages give what `nassb db query/show` give; a user in
chromium filters, sorts, sees the selection on the Arrhenius map and opens a record."""

from __future__ import annotations

import functools
import html
import re
import sys

import pytest

from nassb.cli._output import format_number
from nassb.kb import OUTPUT_COLUMNS, RecordFilter, default_knowledge_base, select, to_plain_records
from nassb.report.kb_figures import arrhenius_points

# web form fields -> the same filters as RecordFilter arguments
FILTER_CASES = [
    (
        {"family": "sulfide", "property": "ionic_conductivity", "min": "1e-3"},
        RecordFilter(family="sulfide", property="ionic_conductivity", min_value=1e-3),
    ),
    ({"role": "cathode", "text": "nacro2"}, RecordFilter(role="cathode", text="nacro2")),
    (
        {"property": "activation_energy", "max": "0.3", "tmin_K": "250", "tmax_K": "400"},
        RecordFilter(property="activation_energy", max_value=0.3, min_temperature_K=250, max_temperature_K=400),
    ),
    ({}, RecordFilter()),
]
# web form fields -> the `nassb db query` arguments that should be refused with the same message
INVALID_CASES = [
    ({"property": "ionic_conductivity", "min": "abc"}, ["--property", "ionic_conductivity", "--min", "abc"]),
    (
        {"property": "ionic_conductivity", "min": "2", "max": "1"},
        ["--property", "ionic_conductivity", "--min", "2", "--max", "1"],
    ),
    ({"property": "conductivity"}, ["--property", "conductivity"]),
    ({"family": "sulfides"}, ["--family", "sulfides"]),
    ({"min": "1"}, ["--min", "1"]),
    ({"tmin_K": "-5"}, ["--tmin-K", "-5"]),
    ({"tmin_K": "400", "tmax_K": "300"}, ["--tmin-K", "400", "--tmax-K", "300"]),
]


def _page_error(text: str) -> str:
    return html.unescape(re.search(r'id="error-message">([^<]*)<', text).group(1))


def _cli_error(arguments: list[str], monkeypatch, capsys) -> str:
    """The one-line message `nassb db query ARGUMENTS` prints, without its 'error:' and '--help' hint."""
    import nassb.cli

    monkeypatch.setattr(nassb.cli, "app", functools.partial(nassb.cli.app, prog_name="nassb"))
    monkeypatch.setattr(sys, "argv", ["nassb", "db", "query", *arguments])
    with pytest.raises(SystemExit) as exit_info:
        nassb.cli.main()
    assert exit_info.value.code == 2
    line = capsys.readouterr().err.strip()
    assert "\n" not in line
    return re.sub(r" \(see 'nassb db query --help'\)$", "", line.removeprefix("error: "))


@pytest.mark.parametrize(("form", "record_filter"), FILTER_CASES)
def test_downloads_and_table_equal_the_library_query(client, form, record_filter):
    selection = select(default_knowledge_base(), record_filter)
    downloaded_json = client.get("/api/kb/selection.json", params=form)
    assert downloaded_json.status_code == 200
    assert downloaded_json.json() == to_plain_records(selection)
    downloaded_csv = client.get("/api/kb/selection.csv", params=form)
    assert downloaded_csv.status_code == 200 and "attachment" in downloaded_csv.headers["content-disposition"]
    assert downloaded_csv.text == selection[list(OUTPUT_COLUMNS)].to_csv(index=False)
    page = client.get("/kb", params=form)
    assert page.status_code == 200
    assert re.search(r'id="kb-count">(\d+)<', page.text).group(1) == str(len(selection))
    assert re.findall(r'<a href="/kb/records/([^"]+)">', page.text) == list(selection["record_id"])


@pytest.mark.parametrize(("form", "cli_arguments"), INVALID_CASES)
def test_invalid_filters_give_the_cli_message(client, monkeypatch, capsys, form, cli_arguments):
    message = _cli_error(cli_arguments, monkeypatch, capsys)
    api = client.get("/api/kb/selection.json", params=form)
    assert api.status_code == 400 and api.json() == {"error": message}
    assert client.get("/api/kb/selection.csv", params=form).json() == {"error": message}
    page = client.get("/kb", params=form)
    assert _page_error(page.text) == message and "Traceback" not in page.text
    assert 'id="kb-table"' not in page.text


def test_record_page_shows_every_field_and_its_citation(client):
    knowledge_base = default_knowledge_base()
    row = knowledge_base.record("000-0193")
    page = client.get("/kb/records/000-0193")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert f'id="kb-seed-file">{row["seed_file"]}<' in text
    assert f'id="kb-locator">{row["locator"]}<' in text
    assert f'id="kb-ref">[{row["ref"]}]' in text
    assert str(knowledge_base.value("000-0193")) in text
    assert all(f"<th>{column}</th>" in text for column in OUTPUT_COLUMNS)
    assert f'<a href="/kb/records/{row["duplicate_of"]}">' in text
    record = client.get("/api/kb/records/000-0193").json()
    assert record["record"] == to_plain_records(row.to_frame().T)[0]
    assert record["value"] == knowledge_base.value("000-0193").to_dict()


def test_unknown_record_is_404_with_one_line(client):
    page = client.get("/kb/records/000-9999")
    assert page.status_code == 404 and "no knowledge-base record with id &#39;000-9999&#39;" in page.text
    assert client.get("/api/kb/records/000-9999").json() == {"error": "no knowledge-base record with id '000-9999'"}


def test_user_filters_sorts_sees_the_selection_on_the_map_and_opens_a_record(live_server, page):
    selection = select(
        default_knowledge_base(), RecordFilter(family="sulfide", property="ionic_conductivity", min_value=1e-3)
    )
    page.goto(live_server + "/kb")
    page.select_option("select[name=family]", "sulfide")
    page.select_option("select[name=property]", "ionic_conductivity")
    assert page.inner_text("#kb-unit") == "value bounds in S/cm"
    page.fill("input[name=min]", "1e-3")
    page.click("#kb-filters button[type=submit]")
    page.wait_for_url(re.compile(r"min=1e-3"))

    rows = page.locator("#kb-table tbody tr")
    assert rows.count() == len(selection) and page.inner_text("#kb-count") == str(len(selection))
    first = selection.iloc[0]
    assert rows.nth(0).locator("td").nth(0).inner_text() == first["record_id"]
    assert rows.nth(0).locator("td").nth(6).inner_text() == format_number(first["value_canonical"])

    page.wait_for_selector("#kb-arrhenius .main-svg")
    traces = page.evaluate(
        "document.getElementById('kb-arrhenius').data.map(t => [t.name, (t.customdata || []).map(c => c[0])])"
    )
    points = arrhenius_points(default_knowledge_base())
    on_map = set(points["record_id"]) & set(selection["record_id"])
    assert [f"selection ({len(on_map)})", sorted(on_map)] in [[name, sorted(ids)] for name, ids in traces]

    value_header = page.locator("#kb-table thead th", has_text=re.compile(r"^value$"))
    values = rows.locator("td:nth-child(7)")
    value_header.click()
    assert value_header.get_attribute("aria-sort") == "ascending"
    shown = [float(v) for v in values.evaluate_all("cells => cells.map(c => c.dataset.sort)")]
    assert shown == sorted(selection["value_canonical"])
    value_header.click()
    assert value_header.get_attribute("aria-sort") == "descending"
    top = selection.loc[selection["value_canonical"].idxmax()]
    assert float(values.nth(0).get_attribute("data-sort")) == top["value_canonical"]

    rows.nth(0).locator("a").click()
    page.wait_for_url(re.compile(r"/kb/records/"))
    assert page.inner_text("h1").startswith(f"Record {top['record_id']}")
    assert page.inner_text("#kb-seed-file") == top["seed_file"]
    assert page.inner_text("#kb-locator") == top["locator"]
    assert f"[{top['ref']}]" in page.inner_text("#kb-ref")

    page.goto(live_server + "/kb")
    page.select_option("select[name=property]", "ionic_conductivity")
    page.fill("input[name=min]", "abc")
    page.click("#kb-filters button[type=submit]")
    page.wait_for_url(re.compile(r"min=abc"))
    assert "Invalid value for '--min'" in page.inner_text("#error-message")
