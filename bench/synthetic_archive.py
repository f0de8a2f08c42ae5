"""Write a synthetic archive of live-blog pages for scale benchmarks.

Pages are in the newer BBC layout (headline, then "HH:MM GMT D Month YYYY") and the
Independent layout, one page per day, each post built from templates written for this
benchmark: leaders from positions.yaml speaking on the tracked issues, mixed with posts
that take no position. The text is not meant to be good journalism, only to have the
shape and the statement density of real pages.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

CLAIMS = {
    ("nato_membership", "support"): "Ukraine belongs in Nato and the door must stay open",
    ("nato_membership", "undecided"): "Nato membership for Kyiv is a question for later",
    ("nato_membership", "oppose"): "Ukraine will not be joining Nato, that is not realistic",
    ("troops_on_ground", "support"): "we are ready to put troops on the ground to keep a peace",
    ("troops_on_ground", "undecided"): "it is too early to talk about sending soldiers",
    ("troops_on_ground", "oppose"): "we have no plans to send our troops to Ukraine",
    ("asset_seizure", "support"): "the frozen Russian assets should be seized for Ukraine",
    ("asset_seizure", "undecided"): "the question of the frozen assets is complicated",
    ("asset_seizure", "oppose"): "confiscating Russia's reserves would break international law",
    ("ceasefire_terms", "unconditional"): "we want a full ceasefire now, with no conditions",
    ("ceasefire_terms", "conditional"): "a truce only works with firm security guarantees",
    ("ceasefire_terms", "reject"): "a ceasefire now would only let the enemy regroup",
}
FILLER = [
    "Air defence units reported shooting down drones over the region overnight.",
    "Officials said repairs to the power grid would take several days.",
    "The talks are expected to resume later in the week, according to the schedule.",
    "Analysts said the minerals agreement still had several open questions.",
    "Defence budgets across Europe are under review ahead of the summit.",
]
VERBS = ["said", "told reporters", "insisted", "argued", "said on Tuesday"]


def _actors() -> list[tuple[str, str]]:
    data = yaml.safe_load((REPO / "positions.yaml").read_text(encoding="utf-8"))
    return [(a["name"], a["name"].split()[-1]) for a in data["actors"]]


def _post(
    rng: random.Random, actors: list[tuple[str, str]], serial: str = ""
) -> tuple[str, list[str]]:
    if rng.random() < 0.4:
        return "Update from the region", [rng.choice(FILLER), rng.choice(FILLER)]
    name, surname = rng.choice(actors)
    (issue, _stance), claim = rng.choice(list(CLAIMS.items()))
    if serial:  # every statement new to the embedding cache: the encoder's cold cost
        claim = f"{claim} ({serial})"
    headline = f"{surname} speaks on {issue.replace('_', ' ')}"
    paragraphs = [
        f'"{claim[0].upper()}{claim[1:]}," {name} {rng.choice(VERBS)}.',
        rng.choice(FILLER),
        f"{surname} added that talks with allies would continue.",
    ]
    return headline, paragraphs


def write_page(
    path: Path,
    day: date,
    rng: random.Random,
    actors: list[tuple[str, str]],
    unique: bool = False,
) -> None:
    moment = datetime(day.year, day.month, day.day, 18, 0)
    lines: list[str] = []
    independent = rng.random() < 0.5
    for number in range(rng.randint(15, 25)):
        serial = f"file {path.stem}, item {number}" if unique else ""
        headline, paragraphs = _post(rng, actors, serial)
        lines.append(headline)
        if independent:
            lines.append(f"{moment:%A} {moment.day} {moment:%B %Y %H:%M} , Staff reporter")
        else:
            lines.append(f"{moment:%H:%M} GMT {moment.day} {moment:%B %Y}")
        lines.extend(paragraphs)
        moment -= timedelta(minutes=rng.randint(5, 40))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_archive(folder: Path, pages: int, seed: int = 7, unique: bool = False) -> list[Path]:
    """`pages` pages into `folder`; with `unique`, no two statements are the same."""
    rng = random.Random(seed)
    actors = _actors()
    folder.mkdir(parents=True, exist_ok=True)
    # Winter dates only, so that GMT is also the local time of the Independent layout.
    days = [date(2023 + (i // 90) % 3, 1, 1) + timedelta(days=i % 90) for i in range(pages)]
    written = []
    for index, day in enumerate(days):
        path = folder / f"synthetic_{index:05d}.txt"
        write_page(path, day, rng, actors, unique)
        written.append(path)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    print(f"wrote {len(write_archive(args.folder, args.pages))} pages to {args.folder}")
