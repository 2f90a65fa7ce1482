"""What every benchmark measures the same way: the Python heap peak of one call (tracemalloc)."""

from __future__ import annotations

import tracemalloc


def peak_memory_MiB(function, *args, **kwargs) -> float:
    """Peak traced Python allocation, in MiB, while `function(*args, **kwargs)` runs."""
    tracemalloc.start()
    try:
        function(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
