"""`tracker run`'s engine options: --engine local|ray, --address and the worker settings
(this module is not a command). The decorator gathers them into one `engine` argument."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # the CLI imports no pipeline (nor polars, torch) until a command runs
    from tracker.pipeline import Engine

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


@dataclass(frozen=True)
class EngineChoice:
    name: str = "local"
    address: str | None = None
    workers: int = 2
    worker_cpus: float = 1.0
    worker_gpus: float = 0.0

    def build(self, out: Path, quiet: bool) -> Engine | None:
        """The engine for run_pipeline (None: the local one). Ray is imported here only."""
        if self.name == "local":
            return None
        from tracker.engine_ray import RayEngine, RaySettings, check_data_dir, import_ray

        check_data_dir(out)
        import_ray()  # a missing Ray is said before the encoder loads
        return RayEngine(
            RaySettings(
                address=self.address,
                workers=self.workers,
                worker_cpus=self.worker_cpus,
                worker_gpus=self.worker_gpus,
                quiet=quiet,
            )
        )


def engine_options() -> Decorator:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs["engine"] = EngineChoice(
                name=kwargs.pop("engine_name"),
                address=kwargs.pop("address"),
                workers=kwargs.pop("workers"),
                worker_cpus=kwargs.pop("worker_cpus"),
                worker_gpus=kwargs.pop("worker_gpus"),
            )
            return command(*args, **kwargs)

        options = [
            click.option(
                "--engine",
                "engine_name",
                type=click.Choice(["local", "ray"]),
                default="local",
                show_default=True,
                help="Where pages are processed: in this process, or on Ray (a local Ray, "
                "or the cluster at --address; needs pip install 'stance-tracker[cluster]').",
            ),
            click.option(
                "--address",
                help="With --engine ray: the Ray cluster to use ('auto', or "
                "ray://HEAD:10001); default: start Ray on this machine. OUT must be a "
                "path every worker reaches (a shared filesystem).",
            ),
            click.option(
                "--workers",
                type=click.IntRange(min=1),
                default=2,
                show_default=True,
                help="With --engine ray: workers in each pool (each loads the encoders once).",
            ),
            click.option(
                "--worker-cpus",
                type=click.FloatRange(min=0.0, min_open=True),
                default=1.0,
                show_default=True,
                help="With --engine ray: CPUs per worker (also its torch threads).",
            ),
            click.option(
                "--worker-gpus",
                type=click.FloatRange(min=0.0),
                default=0.0,
                show_default=True,
                help="With --engine ray: GPUs per encoding worker (it then encodes on cuda).",
            ),
        ]
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate
