"""`tracker run --engine ray`: a run's per-page work on Ray Data, on one machine or a cluster.

The engine is given the same PageJob as the local one (tracker.pipeline) and writes the
same partitions; run_pipeline then combines them and builds the series as for any run.
Three passes over the run's page batches (the batches `--batch-pages` cuts, as locally):

1. parse and attribute: Ray Data tasks, one page batch each, running the pipeline's own
   _parse_and_attribute;
2. encode: the driver replays the local engine's classification over the batches, in
   order, with encoders that only record what they are asked to encode (a planning
   model: the classifier's own code, its embedding cache included). That gives the
   exact groups of texts the local engine would encode together. A pool of actors
   encodes the groups, each actor loading the encoders once (map_batches with an actor
   class; CPUs and GPUs per worker are settings);
3. classify and write: a second pool classifies each batch from those embeddings alone
   (the heads: no encoder) and writes its pages' partitions (_split_by_page,
   _write_partition), DONE last, as the local engine does.

Why the replay: a sentence's embedding depends, in its last bits (by up to 1e-3 under
bf16 autocast), on the sentences padded into one encoder batch with it, and the local
engine encodes each text once, with the other new texts of the first page batch that
uses it. Encoding the same groups gives the same vectors, so positions.csv and
shifts.csv are byte-identical to the local engine's; letting each worker encode its own
batch's texts would not be.

Where things live. Pages are read by the driver (it hashes them to key the partitions)
and reach the workers through Ray's object store: they need not be on a shared path. The
data directory must be a path every worker reaches under the same name: a local disk
on one machine, a shared filesystem (NFS, CephFS, Lustre, EFS, ...) mounted at the same
path on every node of a cluster. Object-store URLs (s3://, gs://, ...) are refused: a
data directory relies on atomic renames and a lock file, which object stores lack.

A worker that dies is restarted by Ray Data (actors are created with max_restarts=-1
and their calls retried), and each pass is idempotent: encoding is deterministic and a
partition is written atomically, its DONE marker last.

Ray is an optional dependency (`pip install 'stance-tracker[cluster]'`), imported only
here, inside the engine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from tracker.classify import StanceModel
from tracker.classify.frames import ClassifierSettings
from tracker.config import PositionsConfig
from tracker.errors import TrackerError
from tracker.ingest import YearClue
from tracker.pipeline import PageJob, _parse_and_attribute, _split_by_page, _write_partition
from tracker.progress import QUIET_ENVIRONMENT, counter, quiet_libraries

RAY_PIN = "ray[data]==2.60.0"  # the version in pyproject.toml's `cluster` extra
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


class EngineError(TrackerError):
    """The Ray engine cannot run: Ray is missing, or the data directory is unsupported."""


@dataclass(frozen=True)
class RaySettings:
    # None: join the Ray this process already started, else start one on this machine;
    # "auto": the cluster this machine belongs to; "ray://HEAD:10001": a remote cluster.
    address: str | None = None
    workers: int = 2  # actors in each pool (encoding; classifying and writing)
    worker_cpus: float = 1.0  # CPUs per worker: also its torch threads
    worker_gpus: float = 0.0  # GPUs per encoding worker (it then encodes on cuda)
    local_cpus: int | None = None  # CPUs of a Ray started here (None: every core)
    quiet: bool = False


def import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise EngineError(
            "--engine ray needs Ray, which is not installed: "
            f"pip install 'stance-tracker[cluster]' (or pip install '{RAY_PIN}')"
        ) from None
    return ray


def check_data_dir(out: Path) -> None:
    """Refuse a data directory that is not a filesystem path (an object-store URL)."""
    if _URL.match(str(out)):
        raise EngineError(
            f"{out}: the Ray engine writes to a path every worker reaches (a local disk, "
            "or a shared filesystem mounted at the same path on every node), not to an "
            "object-store URL"
        )


# --- pass 1: parse and attribute -------------------------------------------------------


def _parse(
    rows: dict[str, np.ndarray], config: PositionsConfig, year: int | None, clues: list[YearClue]
) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"batch": [], "pages": [], "statements": []}
    for index, blob in zip(rows["batch"], rows["work"], strict=True):
        batch, infos = pickle.loads(blob)
        per_page, statements = _parse_and_attribute(batch, config, year, clues, infos)
        out["batch"].append(int(index))
        out["pages"].append(pickle.dumps(per_page))
        out["statements"].append(pickle.dumps(statements))
    return out


# --- pass 2: plan and encode ------------------------------------------------------------


class _Recorder:
    """Stands in for an encoder: records each group it is asked to encode."""

    def __init__(self, groups: list[tuple[int, list[str]]], member: int, size: int) -> None:
        self.groups, self.member, self.size = groups, member, size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.groups.append((self.member, list(texts)))
        return np.zeros((len(texts), self.size), dtype=np.float32)


class _PlanningModel(StanceModel):
    """The classifier with recording encoders and a copy of the real cache's keys:
    classifying the batches in order records what the local engine would encode."""

    def __init__(self, model: StanceModel) -> None:
        super().__init__(model.heads, replace(model.settings, cache_path=None))
        self.groups: list[tuple[int, list[str]]] = []
        self.sizes = [next(iter(head.coef.values())).shape[1] for head in self.heads]
        self.cache.vectors = dict(model.cache.vectors)  # what is cached is not encoded

    def encoder(self, member: int = 0) -> Any:
        return _Recorder(self.groups, member, self.sizes[member])


class _Encoders:
    """A Ray actor: the encoders, loaded once; encodes planned groups."""

    def __init__(self, heads: list[Any], settings: ClassifierSettings) -> None:
        import ray

        quiet_libraries()  # the driver reports progress; bars in worker logs are noise
        self.model = StanceModel(ray.get(heads[0]), replace(settings, cache_path=None))

    def __call__(self, rows: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"group": [], "vectors": []}
        for group, blob in zip(rows["group"], rows["work"], strict=True):
            member, texts = pickle.loads(blob)
            vectors = self.model.encoder(member).encode(texts)
            out["group"].append(int(group))
            out["vectors"].append(pickle.dumps(np.ascontiguousarray(vectors, np.float32)))
        return out


# --- pass 3: classify from the embeddings, write partitions -----------------------------


class _CachedModel(StanceModel):
    """The classifier over planned embeddings only: needing an encoder is a bug."""

    def encoder(self, member: int = 0) -> Any:
        raise EngineError("internal error: a text to classify was not among the planned ones")


class _Classifiers:
    """A Ray actor: the heads and the run's embeddings; classifies batches and writes
    their pages' partitions into the shared data directory."""

    def __init__(
        self,
        heads: list[Any],
        settings: ClassifierSettings,
        vectors: list[Any],
        config: PositionsConfig,
        out: str,
    ) -> None:
        import ray

        # References in a list: Ray passes them as they are, and the driver holds them
        # for the run, so a restarted actor finds them again.
        keys, matrix = ray.get(vectors[0])
        self.model = _CachedModel(ray.get(heads[0]), replace(settings, cache_path=None))
        self.model.cache.vectors = dict(zip(keys, matrix, strict=True))
        self.config, self.out = config, Path(out)

    def __call__(self, rows: dict[str, np.ndarray]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {"batch": [], "pages": []}
        for index, pages, statements_blob in zip(
            rows["batch"], rows["pages"], rows["statements"], strict=True
        ):
            per_page = pickle.loads(pages)
            statements: pl.DataFrame = pickle.loads(statements_blob)
            positions = self.model.classify(statements, self.config)
            for key, stages in _split_by_page(per_page, statements, positions).items():
                _write_partition(self.out / "pages" / key, stages)
            out["batch"].append(int(index))
            out["pages"].append(len(per_page))
        return out


# --- the engine ---------------------------------------------------------------------------


@contextlib.contextmanager
def _stderr_closed(quiet: bool) -> Iterator[None]:
    """Under --quiet, what Ray's own C++ core prints on stderr (which no logging setting
    reaches) goes nowhere; errors still reach the CLI as exceptions."""
    if not quiet:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


class RayEngine:
    """An Engine (tracker.pipeline) running the per-page work on Ray Data."""

    def __init__(self, settings: RaySettings | None = None) -> None:
        self.settings = settings or RaySettings()
        # Wall seconds of the last run's passes (parse, plan, encode, write) and its
        # counts (texts_encoded, groups): what bench/bench_archive.py projects from.
        self.timings: dict[str, float] = {}

    def __call__(self, job: PageJob, progress: Callable[[str], None] | None) -> None:
        check_data_dir(job.out)
        if not job.todo:
            return
        model = job.classifier
        if not isinstance(model, StanceModel):
            raise EngineError(
                "--engine ray runs the trained classifier; a zero-shot --model folder "
                "runs with --engine local"
            )
        ray = import_ray()
        with _stderr_closed(self.settings.quiet):
            started = self._start(ray)
            try:
                self._run(ray, job, model, progress)
            finally:
                if started:
                    ray.shutdown()

    def _start(self, ray: Any) -> bool:
        """Connect to (or start) Ray; True when this call started it."""
        level = logging.ERROR if self.settings.quiet else logging.WARNING
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(level)
        if ray.is_initialized():
            return False
        options: dict[str, Any] = {
            "address": self.settings.address,
            "log_to_driver": not self.settings.quiet,
            "logging_level": level,
            "include_dashboard": False,
        }
        if self.settings.address is None:
            options["num_cpus"] = self.settings.local_cpus
        if self.settings.quiet:
            options["runtime_env"] = {"env_vars": dict(QUIET_ENVIRONMENT)}
        ray.init(**options)
        return True

    def _run(
        self,
        ray: Any,
        job: PageJob,
        model: StanceModel,
        progress: Callable[[str], None] | None,
    ) -> None:
        from ray.data import ActorPoolStrategy, DataContext

        context = DataContext.get_current()
        context.enable_progress_bars = False  # the run's own progress reports instead
        settings = self.settings
        batches = job.batches()
        heads = [ray.put(model.heads)]

        self.timings = {}
        mark = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            self.timings[name] = now - mark
            mark = now

        # Pass 1: parse and attribute, one page batch per task.
        work = [
            {
                "batch": index,
                "work": pickle.dumps((batch, {p.name: job.infos.get(p.name) for p, _, _ in batch})),
            }
            for index, batch in enumerate(batches)
        ]
        parsed = ray.data.from_items(work, override_num_blocks=len(work)).map_batches(
            _parse,
            batch_size=1,
            num_cpus=settings.worker_cpus,
            fn_kwargs={"config": job.config, "year": job.year, "clues": list(job.clues)},
        )
        step = counter(progress, len(job.todo), "pages parsed")
        pages: dict[int, bytes] = {}
        statements: dict[int, bytes] = {}
        for row in parsed.iter_rows():
            index = int(row["batch"])
            pages[index], statements[index] = row["pages"], row["statements"]
            step(len(batches[index]))

        lap("parse")

        # Pass 2: the local engine's encoder groups, in its order, then encoded.
        planner = _PlanningModel(model)
        for index in range(len(batches)):
            planner.classify(pickle.loads(statements[index]), job.config)
        groups = planner.groups
        self.timings["groups"] = len(groups)
        self.timings["texts_encoded"] = sum(len(texts) for _, texts in groups)
        lap("plan")
        worker_settings = model.settings
        if settings.worker_gpus > 0 and worker_settings.device == "cpu":
            worker_settings = replace(worker_settings, device="cuda")
        if groups:
            encoded = ray.data.from_items(
                [{"group": g, "work": pickle.dumps(group)} for g, group in enumerate(groups)],
                override_num_blocks=len(groups),
            ).map_batches(
                _Encoders,
                batch_size=1,
                compute=ActorPoolStrategy(size=min(settings.workers, len(groups))),
                num_cpus=settings.worker_cpus,
                num_gpus=settings.worker_gpus or None,
                fn_constructor_kwargs={"heads": heads, "settings": worker_settings},
            )
            step = counter(progress, sum(len(texts) for _, texts in groups), "texts encoded")
            for row in encoded.iter_rows():
                member, texts = groups[int(row["group"])]
                model_id = model.heads[member].model_id
                for text, vector in zip(texts, pickle.loads(row["vectors"]), strict=True):
                    model.cache.vectors[model.cache.key(text, model_id)] = vector
                model.cache.dirty = True
                step(len(texts))
            model.cache.save()  # the local engine's cache file: later runs reuse it
        lap("encode")

        # Pass 3: classify from the embeddings and write the partitions.
        keys = list(model.cache.vectors)
        matrix = (
            np.stack([model.cache.vectors[key] for key in keys])
            if keys
            else np.zeros((0, 0), np.float32)
        )
        vectors = ray.put((keys, matrix))
        written = ray.data.from_items(
            [
                {"batch": index, "pages": pages[index], "statements": statements[index]}
                for index in range(len(batches))
            ],
            override_num_blocks=len(batches),
        ).map_batches(
            _Classifiers,
            batch_size=1,
            compute=ActorPoolStrategy(size=min(settings.workers, len(batches))),
            num_cpus=settings.worker_cpus,
            fn_constructor_kwargs={
                "heads": heads,
                "settings": model.settings,
                "vectors": [vectors],
                "config": job.config,
                "out": str(job.out),
            },
        )
        step = counter(progress, len(job.todo), "new pages")
        for row in written.iter_rows():
            step(int(row["pages"]))
        lap("write")
