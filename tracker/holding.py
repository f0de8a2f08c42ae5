"""Which observations make up a held position, and for how long it is held.

The rules (each tested in tests/test_series_rules.py):

- A model observation below `min_confidence` counts only when the observation just
  before or just after it (same actor and issue) agrees with it. Editor entries always
  count. Otherwise it is *low_confidence*: drawn, hollow, never on the held line.
- A change of stance needs corroboration: two statements of the new stance in a row, or
  one at `shift_confidence` or more that comes from another page or another UTC day than
  the last statement of the stance it replaces (within one live blog on one day a single
  statement is not enough: live blogs paraphrase, and one misread line would otherwise
  make a flip-flop). An editor's curated entry is its own corroboration. A change that is
  not corroborated is *unconfirmed*, and what follows it is judged against the stance
  still held (left to right, as an editor reads). The first stance of an actor on an
  issue is no change and needs no corroboration.
- A held position is carried forward at most the issue's `stale_after_days` after the
  statement it rests on, and never past the end of the actor's tenure: the unbroken run
  of `roles` (positions.yaml) covering the day it was said. After that the daily series
  has a gap, not a stance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from tracker.config import PositionsConfig

GROUP = ["actor", "issue"]
COUNTED, SUPERSEDED, LOW_CONFIDENCE, UNCONFIRMED = (
    "counted",
    "superseded",
    "low_confidence",
    "unconfirmed",
)


@dataclass(frozen=True)
class SeriesSettings:
    min_confidence: float = 0.6  # below this, an observation needs an agreeing neighbour
    shift_confidence: float = 0.85  # one statement at or above this can make a shift
    until: date | None = None  # last day of the daily series (default: last observation)


def number_runs(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Number the runs of equal stances of each actor and issue (rows in series order)."""
    new_run = (pl.col("stance") != pl.col("stance").shift(1).over(GROUP)).fill_null(True)
    return frame.with_columns(new_run.cast(pl.UInt32).cum_sum().over(GROUP).alias("_run"))


def _first_uncorroborated(frame: pl.DataFrame, settings: SeriesSettings) -> pl.DataFrame:
    """`frame` (rows in series order) with `_drop`: the rows of the earliest run of each
    actor and issue whose change of stance nothing corroborates, and `_settled`: the
    pair has no such run."""
    run_key = [*GROUP, "_run"]
    different_page_or_day = (pl.col("doc") != pl.col("doc").shift(1).over(GROUP)) | (
        pl.col("day") != pl.col("day").shift(1).over(GROUP)
    )
    strong_first = (pl.col("source") == "editor") | (
        (pl.col("confidence") >= settings.shift_confidence) & different_page_or_day.fill_null(True)
    )
    weak = (
        (pl.col("_run") > 1)
        & (pl.len().over(run_key) < 2)
        & ~pl.col("_strong").first().over(run_key)
        & ~pl.col("_editor").any().over(run_key)
    )
    # Window expressions are not nested: each column is made in its own pass.
    return (
        number_runs(frame.lazy())
        .with_columns(
            strong_first.alias("_strong"), (pl.col("source") == "editor").alias("_editor")
        )
        .with_columns(pl.when(weak).then(pl.col("_run")).alias("_weak_run"))
        .with_columns(pl.col("_weak_run").min().over(GROUP).alias("_first_weak"))
        .select(
            "_row",
            *GROUP,
            "stance",
            "confidence",
            "source",
            "doc",
            "day",
            (pl.col("_run") == pl.col("_first_weak")).fill_null(False).alias("_drop"),
            pl.col("_first_weak").is_null().alias("_settled"),
        )
        .collect()
    )


def observation_status(observations: pl.DataFrame, settings: SeriesSettings) -> pl.DataFrame:
    """`observations` (in series order) with `status` and `status_note`."""
    indexed = observations.with_row_index("_row")
    live = indexed.filter(~pl.col("superseded"))
    before = pl.col("stance").shift(1).over(GROUP)
    after = pl.col("stance").shift(-1).over(GROUP)
    confident = (
        (pl.col("source") == "editor")
        | (pl.col("confidence") >= settings.min_confidence)
        | (before == pl.col("stance")).fill_null(False)
        | (after == pl.col("stance")).fill_null(False)
    )
    keep = live.select(confident.alias("_keep")).to_series()
    low_rows = live.filter(~keep).get_column("_row")
    # Read as an editor would, left to right: the earliest change that nothing
    # corroborates is set aside, and what follows it is judged again against the stance
    # still held. Pairs with nothing left to set aside drop out of the loop.
    pending = live.filter(keep).select(
        "_row", *GROUP, "stance", "confidence", "source", "doc", "day"
    )
    unconfirmed: list[pl.Series] = []
    while pending.height:
        judged = _first_uncorroborated(pending, settings)
        unconfirmed.append(judged.filter(pl.col("_drop")).get_column("_row"))
        pending = judged.filter(~pl.col("_settled") & ~pl.col("_drop")).drop("_drop", "_settled")
    dropped = pl.concat(unconfirmed) if unconfirmed else pl.Series("_row", [], pl.UInt32)
    status = (
        pl.when(pl.col("superseded"))
        .then(pl.lit(SUPERSEDED))
        .when(pl.col("_row").is_in(low_rows.implode()))
        .then(pl.lit(LOW_CONFIDENCE))
        .when(pl.col("_row").is_in(dropped.implode()))
        .then(pl.lit(UNCONFIRMED))
        .otherwise(pl.lit(COUNTED))
    )
    note = (
        pl.when(pl.col("status") == SUPERSEDED)
        .then(pl.lit("Not counted: an editor's curated entry for the same day replaces it."))
        .when(pl.col("status") == LOW_CONFIDENCE)
        .then(
            pl.format(
                "Not counted: confidence {} is below {} and no statement just before or "
                "after agrees with it.",
                pl.col("confidence").round(2),
                pl.lit(settings.min_confidence),
            )
        )
        .when(pl.col("status") == UNCONFIRMED)
        .then(
            pl.format(
                "Not counted: a change of stance on one statement. A shift needs a second "
                "statement, or one at confidence {} or more from another page or day.",
                pl.lit(settings.shift_confidence),
            )
        )
        .otherwise(pl.lit(""))
    )
    return (
        indexed.with_columns(status.alias("status"))
        .with_columns(note.alias("status_note"))
        .drop("_row")
    )


def tenure_spans(config: PositionsConfig) -> pl.DataFrame:
    """Each actor's unbroken runs of roles: roles that overlap or follow on the next day
    join into one span. (actor, span_start, span_end); a null end is open."""
    rows: list[tuple[str, date, date | None]] = []
    for actor in config.actors:
        spans: list[list[date | None]] = []
        for role in sorted(actor.roles, key=lambda r: r.start or date.min):
            start = role.start or date.min
            if spans:
                last_end = spans[-1][1]
                if last_end is None or start <= last_end + timedelta(days=1):
                    if last_end is not None and (role.until is None or role.until > last_end):
                        spans[-1][1] = role.until
                    continue
            spans.append([start, role.until])
        rows.extend((actor.id, span[0], span[1]) for span in spans if span[0] is not None)
    return pl.DataFrame(
        rows,
        schema={"actor": pl.String(), "span_start": pl.Date(), "span_end": pl.Date()},
        orient="row",
    )


def hold_limits(frame: pl.LazyFrame, config: PositionsConfig) -> pl.LazyFrame:
    """`frame` (actor, issue, day, ...; days ascending within each actor and issue) with
    `hold_until`: the last day a stance said on `day` may be carried to (the issue's
    staleness limit, the end of the tenure). Row order is kept."""
    stale = {issue.id: issue.stale_after_days for issue in config.issues}
    issues = pl.DataFrame({"issue": list(stale)}, schema={"issue": pl.String()})
    # One span table per issue too, so that the as-of join can go by actor and issue: the
    # rows are sorted by day within those groups, not within an actor across issues.
    spans = tenure_spans(config).join(issues, how="cross").sort("span_start").lazy()
    limited = frame.join_asof(
        spans,
        left_on="day",
        right_on="span_start",
        by=GROUP,
        strategy="backward",
        check_sortedness=False,
    )
    tenure_end = pl.when(pl.col("day") <= pl.col("span_end")).then(pl.col("span_end"))
    by_staleness = (
        pl.col("day").cast(pl.Int32)
        + pl.col("issue").replace_strict(stale, return_dtype=pl.Int32())
    ).cast(pl.Date)
    return limited.with_columns(
        pl.min_horizontal(by_staleness, tenure_end).alias("hold_until")
    ).drop("span_start", "span_end")
