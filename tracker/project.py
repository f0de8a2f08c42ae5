"""A user's project: the folder holding their positions.yaml, their data directory and,
once they have run `tracker train`, their own classifier.

The package ships a starter (the tracked actors and issues, no curated positions); a
project never writes into the installed package.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tracker.errors import ProjectError
from tracker.storage import atomic_write_text

POSITIONS_FILE = "positions.yaml"
POSITIONS_ENV = "TRACKER_POSITIONS"
DATA_DIR = Path("data")  # every command's default data directory, relative to the project
MODEL_FILE = "stance_model.npz"  # what `tracker train` writes into the project
STARTER_POSITIONS = Path(__file__).resolve().parent / "data" / "positions.yaml"
STARTER_README = """\
# A stance-tracker project

- `positions.yaml`: the actors, issues and stance scales you track, your curated
  positions and the labels you marked wrong. `tracker check-config` validates it.
- `pages/`: put the pages you scraped here (.txt or saved .html), with a `manifest.csv`
  (file,url,published) beside them if you have one.
- `tracker run pages --out data` builds `data/`; `tracker dashboard` serves it.
"""


def find_positions(given: Path | None, cwd: Path | None = None) -> Path:
    """The positions file a command uses: `--positions`, else $TRACKER_POSITIONS, else
    ./positions.yaml. Raise ProjectError saying where it looked when none exists."""
    if given is not None:
        return given
    from_env = os.environ.get(POSITIONS_ENV, "").strip()
    if from_env:
        return Path(from_env)
    here = (cwd or Path.cwd()) / POSITIONS_FILE
    if here.is_file():
        return Path(POSITIONS_FILE) if cwd is None else here
    raise ProjectError(
        f"no positions file: looked for --positions, ${POSITIONS_ENV} and ./{POSITIONS_FILE}. "
        "Run `tracker init DIR` to start a project, or pass --positions FILE"
    )


def project_model(positions_path: Path) -> Path:
    """Where a project's own classifier lives: beside its positions file."""
    return positions_path.parent / MODEL_FILE


def starter_positions_text() -> str:
    """The shipped starter: the tracked actors and issues with empty `positions:` and
    `wrong:` lists, comments kept for the editor."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(STARTER_POSITIONS.read_text(encoding="utf-8"))
    if not isinstance(document, CommentedMap):
        raise ProjectError(f"{STARTER_POSITIONS}: the shipped starter is not a mapping")
    for section in ("positions", "wrong"):
        items = document.get(section)
        if isinstance(items, CommentedSeq):
            del items[:]
        else:
            document[section] = CommentedSeq()
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def init_project(folder: Path) -> list[Path]:
    """Write a starter project into `folder`; refuse to overwrite an existing positions
    file. Return the paths written."""
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{folder} exists and is not a folder: choose another path")
    target = folder / POSITIONS_FILE
    if target.exists():
        raise ProjectError(
            f"{target} already exists: `tracker init` never overwrites a positions file"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pages").mkdir(exist_ok=True)
    written = [atomic_write_text(target, starter_positions_text())]
    readme = folder / "README.md"
    if not readme.exists():
        written.append(atomic_write_text(readme, STARTER_README))
    return written


def model_for(positions_path: Path, given: Path | None) -> Path | None:
    """The classifier a command uses: `--model`, else the project's own (written by
    `tracker train`) when it exists, else None (the one shipped with the package)."""
    if given is not None:
        return given
    own = project_model(positions_path)
    return own if own.is_file() else None
