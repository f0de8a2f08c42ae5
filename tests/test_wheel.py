"""The package as a user installs it: a wheel built from the repository, installed into a
fresh environment and run from another folder, far from the checkout, runs `tracker
init`, `run`, `chart` and `dashboard`.

The fresh environment borrows the dependencies of the development one (a .pth line adds
its site-packages, whose own .pth files, the editable install among them, are not
processed), so only the wheel provides `tracker` and `dashboards`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest
from paths import DEMO_PAGES, REPO

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRACKER_POSITIONS")}
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(root / "dist"),
            str(REPO),
        ],
        root,
        env,
    )
    wheel = next((root / "dist").glob("stance_tracker-*.whl"))
    venv = root / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "borrowed_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        root,
        env,
    )
    return venv, env


def test_installed_package_is_the_wheel_not_the_checkout(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    venv, env = installed
    where = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import tracker, dashboards; print(tracker.__file__); print(dashboards.__file__)",
        ],
        tmp_path,
        env,
    )
    for line in where.splitlines():
        assert str(venv) in line and str(REPO) not in line


def test_wheel_runs_init_run_chart_and_dashboard_from_another_folder(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    venv, env = installed
    tracker = str(venv / "bin" / "tracker")
    _run([tracker, "init", "proj"], tmp_path, env)
    project = tmp_path / "proj"
    for page in sorted(DEMO_PAGES.glob("*.txt"))[:3]:
        shutil.copy(page, project / "pages" / page.name)
    summary = _run([tracker, "run", "pages", "--out", "data", "--quiet"], project, env)
    assert summary.startswith("pages 3 ")
    _run(
        [tracker, "chart", "--data", "data", "--issue", "troops_on_ground", "--out", "chart.svg"],
        project,
        env,
    )
    assert "<svg" in (project / "chart.svg").read_text(encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [tracker, "dashboard", "--data", "data", "--port", str(port)],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                url = f"http://127.0.0.1:{port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
