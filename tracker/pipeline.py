"""`tracker run`: ingest -> attribute -> classify -> series, incremental and crash-safe.

Pages are keyed by content hash. Each page's stage outputs are written atomically to
per-page partitions under DATA/pages/<key>/, so a run killed at any point leaves the
previous combined results readable, and the next run skips every page already done.
The combined tables (posts, statements, positions, rejects) and the series are then
rebuilt from the partitions with lazy scans into a new generation, published at once
(tracker/storage.py): a reader sees the whole previous run or the whole new one.

A data directory keeps every page it has seen: pages of earlier runs not given this
time stay in the combined tables unless the run is told to prune them. One run at a
time writes a data directory (a lock; a second run is refused, naming the first).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from tracker import __version__
from tracker.attribute import attribute_statements
from tracker.classify import ClassifierSettings, StanceClassifier, load_classifier
from tracker.config import PositionsConfig, unknown_wrong_ids
from tracker.errors import IngestError, TrackerWarning
from tracker.ingest import (
    PageInfo,
    YearClue,
    expand_pages,
    page_info,
    parse_page_bytes,
    year_clues,
)
from tracker.progress import counter
from tracker.schemas import POSITIONS, POSTS, REJECTS, STATEMENTS, check_frame
from tracker.series import build_series, write_series
from tracker.storage import (
    atomic_sink,
    atomic_write,
    atomic_write_text,
    clean_temporary_files,
    csv_ready,
    data_dir_lock,
    generation_dir,
    new_generation,
)

STAGES: dict[str, dict[str, pl.DataType]] = {
    "posts": POSTS,
    "rejects": REJECTS,
    "statements": STATEMENTS,
    "positions": POSITIONS,
}
# Columns of positions.csv, the file score.py reads: one row per (post, actor, issue).
POSITIONS_CSV_COLUMNS = [
    "doc",
    "post_time",
    "actor",
    "issue",
    "stance",
    "confidence",
    "evidence",
    "headline",
    "position_id",
    "post_id",
    "url",
]


@dataclass(frozen=True)
class RunSummary:
    pages: int
    new_pages: int
    reused_pages: int
    posts: int
    statements: int
    positions: int
    rejects: int
    shifts: int
    failed_pages: list[str] = field(default_factory=list)
    # Against the data directory before the run, by page (file name): new, with new
    # content, and pages of earlier runs not given this time (kept, or pruned).
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    # Kept pages processed under another configuration or model than this run's.
    stale: list[str] = field(default_factory=list)

    def line(self) -> str:
        dropped = f", {len(self.pruned)} pruned" if self.pruned else ""
        return (
            f"pages {self.pages} ({self.new_pages} processed, {self.reused_pages} unchanged; "
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.kept)} kept "
            f"from earlier runs{dropped}), "
            f"posts {self.posts}, statements {self.statements}, positions {self.positions}, "
            f"shifts {self.shifts}, rejects {self.rejects}"
        )


def pipeline_fingerprint(config: PositionsConfig, classifier: StanceClassifier) -> str:
    """What a page's results depend on besides its bytes: reprocess when any of it changes.

    Curated positions and wrong-label marks only affect the series, which every run
    rebuilds, so editing them does not force pages to be processed again.
    """
    payload = json.dumps(
        {
            "version": __version__,
            "actors": [actor.model_dump(mode="json") for actor in config.actors],
            "issues": [issue.model_dump(mode="json") for issue in config.issues],
            "model": classifier.fingerprint,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _page_key(data: bytes, doc: str, year: int | None, fingerprint: str) -> str:
    digest = hashlib.sha256(data)
    digest.update(f"\0{doc}\0{year}\0{fingerprint}".encode())
    return digest.hexdigest()[:24]


def _process_pages(
    batch: Sequence[tuple[Path, bytes, str]],
    config: PositionsConfig,
    classifier: StanceClassifier,
    year: int | None,
    clues: Sequence[YearClue],
    infos: Mapping[str, PageInfo | None],
) -> dict[str, dict[str, pl.DataFrame]]:
    """Parse each page, then attribute and classify the whole batch at once."""
    per_page, statements = _parse_and_attribute(batch, config, year, clues, infos)
    return _split_by_page(per_page, statements, classifier.classify(statements, config))


def _parse_and_attribute(
    batch: Sequence[tuple[Path, bytes, str]],
    config: PositionsConfig,
    year: int | None,
    clues: Sequence[YearClue],
    infos: Mapping[str, PageInfo | None],
) -> tuple[dict[str, dict[str, pl.DataFrame]], pl.DataFrame]:
    """Each page's posts and rejects, and the statements of the whole batch."""
    per_page: dict[str, dict[str, pl.DataFrame]] = {}
    for path, data, key in batch:
        posts, rejects = parse_page_bytes(
            data, path.name, year=year, clues=clues, info=infos.get(path.name)
        )
        per_page[key] = {"posts": posts, "rejects": rejects}
    all_posts = pl.concat([stages["posts"] for stages in per_page.values()])
    return per_page, attribute_statements(all_posts, config).statements


def _split_by_page(
    per_page: dict[str, dict[str, pl.DataFrame]], statements: pl.DataFrame, positions: pl.DataFrame
) -> dict[str, dict[str, pl.DataFrame]]:
    """The batch's statements and positions, each row in its page's stages."""
    check_frame(positions, POSITIONS, "positions")
    for stages in per_page.values():
        ids = stages["posts"].get_column("post_id").implode()
        stages["statements"] = statements.filter(pl.col("post_id").is_in(ids))
        stages["positions"] = positions.filter(pl.col("post_id").is_in(ids))
    return per_page


@dataclass(frozen=True)
class PageJob:
    """A run's new pages and what processing them needs: what an engine is given. An
    engine writes one partition per page (_write_partition), batch by batch as
    `batch_pages` cuts `todo`, with results equal to process_locally's."""

    todo: Sequence[tuple[Path, bytes, str]]  # (path, bytes, partition key)
    out: Path
    config: PositionsConfig
    classifier: StanceClassifier
    year: int | None
    clues: Sequence[YearClue]
    infos: Mapping[str, PageInfo | None]
    batch_pages: int

    def batches(self) -> list[Sequence[tuple[Path, bytes, str]]]:
        return [
            self.todo[start : start + self.batch_pages]
            for start in range(0, len(self.todo), self.batch_pages)
        ]


# Processes a PageJob's pages into partitions; the second argument is the run's progress
# callback (tracker.progress), None when the run is quiet.
Engine = Callable[[PageJob, Callable[[str], None] | None], None]


def process_locally(job: PageJob, progress: Callable[[str], None] | None) -> None:
    """The default engine: batch after batch in this process."""
    count = counter(progress, len(job.todo), "new pages")
    for batch in job.batches():
        stages_by_key = _process_pages(
            batch, job.config, job.classifier, job.year, job.clues, job.infos
        )
        for key, stages in stages_by_key.items():
            _write_partition(job.out / "pages" / key, stages)
        count(len(batch))


def _write_partition(partition: Path, stages: dict[str, pl.DataFrame]) -> None:
    for name, frame in stages.items():
        check_frame(frame, STAGES[name], name)
        atomic_write(partition / f"{name}.parquet", frame.write_parquet)
    # Written last: a partition without it is incomplete and is processed again.
    atomic_write_text(partition / "DONE", datetime.now(UTC).isoformat())


def _combine(out: Path, keys: list[str], into: Path) -> dict[str, pl.LazyFrame]:
    """Stream every stage's partitions into one parquet file each; return lazy scans."""
    combined: dict[str, pl.LazyFrame] = {}
    for name, schema in STAGES.items():
        files = [out / "pages" / key / f"{name}.parquet" for key in keys]
        # glob=False: a data directory may be named like a pattern ("[x", "a*").
        frame = pl.scan_parquet(files, glob=False) if files else pl.LazyFrame(schema=schema)
        check_frame(frame, schema, name)
        atomic_sink(frame, into / f"{name}.parquet")
        combined[name] = pl.scan_parquet(into / f"{name}.parquet", glob=False)
    return combined


MANIFEST_SCHEMA = {
    "doc": pl.String(),
    "key": pl.String(),
    "fingerprint": pl.String(),
    "content": pl.String(),  # sha256 of the page's bytes: tells new text from a new model
}


def _seen_pages(out: Path) -> pl.DataFrame:
    """The pages of the data directory as published: doc, key, fingerprint and content
    (null when an older release wrote the manifest)."""
    path = generation_dir(out) / "pages.parquet"
    if not path.is_file():
        return pl.DataFrame(schema=MANIFEST_SCHEMA)
    seen = pl.read_parquet(path, glob=False)
    for column in ("fingerprint", "content"):
        if column not in seen.columns:
            seen = seen.with_columns(pl.lit(None, pl.String()).alias(column))
    return seen.select(list(MANIFEST_SCHEMA)).cast(MANIFEST_SCHEMA)  # type: ignore[arg-type]


def _read_page(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise IngestError(f"{path}: a folder, not a page") from None
    except OSError as error:
        raise IngestError(f"{path}: cannot read it: {error.strerror or error}") from None


def _count(frame: pl.LazyFrame) -> int:
    return int(frame.select(pl.len()).collect().item())


def run_pipeline(
    pages: Sequence[Path],
    out: Path,
    config: PositionsConfig,
    *,
    year: int | None = None,
    classifier: StanceClassifier | None = None,
    classifier_settings: ClassifierSettings | None = None,
    batch_pages: int = 64,
    progress: Callable[[str], None] | None = None,
    prune: bool = False,
    page_manifest: Mapping[str, PageInfo] | None = None,
    page_date: date | None = None,
    engine: Engine | None = None,
) -> RunSummary:
    """Process `pages` into the data directory `out`; pages done before are reused, and
    pages of earlier runs stay in the tables unless `prune`."""
    paths = expand_pages(pages)
    model = classifier or load_classifier(settings=classifier_settings)
    with data_dir_lock(out, "run"):
        clean_temporary_files(out)
        # What the manifest (or --date) says about each page: its URL and anchor date.
        infos = {path.name: page_info(page_manifest, path.name, page_date) for path in paths}
        return _run_locked(
            paths, out, config, model, year, batch_pages, progress, prune, infos, engine
        )


def _run_locked(
    paths: Sequence[Path],
    out: Path,
    config: PositionsConfig,
    model: StanceClassifier,
    year: int | None,
    batch_pages: int,
    progress: Callable[[str], None] | None,
    prune: bool,
    infos: Mapping[str, PageInfo | None],
    engine: Engine | None = None,
) -> RunSummary:
    say = progress or (lambda _message: None)
    fingerprint = pipeline_fingerprint(config, model)
    clues = year_clues(config)

    todo: list[tuple[Path, bytes, str]] = []
    keys: list[str] = []
    docs: list[str] = []
    contents: list[str] = []
    first_names: dict[str, str] = {}
    for path in paths:
        data = _read_page(path)
        first = first_names.setdefault(hashlib.sha256(data).hexdigest(), path.name)
        if first != path.name:
            say(f"{path.name}: the same bytes as {first}: read once, under {first}")
            continue
        info = infos.get(path.name)
        key = _page_key(
            data, path.name if info is None else f"{path.name}\0{info}", year, fingerprint
        )
        if key in keys:
            continue  # the same page given twice
        keys.append(key)
        docs.append(path.name)
        contents.append(hashlib.sha256(data).hexdigest()[:24])
        if not (out / "pages" / key / "DONE").exists():
            todo.append((path, data, key))
    reused = len(keys) - len(todo)

    seen = _seen_pages(out)
    earlier = set(zip(seen.get_column("doc"), seen.get_column("content"), strict=True))
    earlier_docs = {doc for doc, _ in earlier}
    given_docs = set(docs)
    added = sorted(given_docs - earlier_docs)
    changed = sorted(
        {doc for doc, content in zip(docs, contents, strict=True) if (doc, content) not in earlier}
        & earlier_docs
    )
    # Pages of earlier runs not given now: kept (their partitions reused) or pruned.
    others = seen.filter(~pl.col("doc").is_in(list(given_docs)))
    pruned = sorted(set(others.get_column("doc"))) if prune else []
    kept_rows = others.clear() if prune else others
    missing = [
        doc
        for key, doc in zip(kept_rows.get_column("key"), kept_rows.get_column("doc"), strict=True)
        if not (out / "pages" / key / "DONE").exists()
    ]
    for doc in missing:
        warnings.warn(
            TrackerWarning(
                f"{doc}: its results are gone from {out / 'pages'}; it is dropped "
                "(pass the page again to restore it)"
            ),
            stacklevel=2,
        )
    kept_rows = kept_rows.filter(~pl.col("doc").is_in(missing))
    stale = sorted(
        set(kept_rows.filter(pl.col("fingerprint").ne_missing(fingerprint)).get_column("doc"))
    )

    job = PageJob(todo, out, config, model, year, clues, infos, batch_pages)
    (engine or process_locally)(job, progress)

    manifest = pl.concat(
        [
            pl.DataFrame(
                {
                    "doc": docs,
                    "key": keys,
                    "fingerprint": [fingerprint] * len(keys),
                    "content": contents,
                },
                schema=MANIFEST_SCHEMA,
            ),
            kept_rows,
        ]
    )
    all_keys = manifest.get_column("key").to_list()
    with new_generation(out) as generation:
        combined = _combine(out, all_keys, generation)
        atomic_write(generation / "pages.parquet", manifest.write_parquet)
        for name in ("posts", "statements", "rejects"):
            atomic_sink(csv_ready(combined[name]), generation / f"{name}.csv")
        atomic_sink(
            csv_ready(combined["positions"].select(POSITIONS_CSV_COLUMNS)),
            generation / "positions.csv",
        )
        positions = combined["positions"].collect()
        series = build_series(positions.lazy(), config)
        write_series(series, generation)
        rejects = combined["rejects"].collect()
        posts = _count(combined["posts"].filter(~pl.col("is_head")))
        statements = _count(combined["statements"])
    for problem in unknown_wrong_ids(config, set(positions.get_column("position_id"))):
        warnings.warn(TrackerWarning(problem), stacklevel=2)

    failed = rejects.filter(pl.col("line") == 0).get_column("doc").unique().sort().to_list()
    return RunSummary(
        pages=len(all_keys),
        new_pages=len(todo),
        reused_pages=reused,
        posts=posts,
        statements=statements,
        positions=positions.height,
        rejects=rejects.height,
        shifts=series.shifts.height,
        failed_pages=failed,
        added=added,
        changed=changed,
        kept=sorted(set(kept_rows.get_column("doc"))),
        pruned=pruned,
        stale=stale,
    )
