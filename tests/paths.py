"""Files of the repository that tests read."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRACKED_POSITIONS = REPO / "positions.yaml"  # the real tracked file: no demo curations
DEMO_POSITIONS = REPO / "demo" / "positions.yaml"  # the demo's, with its curated entries
DEMO_PAGES = REPO / "demo" / "pages"
