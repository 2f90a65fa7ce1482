"""Output paths: symlinks written through, special files and impossible paths refused before any work,
and the outputs of one transaction renamed together or not at all."""

import os
import stat

import pytest

from nassb.core.errors import InputError
from nassb.core.io import check_output_path, exists_or_staged, output_transaction, write_text_atomic


def test_a_symlink_is_kept_and_its_target_written(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_text_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"


def test_a_fifo_and_a_device_are_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="a FIFO"):
        write_text_atomic(fifo, "x")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(InputError, match="character device") as caught:
        check_output_path("/dev/null", "--json")
    assert caught.value.field == "--json"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_impossible_paths_are_refused_before_any_work(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_output_path(tmp_path / "afile" / "out.json", "--json")
    with pytest.raises(InputError, match="existing directory"):
        check_output_path(tmp_path, "--json")
    with pytest.raises(InputError, match="existing file"):
        check_output_path(tmp_path / "afile", "--output-dir", directory=True)
    assert check_output_path(tmp_path / "new" / "deeper" / "out.json") == tmp_path / "new" / "deeper" / "out.json"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    with pytest.raises(InputError, match="not writable|permission"):
        check_output_path(locked / "out.json")


def test_a_folder_the_user_cannot_write_is_refused_before_any_work(tmp_path, monkeypatch):
    """As root every folder is writable, so the permission answer is simulated for one folder."""
    import nassb.core.io as io

    locked = tmp_path / "read-only"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        io.os, "access", lambda path, mode: False if str(path) == str(locked) else real_access(path, mode)
    )
    with pytest.raises(InputError, match="not writable") as caught:
        check_output_path(locked / "deeper" / "out.json", "--json")
    assert caught.value.field == "--json"
    with pytest.raises(InputError, match="permission denied"):
        check_output_path(locked, "--output-dir", directory=True)


def test_a_transaction_renames_all_outputs_or_none(tmp_path):
    with output_transaction():
        write_text_atomic(tmp_path / "a.json", "a")
        assert not (tmp_path / "a.json").exists() and exists_or_staged(tmp_path / "a.json")
        write_text_atomic(tmp_path / "b.json", "b")
    assert (tmp_path / "a.json").read_text() == "a" and (tmp_path / "b.json").read_text() == "b"

    failed = tmp_path / "failed"
    with pytest.raises(RuntimeError):
        with output_transaction():
            write_text_atomic(failed / "first.json", "1")
            write_text_atomic(failed / "second.json", "2")
            raise RuntimeError("the last output failed")
    assert not failed.exists()  # the folder the failed transaction made is gone too
    (tmp_path / "a.json").write_text("kept")
    with pytest.raises(SystemExit):
        with output_transaction():
            write_text_atomic(tmp_path / "a.json", "replaced")
            raise SystemExit(2)
    assert (tmp_path / "a.json").read_text() == "kept"
