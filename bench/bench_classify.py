"""Classifier throughput on this machine: statements per second, cold and cached.

Cold: every statement is new to the embedding cache (the encoder runs). Cached: the
same statements again (only the heads run). Each statement is unique (a numbered
variant of a training-style sentence), so the cold figure is the encoder's real speed.
Statements go through `classify` as the pipeline sends them: in posts of five under one
headline, so with the default headline blend each is encoded twice (after its headline
and alone); `--headline prefix` measures one reading. `--backend` chooses what runs the
encoder (ONNX Runtime or torch); the ONNX export, made once per machine, happens during
the encoder load, which is reported apart.

usage: python bench/bench_classify.py [--n 2000] [--batch-size 64] [--device cpu]
                                      [--headline blend|prefix|off] [--backend onnx|torch]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import polars as pl

from tracker.classify import (
    ClassifierSettings,
    EncoderBackend,
    HeadlineMode,
    StanceModel,
    load_classifier,
    training_examples,
)
from tracker.classify.embed import fast_bf16
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.schemas import STATEMENTS


def statements_frame(texts: list[str]) -> pl.DataFrame:
    """Pipeline-shaped statements, five per post, each post under its own headline."""
    return pl.DataFrame(
        {
            "statement_id": [f"p{i // 5}-{i % 5:03d}" for i in range(len(texts))],
            "doc": ["bench.txt"] * len(texts),
            "post_id": [f"p{i // 5}" for i in range(len(texts))],
            "post_time": [datetime(2025, 3, 1, tzinfo=UTC)] * len(texts),
            "headline": [f"Leaders meet in capital ({i // 5})" for i in range(len(texts))],
            "actor": ["keir_starmer"] * len(texts),
            "actor_known": [True] * len(texts),
            "actor_role": [""] * len(texts),
            "text": texts,
            "cue": ["reported"] * len(texts),
            "start": [0] * len(texts),
            "end": [len(t) for t in texts],
            "url": [None] * len(texts),
        },
        schema=STATEMENTS,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--headline", choices=get_args(HeadlineMode), default="blend")
    parser.add_argument(
        "--backend", choices=get_args(EncoderBackend), default=ClassifierSettings.backend
    )
    args = parser.parse_args()
    config = read_positions(DEFAULT_POSITIONS)
    base = [example.text for example in training_examples(config)]
    statements = statements_frame([f"{base[i % len(base)]} ({i})" for i in range(args.n)])
    with tempfile.TemporaryDirectory() as scratch:
        settings = ClassifierSettings(
            device=args.device,
            batch_size=args.batch_size,
            cache_path=Path(scratch) / "c.npz",
            headline=args.headline,
            backend=args.backend,
        )
        model = load_classifier(settings=settings)
        assert isinstance(model, StanceModel)  # the shipped artifact, not the zero-shot one
        start = time.perf_counter()
        model.load_encoders()  # reported apart
        encoders = ", ".join(type(model.encoder(m)).__name__ for m in range(len(model.heads)))
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        model.classify(statements, config)
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        again = load_classifier(settings=settings)
        again.classify(statements, config)
        cached_s = time.perf_counter() - start
    print(
        f"cores: {os.cpu_count()}, device: {args.device}, batch size: {args.batch_size}, "
        f"bf16 autocast: {fast_bf16(args.device)}, headline: {args.headline}, "
        f"load average: {os.getloadavg()[0]:.1f}"
    )
    print(
        "| backend | encoders | statements | encoder load (s) | cold (s) | cold statements/s "
        "| cached (s) | cached statements/s |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {args.backend} | {encoders} | {args.n} | {load_s:.1f} | {cold_s:.1f} "
        f"| {args.n / cold_s:.0f} | {cached_s:.2f} "
        f"| {args.n / cached_s:.0f} |"
    )


if __name__ == "__main__":
    main()
