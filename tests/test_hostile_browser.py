"""Third-party text that tries to run or load something, rendered in a real browser:
an exported HTML chart opened from disk, and the dashboard. Nothing may execute, nothing
may be fetched from anywhere but the dashboard itself, and the text must show as text.

Headless Debian Chromium driven by Playwright (it never downloads a browser of its own).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from click.testing import CliRunner
from hostile import KeywordClassifier, page

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.pipeline import run_pipeline

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is absent (apt-get install -y chromium)"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

# Text a page could carry: a script breaking out of the chart's <script>, an inline
# handler, markdown images (a tracking pixel) and links, a bare web address.
BREAKOUT = '</script><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
PIXEL = "![pixel](http://pixel.invalid/b.png)"
LINK = "[click here](http://link.invalid/b)"
HEADLINE = "![pixel](http://pixel.invalid/h.png) Starmer [open](http://link.invalid/h) now"
BODY = (
    f"Keir Starmer said Britain would send troops to Ukraine {BREAKOUT} {PIXEL} {LINK} "
    "and see www.link.invalid for more."
)
DOC = "![x](x.png) page.txt"  # a file name is third-party text too
EARLIER = "Keir Starmer ruled out sending British troops to Ukraine for now."


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "pages").mkdir()
    (root / "pages" / "earlier.txt").write_text(
        page("10 March", ("09:00", "Starmer on troops", EARLIER)), encoding="utf-8"
    )
    (root / "pages" / DOC).write_text(page("17 March", ("18:20", HEADLINE, BODY)), encoding="utf-8")
    config = read_positions(DEFAULT_POSITIONS)
    summary = run_pipeline(
        [root / "pages"], root / "data", config, year=2025, classifier=KeywordClassifier()
    )
    assert summary.positions >= 2 and summary.shifts >= 1, summary.line()
    return root / "data"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


class Watched:
    """A page with every request, dialog and script error it caused recorded."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign(self, allowed: set[str]) -> list[str]:
        """Requests to any place but `allowed` hosts (file: and data: are local)."""
        return [
            url
            for url in self.requests
            if urlparse(url).scheme not in {"file", "data", "blob"}
            and urlparse(url).netloc not in allowed
        ]

    def pwned(self) -> object:
        return self.page.evaluate("window.__pwned")


def test_exported_html_chart_runs_nothing_from_its_data(
    hostile_data: Path, tmp_path: Path, browser: Any
) -> None:
    out = tmp_path / "chart.html"
    chart = ["chart", "--issue", "troops_on_ground", "--data", str(hostile_data)]
    result = CliRunner().invoke(
        main, [*chart, "--out", str(out), "--positions", str(DEFAULT_POSITIONS)]
    )
    assert result.exit_code == 0, result.output
    watched = Watched(browser)
    watched.page.goto(out.as_uri())
    watched.page.wait_for_selector("#vis canvas, #vis svg", timeout=30_000)
    time.sleep(1)
    assert watched.pwned() is None
    assert watched.dialogs == []
    assert watched.foreign(set()) == []
    # The quote is still in the chart's data, whole, as text.
    quotes = "Object.values(spec.datasets).flat().map((row) => String(row.quote))"
    assert watched.page.evaluate(f"{quotes}.some((q) => q.includes({json.dumps(BREAKOUT)}))")
    watched.page.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard(hostile_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    positions = tmp_path_factory.mktemp("positions") / "positions.yaml"
    shutil.copy(DEFAULT_POSITIONS, positions)
    port = free_port()
    command = [sys.executable, "-m", "tracker", "dashboard", "--data", str(hostile_data)]
    process = subprocess.Popen(
        [*command, "--positions", str(positions), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard did not start within 120 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def open_page(browser: Any, url: str, name: str, ready: str) -> Watched:
    watched = Watched(browser)
    watched.page.goto(f"{url}/?page={name.replace(' ', '+')}")
    watched.page.get_by_text(ready, exact=False).first.wait_for(timeout=90_000)
    time.sleep(2)  # let any image or link the text became start loading
    return watched


def test_dashboard_shows_hostile_post_text_as_text(dashboard: str, browser: Any) -> None:
    watched = open_page(browser, dashboard, "Evidence explorer", "pixel.invalid/h.png")
    shown = watched.page.inner_text("body")
    for text in (HEADLINE, PIXEL, LINK, "www.link.invalid", DOC, "window.__pwned=1"):
        assert text in shown, text
    host = urlparse(dashboard).netloc
    assert watched.foreign({host}) == []
    assert not [url for url in watched.requests if url.endswith(("x.png", "b.png", "h.png"))]
    assert watched.page.locator("a[href*='link.invalid']").count() == 0
    assert watched.page.locator("img[src*='pixel'], img[src='x']").count() == 0
    assert watched.pwned() is None and watched.dialogs == []
    watched.page.close()


def test_dashboard_shift_cards_show_page_names_as_text(dashboard: str, browser: Any) -> None:
    watched = open_page(browser, dashboard, "Shift log", "Before and after")
    expanders = watched.page.locator("summary")
    for index in range(min(expanders.count(), 3)):
        expanders.nth(index).click()
    time.sleep(1)
    assert DOC in watched.page.inner_text("body")
    assert watched.foreign({urlparse(dashboard).netloc}) == []
    assert not [url for url in watched.requests if url.endswith("x.png")]
    assert watched.page.locator("img[src*='x.png']").count() == 0
    watched.page.close()
