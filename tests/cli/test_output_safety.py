"""A command's outputs are all-or-nothing, a symlinked output keeps its link, and piped tables are not cut."""

import pytest
from conftest import REPO_ROOT
from typer.testing import CliRunner

from nassb.cli import app

SPECTRUM = REPO_ROOT / "examples" / "eis" / "synthetic-series" / "pellet_293K.csv"
runner = CliRunner()


def test_when_the_last_output_fails_no_output_is_left(tmp_path, monkeypatch):
    import nassb.cli.eis as eis_cli

    def failing_json(path, payload):
        raise OSError("disk full")

    monkeypatch.setattr(eis_cli, "write_json", failing_json)
    out = tmp_path / "plots"
    result = runner.invoke(app, ["eis", "fit", str(SPECTRUM), "-o", str(out), "--json", str(out / "fit.json")])
    assert isinstance(result.exception, OSError)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_a_successful_command_writes_every_output_and_follows_a_symlinked_json(tmp_path):
    target = tmp_path / "kept" / "fit.json"
    target.parent.mkdir()
    target.write_text("{}")
    link = tmp_path / "fit.json"
    link.symlink_to(target)
    out = tmp_path / "plots"
    result = runner.invoke(app, ["eis", "fit", str(SPECTRUM), "-o", str(out), "--json", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and '"spectra"' in target.read_text()
    assert {path.suffix for path in out.iterdir()} == {".png", ".html", ".js"}
    assert not [path for path in tmp_path.rglob(".*") if path.is_file()]  # no temporary file left


def test_piped_output_is_not_cut_to_80_columns():
    from nassb.cli._output import PIPED_WIDTH, make_console

    assert make_console().width == PIPED_WIDTH > 200


@pytest.mark.parametrize("arguments", [["--version"], ["db", "--help"]])
def test_version_and_help_exit_cleanly(arguments):
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0 and result.output.strip()
