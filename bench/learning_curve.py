"""How much the editor's corrections teach the classifier: position F1 on held-out real
excerpts against the number of corrections, measured and never shipped.

Five folds over the real_dev docs. For each fold, k gold positions of the *other* folds
are given to the model as if an editor had curated them (their evidence as the quote),
the heads are refitted on the shipped encoders (`tracker train`'s default), and the
held-out fold is scored (`score.py --by-day`'s rule). Attribution is the pipeline's, from
a `tracker run` over the docs, so the curve measures what a newsroom would see.

usage: python bench/learning_curve.py RUN_DIR GOLD.yaml [--k 0 20 40 80] [--model FILE]

RUN_DIR: `tracker run ../shared/gold/real_dev/docs/*.txt --out RUN_DIR`.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from pathlib import Path

import polars as pl
import yaml

from tracker.classify import ClassifierSettings, StanceModel
from tracker.classify.artifact import read_artifact
from tracker.classify.card import splice_section
from tracker.classify.evaluate import score_positions
from tracker.classify.model import DEFAULT_ARTIFACT
from tracker.classify.training import refit_heads
from tracker.config import CuratedPosition, PositionsConfig, read_positions
from tracker.project import find_positions
from tracker.schemas import STATEMENTS
from tracker.storage import atomic_write_text, read_stage

FOLDS = 5


def folds_of(docs: list[str], seed: int) -> dict[str, int]:
    order = sorted(docs)
    random.Random(seed).shuffle(order)
    return {doc: index % FOLDS for index, doc in enumerate(order)}


def curated(items: list[dict[str, object]]) -> list[CuratedPosition]:
    return [
        CuratedPosition(
            actor=str(item["actor"]),
            issue=str(item["issue"]),
            date=date.fromisoformat(str(item["post_time"])[:10]),
            stance=str(item["stance"]),
            quote=str(item["evidence"]),
        )
        for item in items
    ]


def curve(
    run_dir: Path,
    gold_path: Path,
    config: PositionsConfig,
    base: StanceModel,
    ks: list[int],
    seed: int,
) -> list[tuple[int, float, float, float]]:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    statements = read_stage(run_dir, "statements", STATEMENTS, "statements").collect()
    fold_of = folds_of(sorted({str(g["doc"]) for g in gold}), seed)
    rows = []
    for k in ks:
        predicted = []
        for fold in range(FOLDS):
            pool = [g for g in gold if fold_of[str(g["doc"])] != fold]
            chosen = random.Random(seed * 1000 + k * 10 + fold).sample(pool, min(k, len(pool)))
            taught = config.model_copy(update={"positions": curated(chosen), "wrong": []})
            heads = refit_heads(base.heads, taught, base.embed, seed=seed, calibrate=False)
            for head, old in zip(heads, base.heads, strict=True):
                head.temperature = dict(old.temperature)  # refitting them costs minutes
            model = StanceModel(heads, base.settings)
            docs = [doc for doc, number in fold_of.items() if number == fold]
            held_out = statements.filter(pl.col("doc").str.split("/").list.last().is_in(docs))
            predicted.append(model.classify(held_out, config))
        scores = score_positions(gold, pl.concat(predicted), by_day=True)
        total = next(s for s in scores if s.issue == "ALL")
        rows.append((k, total.position_precision, total.position_recall, total.position_f1))
        print(f"k={k}: F1 {total.position_f1:.3f}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--k", type=int, nargs="+", default=[0, 20, 40, 80])
    parser.add_argument("--model", type=Path, default=DEFAULT_ARTIFACT)
    parser.add_argument("--positions", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--card", type=Path, default=None, help="model card to write into")
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache (.npz)")
    args = parser.parse_args()
    config = read_positions(find_positions(args.positions))
    base = StanceModel(read_artifact(args.model), ClassifierSettings(cache_path=args.cache))
    rows = curve(args.run_dir, args.gold, config, base, args.k, args.seed)
    lines = [
        "| corrections | position P | position R | position F1 |",
        "| ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {k} | {p:.2f} | {r:.2f} | {f1:.3f} |" for k, p, r, f1 in rows]
    command = "python bench/learning_curve.py " + " ".join(sys.argv[1:])
    lines += ["", f"Measured {date.today().isoformat()} with `{command}`."]
    table = "\n".join(lines)
    print(table)
    if args.card is not None:
        card = args.card.read_text(encoding="utf-8")
        atomic_write_text(args.card, splice_section(card, "learning_curve", table))


if __name__ == "__main__":
    main()
