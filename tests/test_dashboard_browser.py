"""What a person sees: the real dashboard served by `tracker dashboard`, read by Chromium."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from datadir import build_data_dir
from paths import DEMO_POSITIONS
from websockets.sync.client import connect

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt install chromium)"),
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
]


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
            sys.executable,
            "-m",
            "tracker",
            "dashboard",
            "--data",
            str(data),
            "--positions",
            str(positions),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard did not start within 60 s")
        urllib.request.urlopen(url, timeout=30).read()  # the first load of a fresh app is slow
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
    # The server itself stopped: no orphaned Streamlit process still answers.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)


class Browser:
    """Headless Chromium driven over the DevTools protocol: wait for what a person sees."""

    def __init__(self, profile: Path) -> None:
        self.process = subprocess.Popen(
            [
                CHROMIUM or "chromium",
                *FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "--window-size=1400,1000",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = json.loads(reply.read())
        page = next(t for t in targets if t["type"] == "page")
        self.socket = connect(page["webSocketDebuggerUrl"], max_size=50_000_000)
        self.next_id = 0

    def call(self, method: str, **params: object) -> dict[str, object]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == self.next_id:
                return dict(message.get("result", {}))

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return dict(result["result"]).get("value")  # type: ignore[arg-type]

    def open(self, url: str, ready: str, timeout: float = 60.0) -> str:
        """Load `url` and wait until `ready` (JS) is true; return the page text."""
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(ready):
                return str(self.evaluate("document.body.innerText"))
            time.sleep(0.5)
        return str(self.evaluate("document.body.innerText"))

    def screenshot(self) -> bytes:
        return base64.b64decode(str(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=20)


CHART = "document.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks').length"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chrome = Browser(tmp_path_factory.mktemp("chrome"))
    try:
        yield chrome
    finally:
        chrome.close()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("Overview", "Where leaders stand"),
        ("Issue timeline", "Issue timeline"),
        ("Actor profile", "Actor profile"),
        ("Shift log", "Shift log"),
        ("Evidence explorer", "Evidence explorer"),
        ("Review", "Record a curated position"),
    ],
)
def test_each_page_shows_its_content(
    server: str, browser: Browser, page: str, expected: str
) -> None:
    wants_chart = page in {"Overview", "Issue timeline", "Actor profile"}
    ready = f"document.body.innerText.includes({json.dumps(expected)})"
    if wants_chart:
        ready += f" && {CHART} > 0"
    text = browser.open(f"{server}/?page={quote(page)}", ready)
    assert expected in text
    if wants_chart:
        assert browser.evaluate(CHART), f"no chart rendered: {text[:600]}"
    assert "Traceback" not in text and "Error" not in text.split("Stance tracker", 1)[-1][:200]


def test_screenshot_is_not_blank(server: str, browser: Browser, tmp_path: Path) -> None:
    browser.open(server, f"{CHART} > 0")
    data = browser.screenshot()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    (tmp_path / "overview.png").write_bytes(data)


def test_download_button_serves_a_png(server: str, browser: Browser, tmp_path: Path) -> None:
    """The file is made on click (deferred): the click must still deliver a real PNG."""
    browser.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path))
    find = (
        "[...document.querySelectorAll('button, a')]"
        ".find(b => b.innerText.trim() === 'Download PNG')"
    )
    text = browser.open(server, f"{CHART} > 0 && !!{find}")
    clicked = browser.evaluate(f"(() => {{ const b = {find}; if (b) b.click(); return !!b; }})()")
    assert clicked, f"no Download PNG button: {text[:400]}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = [p for p in tmp_path.glob("*.png") if p.stat().st_size > 0]
        if done:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"nothing downloaded: {list(tmp_path.iterdir())}")
    data = done[0].read_bytes()
    assert done[0].name == "overview.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
