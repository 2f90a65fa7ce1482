"""The Measurements page: each analysis job writes the numbers the library gives on the same real instrument file,
bad parameters and path-like ids are one-line 400s, and a user can upload, fit and read the result in chromium."""

from __future__ import annotations

import html
import io
import json
import math
import re
import time
import zipfile
from pathlib import Path

import pytest

from nassb.echem.analysis import Geometry, analyse_spectra, analyse_temperature_series
from nassb.echem.ccd import critical_current_density
from nassb.echem.circuit_selection import CANDIDATE_CIRCUITS, select_circuit
from nassb.echem.drt import compute_drt
from nassb.echem.full_cell import summarise_cycling
from nassb.echem.kk import lin_kk
from nassb.echem.readers import read_cycling, read_spectrum
from nassb.echem.symmetric import analyse_symmetric_cell
from nassb.web.measurements import CIRCUITS, number

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CCD_RAMP = EXAMPLES / "cycling" / "synthetic-ccd-ramp.csv"
LPSCL_COLD = "hybrid-drt/LPSCl_Tseries/PEIS_TSeq7_-25C_#61_C01.mpr"  # Li6PS5Cl pellet, blocking steel, -25 degC
S05751 = "eisfitpython/Example-2/Example2a.txt"  # pellet s05751 at 25 degC; its header: 13 mm across, 0.75 mm thick
S05751_THICKNESS_CM, S05751_AREA_CM2 = 0.075, math.pi * 0.65**2
NACOO2_GCPL = "navani/jdb11-1_c3_gcpl_5cycles_2V-3p8V_C-24_data_C09.mpr"  # NaCoO2 vs Na, 2.0-3.8 V
NA_ION_GCPL = "yadg/gcpl.pr_182.1.mpr"  # Na-ion anode half cell, discharge first
NA_NASICON_NA = "yadg/mb.issue_218.mpr"  # Na | NASICON | Na plating/stripping on 0.785 cm2
EXACT = 1e-9  # same file, same function: the job's numbers equal the library's up to float round-off


def _upload(client, path: Path) -> str:
    response = client.post("/api/upload", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def _run(client, endpoint: str, data: dict) -> tuple[dict, dict]:
    """Submit an analysis, wait for its job, return (job, results.json)."""
    response = client.post(f"/api/measurements/{endpoint}", data=data)
    assert response.status_code == 200, response.text
    job_id = response.json()["job"]
    assert response.json()["url"] == f"/measurements/jobs/{job_id}"
    deadline = time.monotonic() + 90
    while (job := client.get(f"/api/jobs/{job_id}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert job["status"] == "done", job["error"]
    return job, client.get(f"/jobs/{job_id}/files/results.json").json()


def _columns(path: Path):
    table = read_cycling(path).table
    return table["time_s"].to_numpy(float), table["voltage_V"].to_numpy(float), table["current_A"].to_numpy(float)


def test_fit_job_gives_the_library_fit_with_figures_and_downloads(client, external_dir):
    path = external_dir / LPSCL_COLD
    circuit = "R0-p(R1,CPE1)-CPE2"
    job, document = _run(
        client,
        "eis/fit",
        {"upload": _upload(client, path), "circuit": circuit, "thickness_cm": "0.05", "area_cm2": "0.785"},
    )
    (expected,) = analyse_spectra([read_spectrum(path)], circuit, Geometry(0.05, 0.785))
    (spectrum,) = document["spectra"]
    assert document["circuit"] == circuit and spectrum["file"] == path.name
    for name, value, stderr in zip(expected.fit.parameter_names, expected.fit.values, expected.fit.stderr):
        assert spectrum["parameters"][name]["value"] == pytest.approx(value, rel=EXACT)
        assert spectrum["parameters"][name]["stderr"] == pytest.approx(stderr, rel=EXACT)
    sigma = expected.assignment.summary.sigma_total_S_per_cm
    assert spectrum["summary"]["sigma_total_S_per_cm"] == pytest.approx(sigma, rel=EXACT)
    assert spectrum["kk"]["max_residual"] == pytest.approx(expected.kk.max_residual, rel=EXACT)
    assert job["summary"]["sigma_total_S_per_cm"] == pytest.approx(sigma, rel=EXACT)

    label = spectrum["label"]
    assert label == "PEIS_TSeq7_-25C__61_C01"  # the file's stem made safe for file names, as `nassb eis` labels
    assert {f"{label}-fit.png", f"{label}-fit.html", "plotly.min.js", "results.json"} <= set(job["results"])
    assert client.get(f"/jobs/{job['id']}/files/{label}-fit.png").content.startswith(b"\x89PNG")
    shown = client.get(f"/measurements/jobs/{job['id']}/view/{label}-fit.html")
    assert shown.headers["content-type"].startswith("text/html") and 'src="plotly.min.js"' in shown.text
    page = client.get(f"/measurements/jobs/{job['id']}").text
    shown_R1 = re.search(r'<tr data-parameter="R1">.*?data-value="([^"]+)"', page).group(1)  # with all its digits
    assert float(shown_R1) == pytest.approx(expected.fit.values[1], rel=EXACT)
    assert number(sigma, 3) in page and "Plotly.newPlot" in page and "Nyquist" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/measurements/jobs/{job['id']}/files.zip").content))
    assert set(archive.namelist()) == set(job["results"].values())
    assert json.loads(archive.read("results.json")) == document


def test_automatic_circuit_job_gives_the_library_choice_and_shows_the_candidates(client):
    path = EXAMPLES / "eis/synthetic-series/pellet_233K.csv"
    assert 'value="auto"' in client.get("/measurements").text
    job, document = _run(client, "eis/fit", {"upload": _upload(client, path), "circuit": "auto"})
    expected = select_circuit(read_spectrum(path))
    assert set(CIRCUITS) == set(CANDIDATE_CIRCUITS)  # the page's presets are the candidates
    (spectrum,) = document["spectra"]
    assert spectrum["circuit"] == expected.circuit == job["summary"]["circuit"]
    rows = spectrum["circuit_selection"]["candidates"]
    assert [(row["circuit"], row["chosen"], row["refused_because"]) for row in rows] == [
        (c.circuit, c.chosen, c.refused_because) for c in expected.candidates
    ]
    assert [row["delta_aicc"] for row in rows] == pytest.approx([c.delta_aicc for c in expected.candidates], abs=1e-6)
    page = client.get(f"/measurements/jobs/{job['id']}").text
    chosen = re.search(r'<tr data-circuit="([^"]+)" class="chosen">', page).group(1)
    assert html.unescape(chosen) == expected.circuit and "AICc" in page


def test_drt_and_kramers_kronig_jobs_give_the_library_results(client, external_dir):
    path = external_dir / S05751
    upload = _upload(client, path)
    spectrum = read_spectrum(path)
    _, drt = _run(client, "eis/drt", {"upload": upload, "lambda_method": "gcv", "extend_decades": "1"})
    expected = compute_drt(spectrum, method="gcv", extend_decades=1.0)
    (result,) = drt["spectra"]
    assert result["lambda"] == pytest.approx(expected.lambda_value, rel=EXACT)
    assert result["R_inf_ohm"] == pytest.approx(expected.R_inf_ohm, rel=EXACT)
    assert len(result["peaks"]) == len(expected.peaks) > 0
    for peak, reference in zip(result["peaks"], expected.peaks):
        assert peak["tau_s"] == pytest.approx(reference.tau_s, rel=EXACT)
        assert peak["R_ohm"] == pytest.approx(reference.R_ohm, rel=EXACT)

    kk_job, kk = _run(client, "eis/kk", {"upload": upload, "mu": "0.85", "threshold": "0.015"})
    reference = lin_kk(spectrum, c=0.85, residual_threshold=0.015)
    (result,) = kk["spectra"]
    assert (result["M"], result["valid"]) == (reference.M, reference.valid)
    assert result["max_residual"] == pytest.approx(reference.max_residual, rel=EXACT)
    assert result["pseudo_chi2"] == pytest.approx(reference.pseudo_chi2, rel=EXACT)
    page = client.get(f"/measurements/jobs/{kk_job['id']}").text
    assert number(100 * reference.max_residual, 3) in page and f"{path.stem}-kk.png" in page


def test_arrhenius_series_gives_the_library_activation_energies(client, external_dir):
    # eisfitpython s04147 between 140 and 200 degC; pellet 0.8 cm across, 0.21 cm thick (the repository's script)
    folder = external_dir / "eisfitpython" / "s04147_Tseries"
    temperatures_C = (140, 160, 180, 200)
    files = [folder / f"s04147-{t}deg.txt" for t in temperatures_C]
    area_cm2 = math.pi * 0.4**2
    job, document = _run(
        client,
        "eis/arrhenius",
        {
            "upload": [_upload(client, file) for file in files] + [""],
            "temperature_K": [str(t + 273.15) for t in temperatures_C] + [""],
            "thickness_cm": "0.21",
            "area_cm2": str(area_cm2),
        },
    )
    expected = analyse_temperature_series(
        [(file, t + 273.15) for file, t in zip(files, temperatures_C)],
        "p(R1,CPE1)-p(R2,CPE2)-CPE3",
        Geometry(0.21, area_cm2),
    )
    for name, law in expected.arrhenius.items():
        assert document["contributions"][name]["Ea_eV"] == pytest.approx(law["Ea_eV"], rel=EXACT), name
        assert document["contributions"][name]["Ea_stderr_eV"] == pytest.approx(law["Ea_stderr_eV"], rel=EXACT)
    assert [s["file"] for s in document["spectra"]] == [file.name for file in files]
    assert "arrhenius.png" in job["results"] and len([r for r in job["results"] if r.endswith("-fit.png")]) == 4
    page = client.get(f"/measurements/jobs/{job['id']}").text
    assert number(expected.arrhenius["bulk"]["Ea_eV"]) in page


def test_cycling_summary_of_a_real_gcpl_file_gives_the_library_cycles(client, external_dir):
    path = external_dir / NA_ION_GCPL
    fields = {"upload": _upload(client, path), "mass_mg": "2.5", "first_step": "discharge"}
    job, document = _run(client, "cycling/summary", fields)
    expected = summarise_cycling(*_columns(path), active_mass_mg=2.5, first_step="discharge", source=path.name)
    assert len(document["cycles"]) == len(expected.cycles) == 4
    for cycle, reference in zip(document["cycles"], expected.cycles):
        assert cycle["cycle"] == reference.cycle
        assert cycle["discharge_mAh_per_g"] == pytest.approx(reference.discharge_mAh_per_g, rel=EXACT)
        assert cycle["coulombic_efficiency"] == pytest.approx(reference.coulombic_efficiency, rel=EXACT)
    assert document["retention_percent"] == pytest.approx(expected.retention_percent, rel=EXACT)
    assert {f"{path.stem}-voltage.png", f"{path.stem}-capacity.png", f"{path.stem}-dqdv.png"} <= set(job["results"])


def test_ccd_and_symmetric_cell_jobs_give_the_library_results(client, external_dir):
    job, ccd = _run(client, "cycling/ccd", {"upload": _upload(client, CCD_RAMP), "area_cm2": "1"})
    expected = critical_current_density(*_columns(CCD_RAMP), 1.0, source=CCD_RAMP.name)
    assert ccd["ccd_mA_per_cm2"] == expected.ccd_mA_per_cm2 == pytest.approx(0.4)  # the ramp shorts at 0.4 mA/cm2
    assert ccd["short_time_s"] == pytest.approx(expected.short_time_s, rel=EXACT)
    assert [s["overpotential_mV"] for s in ccd["steps"]] == pytest.approx([s.overpotential_mV for s in expected.steps])
    assert '<b id="ccd">0.4</b>' in client.get(f"/measurements/jobs/{job['id']}").text

    path = external_dir / NA_NASICON_NA
    _, symmetric = _run(client, "cycling/symmetric", {"upload": _upload(client, path), "area_cm2": "0.785"})
    reference = analyse_symmetric_cell(*_columns(path), area_cm2=0.785, source=path.name)
    assert symmetric["short"]["short_detected"] == reference.short.short_detected
    assert symmetric["asr_per_interface_ohm_cm2"] == pytest.approx(reference.asr_per_interface_ohm_cm2, rel=EXACT)
    assert [h["plateau_overpotential_V"] for h in symmetric["half_cycles"]] == pytest.approx(
        [h.plateau_overpotential_V for h in reference.half_cycles], rel=EXACT
    )


def test_diagnosis_job_gives_the_library_diagnosis(client, external_dir, tmp_path):
    from nassb.interface.diagnosis import diagnose
    from nassb.kb.store import default_knowledge_base

    symmetric, ramp = external_dir / NA_NASICON_NA, CCD_RAMP
    job, document = _run(
        client,
        "diagnose",
        {
            "upload": [_upload(client, symmetric), _upload(client, ramp)],
            "kind": ["symmetric", "ccd"],
            "area_cm2": "0.785",
            "thickness_cm": "0.1",
        },
    )
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"file,kind,time_h,cycle,temperature_K\n{symmetric},symmetric,,,\n{ramp},ccd,,,\n")
    expected = diagnose(manifest, 0.785, 0.1, default_knowledge_base())
    result = document["diagnosis"]
    assert result["dominant_mode"] == expected.dominant_mode
    assert [(m["mode"], m["score"]) for m in result["modes"]] == [(m["mode"], m["score"]) for m in expected.modes]
    assert {"diagnosis.html", "calibration.toml", "manifest.csv"} <= set(job["results"])
    assert "inputs/1-mb.issue_218.mpr,symmetric" in client.get(f"/jobs/{job['id']}/files/manifest.csv").text


@pytest.mark.parametrize(
    ("endpoint", "fields", "named"),
    [
        ("eis/fit", {"thickness_cm": "-0.1", "area_cm2": "1"}, "thickness_cm"),
        ("eis/fit", {"circuit": "R0-q(R1,CPE1)"}, "circuit"),
        ("eis/fit", {"circuit": "custom", "custom_circuit": "R0-p(R1,CPE1"}, "circuit"),
        ("eis/fit", {"thickness_cm": "0.1"}, "area_cm2"),
        ("eis/fit", {"weighting": "squared"}, "weighting"),
        ("eis/fit", {"circuit": "auto", "series": "true"}, "series"),
        ("eis/drt", {"lambda_method": "-1"}, "lambda_method"),
        ("eis/drt", {"derivative": "3"}, "derivative"),
        ("eis/kk", {"mu": "1.5"}, "mu"),
        ("cycling/ccd", {"area_cm2": "0"}, "area_cm2"),
        ("cycling/summary", {"formula": "NaCoO2"}, "formula/electrons"),
        ("cycling/symmetric", {"R_bulk_ohm": "abc"}, "R_bulk_ohm"),
    ],
)
def test_a_bad_parameter_is_a_one_line_400_naming_the_field(client, endpoint, fields, named):
    upload = _upload(
        client, CCD_RAMP if endpoint.startswith("cycling") else EXAMPLES / "eis/synthetic-series/pellet_233K.csv"
    )
    response = client.post(f"/api/measurements/{endpoint}", data={"upload": upload, **fields})
    assert response.status_code == 400
    message = response.json()["error"]
    assert f"field '{named}'" in message and "\n" not in message and "Traceback" not in message
    assert client.get("/api/jobs").json() == []  # nothing was started


def test_series_forms_check_each_row(client):
    pellet = _upload(client, EXAMPLES / "eis/synthetic-series/pellet_233K.csv")
    geometry = {"thickness_cm": "0.1", "area_cm2": "1"}
    rows = {"upload": [pellet, pellet, pellet], "temperature_K": ["230", "-5", "250"]}
    response = client.post("/api/measurements/eis/arrhenius", data={**rows, **geometry})
    assert response.status_code == 400 and "field 'temperature_K (row 2)'" in response.json()["error"]
    two_rows = {"upload": [pellet, pellet], "temperature_K": ["230", "240"]}
    response = client.post("/api/measurements/eis/arrhenius", data={**two_rows, **geometry})
    assert response.status_code == 400 and "at least 3 spectra" in response.json()["error"]
    response = client.post(
        "/api/measurements/diagnose",
        data={"upload": [pellet], "kind": ["impedance"], "area_cm2": "1", "thickness_cm": "0.1"},
    )
    assert response.status_code == 400 and "field 'kind (row 1)'" in response.json()["error"]


@pytest.mark.parametrize(
    "endpoint", ["eis/fit", "eis/drt", "eis/kk", "cycling/summary", "cycling/ccd", "cycling/symmetric"]
)
def test_an_upload_id_that_is_a_path_is_refused(client, endpoint):
    for upload in ("../../etc/passwd", "/etc/passwd", "0" * 32):
        response = client.post(f"/api/measurements/{endpoint}", data={"upload": upload, "area_cm2": "1"})
        assert response.status_code == 400, (upload, response.text)
        assert "field 'upload'" in response.json()["error"]


def test_result_pages_refuse_paths_and_other_jobs(client):
    assert client.get("/measurements/jobs/..%2F..%2Fetc%2Fpasswd").status_code in (400, 404)
    assert client.get("/measurements/jobs/" + "0" * 32).status_code == 400
    other = client.app.state.jobs.submit("test", "not a measurement", lambda context: {})
    assert client.get(f"/measurements/jobs/{other.id}").status_code == 404
    ccd = client.post("/api/measurements/cycling/ccd", data={"upload": _upload(client, CCD_RAMP), "area_cm2": "1"})
    job_id = ccd.json()["job"]
    for label in ("..%2F..%2Fjob.json", "job.json", "../../../etc/passwd"):
        assert client.get(f"/measurements/jobs/{job_id}/view/{label}").status_code in (400, 404), label


def test_fit_in_chromium_from_upload_to_the_nyquist_plot(live_server, page, external_dir):
    path = external_dir / S05751
    circuit = "R0-p(R1,CPE1)-CPE2"
    page.goto(live_server + "/measurements")
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/measurements\?selected=[0-9a-f]{32}$"))
    assert path.name in page.locator("#uploads-table").inner_text()
    form = page.locator("#fit-form")
    assert form.locator("select[name=upload] option:checked").inner_text() == path.name
    form.locator("select[name=circuit]").select_option(circuit)
    form.locator("input[name=thickness_cm]").fill(str(S05751_THICKNESS_CM))
    form.locator("input[name=area_cm2]").fill(str(S05751_AREA_CM2))
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/measurements/jobs/*")
    page.wait_for_selector("table.parameters", timeout=90_000)  # the page reloads itself when the job is done

    (expected,) = analyse_spectra([read_spectrum(path)], circuit, Geometry(S05751_THICKNESS_CM, S05751_AREA_CM2))
    R1 = dict(zip(expected.fit.parameter_names, expected.fit.values))["R1"]
    shown = page.locator("tr[data-parameter=R1] td.num")
    assert float(shown.get_attribute("data-value")) == pytest.approx(R1, rel=EXACT)
    assert shown.inner_text().startswith(f"{number(R1)} ± ")
    sigma = expected.assignment.summary.sigma_total_S_per_cm
    assert page.locator(".sigma-total").inner_text().startswith(number(sigma, 3))

    plot = page.locator(f"[id='figure-{path.stem}-fit'] .plotly-graph-div")
    plot.locator(".main-svg").first.wait_for()
    nyquist = plot.locator(".subplot.xy .scatterlayer .trace")  # panel (1, 1): the measured points, the fit line
    assert nyquist.nth(0).locator("path.point").count() == len(read_spectrum(path).frequency_Hz)
    assert nyquist.nth(1).locator("path.js-line").count() == 1
    assert "Nyquist" in plot.locator("text.annotation-text").all_text_contents()


def test_cycling_summary_in_chromium(live_server, page, external_dir):
    path = external_dir / NACOO2_GCPL
    page.goto(live_server + "/measurements")
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/measurements\?selected=[0-9a-f]{32}$"))
    form = page.locator("#summary-form")
    form.locator("input[name=mass_mg]").fill("3")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/measurements/jobs/*")
    page.wait_for_selector("table.cycles", timeout=90_000)

    expected = summarise_cycling(*_columns(path), active_mass_mg=3.0, first_step="charge", source=path.name)
    assert page.locator("#retention").inner_text() == f"{number(expected.retention_percent)} %"
    assert page.locator("table.cycles tbody tr").count() == len(expected.cycles) == 7
    discharge = page.locator("table.cycles tr[data-cycle='2'] td.num").nth(1)
    assert float(discharge.get_attribute("data-value")) == pytest.approx(
        expected.cycles[2].discharge_mAh_per_g, rel=EXACT
    )
    page.locator(f"[id='figure-{path.stem}-capacity'] .main-svg").first.wait_for()
