"""Atomic output: write to a temporary file beside the target, then rename it into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it to `target`.

    A crash or an exception leaves the target untouched and removes the temporary file, so no
    half-written output survives.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        os.chmod(temporary_path, 0o666 & ~_current_umask())
        os.replace(temporary_path, target)
    finally:
        if temporary_path.exists():
            temporary_path.unlink()


def write_atomic(target: str | Path, writer: Callable[[Path], None]) -> Path:
    """Call `writer(temporary_path)` and move the result to `target` atomically."""
    with atomic_path(target) as temporary:
        writer(temporary)
    return Path(target)


def write_text_atomic(target: str | Path, text: str) -> Path:
    """Write text to `target` atomically (UTF-8)."""
    return write_atomic(target, lambda path: path.write_text(text, encoding="utf-8"))
