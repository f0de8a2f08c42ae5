"""Evaluation: the classifier alone on labelled statements, and whole pages against gold.

The page figures are computed the way ../shared/tools/score.py computes them: items are
keyed by (doc, post_time to the minute, actor, issue); detection ignores the stance,
position requires it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from tracker.classify.calibrate import Calibration, calibration_error
from tracker.config import PositionsConfig

NONE = "none"
Predictor = Callable[[Sequence[str]], list[dict[str, tuple[str, float]]]]


@dataclass(frozen=True)
class IssueScore:
    issue: str
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: dict[tuple[str, str], int]  # (gold, predicted) -> count
    classes: list[str]


def _f1(tp: int, n_pred: int, n_gold: int) -> float:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def read_statements(text: str) -> list[dict[str, Any]]:
    items = yaml.safe_load(text) or []
    return [item for item in items if isinstance(item, dict) and "text" in item]


def score_statements(
    items: Sequence[dict[str, Any]], predict: Predictor, config: PositionsConfig
) -> list[IssueScore]:
    """Per issue: macro-F1 over the issue's stances plus "no position"."""
    predictions = predict([str(item["text"]) for item in items])
    scores: list[IssueScore] = []
    for issue in config.issues:
        classes = [*issue.stance_ids, NONE]
        gold = [(item.get("labels") or {}).get(issue.id, NONE) for item in items]
        pred = [p.get(issue.id, (NONE, 0.0))[0] for p in predictions]
        confusion = Counter(zip(gold, pred, strict=True))
        per_class = {
            label: _f1(
                confusion[(label, label)],
                sum(1 for p in pred if p == label),
                sum(1 for g in gold if g == label),
            )
            for label in classes
        }
        scores.append(
            IssueScore(
                issue.id,
                sum(per_class.values()) / len(classes),
                per_class,
                dict(confusion),
                classes,
            )
        )
    return scores


def _minute(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%dT%H:%M")
    text = str(value).strip().replace(" ", "T").removesuffix("Z")
    return text[:16]


@dataclass(frozen=True)
class PageScore:
    issue: str
    n_gold: int
    n_pred: int
    detect_f1: float
    position_precision: float
    position_recall: float
    position_f1: float
    confusion: dict[tuple[str, str], int]  # on detected items: (gold, predicted) -> count


def score_positions(
    gold_items: Sequence[dict[str, Any]], predicted: pl.DataFrame, *, by_day: bool = False
) -> list[PageScore]:
    """Per issue and ALL, as score.py: only docs present in the gold are scored. With
    `by_day`, items are keyed by the post's UTC day, and of several predicted rows for
    one key the latest post wins (the most confident on a tie), as `score.py --by-day`."""

    def key(doc: Any, time: Any, actor: Any, issue: Any) -> tuple[str, str, str, str]:
        when = _minute(time)
        return (
            Path(str(doc)).name,
            when[:10] if by_day else when,
            str(actor).lower(),
            str(issue).lower(),
        )

    gold = {
        key(g["doc"], g["post_time"], g["actor"], g["issue"]): str(g["stance"]).lower()
        for g in gold_items
    }
    docs = {k[0] for k in gold}
    rows = sorted(
        (r for r in predicted.iter_rows(named=True) if Path(str(r["doc"])).name in docs),
        key=lambda r: (_minute(r["post_time"]), float(r.get("confidence") or 0.0)),
    )
    pred = {
        key(r["doc"], r["post_time"], r["actor"], r["issue"]): str(r["stance"]).lower()
        for r in rows  # later (then more confident) rows overwrite earlier ones
    }
    out: list[PageScore] = []
    issues = sorted({k[3] for k in gold} | {k[3] for k in pred})
    for issue in [*issues, "ALL"]:
        g = {k: v for k, v in gold.items() if issue in ("ALL", k[3])}
        p = {k: v for k, v in pred.items() if issue in ("ALL", k[3])}
        detected = g.keys() & p.keys()
        correct = sum(1 for k in detected if g[k] == p[k])
        precision = correct / len(p) if p else 0.0
        recall = correct / len(g) if g else 0.0
        out.append(
            PageScore(
                issue,
                len(g),
                len(p),
                _f1(len(detected), len(p), len(g)),
                precision,
                recall,
                _f1(correct, len(p), len(g)),
                dict(Counter((g[k], p[k]) for k in detected)),
            )
        )
    return out


def format_statement_scores(title: str, scores: Sequence[IssueScore]) -> str:
    lines = [title]
    for score in scores:
        per_class = "  ".join(f"{k}={v:.2f}" for k, v in score.per_class_f1.items())
        lines.append(f"  {score.issue:<18} macro-F1={score.macro_f1:.3f}   {per_class}")
        header = "      gold \\ pred " + "".join(f"{c[:11]:>12}" for c in score.classes)
        lines.append(header)
        for gold in score.classes:
            counts = "".join(f"{score.confusion.get((gold, p), 0):>12}" for p in score.classes)
            lines.append(f"      {gold[:12]:<12}" + counts)
    return "\n".join(lines)


def format_page_scores(title: str, scores: Sequence[PageScore]) -> str:
    lines = [title]
    for s in scores:
        lines.append(
            f"  {s.issue:<18} gold={s.n_gold:>4} pred={s.n_pred:>4}  detect F1={s.detect_f1:.2f}"
            f"  position P={s.position_precision:.2f} R={s.position_recall:.2f}"
            f" F1={s.position_f1:.2f}"
        )
        if s.issue != "ALL" and s.confusion:
            pairs = ", ".join(f"{g}->{p}: {n}" for (g, p), n in sorted(s.confusion.items()))
            lines.append(f"      stances on detected items: {pairs}")
    return "\n".join(lines)


def statement_calibration(
    items: Sequence[dict[str, Any]],
    probabilities: dict[str, Any],
    classes: dict[str, list[str]],
) -> dict[str, Calibration]:
    """Expected calibration error of the top class per issue (`issue`), over the items
    where that class is a stance (`issue:stances`), and over every (item, issue) (`ALL`).
    `probabilities`: issue -> (items x classes) matrix, as the model gives them."""
    out: dict[str, Calibration] = {}
    every_conf: list[float] = []
    every_hit: list[bool] = []
    for issue, matrix in probabilities.items():
        labels = classes[issue]
        best = matrix.argmax(axis=1)
        conf = [float(matrix[row, column]) for row, column in enumerate(best)]
        gold = [(item.get("labels") or {}).get(issue, NONE) for item in items]
        hit = [labels[column] == gold[row] for row, column in enumerate(best)]
        stance_rows = [row for row, column in enumerate(best) if labels[column] != NONE]
        out[issue] = calibration_error(conf, hit)
        out[f"{issue}:stances"] = calibration_error(
            [conf[row] for row in stance_rows], [hit[row] for row in stance_rows]
        )
        every_conf += conf
        every_hit += hit
    out["ALL"] = calibration_error(every_conf, every_hit)
    return out
