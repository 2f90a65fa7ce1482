"""The Cell designer page: the form covers the schema, TOML in and out within limits, one-line errors naming the file
and the field, and in chromium the user's path from an example to its evaluated report."""

from __future__ import annotations

import re
import tomllib
from typing import get_args

import pytest
from pydantic import BaseModel

from nassb.cell.design import CellDesign, design_from_dict, field_unit, schema_fields
from nassb.web import designer

EXAMPLE = "tis2-borohydride-na"  # the quickest example to evaluate (about 3 s)
OTHER_EXAMPLE = "nvp-lzsp-na"
LOADING = "cathode.active_loading_mg_per_cm2"


def _leaves(fields, found=None) -> dict:
    found = {} if found is None else found
    for field in fields:
        if field.fields:
            _leaves(field.fields, found)
        else:
            found[field.path] = field
    return found


def _model_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every leaf path of a pydantic model, walked independently of `schema_fields`."""
    paths = set()
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        models = [arg for arg in (info.annotation, *get_args(info.annotation)) if isinstance(arg, type)]
        models += [inner for arg in get_args(info.annotation) for inner in get_args(arg) if isinstance(inner, type)]
        nested = next((m for m in models if issubclass(m, BaseModel)), None)
        is_list = "tuple" in str(info.annotation) and nested is not None
        if nested is None:
            paths.add(prefix + name)
        else:
            paths |= _model_paths(nested, f"{prefix}{name}{'[]' if is_list else ''}.")
    return paths


def _one_line_error(response) -> str:
    message = response.json()["error"] if response.headers["content-type"].startswith("application/json") else ""
    if not message:
        message = re.search(r'id="error-message">(.*?)</p>', response.text, re.S).group(1)
    assert "\n" not in message and "Traceback" not in response.text
    return message


def _example_values(client, name: str = EXAMPLE) -> dict[str, str]:
    values = client.get("/api/design/example", params={"name": name}).json()["form"]
    return {**values, "source": f"{name}.toml"}


# the schema helper and the form ---------------------------------------------------------------------------------------
def test_schema_fields_list_every_field_with_its_unit_and_bounds():
    leaves = _leaves(schema_fields())
    assert set(leaves) == _model_paths(CellDesign)
    for path, field in leaves.items():
        if field.kind in ("number", "integer", "numbers"):
            assert field.unit is not None, f"{path} has no unit in its name"
    assert leaves["cathode.porosity"].bounds == {"ge": 0, "lt": 1} and leaves["cathode.porosity"].default == 0.0
    assert leaves[LOADING].unit == "mg/cm2" and leaves[LOADING].bounds == {"gt": 0}
    assert leaves["cathode.composition_vol.active"].unit == "vol%"
    assert leaves["anode.type"].choices == ("na_metal", "alloy", "anode_free")
    assert leaves["cell.voltage_min_V"].required and leaves["cell.c_rates"].default == [0.1, 0.2, 0.5, 1.0, 2.0, 5.0]
    assert (
        field_unit("temperature_C") == "degC" and field_unit("anode_interphase_growth_ohm2_cm4_per_s") == "Ohm2 cm4/s"
    )
    assert set(designer.MATERIAL_ROLES) <= set(leaves)
    assert designer.range_text({"gt": 0, "le": 100}) == "0 < x ≤ 100" and designer.range_text({"ge": 0}) == "≥ 0"


def test_the_page_has_an_input_with_unit_and_range_for_every_field(client):
    page = client.get("/designer").text
    for path, field in _leaves(schema_fields()).items():
        name = path.replace("[]", "[__index__]")
        if field.kind == "mapping":
            name = f"{path}[__index__].value"
        assert f'name="{name}"' in page, path
    assert '<span class="unit">mg/cm2</span>' in page and "0 ≤ x &lt; 1 · default 0.0" in page
    assert '<datalist id="materials-cathode">' in page and '<option value="NaCrO2">' in page


def test_every_example_round_trips_through_the_form_and_the_toml_writer():
    assert len(designer.examples()) >= 15
    for name, path in designer.examples().items():
        data = designer.parse_design_toml(path.read_bytes(), path.name)
        original = design_from_dict(data, path.name).model_dump(exclude_unset=True)
        values, left_out = designer.form_values(data)
        assert left_out == []
        assert design_from_dict(designer.form_data(values), name).model_dump(exclude_unset=True) == original, name
        written = designer.design_toml(design_from_dict(data, path.name))
        assert design_from_dict(tomllib.loads(written), name).model_dump(exclude_unset=True) == original, name


# errors and limits ----------------------------------------------------------------------------------------------------
def test_malformed_toml_is_a_one_line_400_naming_the_file(client):
    upload = client.post("/designer/load", files={"design_file": ("broken.toml", b"[cell]\nname = \n")})
    assert upload.status_code == 400
    assert _one_line_error(upload).startswith("broken.toml: field &#39;(syntax)&#39;: expected valid TOML")
    api = client.post("/api/design/validate", json={"toml": "[cathode\nactive = 1", "source": "broken.toml"})
    assert api.status_code == 400
    assert _one_line_error(api).startswith("broken.toml: field '(syntax)': expected valid TOML (")


def test_a_wrong_value_names_the_field(client):
    values = {**_example_values(client), LOADING: "-3"}
    verdict = client.post("/api/design/validate", json={"form": values}).json()
    expected = f"{EXAMPLE}.toml: field '{LOADING}': expected Input should be greater than 0, got -3.0"
    assert verdict["valid"] is False and verdict["message"] == expected
    assert verdict["errors"] == [{"field": LOADING, "message": expected}]
    text = (
        (designer.examples()[EXAMPLE])
        .read_text()
        .replace("active_loading_mg_per_cm2 = 3.0", "active_loading_mg_per_cm2 = -3")
    )
    started = client.post("/api/design/evaluate", json={"toml": text, "source": f"{EXAMPLE}.toml"})
    assert started.status_code == 400 and _one_line_error(started) == expected.replace("-3.0", "-3")
    page = client.post("/designer/evaluate", data=values)
    assert page.status_code == 400 and expected.replace("'", "&#39;") in page.text and 'value="-3"' in page.text


def test_oversize_design_bodies_are_413(client):
    big = "# padding\n" * 30_000  # 300 kB
    assert client.post("/api/design/validate", json={"toml": big}).status_code == 413
    assert client.post("/designer/load", files={"design_file": ("big.toml", big.encode())}).status_code == 413
    just_above = ("#" * 99 + "\n") * 2_640  # 264 kB: within the body limit, above the file limit
    response = client.post("/designer/load", files={"design_file": ("large.toml", just_above.encode())})
    assert response.status_code == 413 and "large.toml" in _one_line_error(response)


def test_nesting_and_length_abuse_is_refused_in_one_line(client):
    for text, field in (
        ("a = " + "[" * 5000 + "]" * 5000, "(syntax)"),
        ("a = " + "[" * 8 + "1" + "]" * 8, "a[0][0][0][0][0]"),
        ("a = [" + ", ".join(["1"] * 2000) + "]", "a"),
        ('[cell]\nname = "' + "x" * 20_000 + '"', "cell.name"),
    ):
        response = client.post("/api/design/validate", json={"toml": text, "source": "abuse.toml"})
        assert response.status_code == 400
        assert _one_line_error(response).startswith(f"abuse.toml: field '{field}'")


def test_names_and_ids_from_the_request_are_never_paths(client):
    for url in (
        "/designer?example=../../etc/passwd",
        "/api/design/example?name=../../etc/passwd",
        "/designer?saved=../../etc/passwd",
        "/designer?job=..%2F..%2Fetc%2Fpasswd",
        "/designer/report/not-a-job",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        _one_line_error(response)
    response = client.post("/designer/compare", data={"left": "example:../../etc/passwd", "right": "saved:x"})
    assert response.status_code == 400 and "../../etc/passwd" in _one_line_error(response)


def test_save_downloads_the_toml_and_stores_it_under_a_generated_name(client):
    values = _example_values(client)
    download = client.post("/designer/save", data=values)
    assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment; filename=")
    expected = design_from_dict(tomllib.loads(designer.examples()[EXAMPLE].read_text()), "x")
    saved = design_from_dict(tomllib.loads(download.text), "x")
    assert saved.model_dump(exclude_unset=True) == expected.model_dump(exclude_unset=True)
    stored = client.post("/designer/store", data=values, follow_redirects=False)
    assert stored.status_code == 303 and re.fullmatch(r"/designer\?saved=[0-9a-f]{32}", stored.headers["location"])
    page = client.get(stored.headers["location"])
    assert page.status_code == 200 and 'value="3.0"' in page.text and "saved in the workspace" in page.text


# in chromium ----------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def library_evaluation():
    """The library's own evaluation of the example (as `nassb evaluate` runs it)."""
    from nassb.cell.design import read_design
    from nassb.evaluate import evaluate_design

    with designer.EVALUATION_LOCK:  # the server's jobs and this share PyBaMM
        return evaluate_design(read_design(designer.examples()[EXAMPLE]))


def test_designer_in_chromium_validates_live_evaluates_and_shows_the_report(live_server, page, library_evaluation):
    page.goto(live_server + "/designer")
    page.select_option("#example-choice", EXAMPLE)
    page.click("text=Load example")
    loading = page.locator(f'[name="{LOADING}"]')
    assert loading.input_value() == "3.0"
    url = page.url

    loading.fill("-3")
    message = page.locator(f'[data-error-for="{LOADING}"]')
    message.filter(has_text=LOADING).wait_for()
    assert "expected Input should be greater than 0, got -3.0" in message.inner_text()
    assert page.url == url  # shown without submitting
    assert "invalid" in (loading.get_attribute("class") or "")

    loading.fill("3.0")
    page.locator("#design-status.ok").wait_for()
    assert message.inner_text() == ""

    page.click("#evaluate-button")
    page.locator("#evaluation .design-job progress, #evaluation table.headline").first.wait_for()
    cell = page.locator('#evaluation td[data-key="Wh_per_kg_cell"]')
    cell.wait_for(timeout=180_000)
    expected = library_evaluation.energy.Wh_per_kg_cell
    assert float(cell.get_attribute("data-value")) == pytest.approx(expected, rel=1e-9)
    assert cell.inner_text() == f"{expected:.4g}"
    capacity = page.locator('#evaluation td[data-key="areal_capacity_mAh_per_cm2"]')
    assert float(capacity.get_attribute("data-value")) == pytest.approx(
        library_evaluation.energy.areal_capacity_mAh_per_cm2, rel=1e-9
    )
    report = page.frame_locator("#evaluation iframe.report")
    report.locator("h2#summary").wait_for()
    assert page.locator(f'[name="{LOADING}"]').input_value() == "3.0"  # the evaluated design stays in the form


def test_two_designs_side_by_side_in_chromium(live_server, page, library_evaluation):
    page.goto(live_server + "/designer/compare")
    page.select_option("#compare-left", f"example:{EXAMPLE}")
    page.select_option("#compare-right", f"example:{OTHER_EXAMPLE}")
    page.click("text=Evaluate both")
    page.wait_for_function("document.querySelectorAll('.compare-side iframe.report').length === 2", timeout=180_000)
    header = page.locator("#compare-headlines thead th").all_inner_texts()
    assert header[1].startswith("TiS2") and header[2].startswith("NVP")
    left = page.locator('#compare-headlines td[data-side="0"][data-key="Wh_per_kg_cell"]')
    assert float(left.get_attribute("data-value")) == pytest.approx(library_evaluation.energy.Wh_per_kg_cell, rel=1e-9)
    right = page.locator('#compare-headlines td[data-side="1"][data-key="Wh_per_kg_cell"]')
    assert float(right.get_attribute("data-value")) > 0
    for index in range(2):
        page.frame_locator(".compare-side iframe.report").nth(index).locator("h2#summary").wait_for()
