"""Review: an editor's decisions written back to positions.yaml.

positions.yaml is edited by hand, so a write keeps its comments, order and quoting
(ruamel.yaml round trip), leaves a backup of the previous version beside it
(positions.yaml.bak), validates the result before replacing the file, and replaces it
atomically. Writers take a lock beside the file (positions.yaml.lock), so two reviews
never lose each other's entries; an editor who saves the file by hand does not take the
lock, so the file is read again just before it is replaced and the write is refused
when it changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from tracker.config import PositionsConfig, load_positions
from tracker.errors import ConcurrentEditError, ConfigError, DataDirBusyError, StorageError
from tracker.storage import atomic_write_text

LOCK_WAIT = 10.0  # seconds a review waits for another review's write to finish


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _append(text: str, section: str, entry: dict[str, Any], source: str) -> str:
    yaml = _yaml()
    try:
        document = yaml.load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(
            source, [f"{where}: YAML syntax error: {problem} (check indentation and quotes)"]
        ) from None
    if not isinstance(document, CommentedMap):
        raise ConfigError(source, [f"{source}: (top level): expected a mapping"])
    items = document.get(section)
    if not isinstance(items, CommentedSeq):
        items = CommentedSeq()
        document[section] = items
    added = CommentedMap(entry)
    _move_trailing_comment(items, added)
    items.append(added)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _move_trailing_comment(items: CommentedSeq, added: CommentedMap) -> None:
    """The blank lines and comments after a section's last entry belong before the next
    section: hand them to the new last entry so that they stay there."""
    if not items or not isinstance(items[-1], CommentedMap) or not added:
        return
    previous = items[-1]
    last_key = list(previous.keys())[-1]
    trailing = previous.ca.items.get(last_key)
    if not trailing or len(trailing) < 3 or trailing[2] is None:
        return
    added.ca.items[list(added.keys())[-1]] = [None, None, trailing[2], None]
    trailing[2] = None


def text_version(text: str) -> str:
    """What a caller passes as `based_on`: the file's text as it was read."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), [f"{path}: file not found"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), [f"{path}: not UTF-8 text: save it as UTF-8"]) from None
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None


@contextmanager
def _review_lock(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        stream = open(lock_path, "a", encoding="utf-8")  # noqa: SIM115 (held for the block)
    except OSError as error:
        raise StorageError(
            f"cannot write {lock_path}: {error.strerror or error} (is the folder read-only?)"
        ) from None
    with stream:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DataDirBusyError(
                        f"{path} is being written by another review: try again in a moment"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)


def _update(
    path: Path, change: Callable[[str, PositionsConfig], str | None], based_on: str | None
) -> PositionsConfig:
    """Under the lock: read, check, change, validate, re-read, back up, replace."""
    with _review_lock(path):
        text = _read(path)
        if based_on is not None and text_version(text) != based_on:
            raise ConcurrentEditError(
                f"{path} changed since it was read (edited elsewhere): nothing was written; "
                "reload and make the change again"
            )
        config = load_positions(text, str(path))  # a clear message for a broken file
        new_text = change(text, config)
        if new_text is None:
            return config
        updated = load_positions(new_text, str(path))  # refuse to write an invalid file
        if _read(path) != text:
            raise ConcurrentEditError(
                f"{path} changed while this change was being written (edited by hand?): "
                "nothing was written; reload and make the change again"
            )
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        atomic_write_text(path, new_text)
        return updated


def add_curated_position(
    path: Path,
    *,
    actor: str,
    issue: str,
    day: date,
    stance: str,
    source: str = "",
    quote: str = "",
    note: str = "",
    based_on: str | None = None,
) -> PositionsConfig:
    """Append a curated position under `positions:`; return the new configuration.
    `based_on`: text_version() of the file as the caller read it, to refuse the write
    when the file changed since."""
    entry: dict[str, Any] = {"actor": actor, "issue": issue, "date": day, "stance": stance}
    entry.update({k: v for k, v in (("source", source), ("quote", quote), ("note", note)) if v})
    return _update(
        path,
        lambda text, _config: _append(text, "positions", entry, str(path)),
        based_on,
    )


def mark_wrong(
    path: Path,
    position_id: str,
    note: str = "",
    *,
    issue: str = "",
    evidence: str = "",
    based_on: str | None = None,
) -> PositionsConfig:
    """List a model observation under `wrong:` so that it drops out of the series."""
    entry: dict[str, Any] = {"id": position_id}
    if note:
        entry["note"] = note
    if issue:
        entry["issue"] = issue
    if evidence:
        entry["evidence"] = evidence

    def change(text: str, config: PositionsConfig) -> str | None:
        if any(label.id == position_id for label in config.wrong):
            return None
        return _append(text, "wrong", entry, str(path))

    return _update(path, change, based_on)
