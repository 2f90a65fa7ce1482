import pytest

from nassb.core.io import write_atomic, write_text_atomic


def test_atomic_write_replaces_the_target(tmp_path):
    target = tmp_path / "out" / "report.json"
    write_text_atomic(target, "first")
    write_text_atomic(target, "second")
    assert target.read_text() == "second"
    assert [path.name for path in target.parent.iterdir()] == ["report.json"]


def test_a_failing_writer_leaves_neither_target_nor_temporary(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old results")

    def fail_half_way(path):
        path.write_text("half")
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        write_atomic(target, fail_half_way)
    assert target.read_text() == "old results"
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]


def test_written_files_get_ordinary_permissions(tmp_path):
    target = write_text_atomic(tmp_path / "plot.html", "<html></html>")
    assert target.stat().st_mode & 0o044 == 0o044  # group and others may read, as with open()


def test_figure_prefix_keeps_dots_in_file_names(tmp_path):
    # cycler files are often named like "mb.issue_218.mpr": the plot prefix must not lose ".issue_218"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go

    from nassb.report.figures import write_png_and_html

    written = write_png_and_html(plt.figure(), go.Figure(), tmp_path / "mb.issue_218-symmetric")
    assert [path.name for path in written] == ["mb.issue_218-symmetric.png", "mb.issue_218-symmetric.html"]
    written = write_png_and_html(plt.figure(), go.Figure(), tmp_path / "window.png")
    assert [path.name for path in written] == ["window.png", "window.html"]
