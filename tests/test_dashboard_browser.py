"""What a person sees: the real dashboard served by `tracker dashboard`, read by Debian's
Chromium through Playwright (which never downloads a browser of its own), on a desktop
(1400 px) and a phone (420 px): human names, complete legends, nothing wider than the
screen, no developer buttons, a download that delivers a real file."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from datadir import build_data_dir
from paths import DEMO_POSITIONS

from tracker.config import read_positions

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is absent (apt-get install -y chromium)"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# url path -> (header, whether a chart is drawn)
PAGES = {
    "": ("Overview", True),
    "timeline": ("Issue timeline", True),
    "profile": ("Actor profile", True),
    "shifts": ("Shift log", False),
    "evidence": ("Evidence explorer", False),
    "review": ("Review", False),
}
WIDTHS = (1400, 420)
CHART = ".vega-embed svg.marks"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    positions = root / "positions.yaml"
    shutil.copy(DEMO_POSITIONS, positions)
    data = build_data_dir(root / "data", positions)
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "tracker", "dashboard", "--data", str(data)),
            *("--positions", str(positions), "--port", str(port)),
        ],
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
    # The server itself stopped: no orphaned Streamlit process still answers.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser: Any, url: str, width: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    return page


def shown(browser: Any, server: str, path: str, width: int) -> tuple[Any, str, list[str]]:
    """The page at `path`, once drawn: the page, its visible text and its charts' text."""
    header, wants_chart = PAGES[path]
    page = open_page(browser, f"{server}/{path}", width)
    page.get_by_role("heading", name=header).first.wait_for(timeout=90_000)
    if wants_chart:
        page.wait_for_selector(CHART, timeout=60_000)
    time.sleep(1.5)  # the last deltas of the run
    chart_text = page.eval_on_selector_all(
        f"{CHART} text", "nodes => nodes.map(n => n.textContent)"
    )
    return page, page.inner_text("body"), chart_text


def ids_in(text: str) -> list[str]:
    config = read_positions(DEMO_POSITIONS)
    ids = [actor.id for actor in config.actors if "_" in actor.id]
    ids += [issue.id for issue in config.issues]
    return [item for item in ids if item in text]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_shows_names_fits_the_screen_and_hides_developer_tools(
    server: str, browser: Any, path: str, width: int
) -> None:
    page, text, chart_text = shown(browser, server, path, width)
    try:
        assert "Traceback" not in text
        assert ids_in(text + "\n".join(chart_text)) == []
        if PAGES[path][1]:
            assert chart_text, "no chart text drawn"
        overflow = page.evaluate(
            """() => [document.documentElement, document.querySelector('[data-testid="stMain"]')]
                .filter(Boolean).map(e => e.scrollWidth - e.clientWidth)"""
        )
        assert max(overflow) <= 1, f"wider than the screen by {overflow} px"
        widest = page.eval_on_selector_all(
            CHART, "nodes => Math.max(0, ...nodes.map(n => n.getBoundingClientRect().right))"
        )
        assert widest <= width
        assert page.get_by_text("Deploy", exact=True).count() == 0
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_timeline_legend_is_complete_and_names_people(
    server: str, browser: Any, width: int
) -> None:
    page, text, chart_text = shown(browser, server, "timeline", width)
    try:
        # The first issue with data; every stance of its scale, drawn or not.
        assert {"Supports a deployment", "Undecided", "Opposes a deployment"} <= set(chart_text)
        assert any(name in chart_text for name in ("Keir Starmer", "Volodymyr Zelensky"))
        assert "Bar: stance held, up to" in text
    finally:
        page.close()


def test_the_overview_names_each_stance_in_its_cell(server: str, browser: Any) -> None:
    page, _text, chart_text = shown(browser, server, "", 1400)
    try:
        assert "Supports a deployment" in chart_text and "Keir Starmer" in chart_text
        assert any(t.startswith("Troops") for t in chart_text)  # a column heading
    finally:
        page.close()


def test_a_filter_link_reproduces_the_view(server: str, browser: Any) -> None:
    page = open_page(browser, f"{server}/timeline?issue=asset_seizure", 1400)
    try:
        page.get_by_role(
            "heading", name="Seizure of frozen Russian assets: who stands where"
        ).wait_for(timeout=90_000)
        page.wait_for_selector(CHART, timeout=60_000)
        names = page.eval_on_selector_all(f"{CHART} text", "n => n.map(x => x.textContent)")
        assert "Christine Lagarde" in names
    finally:
        page.close()


def test_download_button_serves_a_png(server: str, browser: Any, tmp_path: Path) -> None:
    """The file is made on click (deferred): the click must still deliver a real PNG."""
    page, _text, _chart = shown(browser, server, "", 1400)
    try:
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Download PNG").click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        data = target.read_bytes()
        assert target.name == "overview.png"
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    finally:
        page.close()
