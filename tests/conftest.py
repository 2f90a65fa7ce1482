"""Shared test fixtures: where ../shared is, and skipping cleanly when it is absent; the web application on a
temporary workspace (HTTP tests through FastAPI's TestClient) and a live server driven by Debian's chromium through
Playwright (browser tests skip when no chromium is installed). One conftest only: a second one in tests/web would
take the module name `conftest` from this one, which test files import (`from conftest import REPO_ROOT`)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

# Small dense linear algebra (circuit fits, Lin-KK, DRT) runs slower on several BLAS threads than on one
# when two test workers or jobs share the cores; set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NASSB_SHARED", REPO_ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed reviews; tests that need them skip when ../shared is absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed reviews not found at {SEEDS}")
    return SEEDS


EXTERNAL = SHARED / "external"


@pytest.fixture(scope="session")
def external_dir() -> Path:
    """Real instrument files and structures made by others; tests that need them skip when absent."""
    if not EXTERNAL.is_dir():
        pytest.skip(f"external test data not found at {EXTERNAL}")
    return EXTERNAL


def pytest_collection_modifyitems(config, items):
    """Tests marked `slow` (long MD, big reference runs) run only with NASSB_SLOW=1."""
    if os.environ.get("NASSB_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow physics: set NASSB_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def one_torch_thread():
    """One torch thread: with two on a shared 2-core machine, MLIP calls stall for seconds under contention."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def client(tmp_path):
    from fastapi.testclient import TestClient

    from nassb.web.app import create_app

    with TestClient(create_app(tmp_path / "workspace", max_upload_bytes=2 * 1024 * 1024)) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The application served by uvicorn on a free local port in a background thread; yields its base URL."""
    import uvicorn

    from nassb.web.app import create_app

    workspace = tmp_path_factory.mktemp("workspace")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start in 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def chromium_path() -> str | None:
    """Debian's chromium (the Playwright browser download is not reachable): NASSB_CHROMIUM or the one on PATH."""
    return os.environ.get("NASSB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page whose console errors and uncaught exceptions are collected in `page.console_errors`; the test
    fails at teardown if any occurred."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    new_page.console_errors = errors
    new_page.set_default_timeout(60_000)
    yield new_page
    context.close()
    assert errors == [], f"console errors: {errors}"
