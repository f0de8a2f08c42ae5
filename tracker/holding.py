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


def _unconfirmed_rows(candidates: pl.DataFrame, settings: SeriesSettings) -> pl.Series:
    """The `_row`s of `candidates` (rows in series order) set aside as unconfirmed.

    Only a lone statement (a run of one) can be set aside: a run of two or more
    corroborates itself, and the first run of a pair is no change. Whether a lone
    statement changes the stance depends on the last statement *kept* before it, which
    depends on the judgements before: a left-to-right scan, which no window expression
    can express. The frame work is done in polars; the scan visits lone statements only.
    """
    run_key = [*GROUP, "_run"]
    prepared = (
        number_runs(candidates.lazy())
        .with_columns(
            (pl.col("_run") > 1)
            .and_(pl.len().over(run_key) == 1)
            .and_(pl.col("source") != "editor")
            .alias("_lone"),
            (pl.col("confidence") >= settings.shift_confidence).alias("_confident"),
            pl.col("stance").shift(1).over(GROUP).alias("_prev_stance"),
            pl.col("doc").shift(1).over(GROUP).alias("_prev_doc"),
            pl.col("day").shift(1).over(GROUP).alias("_prev_day"),
        )
        .with_row_index("_at")
        .filter(pl.col("_lone"))
        .select(
            "_at",
            "_row",
            "stance",
            "doc",
            "day",
            "_confident",
            "_prev_stance",
            "_prev_doc",
            "_prev_day",
        )
        .collect()
    )
    dropped: list[int] = []
    last_dropped = -2
    held: tuple[object, object, object] = (None, None, None)
    for at, row, stance, doc, day, confident, *previous in prepared.iter_rows():
        # The row just before was kept unless it was the lone statement set aside last;
        # a lone statement is never a pair's first row, so the row before is its pair's.
        if at != last_dropped + 1:
            held = (previous[0], previous[1], previous[2])
        if stance == held[0] or (confident and (doc != held[1] or day != held[2])):
            continue
        dropped.append(row)
        last_dropped = at
    return pl.Series("_row", dropped, dtype=pl.UInt32)


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
    # Read as an editor would, left to right: a change that nothing corroborates is set
    # aside, and what follows it is judged against the stance still held.
    candidates = live.filter(keep).select(
        "_row", *GROUP, "stance", "confidence", "source", "doc", "day"
    )
    dropped = _unconfirmed_rows(candidates, settings)
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
