"""Series: classified positions + curated YAML -> observations, daily held positions,
shifts and a per actor x issue summary. Polars expressions and lazy frames throughout.

Rules (each tested in tests/test_series.py):

- Days are UTC calendar days (post times are stored in UTC). A curated entry has a date,
  not a time: it is placed at 12:00 UTC of that day.
- An editor's curated position wins over model output for the same actor, issue and day:
  those model rows stay visible with superseded=True but do not count. Two curated
  entries for the same actor, issue and day: the one listed later in positions.yaml wins.
- A model observation whose position_id is listed under `wrong:` in positions.yaml is
  dropped entirely.
- The score of a stance is read from positions.yaml, not from the positions table, so a
  rescaled issue needs no re-run; a stance the file does not define is an error.
- A single low-confidence outlier does not make a shift: an observation below
  `min_confidence` counts only if the observation just before or just after it (same
  actor and issue) agrees with it, or if it is the only one. So A, b, A keeps A held;
  A, b, b is a shift to b at the first b; a trailing lone b waits for confirmation.
  Editor entries always count.
- Order within a day: by time, then confidence (at equal times the most confident one
  is taken as the latest), then position_id. The latest counting observation of a day is
  the stance held that day.
- A shift is a change of held stance between consecutive counting observations; a shift
  back to the stance held before the previous shift is a reversal (flip-flop).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from tracker.config import PositionsConfig
from tracker.errors import SchemaError
from tracker.schemas import DAILY, OBSERVATIONS, POSITIONS, SHIFTS, SUMMARY, check_frame
from tracker.storage import (
    atomic_sink,
    csv_ready,
    data_dir_lock,
    generation_dir,
    new_generation,
    read_stage,
    write_parquet,
)

GROUP = ["actor", "issue"]
ORDER = [*GROUP, "time", "confidence", "position_id"]
SERIES_FILES = {
    "observations": OBSERVATIONS,
    "series": DAILY,
    "shifts": SHIFTS,
    "summary": SUMMARY,
}


@dataclass(frozen=True)
class SeriesSettings:
    min_confidence: float = 0.6  # below this, an observation needs confirming to count
    until: date | None = None  # last day of the daily series (default: last observation)


@dataclass(frozen=True)
class Series:
    observations: pl.DataFrame
    daily: pl.DataFrame
    shifts: pl.DataFrame
    summary: pl.DataFrame


def _editor_observations(config: PositionsConfig) -> pl.LazyFrame:
    rows = [
        {
            "position_id": "editor-"
            + hashlib.sha256(f"{p.actor}|{p.issue}|{p.date}|{p.stance}".encode()).hexdigest()[:12],
            "actor": p.actor,
            "issue": p.issue,
            "day": p.date,
            "stance": p.stance,
            "evidence": p.quote or p.note,
            "url": p.source,
            "listed": index,
        }
        for index, p in enumerate(config.positions)
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "position_id": pl.String(),
            "actor": pl.String(),
            "issue": pl.String(),
            "day": pl.Date(),
            "stance": pl.String(),
            "evidence": pl.String(),
            "url": pl.String(),
            "listed": pl.Int64(),
        },
    ).lazy()
    # A curated entry has a date, not a time: it is placed at noon UTC of that day.
    return frame.with_columns(
        pl.col("day")
        .cast(pl.Datetime("us"))
        .dt.offset_by("12h")
        .dt.replace_time_zone("UTC")
        .alias("time"),
        pl.lit(1.0).alias("confidence"),
        pl.lit("editor").alias("source"),
        pl.lit("").alias("doc"),
        pl.lit("").alias("post_id"),
        pl.lit("").alias("headline"),
    )


def _scores(config: PositionsConfig) -> pl.LazyFrame:
    return pl.LazyFrame(
        [
            {"issue": issue.id, "stance": stance.id, "score": stance.score}
            for issue in config.issues
            for stance in issue.stances
        ],
        schema={"issue": pl.String(), "stance": pl.String(), "score": pl.Float64()},
    )


def build_observations(positions: pl.LazyFrame, config: PositionsConfig) -> pl.LazyFrame:
    check_frame(positions, POSITIONS, "positions")
    wrong = [label.id for label in config.wrong]
    model = positions.filter(~pl.col("position_id").is_in(wrong)).select(
        "position_id",
        "actor",
        "issue",
        pl.col("post_time").alias("time"),
        pl.col("post_time").dt.date().alias("day"),
        "stance",
        "confidence",
        pl.lit("model").alias("source"),
        "doc",
        "post_id",
        "headline",
        "evidence",
        pl.col("url").fill_null("").alias("url"),
    )
    editor = _editor_observations(config)
    columns = [name for name in OBSERVATIONS if name not in ("score", "superseded")]
    combined = pl.concat(
        [
            model.select(columns).with_columns(pl.lit(None, dtype=pl.Int64()).alias("listed")),
            editor.select(*columns, "listed"),
        ],
        how="vertical",
    )
    curated_days = editor.group_by(*GROUP, "day").agg(pl.col("listed").max().alias("last_listed"))
    overridden = pl.col("last_listed").is_not_null() & (
        (pl.col("source") == "model") | (pl.col("listed") < pl.col("last_listed"))
    )
    return (
        combined.join(_scores(config), on=["issue", "stance"], how="left")
        .join(curated_days, on=[*GROUP, "day"], how="left")
        .with_columns(overridden.alias("superseded"))
        .select(list(OBSERVATIONS))
        .sort(ORDER)
    )


def _counting(observations: pl.LazyFrame, settings: SeriesSettings) -> pl.LazyFrame:
    """Observations that make up the held position (outliers and superseded left out)."""
    # build_observations returns rows in ORDER; filters keep it, so no sort is needed here
    # or in the stages below (sorting 10^6 rows by four keys is most of the build time).
    live = observations.filter(~pl.col("superseded"))
    before = pl.col("stance").shift(1).over(GROUP)
    after = pl.col("stance").shift(-1).over(GROUP)
    return live.filter(
        (pl.col("source") == "editor")
        | (pl.col("confidence") >= settings.min_confidence)
        | (before == pl.col("stance"))
        | (after == pl.col("stance"))
        | (before.is_null() & after.is_null())
    )


def build_shifts(counting: pl.LazyFrame) -> pl.LazyFrame:
    """Each change of stance between consecutive counting observations of an actor and
    issue, with the observation before (the last one of the old stance) and after."""
    previous = {
        name: pl.col(name).shift(1).over(GROUP)
        for name in ("stance", "score", "time", "confidence", "evidence", "position_id", "doc")
    }
    shifts = (
        counting.with_columns(**{f"from_{name}": expr for name, expr in previous.items()})
        .filter(pl.col("from_stance").is_not_null() & (pl.col("from_stance") != pl.col("stance")))
        .select(
            *GROUP,
            "from_stance",
            pl.col("stance").alias("to_stance"),
            "from_score",
            pl.col("score").alias("to_score"),
            (pl.col("score") - pl.col("from_score")).alias("size"),
            "from_time",
            pl.col("time").alias("to_time"),
            "from_confidence",
            pl.col("confidence").alias("to_confidence"),
            "from_evidence",
            pl.col("evidence").alias("to_evidence"),
            "from_position_id",
            pl.col("position_id").alias("to_position_id"),
            "from_doc",
            pl.col("doc").alias("to_doc"),
        )
    )
    return shifts.with_columns(
        (pl.col("to_stance") == pl.col("from_stance").shift(1).over(GROUP))
        .fill_null(False)
        .alias("is_reversal")
    ).select(list(SHIFTS))


def build_daily(counting: pl.LazyFrame, end_day: date | None) -> pl.LazyFrame:
    """One row per actor x issue x day, from the first counting observation of the pair to
    `end_day` (None only when there are no observations), the latest stance carried
    forward. Rows come in actor, issue, day order."""
    if end_day is None:
        return pl.LazyFrame(schema=DAILY)
    last_of_day = (
        counting.group_by([*GROUP, "day"], maintain_order=True)
        .last()
        .select(*GROUP, "day", "stance", "score", "confidence", "source", "position_id")
        .with_columns(pl.col("day").alias("since"))
    )
    spans = (
        last_of_day.group_by(GROUP, maintain_order=True)
        .agg(pl.col("day").min().alias("first"))
        .filter(pl.col("first") <= end_day)
        .with_columns(pl.date_ranges("first", pl.lit(end_day), "1d").alias("day"))
        .explode("day")
        .select(*GROUP, "day")
    )
    held = spans.join_asof(
        last_of_day, on="day", by=GROUP, strategy="backward", check_sortedness=False
    )
    return held.with_columns(
        (pl.col("day") - pl.col("since")).dt.total_days().cast(pl.Int32()).alias("stale_days")
    ).select(list(DAILY))


def build_summary(
    observations: pl.LazyFrame, counting: pl.LazyFrame, shifts: pl.LazyFrame
) -> pl.LazyFrame:
    """Counts over every live observation; the latest stance is the one held (outliers
    that were not confirmed do not replace it), null where none is confirmed yet."""
    live = observations.filter(~pl.col("superseded"))
    counts = shifts.group_by(GROUP).agg(pl.len().cast(pl.UInt32()).alias("n_shifts"))
    latest = counting.group_by(GROUP).agg(
        pl.col("stance").last().alias("latest_stance"),
        pl.col("score").last().alias("latest_score"),
        pl.col("position_id").last().alias("latest_position_id"),
    )
    return (
        live.group_by(GROUP)
        .agg(
            pl.len().cast(pl.UInt32()).alias("n_observations"),
            pl.col("time").min().alias("first_seen"),
            pl.col("time").max().alias("last_seen"),
        )
        .join(latest, on=GROUP, how="left")
        .join(counts, on=GROUP, how="left")
        .with_columns(pl.col("n_shifts").fill_null(0))
        .select(list(SUMMARY))
        .sort(GROUP)
    )


def build_series(
    positions: pl.LazyFrame | pl.DataFrame,
    config: PositionsConfig,
    *,
    settings: SeriesSettings | None = None,
) -> Series:
    """The four series tables from a POSITIONS frame and positions.yaml."""
    settings = settings or SeriesSettings()
    lazy = positions.lazy()
    observations = build_observations(lazy, config).collect()
    unknown = observations.filter(pl.col("score").is_null())
    if unknown.height:
        pairs = unknown.select("issue", "stance").unique().sort("issue", "stance").rows()
        listed = ", ".join(f"{issue}/{stance}" for issue, stance in pairs)
        raise SchemaError(
            f"positions use stances that positions.yaml does not define ({listed}): "
            "run `tracker run` again after changing the stance scales"
        )
    untimed = observations.filter(pl.col("time").is_null())
    if untimed.height:
        # Untimed page material is left out upstream; a null time here is a bug there,
        # and sorting would silently make the row the earliest observation.
        raise SchemaError(
            f"{untimed.height} positions have no post_time (first: "
            f"{untimed.get_column('position_id')[0]}): the series needs a time for each"
        )
    counting = _counting(observations.lazy(), settings).collect().lazy()
    # The series runs to the last observation day overall, even when that observation
    # still waits for confirmation: its pair then shows the held stance going stale.
    last_day = observations.filter(~pl.col("superseded")).get_column("day").max()
    end_day = settings.until or (last_day if isinstance(last_day, date) else None)
    shifts = build_shifts(counting).collect()
    daily = build_daily(counting, end_day).collect()
    summary = build_summary(observations.lazy(), counting, shifts.lazy()).collect()
    for frame, schema, name in (
        (observations, OBSERVATIONS, "observations"),
        (daily, DAILY, "series"),
        (shifts, SHIFTS, "shifts"),
        (summary, SUMMARY, "summary"),
    ):
        check_frame(frame, schema, name)
    return Series(observations, daily, shifts, summary)


SHIFTS_CSV_COLUMNS = [
    "actor",
    "issue",
    "from_stance",
    "to_stance",
    "from_time",
    "to_time",
    "size",
    "is_reversal",
    "from_confidence",
    "to_confidence",
    "from_evidence",
    "to_evidence",
    "from_doc",
    "to_doc",
    "from_position_id",
    "to_position_id",
]


def write_series(series: Series, data_dir: str | Path) -> None:
    """observations/series/shifts/summary .parquet, plus CSV copies, written atomically."""
    data_dir = Path(data_dir)
    frames = {
        "observations": series.observations,
        "series": series.daily,
        "shifts": series.shifts,
        "summary": series.summary,
    }
    for name, frame in frames.items():
        write_parquet(frame, data_dir / f"{name}.parquet", SERIES_FILES[name], name)
    atomic_sink(csv_ready(series.shifts.lazy().select(SHIFTS_CSV_COLUMNS)), data_dir / "shifts.csv")
    atomic_sink(csv_ready(series.observations.lazy()), data_dir / "observations.csv")
    atomic_sink(csv_ready(series.summary.lazy()), data_dir / "summary.csv")
    atomic_sink(series.daily.lazy(), data_dir / "series.csv")


def load_series(data_dir: str | Path, generation: Path | None = None) -> Series:
    """The four series tables written by write_series, each checked against its schema,
    all from one generation (resolved here unless given)."""
    folder = generation if generation is not None else generation_dir(data_dir)
    frames = {
        name: read_stage(data_dir, name, schema, name, folder).collect()
        for name, schema in SERIES_FILES.items()
    }
    return Series(frames["observations"], frames["series"], frames["shifts"], frames["summary"])


def series_from_data_dir(
    data_dir: str | Path, config: PositionsConfig, settings: SeriesSettings | None = None
) -> Series:
    """Rebuild the series of a data directory from its positions and positions.yaml,
    published as a new generation that keeps the run's other tables."""
    with data_dir_lock(data_dir, "series"), new_generation(data_dir, carry=True) as folder:
        positions = read_stage(data_dir, "positions", POSITIONS, "positions", folder)
        series = build_series(positions, config, settings=settings)
        write_series(series, folder)
    return series
