"""The data directory: parquet stages between pipeline steps, written atomically.

A run's combined tables are published as one *generation*: written into a folder of
their own under ``generations/``, then made current by replacing one small pointer file,
``CURRENT``. Readers resolve the pointer once and read every table from that folder, so
they never see one run's posts with another run's positions. The files at the top of the
data directory are hard links to the current generation's, for people and other
programs (score.py reads ``positions.csv`` there). A data directory without ``CURRENT``
(written by hand, or by an older release) is read from its top level.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import polars as pl

from tracker.errors import DataDirBusyError, DataDirError, StorageError
from tracker.schemas import check_frame

DEFAULT_DATA_DIR = Path("data")
# Times in every CSV copy: ISO-8601 UTC with a Z, as score.py and spreadsheets read them.
CSV_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# A spreadsheet reads a cell starting with = + - @, a tab or a carriage return as a
# formula (=HYPERLINK(...)).
FORMULA_START = r"^[=+\-@\t\r]"
CURRENT = "CURRENT"
GENERATIONS = "generations"
LOCK = ".lock"
KEPT_GENERATIONS = 2  # the current one and the one before, which a slow reader may hold
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

# Read once, while the process is still single-threaded: os.umask can only be read by
# setting it. New files get the mode a plain open() would give them.
_UMASK = os.umask(0)
os.umask(_UMASK)


def csv_ready(frame: Frame) -> Frame:
    """Times as ISO-8601 UTC text and lists joined with "; ": what a CSV can hold."""
    return frame.with_columns(pl.col(pl.Datetime).dt.strftime(CSV_TIME_FORMAT)).with_columns(
        pl.col(pl.List(pl.String)).list.join("; ")
    )


def formula_safe(frame: Frame) -> Frame:
    """Text cells a spreadsheet would run as a formula get a leading apostrophe, which
    spreadsheets read as "this is text" (CSV copies only: parquet keeps the text)."""
    text = pl.col(pl.String)
    return frame.with_columns(
        pl.when(text.str.contains(FORMULA_START))
        .then(pl.lit("'") + text)
        .otherwise(text)
        .name.keep()
    )


def _io_message(path: Path, error: OSError, verb: str = "write") -> str:
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return f"cannot {verb} {path}: permission denied (is the folder read-only?)"
    if isinstance(error, NotADirectoryError) or error.errno == errno.ENOTDIR:
        return f"cannot {verb} {path}: a part of that path is a file, not a folder"
    if isinstance(error, IsADirectoryError):
        return f"cannot {verb} {path}: it is a folder, not a file"
    if error.errno == errno.ENOSPC:
        return f"cannot {verb} {path}: the disk is full"
    return f"cannot {verb} {path}: {error.strerror or error}"


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StorageError(f"cannot write into {folder}: it is a file, not a folder") from None
    except OSError as error:
        raise StorageError(_io_message(folder, error)) from None


def _mode_for(path: Path) -> int:
    """Keep the mode of the file replaced; a new file gets what the umask allows."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def _temp_beside(path: Path) -> str:
    _make_folder(path.parent)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise StorageError(_io_message(path, error)) from None
    os.close(handle)
    return temp_name


def _finish(temp_name: str, path: Path) -> None:
    os.chmod(temp_name, _mode_for(path))
    os.replace(temp_name, path)


@contextmanager
def _replacing(path: Path) -> Iterator[str]:
    """A temp file beside `path` to write into; on success it replaces `path` (keeping
    that file's mode), on failure it is removed and an OSError becomes a StorageError."""
    temp_name = _temp_beside(path)
    try:
        yield temp_name
        _finish(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise StorageError(_io_message(path, error)) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], Any]) -> Path:
    """Write through a temp file in the same folder, fsync, then rename over `path`.

    A reader never sees a half-written file: it sees the old one or the new one. The
    file keeps the mode of the one it replaces.
    """
    path = Path(path)
    with _replacing(path) as temp_name, open(temp_name, "wb") as stream:
        write(stream)
        stream.flush()
        os.fsync(stream.fileno())
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write(path, lambda stream: stream.write(text.encode("utf-8")))


def write_parquet(
    frame: pl.DataFrame, path: str | Path, schema: Mapping[str, pl.DataType], stage: str
) -> Path:
    check_frame(frame, schema, stage)
    return atomic_write(path, frame.write_parquet)


def write_csv(frame: pl.DataFrame, path: str | Path) -> Path:
    """CSV copy for people and score.py: times as ISO-8601 UTC with a Z, formula-safe."""
    return atomic_write(path, formula_safe(frame).write_csv)


def atomic_sink(frame: pl.LazyFrame, path: str | Path) -> Path:
    """Stream a lazy frame to parquet or CSV (by suffix) without holding it in memory.
    A CSV is made formula-safe."""
    path = Path(path)
    with _replacing(path) as temp_name:
        if path.suffix == ".csv":
            formula_safe(frame).sink_csv(temp_name)
        else:
            frame.sink_parquet(temp_name)
    return path


# ---------------------------------------------------------------------------------------
# Generations: every table of a run published at once


def generation_dir(data_dir: str | Path) -> Path:
    """The folder holding the data directory's published tables, resolved once per read:
    the generation CURRENT names, else the data directory itself."""
    data_dir = Path(data_dir)
    try:
        name = (data_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return data_dir
    except OSError as error:
        raise StorageError(_io_message(data_dir / CURRENT, error, "read")) from None
    folder = data_dir / GENERATIONS / name
    if not name or "/" in name or not folder.is_dir():
        raise DataDirError(
            f"{data_dir / CURRENT} names a generation that is not there ({name!r}): "
            f"run `tracker run PAGES --out {data_dir}` again"
        )
    return folder


def read_stage(
    data_dir: str | Path,
    name: str,
    schema: Mapping[str, pl.DataType],
    stage: str,
    generation: Path | None = None,
) -> pl.LazyFrame:
    """Lazily scan NAME.parquet of the data directory's current generation (or of the
    `generation` folder already resolved) and check it against its schema."""
    folder = generation if generation is not None else generation_dir(data_dir)
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise DataDirError(
            f"{Path(data_dir) / f'{name}.parquet'} not found: "
            f"run `tracker run PAGES --out {data_dir}` to build it"
        )
    frame = pl.scan_parquet(path, glob=False)  # a folder may be named "[x"
    check_frame(frame, schema, stage)
    return frame


def _link_or_copy(source: Path, target: Path) -> None:
    """Put `source` at `target` atomically, sharing its bytes where the disk allows."""
    temp = target.with_name(f".{target.name}.link.tmp")
    temp.unlink(missing_ok=True)
    try:
        os.link(source, temp)
    except OSError:
        shutil.copy2(source, temp)
    os.replace(temp, target)


@contextmanager
def new_generation(data_dir: str | Path, carry: bool = False) -> Iterator[Path]:
    """A folder to write a generation into; published when the block ends without error.

    `carry`: start from the current generation's files (linked, not copied), for a
    command that rewrites only some tables (`tracker series`). Hold data_dir_lock.
    """
    data_dir = Path(data_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{stamp}-{os.getpid()}"
    folder = data_dir / GENERATIONS / f".{name}.tmp"
    final = data_dir / GENERATIONS / name
    _make_folder(folder)
    try:
        if carry:
            current = generation_dir(data_dir)
            for source in sorted(current.glob("*.parquet")) + sorted(current.glob("*.csv")):
                _link_or_copy(source, folder / source.name)
        yield folder
        os.replace(folder, final)
    except OSError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise StorageError(_io_message(folder, error)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # The one step that publishes: until CURRENT is replaced, readers see the old tables.
    atomic_write_text(data_dir / CURRENT, name + "\n")
    try:
        for table in sorted(final.iterdir()):
            _link_or_copy(table, data_dir / table.name)
        _prune_generations(data_dir, keep=name)
    except OSError as error:
        raise StorageError(_io_message(data_dir, error)) from None


def _prune_generations(data_dir: Path, keep: str) -> None:
    folders = sorted(
        folder.name
        for folder in (data_dir / GENERATIONS).iterdir()
        if folder.is_dir() and not folder.name.startswith(".")
    )
    stale = [name for name in folders[:-KEPT_GENERATIONS] if name != keep]
    for name in stale:
        shutil.rmtree(data_dir / GENERATIONS / name, ignore_errors=True)


def clean_temporary_files(data_dir: str | Path) -> list[Path]:
    """Remove the temp files and unpublished generations a killed writer left behind.
    Only safe while holding data_dir_lock; returns what was removed."""
    data_dir = Path(data_dir)
    removed: list[Path] = []
    folders = [data_dir, data_dir / GENERATIONS, data_dir / "cache"]
    if (data_dir / "pages").is_dir():
        folders += [folder for folder in (data_dir / "pages").iterdir() if folder.is_dir()]
    for folder in folders:
        if not folder.is_dir():
            continue
        for leftover in folder.glob(".*.tmp"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return sorted(removed)


@contextmanager
def data_dir_lock(data_dir: str | Path, purpose: str) -> Iterator[None]:
    """Hold the data directory's write lock, or raise DataDirBusyError at once naming
    the process that holds it. The kernel drops the lock when its holder dies."""
    data_dir = Path(data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise StorageError(
            f"{data_dir} is a file, not a data directory: pass a folder (new or "
            "written by `tracker run`)"
        )
    _make_folder(data_dir)
    path = data_dir / LOCK
    try:
        stream = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the block)
    except OSError as error:
        raise StorageError(_io_message(path, error)) from None
    with stream:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = stream.read().strip() or "another process"
            raise DataDirBusyError(
                f"{data_dir} is being written by {holder}: wait for it to finish, then try again"
            ) from None
        stream.seek(0)
        stream.truncate()
        stream.write(f"`tracker {purpose}` (pid {os.getpid()})")
        stream.flush()
        try:
            yield
        finally:
            stream.seek(0)
            stream.truncate()
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
