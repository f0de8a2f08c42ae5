"""The data directory under hostile and careless use: two runs at once, a run with fewer
pages, a run killed while publishing, a spreadsheet opening the CSV copies, bad paths.

The pipeline runs with a keyword classifier (tests/hostile.py): what is tested here is
storage, not stances.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result
from hostile import KeywordClassifier, page

import tracker.classify
import tracker.pipeline
from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, PositionsConfig, read_positions
from tracker.errors import DataDirBusyError
from tracker.pipeline import RunSummary, run_pipeline
from tracker.storage import CURRENT, GENERATIONS, atomic_write_text, data_dir_lock
from tracker.views import load_dashboard_data

FORMULA = '=HYPERLINK("http://example.invalid/x","open")'


@pytest.fixture(scope="module")
def config() -> PositionsConfig:
    return read_positions(DEFAULT_POSITIONS)


@pytest.fixture()
def pages(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "pages"
    folder.mkdir()
    texts = {
        "north.txt": page(
            "17 March",
            (
                "18:20",
                "Starmer ready to send troops",
                "Keir Starmer said Britain was ready "
                "to send troops to Ukraine to keep a peace deal.",
            ),
            (
                "17:05",
                "Putin rejects truce",
                "Vladimir Putin said he rejected any ceasefire that let Ukraine rearm.",
            ),
        ),
        "south.txt": page(
            "18 March",
            ("09:00", FORMULA, f"Emmanuel Macron said {FORMULA} troops would go to Ukraine."),
            ("08:30", "+ Tusk on Nato", "-Donald Tusk said Ukraine should join Nato soon."),
        ),
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = folder / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def run(pages: list[Path], out: Path, config: PositionsConfig, **options: object) -> RunSummary:
    return run_pipeline(
        pages,
        out,
        config,
        year=2025,
        classifier=KeywordClassifier(),
        **options,  # type: ignore[arg-type]
    )


def docs(out: Path, name: str = "posts") -> list[str]:
    return sorted(set(pl.read_parquet(out / f"{name}.parquet").get_column("doc")))


@pytest.fixture()
def keyword_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """`tracker run` through the CLI with the keyword classifier."""
    monkeypatch.setattr(tracker.classify, "load_classifier", lambda *a, **k: KeywordClassifier())


def cli(*args: str) -> Result:
    return CliRunner().invoke(
        main, [*args, "--positions", str(DEFAULT_POSITIONS)], catch_exceptions=True
    )


# --- CSV formula injection -------------------------------------------------------------


def test_csv_copies_neutralise_formulas_and_parquet_keeps_the_text(
    pages: dict[str, Path], tmp_path: Path, config: PositionsConfig
) -> None:
    out = tmp_path / "data"
    run(list(pages.values()), out, config)
    posts = pl.read_csv(out / "posts.csv")
    headlines = posts.get_column("headline").to_list()
    assert "'" + FORMULA in headlines and FORMULA not in headlines
    assert "'+ Tusk on Nato" in headlines
    assert "'-Donald Tusk said Ukraine should join Nato soon." in posts.get_column("body")
    positions_csv = (out / "positions.csv").read_text(encoding="utf-8")
    for line in positions_csv.splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.strip('"').startswith(("=", "+", "-", "@")), line
    # The stages keep the page's text as it was.
    stored = pl.read_parquet(out / "posts.parquet").get_column("headline").to_list()
    assert FORMULA in stored and "+ Tusk on Nato" in stored


# --- Two runs, fewer pages, what a run says ---------------------------------------------


def test_a_second_run_is_refused_while_one_holds_the_data_directory(
    pages: dict[str, Path], tmp_path: Path, config: PositionsConfig, keyword_model: None
) -> None:
    out = tmp_path / "data"
    with data_dir_lock(out, "run"):
        with pytest.raises(DataDirBusyError) as raised:
            run([pages["north.txt"]], out, config)
        assert str(raised.value) == (
            f"{out} is being written by `tracker run` (pid {os.getpid()}): wait for it to "
            "finish, then try again"
        )
        result = cli("run", str(pages["north.txt"]), "--out", str(out), "--year", "2025")
        no_traceback(result)
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: {out} is being written by `tracker run`")
    assert not (out / CURRENT).exists()  # nothing was published by the refused runs
    assert run([pages["north.txt"]], out, config).pages == 1


def _hold_and_run(out: str, page_path: str, ready: object, done: object) -> None:
    config = read_positions(DEFAULT_POSITIONS)
    original = tracker.pipeline._run_locked

    def slow(*args: object) -> RunSummary:
        ready.set()  # type: ignore[attr-defined]
        done.wait(60)  # type: ignore[attr-defined]
        return original(*args)  # type: ignore[arg-type]

    tracker.pipeline._run_locked = slow  # type: ignore[assignment]
    run([Path(page_path)], Path(out), config)


def test_two_processes_running_at_once_one_is_refused_and_nothing_is_lost(
    pages: dict[str, Path], tmp_path: Path, config: PositionsConfig
) -> None:
    out = tmp_path / "data"
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    first = context.Process(
        target=_hold_and_run, args=(str(out), str(pages["north.txt"]), ready, done)
    )
    first.start()
    try:
        assert ready.wait(60)
        with pytest.raises(DataDirBusyError, match=f"pid {first.pid}"):
            run([pages["south.txt"]], out, config)
    finally:
        done.set()
        first.join(60)
    assert first.exitcode == 0
    assert docs(out) == ["north.txt"]
    run([pages["south.txt"]], out, config)
    assert docs(out) == ["north.txt", "south.txt"]  # the later run kept the earlier page


def test_a_run_with_fewer_pages_keeps_the_others_unless_pruned(
    pages: dict[str, Path], tmp_path: Path, config: PositionsConfig
) -> None:
    out = tmp_path / "data"
    both = run(list(pages.values()), out, config)
    assert (both.added, both.changed, both.kept) == (["north.txt", "south.txt"], [], [])
    positions_before = pl.read_parquet(out / "positions.parquet").sort("position_id")

    fewer = run([pages["south.txt"]], out, config)
    assert (fewer.added, fewer.changed, fewer.kept, fewer.pruned) == ([], [], ["north.txt"], [])
    assert fewer.pages == 2 and fewer.reused_pages == 1 and fewer.new_pages == 0
    assert docs(out) == docs(out, "positions") == ["north.txt", "south.txt"]
    assert pl.read_parquet(out / "positions.parquet").sort("position_id").equals(positions_before)
    assert "0 added, 0 changed, 1 kept from earlier runs" in fewer.line()

    pages["north.txt"].write_text(
        pages["north.txt"].read_text(encoding="utf-8").replace("any ceasefire", "a truce"),
        encoding="utf-8",
    )
    edited = run([pages["north.txt"]], out, config)
    assert (edited.added, edited.changed, edited.kept) == ([], ["north.txt"], ["south.txt"])
    assert edited.new_pages == 1

    pruned = run([pages["south.txt"]], out, config, prune=True)
    assert (pruned.kept, pruned.pruned, pruned.pages) == ([], ["north.txt"], 1)
    assert docs(out) == ["south.txt"]
    assert "1 pruned" in pruned.line()


def test_the_cli_summary_says_what_was_added_changed_and_kept(
    pages: dict[str, Path], tmp_path: Path, keyword_model: None
) -> None:
    out = tmp_path / "data"
    first = cli("run", str(pages["north.txt"]), "--out", str(out), "--year", "2025", "--quiet")
    assert first.exit_code == 0, first.output
    second = cli("run", str(pages["south.txt"]), "--out", str(out), "--year", "2025", "--quiet")
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[-1].startswith(
        "pages 2 (1 processed, 0 unchanged; 1 added, 0 changed, 1 kept from earlier runs), "
    )


# --- One generation at a time -------------------------------------------------------------


def _killed_while_writing_series(out: str, page_paths: list[str]) -> None:
    """Child process: the series writer dies after its first file, as a SIGKILL would
    leave things (no cleanup runs)."""
    config = read_positions(DEFAULT_POSITIONS)
    original = tracker.pipeline.write_series

    def dies_midway(series: object, folder: Path) -> None:
        original(series, folder)  # type: ignore[arg-type]
        (Path(folder) / "observations.parquet").write_bytes(b"half a file")
        os._exit(9)

    tracker.pipeline.write_series = dies_midway  # type: ignore[assignment]
    run([Path(p) for p in page_paths], Path(out), config)


def test_a_run_killed_while_publishing_leaves_readers_the_previous_run_whole(
    pages: dict[str, Path], tmp_path: Path, config: PositionsConfig
) -> None:
    out = tmp_path / "data"
    run([pages["north.txt"]], out, config)
    before = load_dashboard_data(out)
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=_killed_while_writing_series,
        args=(str(out), [str(pages["north.txt"]), str(pages["south.txt"])]),
    )
    child.start()
    child.join(120)
    assert child.exitcode == 9
    leftovers = sorted(p.name for p in (out / GENERATIONS).iterdir() if p.name.startswith("."))
    assert len(leftovers) == 1  # the unpublished generation the kill left

    after = load_dashboard_data(out)
    for name in ("posts", "statements", "positions"):
        assert getattr(after, name).equals(getattr(before, name)), name
    assert after.series.observations.equals(before.series.observations)
    # Every table a reader sees comes from one run: no post of the killed run.
    assert set(after.positions.get_column("post_id")) <= set(after.posts.get_column("post_id"))
    assert set(after.posts.get_column("doc")) == {"north.txt"}

    stray = out / ".positions.parquet.x1y2.tmp"
    stray.write_bytes(b"left by a killed write")
    finished = run([pages["north.txt"], pages["south.txt"]], out, config)
    assert finished.pages == 2
    assert not stray.exists()
    assert not [p for p in (out / GENERATIONS).iterdir() if p.name.startswith(".")]
    assert set(load_dashboard_data(out).posts.get_column("doc")) == {"north.txt", "south.txt"}


def test_series_rebuild_publishes_a_new_generation_with_the_run_tables(
    pages: dict[str, Path], tmp_path: Path, config: PositionsConfig
) -> None:
    from tracker.series import series_from_data_dir

    out = tmp_path / "data"
    run(list(pages.values()), out, config)
    first = (out / CURRENT).read_text(encoding="utf-8").strip()
    posts = load_dashboard_data(out).posts
    series_from_data_dir(out, config)
    second = (out / CURRENT).read_text(encoding="utf-8").strip()
    assert second != first
    assert load_dashboard_data(out).posts.equals(posts)
    with data_dir_lock(out, "run"), pytest.raises(DataDirBusyError):
        series_from_data_dir(out, config)
    assert (out / CURRENT).read_text(encoding="utf-8").strip() == second


# --- Clear messages, never a traceback --------------------------------------------------


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def test_out_naming_an_existing_file_is_refused(
    pages: dict[str, Path], tmp_path: Path, keyword_model: None
) -> None:
    target = tmp_path / "results.csv"
    target.write_text("keep me\n", encoding="utf-8")
    result = cli("run", str(pages["north.txt"]), "--out", str(target), "--year", "2025")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {target} is a file, not a data directory: pass a folder (new or written "
        "by `tracker run`)"
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"


@pytest.fixture()
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write: chmod for a plain user; a read-only bind mount for
    root, who ignores permission bits (skipped where mounting is not allowed)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "existing.txt").write_text("x", encoding="utf-8")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "--bind", str(folder), str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot make a read-only folder here (root without mount)")
    try:
        remount = ["mount", "-o", "remount,bind,ro", str(folder)]
        if subprocess.run(remount, capture_output=True, check=False).returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, check=False)


def test_a_read_only_data_directory_gets_a_clear_message(
    pages: dict[str, Path], read_only_dir: Path, keyword_model: None
) -> None:
    result = cli("run", str(pages["north.txt"]), "--out", str(read_only_dir), "--year", "2025")
    no_traceback(result)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: cannot write {read_only_dir / '.lock'}: permission denied "
        "(is the folder read-only?)"
    )


def test_a_chart_to_a_read_only_path_gets_a_clear_message(
    read_only_dir: Path, tmp_path: Path
) -> None:
    from datadir import build_data_dir

    data = build_data_dir(tmp_path / "data", DEFAULT_POSITIONS)
    out = read_only_dir / "chart.svg"
    result = cli("chart", "--issue", "troops_on_ground", "--data", str(data), "--out", str(out))
    no_traceback(result)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: cannot write {out}: permission denied (is the folder read-only?)"
    )
    beside_a_file = read_only_dir / "existing.txt" / "chart.svg"
    nested = cli(
        "chart", "--issue", "troops_on_ground", "--data", str(data), "--out", str(beside_a_file)
    )
    no_traceback(nested)
    assert nested.output.strip() == (
        f"Error: cannot write into {beside_a_file.parent}: it is a file, not a folder"
    )


def test_odd_entries_in_a_pages_folder_are_listed_not_read(
    pages: dict[str, Path], tmp_path: Path, keyword_model: None
) -> None:
    folder = pages["north.txt"].parent
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "x.txt").mkdir()  # a folder with a page's name
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # a dangling link
    out = tmp_path / "data"
    result = cli("run", str(folder), "--out", str(out), "--year", "2025", "--quiet")
    no_traceback(result)
    assert result.exit_code == 0
    assert (
        f"Warning: {folder}: skipped 3: gone.txt (a link to a missing file), "
        "notes.docx (not .txt, .html, .htm), x.txt (a folder)"
    ) in result.output.splitlines()
    assert docs(out) == ["north.txt", "south.txt"]

    dangling = cli("run", str(folder / "gone.txt"), "--out", str(out), "--year", "2025")
    no_traceback(dangling)
    assert dangling.exit_code == 1
    assert dangling.output.strip() == (
        f"Error: {folder / 'gone.txt'}: a link to {tmp_path / 'nowhere.txt'}, which does not exist"
    )


def test_a_stray_byte_keeps_the_page_utf8_and_is_reported_with_its_line(
    tmp_path: Path, keyword_model: None
) -> None:
    text = page(
        "17 March",
        ("18:20", "Starmer’s offer", "Keir Starmer said Britain’s troops could go to Ukraine."),
    )
    data = text.encode("utf-8").replace(b"could go", b"could \x92go")
    line = text.splitlines().index("    Keir Starmer said Britain’s troops could go to Ukraine.")
    path = tmp_path / "stray.txt"
    path.write_bytes(data)
    out = tmp_path / "data"
    result = cli("run", str(path), "--out", str(out), "--year", "2025", "--quiet")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: stray.txt: bytes that are not UTF-8, read as \ufffd: line {line + 1} (0x92)"
        in result.output.splitlines()
    )
    body = pl.read_parquet(out / "posts.parquet").filter(~pl.col("is_head"))["body"][0]
    assert "Britain’s troops could \ufffdgo" in body
    assert "â€™" not in body


def test_atomic_writes_keep_the_mode_of_the_file_they_replace(tmp_path: Path) -> None:
    target = tmp_path / "shared.csv"
    atomic_write_text(target, "a\n")
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    target.chmod(0o644)
    atomic_write_text(target, "b\n")
    assert target.stat().st_mode & 0o777 == 0o644


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_run_warns_about_a_mistyped_wrong_id(
    pages: dict[str, Path], tmp_path: Path, keyword_model: None
) -> None:
    from test_hostile_config import mistyped_wrong

    positions, typo, line = mistyped_wrong(tmp_path)
    out = tmp_path / "data"
    command = ["run", str(pages["north.txt"]), "--out", str(out), "--year", "2025", "--quiet"]
    result = CliRunner().invoke(main, [*command, "--positions", str(positions)])
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: {positions}:{line}: wrong[0].id: {typo!r} is not a position id in the "
        "data: check it for a typo (copy ids from the evidence explorer or positions.csv)"
    ) in result.output.splitlines()
