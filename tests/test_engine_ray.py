"""The Ray engine: the same partitions and tables as the local engine, byte for byte, even
when a worker is killed mid-run; a clear message where Ray is missing or OUT is a URL."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import DEMO_PAGES, DEMO_POSITIONS, REPO

from tracker.cli import main
from tracker.config import read_positions
from tracker.engine_ray import RAY_PIN, EngineError, RayEngine, RaySettings, check_data_dir
from tracker.pipeline import run_pipeline
from tracker.storage import generation_dir

# Small batches: five page batches, so texts encoded for one batch are reused by later
# ones, the case where a naive engine (each worker encoding its own batch) differs.
BATCH_PAGES = 2
TABLES = ("positions.csv", "shifts.csv", "statements.csv", "posts.csv", "series.csv")


def test_the_cluster_extra_pins_the_ray_the_engine_names() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["optional-dependencies"]["cluster"] == [RAY_PIN]


def test_missing_ray_is_said_with_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    result = CliRunner().invoke(
        main,
        [
            *("run", str(DEMO_PAGES), "--positions", str(DEMO_POSITIONS)),
            *("--out", str(tmp_path / "data"), "--engine", "ray"),
        ],
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: --engine ray needs Ray, which is not installed: "
        "pip install 'stance-tracker[cluster]' (or pip install 'ray[data]==2.60.0')"
    )
    assert not (tmp_path / "data").exists()


def test_an_object_store_url_is_refused_before_anything_runs() -> None:
    with pytest.raises(EngineError) as raised:
        check_data_dir(Path("s3://newsroom-archive/tracker"))
    assert str(raised.value) == (
        "s3:/newsroom-archive/tracker: the Ray engine writes to a path every worker "
        "reaches (a local disk, or a shared filesystem mounted at the same path on every "
        "node), not to an object-store URL"
    )
    check_data_dir(Path("/mnt/shared/tracker"))  # a mounted filesystem is fine


def _tables(out: Path) -> dict[str, bytes]:
    folder = generation_dir(out)
    return {name: (folder / name).read_bytes() for name in TABLES}


# Read once: every run of this module sees the same positions file.
CONFIG = read_positions(DEMO_POSITIONS)


def _run(out: Path, engine: RayEngine | None) -> None:
    from tracker.classify import load_classifier

    # A fresh classifier each time: an embedding cache carried over from the other run
    # would leave nothing to encode.
    run_pipeline(
        [DEMO_PAGES],
        out,
        CONFIG,
        classifier=load_classifier(),
        batch_pages=BATCH_PAGES,
        engine=engine,
    )


@pytest.fixture(scope="module")
def local_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("local") / "data"
    _run(out, None)
    return _tables(out)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[object]:
    ray = pytest.importorskip("ray", reason="Ray is not installed (the cluster extra)")
    ray.init(num_cpus=2, include_dashboard=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_engine_writes_the_local_engines_tables_byte_for_byte(
    tmp_path: Path, local_tables: dict[str, bytes], local_ray: object
) -> None:
    out = tmp_path / "data"
    _run(out, RayEngine(RaySettings(workers=2)))
    tables = _tables(out)
    for name in TABLES:
        assert tables[name] == local_tables[name], f"{name} differs from the local engine's"
    # A re-run with the Ray engine reuses every page.
    _run(out, RayEngine(RaySettings(workers=2)))
    assert _tables(out) == tables


def _encoder_worker_pids() -> list[int]:
    """Processes of the encoding actors (Ray titles each actor process after its class)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"MapBatches(_Encoders)" in command:
            pids.append(int(entry.name))
    return pids


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds workers in /proc")
def test_ray_engine_gives_the_same_tables_after_a_worker_is_killed(
    tmp_path: Path, local_tables: dict[str, bytes], local_ray: object
) -> None:
    out = tmp_path / "data"
    failures: list[BaseException] = []

    def run() -> None:
        try:
            _run(out, RayEngine(RaySettings(workers=2)))
        except BaseException as error:  # reported by the test below
            failures.append(error)

    runner = threading.Thread(target=run)
    runner.start()
    killed = None
    deadline = time.monotonic() + 600
    while runner.is_alive() and time.monotonic() < deadline and killed is None:
        pids = _encoder_worker_pids()
        if pids:
            time.sleep(3)  # let it load its encoders and start on a group
            if runner.is_alive():
                os.kill(pids[0], signal.SIGKILL)
                killed = pids[0]
        time.sleep(0.2)
    alive_after_kill = runner.is_alive()
    runner.join(timeout=900)
    assert killed is not None and alive_after_kill, "the run ended before a worker was killed"
    assert not failures, failures
    tables = _tables(out)
    for name in TABLES:
        assert tables[name] == local_tables[name], f"{name} differs after a worker was killed"
