"""Series: classified positions + curated YAML -> observations, daily held positions,
shifts and a per actor x issue summary. Polars expressions and lazy frames throughout.

Rules (each tested in tests/test_series.py and tests/test_series_rules.py; which
observations count and how long a stance is held: tracker/holding.py):

- Days are UTC calendar days (post times are stored in UTC). A curated entry has a date,
  not a time: it is placed at 12:00 UTC of that day.
- An editor's curated position wins over model output for the same actor, issue and day:
  those model rows stay visible with superseded=True but do not count. Two curated
  entries for the same actor, issue and day: the one listed later in positions.yaml wins.
- A model observation whose position_id is listed under `wrong:` in positions.yaml is
  dropped entirely.
- The score of a stance is read from positions.yaml, not from the positions table, so a
  rescaled issue needs no re-run; a stance the file does not define is an error.
- Every observation keeps a `status`: counted, superseded, low_confidence or
  unconfirmed, with a note saying why in reader language.
- Order within a day: by time, then confidence, most confident first (at equal times a
  less confident contradiction then needs corroboration), then position_id. The latest
  counting observation of a day is
  the stance held that day; it is carried forward until the next counting observation,
  for at most the issue's `stale_after_days` and never past the end of a tenure.
- A shift is a change of held stance between consecutive counting observations, graded
  by the share of the issue's scale it crosses (full flop: three quarters or more; half
  flip: a quarter or more; no flip below), with the reason it counts and the source of
  both statements. A shift back to the stance held before the previous shift is a
  reversal (flip-flop).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from tracker.config import PositionsConfig
from tracker.errors import SchemaError
from tracker.holding import (
    COUNTED,
    SeriesSettings,
    hold_limits,
    number_runs,
    observation_status,
)
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

__all__ = [
    "SERIES_FILES",
    "Series",
    "SeriesSettings",
    "build_series",
    "load_series",
    "series_from_data_dir",
    "write_series",
]

GROUP = ["actor", "issue"]
ORDER = [*GROUP, "time", "confidence", "position_id"]
SERIES_FILES = {
    "observations": OBSERVATIONS,
    "series": DAILY,
    "shifts": SHIFTS,
    "summary": SUMMARY,
}


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


# Observation columns known before the counting rules run (tracker/holding.py adds the rest).
BASE_COLUMNS = [name for name in OBSERVATIONS if name not in ("status", "status_note")]


def build_observations(positions: pl.LazyFrame, config: PositionsConfig) -> pl.LazyFrame:
    """Model and curated observations in series order, scored from positions.yaml, with
    the curated overrides marked (the OBSERVATIONS columns but status and status_note)."""
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
    columns = [name for name in BASE_COLUMNS if name not in ("score", "superseded")]
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
        .select(BASE_COLUMNS)
        .sort(ORDER, descending=[name == "confidence" for name in ORDER])
    )


def _where(url: pl.Expr, doc: pl.Expr) -> pl.Expr:
    """What a reader can check: the page URL, else the page file, else the curated entry."""
    return (
        pl.when(url != "")
        .then(url)
        .when(doc != "")
        .then(doc)
        .otherwise(pl.lit("positions.yaml (curated entry)"))
    )


def _before_and_after(*names: str) -> list[pl.Expr]:
    """from_NAME as staged, then NAME as to_NAME, for each name in turn."""
    return [
        expr
        for name in names
        for expr in (pl.col(f"from_{name}"), pl.col(name).alias(f"to_{name}"))
    ]


def _grade(size: pl.Expr, config: PositionsConfig) -> pl.Expr:
    """Flip-O-Meter style grade from the share of the issue's scale a shift crosses."""
    spans = {
        issue.id: max(s.score for s in issue.stances) - min(s.score for s in issue.stances)
        for issue in config.issues
    }
    share = size.abs() / pl.col("issue").replace_strict(spans, return_dtype=pl.Float64())
    return (
        pl.when(share >= 0.75)
        .then(pl.lit("full flop"))
        .when(share >= 0.25)
        .then(pl.lit("half flip"))
        .otherwise(pl.lit("no flip"))
    )


def build_shifts(
    counting: pl.LazyFrame, config: PositionsConfig, shift_confidence: float = 0.85
) -> pl.LazyFrame:
    """Each change of stance between consecutive counting observations of an actor and
    issue, with the observation before (the last one of the old stance) and after, the
    grade, and why it counts."""
    run_key = [*GROUP, "_run"]
    carried = ("stance", "score", "time", "confidence", "evidence", "position_id", "doc")
    previous = {name: pl.col(name).shift(1).over(GROUP) for name in (*carried, "headline", "url")}
    following = {name: pl.col(name).shift(-1).over(GROUP) for name in ("time", "doc", "url")}
    staged = number_runs(counting).with_columns(
        pl.len().over(run_key).cast(pl.UInt32()).alias("n_statements"),
        **{f"from_{name}": expr for name, expr in previous.items()},
        **{f"_next_{name}": expr for name, expr in following.items()},
    )
    elsewhere = (pl.col("doc") != pl.col("from_doc")) | (
        pl.col("time").dt.date() != pl.col("from_time").dt.date()
    )
    # The rule that let the change count (tracker/holding.py), checked in the same order
    # an editor would give it: an entry of their own, one confident statement from
    # elsewhere, else the run of statements that confirms it.
    corroboration = (
        pl.when(pl.col("source") == "editor")
        .then(pl.lit("An editor's curated entry."))
        .when((pl.col("confidence") >= shift_confidence) & elsewhere)
        .then(
            pl.format(
                "One statement at confidence {}, from another page or day than the last "
                "statement before it.",
                pl.col("confidence").round(2),
            )
        )
        .otherwise(
            pl.format(
                "{} statements of the new stance in a row; the second on {} UTC ({}).",
                pl.col("n_statements"),
                pl.col("_next_time").dt.strftime("%Y-%m-%d %H:%M"),
                _where(pl.col("_next_url"), pl.col("_next_doc")),
            )
        )
    )
    shifts = staged.filter(
        pl.col("from_stance").is_not_null() & (pl.col("from_stance") != pl.col("stance"))
    ).select(
        *GROUP,
        *_before_and_after("stance", "score"),
        (pl.col("score") - pl.col("from_score")).alias("size"),
        *_before_and_after(
            "time", "confidence", "evidence", "position_id", "doc", "headline", "url"
        ),
        _where(pl.col("from_url"), pl.col("from_doc")).alias("from_source"),
        _where(pl.col("url"), pl.col("doc")).alias("to_source"),
        _grade(pl.col("score") - pl.col("from_score"), config).alias("grade"),
        corroboration.alias("corroboration"),
        "n_statements",
        (pl.col("time").dt.date() - pl.col("from_time").dt.date())
        .dt.total_days()
        .cast(pl.Int32())
        .alias("gap_days"),
    )
    return shifts.with_columns(
        (pl.col("to_stance") == pl.col("from_stance").shift(1).over(GROUP))
        .fill_null(False)
        .alias("is_reversal")
    ).select(list(SHIFTS))


def build_daily(
    counting: pl.LazyFrame, config: PositionsConfig, end_day: date | None
) -> pl.LazyFrame:
    """One row per actor x issue x day while a stance is held: from each day's latest
    counting observation to the day before the next one, at most to its hold limit
    (tracker/holding.py) and to `end_day` (None only when there are no observations).
    Rows come in actor, issue, day order."""
    if end_day is None:
        return pl.LazyFrame(schema=DAILY)
    last_of_day = (
        counting.filter(pl.col("day") <= end_day)
        .group_by([*GROUP, "day"], maintain_order=True)
        .last()
        .select(*GROUP, "day", "stance", "score", "confidence", "source", "position_id")
    )
    next_day = (pl.col("day").cast(pl.Int32) - 1).shift(-1).over(GROUP).cast(pl.Date)
    held = (
        hold_limits(last_of_day, config)
        .with_columns(
            pl.col("day").alias("since"),
            pl.min_horizontal("hold_until", next_day, pl.lit(end_day)).alias("_last"),
        )
        .with_columns(pl.date_ranges("since", "_last", "1d").alias("day"))
        .explode("day")
    )
    return held.with_columns(
        (pl.col("day") - pl.col("since")).dt.total_days().cast(pl.Int32()).alias("stale_days")
    ).select(list(DAILY))


def build_summary(
    observations: pl.LazyFrame,
    counting: pl.LazyFrame,
    shifts: pl.LazyFrame,
    daily: pl.LazyFrame,
    end_day: date | None,
) -> pl.LazyFrame:
    """Counts over every live observation; the latest stance is the one held (outliers
    that were not confirmed do not replace it), null where none is confirmed yet; how
    long it is held, and whether it still is on the series' last day."""
    live = observations.filter(~pl.col("superseded"))
    counts = shifts.group_by(GROUP).agg(pl.len().cast(pl.UInt32()).alias("n_shifts"))
    latest = counting.group_by(GROUP).agg(
        pl.col("stance").last().alias("latest_stance"),
        pl.col("score").last().alias("latest_score"),
        pl.col("position_id").last().alias("latest_position_id"),
    )
    ends = daily.group_by(GROUP).agg(pl.col("day").max().alias("held_until"))
    return (
        live.group_by(GROUP)
        .agg(
            pl.len().cast(pl.UInt32()).alias("n_observations"),
            pl.col("time").min().alias("first_seen"),
            pl.col("time").max().alias("last_seen"),
        )
        .join(latest, on=GROUP, how="left")
        .join(counts, on=GROUP, how="left")
        .join(ends, on=GROUP, how="left")
        .with_columns(
            pl.col("n_shifts").fill_null(0),
            (pl.col("held_until") == pl.lit(end_day, dtype=pl.Date()))
            .fill_null(False)
            .alias("held_now"),
        )
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
    observations = observation_status(observations, settings).select(list(OBSERVATIONS))
    # build_observations returns rows in ORDER and filters keep it: no stage below sorts
    # (sorting 10^6 rows by four keys is most of the build time).
    counting = observations.filter(pl.col("status") == COUNTED).lazy()
    # The series runs to the last observation day overall, even when that observation
    # does not count: its pair then shows the held stance going stale.
    last_day = observations.filter(~pl.col("superseded")).get_column("day").max()
    end_day = settings.until or (last_day if isinstance(last_day, date) else None)
    shifts = build_shifts(counting, config, settings.shift_confidence).collect()
    daily = build_daily(counting, config, end_day).collect()
    summary = build_summary(
        observations.lazy(), counting, shifts.lazy(), daily.lazy(), end_day
    ).collect()
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
    "grade",
    "from_time",
    "to_time",
    "gap_days",
    "size",
    "is_reversal",
    "corroboration",
    "n_statements",
    "from_confidence",
    "to_confidence",
    "from_evidence",
    "to_evidence",
    "from_source",
    "to_source",
    "from_headline",
    "to_headline",
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
