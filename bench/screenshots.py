"""Screenshots for docs/: every dashboard page on a desktop (1400 px) and a phone (420 px),
and the exported issue chart (PNG and SVG), all on the demo data.

Builds data/demo from demo/pages when it is missing (`make build` does the same), serves
the dashboard with `tracker dashboard`, and reads it with Debian's chromium through
Playwright.

usage: python bench/screenshots.py [--data data/demo] [--out docs]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POSITIONS = REPO / "demo" / "positions.yaml"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# url path -> (file name stem, header to wait for, draws a chart)
PAGES = {
    "": ("overview", "Overview", True),
    "timeline?issue=troops_on_ground": ("timeline", "Issue timeline", True),
    "profile?actor=keir_starmer": ("profile", "Actor profile", True),
    "shifts": ("shifts", "Shift log", False),
    "evidence": ("evidence", "Evidence explorer", False),
    "review": ("review", "Review", False),
}
SCREENS = {"desktop": 1400, "phone": 420}
TALLEST = 2400  # px of a page kept in a screenshot


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build(data: Path) -> None:
    if not (data / "summary.parquet").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tracker",
                "run",
                str(REPO / "demo" / "pages"),
                "--positions",
                str(POSITIONS),
                "--out",
                str(data),
            ],
            check=True,
        )


def export_chart(data: Path, out: Path) -> list[Path]:
    from tracker.config import read_positions
    from tracker.export import issue_timeline_chart, save_chart
    from tracker.series import load_series
    from tracker.tables import page_sources

    chart = issue_timeline_chart(
        load_series(data), read_positions(POSITIONS), "troops_on_ground", pages=page_sources(data)
    )
    return [save_chart(chart, out / f"chart.{suffix}") for suffix in ("png", "svg")]


def shoot(data: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tracker",
            "dashboard",
            "--data",
            str(data),
            "--positions",
            str(POSITIONS),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    written = []
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for screen, width in SCREENS.items():
                for path, (stem, header, chart) in PAGES.items():
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.goto(f"{url}/{path}")
                    page.get_by_role("heading", name=header).first.wait_for(timeout=120_000)
                    if chart:
                        page.wait_for_selector(".vega-embed svg.marks", timeout=60_000)
                    time.sleep(2)
                    # The page scrolls inside Streamlit's main block: make the window as
                    # tall as its content, so that one picture holds the page.
                    height = page.evaluate(
                        "document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
                    )
                    page.set_viewport_size({"width": width, "height": min(height, TALLEST)})
                    time.sleep(1)
                    target = out / f"dashboard-{stem}-{screen}.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                    page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=REPO / "data" / "demo")
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    build(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in [*export_chart(args.data, args.out), *shoot(args.data, args.out)]:
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


if __name__ == "__main__":
    main()
