"""The series stage on real positions: the hand-labelled positions of the seed pages
(../shared/gold/seeds.yaml), as if the classifier had found exactly them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
import yaml
from click.testing import CliRunner

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, PositionsConfig, read_positions
from tracker.schemas import POSITIONS
from tracker.series import build_series, write_series

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def gold_items(gold_dir: Path) -> list[dict]:
    return yaml.safe_load((gold_dir / "seeds.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plain_config() -> PositionsConfig:
    # The repository's actors and issues, without its curated demo entries.
    return read_positions(DEFAULT_POSITIONS).model_copy(update={"positions": [], "wrong": []})


def gold_positions(items: list[dict], config: PositionsConfig) -> pl.DataFrame:
    rows = []
    for index, item in enumerate(items):
        rows.append(
            {
                "position_id": f"gold-{index:03d}",
                "doc": item["doc"],
                "post_id": f"{item['doc'][:3]}-{index:04d}",
                # Gold times are UTC, minute precision.
                "post_time": datetime.fromisoformat(str(item["post_time"])).replace(tzinfo=UTC),
                "headline": "",
                "actor": item["actor"],
                "issue": item["issue"],
                "stance": item["stance"],
                "score": config.stance_score(item["issue"], item["stance"]),
                "confidence": 1.0,
                "evidence": item["evidence"],
                "statement_id": f"gold-{index:03d}-000",
                "start": 0,
                "end": len(item["evidence"]),
            }
        )
    return pl.DataFrame(rows, schema=POSITIONS)


def test_series_of_the_gold_positions_matches_a_count_by_hand(
    gold_items: list[dict], plain_config: PositionsConfig
) -> None:
    frame = gold_positions(gold_items, plain_config)
    series = build_series(frame.lazy(), plain_config)

    pairs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for item in sorted(gold_items, key=lambda item: str(item["post_time"])):
        pairs.setdefault((item["actor"], item["issue"]), []).append(
            (str(item["post_time"]), item["stance"])
        )
    changes = sum(
        old != new for items in pairs.values() for (_, old), (_, new) in itertools.pairwise(items)
    )
    assert series.shifts.height == changes
    assert series.summary.height == len(pairs)
    assert series.summary.get_column("n_observations").sum() == len(gold_items)
    last_day = max(datetime.fromisoformat(str(i["post_time"])).date() for i in gold_items)
    assert series.daily.get_column("day").max() == last_day
    days = sum(
        (last_day - datetime.fromisoformat(items[0][0]).date()).days + 1 for items in pairs.values()
    )
    assert series.daily.height == days
    # Every shift quotes the evidence on both sides.
    assert series.shifts.filter(
        (pl.col("from_evidence") == "") | (pl.col("to_evidence") == "")
    ).is_empty()


def test_shift_log_of_the_gold_positions_prints(
    gold_items: list[dict], plain_config: PositionsConfig, tmp_path: Path
) -> None:
    series = build_series(gold_positions(gold_items, plain_config), plain_config)
    write_series(series, tmp_path)
    result = CliRunner().invoke(main, ["shifts", str(tmp_path), "--width", "40"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("when (UTC)")
    assert len(lines) == series.shifts.height + 2
    # Newest first.
    whens = [line[:16] for line in lines[1:-1]]
    assert whens == sorted(whens, reverse=True)


def _check_record(data: Path, config: PositionsConfig) -> None:
    """What a newsroom may publish: no stance older than its issue's limit, no shift
    without corroboration, both sources of every shift."""
    limits = {issue.id: issue.stale_after_days for issue in config.issues}
    daily = pl.read_parquet(data / "series.parquet")
    over = daily.filter(pl.col("stale_days") > pl.col("issue").replace_strict(limits))
    assert over.is_empty(), over
    shifts = pl.read_parquet(data / "shifts.parquet")
    editor = pl.col("to_position_id").str.starts_with("editor-")
    elsewhere = (pl.col("to_doc") != pl.col("from_doc")) | (
        pl.col("to_time").dt.date() != pl.col("from_time").dt.date()
    )
    corroborated = (
        editor | (pl.col("n_statements") >= 2) | ((pl.col("to_confidence") >= 0.85) & elsewhere)
    )
    assert shifts.filter(~corroborated).is_empty()
    assert shifts.filter(
        (pl.col("from_source") == "")
        | (pl.col("to_source") == "")
        | (pl.col("corroboration") == "")
    ).is_empty()
    assert not shifts.filter(editor).height  # the starter file has no curated entries


def test_the_gold_record_is_publishable(
    gold_items: list[dict], plain_config: PositionsConfig, tmp_path: Path
) -> None:
    write_series(build_series(gold_positions(gold_items, plain_config), plain_config), tmp_path)
    _check_record(tmp_path, plain_config)


@pytest.mark.slow
def test_a_run_on_the_seeds_with_the_starter_positions_is_publishable(
    seeds_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "proj")]).exit_code == 0
    positions = tmp_path / "proj" / "positions.yaml"
    data = tmp_path / "data"
    result = runner.invoke(
        main, ["run", str(seeds_dir), "--positions", str(positions), "--out", str(data)]
    )
    assert result.exit_code == 0, result.output
    _check_record(data, read_positions(positions))
