"""The Materials page: the analysis job gives the library's BVSE, descriptor and window numbers, uploads are parsed
with limits and refused in one line, screen stores are only those listed in the workspace; in chromium: a library
structure, an uploaded CIF and a screen store, each as a user would, with no console error."""

from __future__ import annotations

import re
import threading
import time
import warnings

import pytest

from nassb.report.notebook import format_value

RESOLUTION_A = 0.4  # coarse: a second per analysis on this machine
LIBRARY_STRUCTURE = "Na3PS4-cubic"
EXTERNAL_CIF = ("structures", "caneparesearch__kMCpy", "Na3SbS4_cubic.cif")
SCREEN_NAME = "screens/demo"
SCREEN_CANDIDATES = ("Na3SbS4-cubic", "Na3OCl-cubic", "Na3PS4-cubic")


def _wait_for_job(client, job_id: str, timeout_s: float = 90) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job_id} still running after {timeout_s} s")


def _library_analysis(reference):
    from nassb.evaluate.material import analyse_material

    return analyse_material(reference, resolution_A=RESOLUTION_A)


def _upload(client, name: str, data: bytes) -> str:
    response = client.post("/api/upload", files={"file": (name, data)})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def test_analysis_job_holds_the_library_numbers_and_the_page_shows_them(client):
    from nassb.thermo.stability import phase_stability

    response = client.post(
        "/api/materials/analyse",
        data={"structure": LIBRARY_STRUCTURE, "resolution_A": RESOLUTION_A, "stability": "formula"},
    )
    assert response.status_code == 200, response.text
    job = _wait_for_job(client, response.json()["job"])
    assert job["status"] == "done", job["error"]
    document = client.get(f"/jobs/{job['id']}/files/analysis").json()
    library = _library_analysis(LIBRARY_STRUCTURE)
    assert document["bvse"]["Ea_1D_eV"] == library.bvse.Ea_1D_eV
    assert document["bvse"]["Ea_3D_eV"] == library.bvse.Ea_3D_eV
    descriptors = library.descriptors
    assert document["descriptors"]["bottleneck_radius_3D_A"] == descriptors.bottleneck_radius_A[3]
    assert document["descriptors"]["carrier_density_per_cm3"] == descriptors.carrier_density_per_cm3
    window = phase_stability("Na3PS4").window
    assert document["stability"]["window"]["reduction_V"] == window.reduction_V
    assert document["stability"]["window"]["oxidation_V"] == window.oxidation_V
    page = client.get(f"/materials/jobs/{job['id']}").text
    for number in (library.bvse.Ea_3D_eV, descriptors.carrier_density_per_cm3, window.oxidation_V):
        assert format_value(number) in page
    assert 'id="bvse-isosurface"' in page and 'id="stability-window"' in page and "Zhu, He and Mo" in page
    assert client.get(f"/jobs/{job['id']}/files/bvse_slices").content.startswith(b"\x89PNG")


def test_malformed_or_oversized_cif_gets_a_one_line_400_naming_the_file(client):
    from pymatgen.io.cif import CifWriter

    from nassb.structures import load

    malformed = _upload(client, "broken.cif", b"data_x\n_cell_length_a banana\n")
    for url in ("/api/materials/analyse", "/materials/analyse"):
        response = client.post(url, data={"structure": f"upload:{malformed}"})
        assert response.status_code == 400
        assert "Traceback" not in response.text and "broken.cif" in response.text
    message = client.post("/api/materials/analyse", data={"structure": f"upload:{malformed}"}).json()["error"]
    assert "\n" not in message and message.startswith("broken.cif: ")
    supercell = load(LIBRARY_STRUCTURE) * (3, 3, 3)  # 756 sites
    big = _upload(client, "big.cif", str(CifWriter(supercell)).encode())
    response = client.post("/api/materials/analyse", data={"structure": f"upload:{big}"})
    assert response.status_code == 400 and "big.cif" in response.json()["error"] and "500" in response.json()["error"]
    assert client.get("/api/jobs").json() == []


def test_other_bad_requests_are_refused_before_any_job(client):
    for fields in (
        {"structure": "../../etc/passwd"},
        {"structure": "upload:../../etc/passwd"},
        {"structure": LIBRARY_STRUCTURE, "resolution_A": "0.01"},
        {"structure": LIBRARY_STRUCTURE, "stability": "guess"},
    ):
        response = client.post("/api/materials/analyse", data=fields)
        assert response.status_code == 400 and "\n" not in response.json()["error"], fields
    assert client.get("/api/jobs").json() == []


def test_screen_names_outside_the_workspace_listing_are_refused(client):
    for name in ("../../etc", "/etc", "jobs", "screens/../../etc", "uploads"):
        for response in (
            client.get("/api/materials/screen", params={"store": name}),
            client.get("/materials/screen", params={"store": name}),
            client.post("/materials/screen/report", data={"store": name}),
        ):
            assert response.status_code == 400, name
            assert "Traceback" not in response.text
    assert "../../etc" in client.get("/api/materials/screen", params={"store": "../../etc"}).json()["error"]
    assert client.get("/api/materials/screens").json() == []


def test_library_structure_analysed_in_the_browser(live_server, page):
    library = _library_analysis(LIBRARY_STRUCTURE)
    page.goto(live_server + "/materials")
    page.select_option("#structure", LIBRARY_STRUCTURE)
    page.fill("#resolution", str(RESOLUTION_A))
    page.click("#analyse")
    page.wait_for_url("**/materials/jobs/*")
    shown = page.locator("td[data-quantity='BVSE Ea 3D']")
    shown.wait_for(timeout=90_000)
    assert shown.inner_text() == format_value(library.bvse.Ea_3D_eV)
    bottleneck = page.locator("td[data-quantity='bottleneck radius 3D']").inner_text()
    assert bottleneck == format_value(library.descriptors.bottleneck_radius_A[3])
    page.locator("#bvse-isosurface .gl-container canvas").first.wait_for()
    assert page.evaluate("document.getElementById('bvse-isosurface').data[0].type") == "isosurface"
    page.wait_for_function("document.getElementById('bvse-slices').naturalWidth > 100")


def test_uploaded_cif_analysed_in_the_browser(live_server, page, external_dir):
    from nassb.thermo.stability import phase_stability

    cif = external_dir.joinpath(*EXTERNAL_CIF)
    if not cif.is_file():
        pytest.skip(f"{cif} not found")
    library = _library_analysis(cif)
    page.goto(live_server + "/materials")
    page.set_input_files("#structure-file", str(cif))
    page.wait_for_function("document.getElementById('upload-status').textContent.includes('uploaded')")
    assert page.locator("#structure option:checked").inner_text() == cif.name
    page.fill("#resolution", str(RESOLUTION_A))
    page.select_option("#stability", "formula")
    page.click("#analyse")
    shown = page.locator("td[data-quantity='BVSE Ea 3D']")
    shown.wait_for(timeout=90_000)
    assert shown.inner_text() == format_value(library.bvse.Ea_3D_eV)
    window = phase_stability(library.formula).window
    assert page.locator("#stability-numbers td[data-quantity='oxidation limit']").inner_text() == format_value(
        window.oxidation_V
    )
    assert f"uploaded file {cif.name}" in page.inner_text("main")
    page.locator("#bvse-isosurface .gl-container canvas").first.wait_for()
    page.locator("#stability-window .main-svg").first.wait_for()


@pytest.fixture(scope="module")
def screen_site(tmp_path_factory):
    """A workspace holding a screen store (tiers 0-1 on three library structures, run on an in-process Dask client)
    served by uvicorn in a thread; yields (base URL, store). The shell's `live_server` does not tell its workspace,
    so this fixture fills its own before serving it."""
    import uvicorn
    from distributed import Client
    from pymatgen.io.cif import CifWriter

    from nassb.screen.candidates import load_candidates
    from nassb.screen.run import run_screen
    from nassb.screen.store import Store
    from nassb.structures import load
    from nassb.web.app import create_app

    workspace = tmp_path_factory.mktemp("screen-workspace")
    inputs = tmp_path_factory.mktemp("candidates")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Site labels are not unique")  # the library's labels name orbits
        for name in SCREEN_CANDIDATES:
            CifWriter(load(name)).write_file(inputs / f"{name}.cif")
    rows, _ = load_candidates(inputs)
    store = Store(workspace / SCREEN_NAME)
    settings = {"candidates": str(inputs), "tiers": [0, 1], "filters": [], "chunk_size": 4}
    store.create({**settings, "resolution_A": RESOLUTION_A, "rank_by": "Ea_3D_eV"})
    store.add_candidates(rows)
    with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None) as dask:
        run_screen(store, client=dask)
    server = uvicorn.Server(uvicorn.Config(create_app(workspace), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start in 30 s"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(timeout=10)


def test_screen_store_browsed_in_the_browser(screen_site, page):
    url, store = screen_site
    tier1 = store.results().query("tier == 1").set_index("name")
    page.goto(url + "/materials")
    page.click(f"#screen-list a:text-is('{SCREEN_NAME}')")
    page.wait_for_url(re.compile(r"/materials/screen\?store="))
    names = page.locator("#screen-ranking tbody tr").evaluate_all("rows => rows.map(row => row.dataset.candidate)")
    assert names == list(tier1.sort_values("Ea_3D_eV").index)
    for name in names:
        cell = page.locator(f"#screen-ranking tr[data-candidate='{name}'] td[data-field='Ea_3D_eV']")
        assert cell.inner_text() == format_value(tier1.loc[name, "Ea_3D_eV"], 3)
    assert page.locator("#screen-status tbody tr").count() == 2
    page.select_option("#rank-by", "-Ea_3D_eV")
    page.click("button:text('Rank')")
    page.wait_for_url(re.compile("rank_by=-Ea_3D_eV"))
    reversed_names = page.locator("#screen-ranking tbody tr").evaluate_all("rows => rows.map(r => r.dataset.candidate)")
    assert reversed_names == names[::-1]
    page.fill("#top-k", "1")
    page.click("#build-report")
    page.wait_for_url("**/materials/jobs/*")
    page.locator("#screen-report").wait_for(timeout=90_000)
    report = page.frame_locator("#screen-report")
    report.locator("h2#ranking").wait_for()
    assert report.locator("h2#top").inner_text() == "Top 1 candidates"
