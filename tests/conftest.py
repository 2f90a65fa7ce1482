"""Shared test fixtures: where ../shared is, and skipping cleanly when it is absent."""

from __future__ import annotations

import os
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
