"""Writing one figure as a static PNG (matplotlib) and an interactive HTML page (plotly), atomically."""

from __future__ import annotations

from pathlib import Path

from nassb.core.io import exists_or_staged, write_atomic, write_text_atomic

SHARED_PLOTLY_JS = "plotly.min.js"


def plotting_modules():
    """pyplot (on the file-only Agg backend), plotly's graph objects and make_subplots, imported only when drawing."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    return plt, go, make_subplots


def write_png_and_html(
    static_figure, interactive_figure, prefix: str | Path, shared_plotly_js: bool = False
) -> list[Path]:
    """Save `prefix.png` and `prefix.html`; both open offline. The HTML embeds plotly.js (3.5 MB), or
    with `shared_plotly_js` loads it from one `plotly.min.js` written beside it, for folders of many plots."""
    import matplotlib.pyplot as plt

    prefix = Path(prefix)
    if prefix.suffix.lower() in (".png", ".html"):
        prefix = prefix.with_suffix("")
    png = write_atomic(
        prefix.parent / f"{prefix.name}.png",
        lambda path: static_figure.savefig(path, dpi=150, bbox_inches="tight", format="png"),
    )
    plt.close(static_figure)
    if shared_plotly_js:
        from plotly.offline import get_plotlyjs

        bundle = prefix.parent / SHARED_PLOTLY_JS
        if not exists_or_staged(bundle):
            write_text_atomic(bundle, get_plotlyjs())
    html = write_atomic(
        prefix.parent / f"{prefix.name}.html",
        lambda path: interactive_figure.write_html(
            path, include_plotlyjs=SHARED_PLOTLY_JS if shared_plotly_js else True, full_html=True
        ),
    )
    return [png, html]
