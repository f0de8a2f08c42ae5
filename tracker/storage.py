"""The data directory: parquet stages between pipeline steps, written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar

import polars as pl

from tracker.errors import DataDirError
from tracker.schemas import check_frame

DEFAULT_DATA_DIR = Path("data")
# Times in every CSV copy: ISO-8601 UTC with a Z, as score.py and spreadsheets read them.
CSV_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def csv_ready(frame: Frame) -> Frame:
    """Times as ISO-8601 UTC text and lists joined with "; ": what a CSV can hold."""
    return frame.with_columns(pl.col(pl.Datetime).dt.strftime(CSV_TIME_FORMAT)).with_columns(
        pl.col(pl.List(pl.String)).list.join("; ")
    )


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], Any]) -> Path:
    """Write through a temp file in the same folder, fsync, then rename over `path`.

    A reader never sees a half-written file: it sees the old one or the new one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write(path, lambda stream: stream.write(text.encode("utf-8")))


def write_parquet(
    frame: pl.DataFrame, path: str | Path, schema: Mapping[str, pl.DataType], stage: str
) -> Path:
    check_frame(frame, schema, stage)
    return atomic_write(path, frame.write_parquet)


def write_csv(frame: pl.DataFrame, path: str | Path) -> Path:
    """CSV copy for people and score.py: times as ISO-8601 UTC with a Z."""
    return atomic_write(path, frame.write_csv)


def read_stage(
    data_dir: str | Path, name: str, schema: Mapping[str, pl.DataType], stage: str
) -> pl.LazyFrame:
    """Lazily scan DATA_DIR/NAME.parquet and check it against its schema."""
    path = Path(data_dir) / f"{name}.parquet"
    if not path.exists():
        raise DataDirError(
            f"{path} not found: run `tracker run PAGES --out {data_dir}` to build it"
        )
    frame = pl.scan_parquet(path)
    check_frame(frame, schema, stage)
    return frame


def atomic_sink(frame: pl.LazyFrame, path: str | Path) -> Path:
    """Stream a lazy frame to parquet or CSV (by suffix) without holding it in memory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        if path.suffix == ".csv":
            frame.sink_csv(temp_name)
        else:
            frame.sink_parquet(temp_name)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path
