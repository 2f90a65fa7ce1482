"""`nassb serve`: the workbench in a browser (`nassb.web`)."""

from __future__ import annotations

from pathlib import Path

import typer

from nassb.cli._output import console
from nassb.core.errors import InputError


def serve(
    port: int = typer.Option(8000, "--port", help="TCP port to listen on."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind; the default serves this machine only (0.0.0.0: every address)."
    ),
    workspace: Path = typer.Option(
        Path("nassb-workspace"), "--workspace", help="Folder for uploads, jobs and results (created if missing)."
    ),
    max_upload_mb: float = typer.Option(50.0, "--max-upload-mb", help="Largest accepted upload, MB (answered 413)."),
) -> None:
    """Serve the knowledge base, cell designer, measurements and materials pages on http://HOST:PORT."""
    import uvicorn

    from nassb.web.app import create_app

    if not 0 < port < 65536:
        raise InputError("nassb serve", "--port", "a TCP port in 1-65535", port)
    if not max_upload_mb > 0:
        raise InputError("nassb serve", "--max-upload-mb", "a size above 0 MB", max_upload_mb)
    if workspace.exists() and not workspace.is_dir():
        raise InputError("nassb serve", "--workspace", "a folder (or a path where one can be made)", str(workspace))
    app = create_app(workspace, int(max_upload_mb * 1024 * 1024))
    console.print(f"nassb serving {app.state.workspace.root} on http://{host}:{port} (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
