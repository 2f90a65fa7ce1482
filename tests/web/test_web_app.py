"""The application shell: pages load, the job runner keeps state on disk, errors are one line."""

from __future__ import annotations

import time

from nassb.core.errors import InputError


def test_home_and_static_load(client):
    assert client.get("/").status_code == 200
    script = client.get("/static/plotly.min.js")
    assert script.status_code == 200 and len(script.content) > 1_000_000
    assert client.get("/static/../../etc/passwd").status_code in (400, 404)


def test_failed_job_reports_its_error_and_the_server_goes_on(client):
    runner = client.app.state.jobs

    def fails(context):
        raise InputError("design.toml", "cathode.loading_mg_per_cm2", "a loading above 0", -1)

    def works(context):
        context.progress(0.5, "half")
        context.path("numbers", "numbers.json").write_text('{"x": 1}')
        return {"x": 1}

    bad = runner.submit("test", "fails", fails)
    good = runner.submit("test", "works", works)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        states = {job["id"]: job for job in client.get("/api/jobs").json()}
        if all(states[j.id]["status"] in ("done", "failed") for j in (bad, good)):
            break
        time.sleep(0.05)
    assert states[bad.id]["status"] == "failed"
    assert "cathode.loading_mg_per_cm2" in states[bad.id]["error"]
    assert states[good.id]["status"] == "done" and states[good.id]["summary"] == {"x": 1}
    assert client.get(f"/jobs/{good.id}/files/numbers").json() == {"x": 1}
    page = client.get(f"/jobs/{bad.id}")
    assert page.status_code == 200 and "cathode.loading_mg_per_cm2" in page.text and "Traceback" not in page.text


def test_unknown_job_and_traversal_ids_are_refused(client):
    for job_id in ("..%2F..%2Fetc%2Fpasswd", "0" * 32, "abc"):
        response = client.get(f"/api/jobs/{job_id}")
        assert response.status_code in (400, 404), job_id
        assert "Traceback" not in response.text


def test_home_page_in_chromium_lists_every_page(live_server, page):
    page.goto(live_server + "/")
    links = page.locator("header nav a").all_inner_texts()
    assert links == ["Knowledge base", "Cell designer", "Measurements", "Materials", "Jobs"]


def test_serve_binds_this_machine_only_unless_told(monkeypatch, tmp_path):
    import uvicorn
    from typer.testing import CliRunner

    from nassb.cli import app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: calls.append(options))
    runner = CliRunner()
    assert runner.invoke(app, ["serve", "--workspace", str(tmp_path / "ws")]).exit_code == 0
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8000
    assert (tmp_path / "ws" / "uploads").is_dir() and (tmp_path / "ws" / "jobs").is_dir()
    assert (
        runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123", "--workspace", str(tmp_path)]).exit_code
        == 0
    )
    assert calls[-1]["host"] == "0.0.0.0" and calls[-1]["port"] == 8123


def test_serve_refuses_bad_options_in_one_line(tmp_path):
    import subprocess
    import sys

    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for arguments, field in (
        (["--port", "70000"], "--port"),
        (["--max-upload-mb", "0"], "--max-upload-mb"),
        (["--workspace", str(a_file)], "--workspace"),
    ):
        completed = subprocess.run(
            [sys.executable, "-m", "nassb", "serve", *arguments], capture_output=True, text=True, timeout=60
        )
        assert completed.returncode == 2 and field in completed.stderr and "Traceback" not in completed.stderr
        assert len(completed.stderr.strip().splitlines()) == 1
