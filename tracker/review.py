"""Review: an editor's decisions written back to positions.yaml.

positions.yaml is edited by hand, so a write keeps its comments, order and quoting
(ruamel.yaml round trip), leaves a backup of the previous version beside it
(positions.yaml.bak), validates the result before replacing the file, and replaces it
atomically.
"""

from __future__ import annotations

import io
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tracker.config import PositionsConfig, load_positions
from tracker.errors import ConfigError
from tracker.storage import atomic_write_text


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _append(text: str, section: str, entry: dict[str, Any], source: str) -> str:
    yaml = _yaml()
    document = yaml.load(text)
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


def _write(path: Path, new_text: str) -> PositionsConfig:
    config = load_positions(new_text, str(path))  # refuse to write an invalid file
    shutil.copy2(path, path.with_name(path.name + ".bak"))
    atomic_write_text(path, new_text)
    return config


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
) -> PositionsConfig:
    """Append a curated position under `positions:`; return the new configuration."""
    text = path.read_text(encoding="utf-8")
    entry: dict[str, Any] = {"actor": actor, "issue": issue, "date": day, "stance": stance}
    entry.update({k: v for k, v in (("source", source), ("quote", quote), ("note", note)) if v})
    return _write(path, _append(text, "positions", entry, str(path)))


def mark_wrong(
    path: Path, position_id: str, note: str = "", *, issue: str = "", evidence: str = ""
) -> PositionsConfig:
    """List a model observation under `wrong:` so that it drops out of the series."""
    text = path.read_text(encoding="utf-8")
    config = load_positions(text, str(path))
    if any(label.id == position_id for label in config.wrong):
        return config
    entry: dict[str, Any] = {"id": position_id}
    if note:
        entry["note"] = note
    if issue:
        entry["issue"] = issue
    if evidence:
        entry["evidence"] = evidence
    return _write(path, _append(text, "wrong", entry, str(path)))
