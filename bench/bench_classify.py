"""Classifier throughput on this machine: statements per second, cold and cached.

Cold: every statement is new to the embedding cache (the encoder runs). Cached: the
same statements again (only the heads run). Each statement is unique (a numbered
variant of a training-style sentence), so the cold figure is the encoder's real speed.

usage: python bench/bench_classify.py [--n 2000] [--batch-size 64] [--device cpu]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from tracker.classify import ClassifierSettings, load_classifier, training_examples
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.embed import fast_bf16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    config = read_positions(DEFAULT_POSITIONS)
    base = [example.text for example in training_examples(config)]
    texts = [f"{base[i % len(base)]} ({i})" for i in range(args.n)]
    with tempfile.TemporaryDirectory() as scratch:
        settings = ClassifierSettings(
            device=args.device, batch_size=args.batch_size, cache_path=Path(scratch) / "c.npz"
        )
        model = load_classifier(settings=settings)
        start = time.perf_counter()
        _ = model.encoder  # model load, reported apart
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        model.predict(texts, config)
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        again = load_classifier(settings=settings)
        again.predict(texts, config)
        cached_s = time.perf_counter() - start
    print(
        f"cores: {os.cpu_count()}, device: {args.device}, batch size: {args.batch_size}, "
        f"bf16 autocast: {fast_bf16(args.device)}"
    )
    print(
        "| statements | encoder load (s) | cold (s) | cold statements/s | cached (s) "
        "| cached statements/s |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {args.n} | {load_s:.1f} | {cold_s:.1f} | {args.n / cold_s:.0f} | {cached_s:.2f} "
        f"| {args.n / cached_s:.0f} |"
    )


if __name__ == "__main__":
    main()
