"""Writing one figure as a static PNG (matplotlib) and an interactive HTML page (plotly), atomically."""

from __future__ import annotations

from pathlib import Path

from nassb.core.io import write_atomic


def write_png_and_html(static_figure, interactive_figure, prefix: str | Path) -> list[Path]:
    """Save `prefix.png` and `prefix.html`; the HTML embeds plotly.js so it opens offline."""
    import matplotlib.pyplot as plt

    prefix = Path(prefix)
    png = write_atomic(prefix.with_suffix(".png"), lambda path: static_figure.savefig(path, dpi=150, bbox_inches="tight", format="png"))
    plt.close(static_figure)
    html = write_atomic(
        prefix.with_suffix(".html"),
        lambda path: interactive_figure.write_html(path, include_plotlyjs=True, full_html=True),
    )
    return [png, html]
