"""Safe output: paths checked before any work, written through temporary files, all-or-nothing per command.

- `check_output_path` refuses, before anything is computed, an output that cannot be written: a directory, a
  path under a regular file, a folder that cannot be made or written, a device, FIFO or socket. A symbolic
  link is followed: its target is written and the link stays.
- `atomic_path` / `write_atomic` write to a temporary file beside the target and rename it into place, so a
  crash never leaves half a file.
- Inside `output_transaction()` the renames wait until the whole block succeeds; if any step fails, every
  temporary file is removed, no target is touched and the folders it created are removed again (the CLI runs each
  command in one transaction).
"""

from __future__ import annotations

import contextvars
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nassb.core.errors import InputError

_TRANSACTION: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar(
    "output_transaction", default=None
)
# the folders the current transaction created for its outputs: removed again (when still empty) if it fails
_CREATED_FOLDERS: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar(
    "output_transaction_folders", default=None
)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _special_kind(mode: int) -> str | None:
    for test, kind in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return None


def check_output_path(target: str | Path, option: str = "output", directory: bool = False) -> Path:
    """The path to write for `target` (a symlink's target), or an InputError naming `option` and the reason.

    With `directory`, `target` is a folder to write into (it may exist or be made)."""
    target = Path(os.path.realpath(Path(target).expanduser()))
    expected = "a folder nassb can create or write into" if directory else "a writable path for a regular file"
    if target.exists():
        mode = target.stat().st_mode
        kind = _special_kind(mode)
        if kind is not None:
            raise InputError("command line", option, f"{expected}, not {kind}", str(target))
        if directory and not stat.S_ISDIR(mode):
            raise InputError("command line", option, f"{expected}; it is an existing file", str(target))
        if not directory and stat.S_ISDIR(mode):
            raise InputError("command line", option, f"{expected}; it is an existing directory", str(target))
        if not os.access(target if directory else target.parent, os.W_OK):
            raise InputError("command line", option, f"{expected}; permission denied", str(target))
        return target
    ancestor = target.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError("command line", option, f"{expected}; {ancestor} is a file, not a folder", str(target))
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError("command line", option, f"{expected}; {ancestor} is not writable", str(target))
    return target


@contextmanager
def output_transaction() -> Iterator[None]:
    """Defer the renames of every atomic write in the block to its successful end; on failure remove them all."""
    if _TRANSACTION.get() is not None:
        yield
        return
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    token = _TRANSACTION.set(staged)
    folders_token = _CREATED_FOLDERS.set(created)
    committed = False
    try:
        yield
        committed = True
    except SystemExit as exit_:
        committed = exit_.code in (0, None)
        raise
    finally:
        _TRANSACTION.reset(token)
        _CREATED_FOLDERS.reset(folders_token)
        for temporary, target in staged:
            if committed:
                os.replace(temporary, target)
            elif temporary.exists():
                temporary.unlink()
        for folder in [] if committed else sorted(created, key=lambda path: len(path.parts), reverse=True):
            try:
                folder.rmdir()
            except OSError:  # not empty: something else wrote there meanwhile
                pass


def _make_folder(folder: Path) -> None:
    """Create `folder` and its missing parents, noting them in the current transaction."""
    missing, probe = [], folder
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    created = _CREATED_FOLDERS.get()
    if created is not None:
        created.extend(missing)


def exists_or_staged(target: str | Path) -> bool:
    """True when `target` exists or the current transaction will write it."""
    target = Path(os.path.realpath(Path(target)))
    staged = _TRANSACTION.get() or []
    return target.exists() or any(staged_target == target for _, staged_target in staged)


@contextmanager
def atomic_path(target: str | Path, durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it to `target` (a symlink's target).

    A crash or an exception leaves the target untouched and removes the temporary file, so no half-written
    output survives. Inside `output_transaction` the rename waits for the end of the transaction, except for a
    `durable` file (an MD checkpoint: work a failed run must not lose), which is renamed at once.
    """
    target = check_output_path(target)
    _make_folder(target.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    staged = None if durable else _TRANSACTION.get()
    try:
        yield temporary_path
        os.chmod(temporary_path, 0o666 & ~_current_umask())
        if staged is not None:
            staged.append((temporary_path, target))
        else:
            os.replace(temporary_path, target)
    finally:
        if (staged is None or (temporary_path, target) not in staged) and temporary_path.exists():
            temporary_path.unlink()


def write_atomic(target: str | Path, writer: Callable[[Path], None], durable: bool = False) -> Path:
    """Call `writer(temporary_path)` and move the result to `target` atomically (`durable`: see `atomic_path`)."""
    with atomic_path(target, durable) as temporary:
        writer(temporary)
    return Path(target)


def write_text_atomic(target: str | Path, text: str) -> Path:
    """Write text to `target` atomically (UTF-8)."""
    return write_atomic(target, lambda path: path.write_text(text, encoding="utf-8"))
