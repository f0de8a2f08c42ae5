"""`tracker dashboard`: serve the Streamlit dashboard over a data directory."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import data_dir_option, positions_option
from tracker.errors import DataDirError, TrackerError

# Import the heavy libraries once, before Streamlit runs sessions in threads: two first
# sessions importing pandas at the same time can see it half initialised.
PRELOAD = (
    "import sys, pandas, altair, polars, tracker.export, tracker.views, tracker.review; "
    "from streamlit.web.cli import main; sys.argv[0] = 'streamlit'; sys.exit(main())"
)


@click.command("dashboard")
@data_dir_option()
@positions_option("positions.yaml: the review page writes curated positions here.")
@click.option("--port", type=int, default=8501, show_default=True, help="Port to serve on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; the default serves this machine only.",
)
@reports_errors
def command(data_dir: Path, positions_path: Path, port: int, host: str) -> None:
    """Start the dashboard (headless) on http://HOST:PORT over DATA."""
    if not (data_dir / "summary.parquet").exists():
        raise DataDirError(
            f"{data_dir} has no results: run `tracker run PAGES --out {data_dir}` first"
        )
    app = dashboard_app()
    env = dict(
        os.environ,
        TRACKER_DATA=str(data_dir.resolve()),
        TRACKER_POSITIONS=str(positions_path.resolve()),
    )
    click.echo(f"Serving the dashboard on http://{host}:{port} (Ctrl+C stops it)")
    args = [
        sys.executable,
        "-c",
        PRELOAD,
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        # Viewers, not developers: no "Deploy" button, no developer menu.
        "--client.toolbarMode",
        "viewer",
    ]
    run_server(args, env)


def dashboard_app() -> Path:
    """The dashboard's entry script, found through the installed `dashboards` package."""
    import importlib.util

    spec = importlib.util.find_spec("dashboards")
    if spec is None or spec.origin is None:
        raise TrackerError("the dashboards package is not installed: reinstall stance-tracker")
    app = Path(spec.origin).parent / "app.py"
    if not app.is_file():
        raise TrackerError(f"{app} not found: reinstall stance-tracker")
    return app


def run_server(args: list[str], env: dict[str, str]) -> None:
    """Become the server (POSIX) rather than its parent: a SIGTERM from a supervisor then
    stops the server itself instead of leaving it orphaned."""
    if os.name == "posix":
        sys.stdout.flush()  # exec discards what Python has not written yet
        os.execve(args[0], args, env)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is the way to stop it
        subprocess.run(args, env=env, check=False)
