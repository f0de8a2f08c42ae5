"""Progress of long runs, for a person watching or a log file reading along.

A run reports through one callback: called with a message it is a note; `counter`
turns it into a count of steps done out of a total. `RunProgress` draws a tqdm bar on
stderr where stderr is a terminal (counts, rate, time left), and writes one log line
per step otherwise (CI, cron: "processed 64/1000 new pages (12.5/s, 1m13s left)").
No callback (`--quiet`) prints nothing; `quiet_libraries` also silences what the
libraries print themselves (transformers' "Loading weights" bars, hub progress bars).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TextIO

Notes = Callable[[str], None]
Step = Callable[[int], None]

# Read by huggingface_hub and transformers at import; apply_library_quiet also acts on
# a transformers imported before the variables were set.
QUIET_ENVIRONMENT = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def quiet_libraries() -> None:
    """Ask the libraries to print no bars or advice, in this process and its children."""
    os.environ.update(QUIET_ENVIRONMENT)
    apply_library_quiet()


def apply_library_quiet() -> None:
    """Where the environment asks for quiet, silence an already imported transformers
    (called where the encoder loads, so Ray workers honour it too)."""
    if os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS") != "1":
        return
    transformers = sys.modules.get("transformers")
    if transformers is None:
        return
    logging = transformers.utils.logging
    logging.disable_progress_bar()
    logging.set_verbosity_error()


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def _unit(what: str) -> str:
    """The thing counted, for the bar's rate: "new pages" -> "page"."""
    for word in what.split():
        if word in {"pages", "texts", "batches", "statements"}:
            return word.removesuffix("es") if word == "batches" else word.removesuffix("s")
    return "item"


class RunProgress:
    """A run's progress callback: notes as lines, counts as a bar or as log lines."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.clock = clock
        self._bar: Any = None

    def __call__(self, message: str) -> None:
        if self._bar is not None:
            self._bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def count(self, total: int, what: str) -> Step:
        """A step function for `total` items of `what` ("new pages"), starting now."""
        self.close()
        if self.terminal:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, desc=what, unit=_unit(what), file=self.stream, dynamic_ncols=True
            )
            return self._bar.update
        start = self.clock()
        done = 0

        def step(items: int) -> None:
            nonlocal done
            done += items
            elapsed = self.clock() - start
            rate = done / elapsed if elapsed > 0 else 0.0
            left = f", {_duration((total - done) / rate)} left" if rate and done < total else ""
            self(f"processed {done}/{total} {what} ({rate:.3g}/s{left})")

        return step

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def run_progress(quiet: bool) -> RunProgress | None:
    """What a command reports through: None under --quiet, with the libraries silenced."""
    if quiet:
        quiet_libraries()
        return None
    return RunProgress()


def counter(progress: Notes | None, total: int, what: str) -> Step:
    """A step function that reports `done/total what` through `progress`: a bar or log
    lines for a RunProgress, a plain line for any other callback, nothing for None."""
    if progress is None:
        return lambda _items: None
    if isinstance(progress, RunProgress):
        return progress.count(total, what)
    done = 0

    def step(items: int) -> None:
        nonlocal done
        done += items
        progress(f"processed {done}/{total} {what}")

    return step


# The progress callback of the command running now, for library loops deep below the
# command (fine-tuning) that take no callback argument.
_AMBIENT: ContextVar[Notes | None] = ContextVar("tracker_progress", default=None)


@contextlib.contextmanager
def reporting(progress: Notes | None) -> Iterator[None]:
    """Make `progress` what ambient_counter reports through, for the block."""
    token = _AMBIENT.set(progress)
    try:
        yield
    finally:
        _AMBIENT.reset(token)
        if isinstance(progress, RunProgress):
            progress.close()


def ambient_counter(total: int, what: str) -> Step:
    """counter() through the progress of the `reporting` block around the caller."""
    return counter(_AMBIENT.get(), total, what)
