"""Random bytes, random YAML and random file names through the CLI entry points: each
command ends with success or a clear message (exit status 1 or 2), never a traceback."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hostile import KeywordClassifier, page
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tracker.classify
from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
VALID_PAGE = page(
    "17 March",
    ("18:20", "Starmer on troops", "Keir Starmer said Britain would send troops to Ukraine."),
)


@pytest.fixture(autouse=True)
def keyword_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracker.classify, "load_classifier", lambda *a, **k: KeywordClassifier())


@pytest.fixture()
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        yield Path(folder)


def fresh(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


def clear(result: Result) -> None:
    """Success, or a message and status 1/2: never an exception escaping the command."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{result.output}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code:
        assert result.output.strip().splitlines()[-1].strip(), "an error says something"


def cli(*args: str, positions: Path = DEFAULT_POSITIONS) -> Result:
    return CliRunner().invoke(main, [*args, "--positions", str(positions)])


# Bytes near real pages (a page with bytes spliced in) as well as noise.
page_bytes = st.one_of(
    st.binary(max_size=600),
    st.tuples(st.integers(0, len(VALID_PAGE)), st.binary(max_size=40)).map(
        lambda cut: VALID_PAGE.encode()[: cut[0]] + cut[1] + VALID_PAGE.encode()[cut[0] :]
    ),
    st.text(max_size=300).map(lambda text: text.encode("utf-8")),
    st.text(max_size=200).map(lambda text: text.encode("utf-16")),
)


@FUZZ
@given(data=page_bytes)
def test_random_bytes_as_a_page(data: bytes, scratch: Path) -> None:
    folder = fresh(scratch)
    (folder / "page.txt").write_bytes(data)
    clear(cli("posts", str(folder / "page.txt"), "--csv", str(folder / "posts.csv")))
    clear(cli("run", str(folder / "page.txt"), "--out", str(folder / "data"), "--quiet"))


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=40
).filter(lambda name: name not in {".", ".."} and len(name.encode()) < 200)


@settings(FUZZ, max_examples=12)
@given(files=st.lists(names, min_size=1, max_size=4, unique=True), out=names, chart=names)
# Names a glob would read as patterns, and ones a shell or a CLI would misread.
@example(files=["[a].txt", "*.html"], out="[", chart="-x.svg")
def test_random_file_names(files: list[str], out: str, chart: str, scratch: Path) -> None:
    folder = fresh(scratch)
    pages = folder / "pages"
    pages.mkdir()
    for name in files:
        (pages / name).write_text(VALID_PAGE, encoding="utf-8")
    data = folder / out
    clear(cli("run", str(pages), "--out", str(data), "--year", "2025", "--quiet"))
    clear(cli("run", str(pages / files[0]), "--out", str(data), "--year", "2025"))
    clear(cli("posts", str(pages), "--csv", str(folder / f"{out}.csv"), "--year", "2025"))
    chart_out = ["--out", str(folder / chart)]
    clear(cli("chart", "--issue", "troops_on_ground", "--data", str(data), *chart_out))
    clear(cli("shifts", str(data), "--actor", out))


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12)
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(["actors", "issues", "positions", "wrong", "id", "name", "x"]),
            children,
            max_size=4,
        ),
    ),
    max_leaves=20,
)
FRAGMENTS = ["actors:\n", "  - id: a\n", "&x ", "*x ", "!!python/name:os.system ", "{", "]", "\t"]


@FUZZ
@given(
    text=st.one_of(
        documents.map(lambda document: yaml.safe_dump(document, allow_unicode=True)),
        st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=12).map("".join),
        st.binary(max_size=200).map(lambda data: data.decode("latin-1")),
    )
)
def test_random_yaml_as_positions(text: str, scratch: Path) -> None:
    folder = fresh(scratch)
    positions = folder / "positions.yaml"
    positions.write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / "page.txt").write_text(VALID_PAGE, encoding="utf-8")
    clear(cli("check-config", positions=positions))
    clear(cli("run", str(folder / "page.txt"), "--out", str(folder / "d"), positions=positions))
