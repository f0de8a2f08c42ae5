"""Ingest of pages as a newsroom scrapes them: live-blog layouts, articles, manifests."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.errors import ManifestError
from tracker.ingest import PageInfo, parse_live_blog, parse_pages, read_manifest

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def page(name: str, info: PageInfo | None = None) -> pl.DataFrame:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return parse_live_blog(text, name, info=info).posts.filter(~pl.col("is_head"))


def stamps(posts: pl.DataFrame) -> list[tuple[str, str]]:
    return [
        (row["post_time"].strftime("%Y-%m-%d %H:%M"), row["headline"])
        for row in posts.iter_rows(named=True)
    ]


def test_bare_uk_clocks_after_relative_ages_take_the_given_date_in_summer_time() -> None:
    posts = page("sky_style_live.txt", PageInfo(day=date(2024, 10, 12), source="--date"))
    assert stamps(posts) == [
        ("2024-10-12 16:52", "In pictures: waves over the harbour wall"),
        ("2024-10-12 16:35", "Ferry operator cancels evening sailings"),
    ]
    body = posts.item(0, "body")
    assert "Chrome browser" not in body  # player notice
    assert "Copy link" not in posts.item(1, "body")


def test_guardian_style_relative_stamps_in_eastern_time_take_the_manifest_date() -> None:
    info = PageInfo(published=datetime(2023, 5, 21, 11, 0, tzinfo=UTC))
    posts = page("guardian_style_live.txt", info)
    assert stamps(posts) == [
        ("2023-05-21 10:37", "Minister visits the barrier site"),
        ("2023-05-21 10:34", ""),
    ]
    assert "Photograph:" not in posts.item(0, "body")
    assert "Updated at" not in posts.item(1, "body")


def test_twelve_hour_clocks_newest_first_across_midnight() -> None:
    posts = page("telegraph_style_live.txt", PageInfo(day=date(2024, 7, 5), source="--date"))
    assert stamps(posts) == [
        ("2024-07-04 23:10", "Last ward declares"),
        ("2024-07-04 22:50", "Recount ordered in the harbour ward"),
    ]


def test_four_digit_gmt_stamps_oldest_first_with_dash_headlines_and_page_date() -> None:
    posts = page("trt_style_live.txt")  # dated by its own " date 2024-07-09" header
    assert stamps(posts) == [
        ("2024-07-09 22:20", "Summit hosts announce a joint statement on air defence"),
        ("2024-07-09 23:26", "Two leaders hold talks on the sidelines"),
        ("2024-07-10 00:15", "Final session ends after midnight"),
    ]


def test_epoch_and_byline_stamps_of_one_entry_are_one_post() -> None:
    posts = page("independent_style_epoch.txt")
    assert stamps(posts) == [
        ("2023-02-08 14:55", "Union leaders arrive for fresh talks"),
        ("2023-02-08 14:45", "Offer to be put to members"),
        ("2023-02-08 13:35", "Ministers say the offer is final"),
    ]
    assert posts.item(1, "byline") == "Lee Author"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("article_ist.txt", "2023-01-05 14:24"),  # 07:54 pm IST
        ("article_offset.txt", "2025-10-09 09:14"),  # +0300
        ("article_us_date.txt", "2022-03-12 13:42"),  # month first beside an American zone
        ("article_updated.txt", "2024-11-15 23:55"),  # published, not updated
        ("article_furniture.txt", "2025-03-20 12:00"),  # a date alone: noon UTC
    ],
)
def test_article_is_one_post_at_its_date_line(name: str, expected: str) -> None:
    posts = page(name)
    assert posts.height == 1
    assert posts.item(0, "post_time").strftime("%Y-%m-%d %H:%M") == expected
    assert posts.item(0, "source_format") in {"article", "dated"}


def test_article_furniture_is_not_body_and_related_stamps_are_rejected() -> None:
    text = (FIXTURES / "article_furniture.txt").read_text(encoding="utf-8")
    parsed = parse_live_blog(text, "museum.txt")
    post = parsed.posts.row(0, named=True)
    assert post["headline"] == "Museum reopens its west gallery after repairs"
    assert post["body"] == (
        "The museum reopened its west gallery on Thursday after two years of roof repairs."
        "\n\nThe director said visitor numbers had already recovered."
    )
    assert parsed.rejects.rows() == [
        ("museum.txt", 11, "10:42 19.03.2025", "in a related-stories list: not a post of this page")
    ]


def test_manifest_dates_an_undated_article_and_gives_its_url() -> None:
    text = "A headline for a page that prints no date\nThe council met on Tuesday.\n"
    info = PageInfo(url="https://example.org/a", published=datetime(2024, 2, 1, 9, tzinfo=UTC))
    posts = parse_live_blog(text, "a.txt", info=info).posts
    assert posts.item(0, "post_time") == datetime(2024, 2, 1, 9, tzinfo=UTC)
    assert posts.item(0, "url") == "https://example.org/a"


def test_zoned_date_line_beats_the_manifest_time_only_when_they_agree() -> None:
    text = "A headline about the port decision\nPublished: 3 March 2024 10:15 CET\nText.\n"
    near = PageInfo(published=datetime(2024, 3, 3, 12, tzinfo=UTC))
    far = PageInfo(published=datetime(2024, 5, 9, 12, tzinfo=UTC))
    assert parse_live_blog(text, "a.txt", info=near).posts.item(0, "post_time") == datetime(
        2024, 3, 3, 9, 15, tzinfo=UTC
    )
    assert parse_live_blog(text, "a.txt", info=far).posts.item(0, "post_time") == datetime(
        2024, 5, 9, 12, tzinfo=UTC
    )


def test_undated_live_stamps_without_anchor_are_rejects_that_say_how_to_date_them() -> None:
    text = "Talks openpublished at 09:06 GMT\nThey met.\n"
    parsed = parse_live_blog(text, "bbc.txt")
    assert parsed.posts.filter(~pl.col("is_head")).is_empty()
    assert parsed.rejects.get_column("reason").to_list() == [
        "'09:06 GMT': no date on this post or any post near it; pass the page's date with "
        "--date YYYY-MM-DD or a manifest row"
    ]
    dated = parse_live_blog(text, "bbc.txt", info=PageInfo(day=date(2025, 11, 23)))
    assert stamps(dated.posts) == [("2025-11-23 09:06", "Talks open")]


def write_manifest(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "url", "published"])
        writer.writerows(rows)
    return path


def test_read_manifest_rows_and_errors(tmp_path: Path) -> None:
    good = write_manifest(
        tmp_path / "m.csv",
        [
            ("pages/a.txt", "https://e.org/a", "2024-12-19T10:31Z"),
            ("b.txt", "", "2024-12-19T12:31+02:00"),
            ("c.txt", "https://e.org/c", "2024-12-19"),
        ],
    )
    pages = read_manifest(good)
    assert pages["a.txt"] == PageInfo("https://e.org/a", datetime(2024, 12, 19, 10, 31, tzinfo=UTC))
    assert pages["b.txt"].published == datetime(2024, 12, 19, 10, 31, tzinfo=UTC)
    assert pages["b.txt"].url is None
    assert pages["c.txt"].day == date(2024, 12, 19)
    bad = tmp_path / "bad.csv"
    bad.write_text("file,url\na.txt,x\n", encoding="utf-8")
    with pytest.raises(ManifestError) as error:
        read_manifest(bad)
    assert str(error.value) == (
        f"{bad}: the manifest needs the columns file,url,published; missing: published"
    )
    worse = write_manifest(tmp_path / "worse.csv", [("a.txt", "", "yesterday")])
    with pytest.raises(ManifestError) as error:
        read_manifest(worse)
    assert str(error.value) == (
        f"{worse}:2: published 'yesterday' is not an ISO 8601 date (e.g. 2025-03-16T14:57Z)"
    )


def test_same_bytes_under_two_names_are_read_once_and_ids_depend_on_the_name(
    tmp_path: Path,
) -> None:
    text = "Talkspublished at 10:00 Greenwich Mean Time 3 March 2025\nThey met.\n"
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    posts, rejects = parse_pages([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert posts.filter(~pl.col("is_head")).get_column("doc").to_list() == ["a.txt"]
    assert rejects.rows() == [
        ("b.txt", 0, "", "b.txt: the same bytes as a.txt: read once, under a.txt")
    ]
    one = parse_live_blog(text, "a.txt").posts.get_column("post_id").to_list()
    other = parse_live_blog(text, "b.txt").posts.get_column("post_id").to_list()
    assert not set(one) & set(other)


def test_posts_command_reads_manifest_and_date(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Talkspublished at 09:06 GMT\nThey met.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A headline with no date at all\nText.\n", encoding="utf-8")
    manifest = write_manifest(
        tmp_path / "m.csv", [("a.txt", "https://e.org/a", "2025-11-23T10:00Z")]
    )
    out = tmp_path / "posts.csv"
    args = ["posts", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--csv", str(out)]
    result = CliRunner().invoke(main, [*args, "--manifest", str(manifest), "--date", "2025-01-02"])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out).filter(~pl.col("is_head"))
    assert frame.select("doc", "post_time", "url").rows() == [
        ("a.txt", "2025-11-23T09:06:00Z", "https://e.org/a"),
        ("b.txt", "2025-01-02T12:00:00Z", None),
    ]
    assert "--manifest" in CliRunner().invoke(main, ["statements", "--help"]).output


# ---- the real pages of ../shared (measurement only; skipped where absent) ----------------

REAL = SHARED / "tools" / "real_pages.py"


@pytest.mark.seeds
@pytest.mark.skipif(not REAL.exists(), reason="../shared/tools/real_pages.py is absent")
def test_real_pages_posts_found_with_their_manifest(tmp_path: Path) -> None:
    export = tmp_path / "rp"
    subprocess.run([sys.executable, str(REAL), "export", str(export)], check=True, text=True,
                   capture_output=True)  # fmt: skip
    pages = sorted(export.glob("*.txt"))
    posts, rejects = parse_pages(pages, manifest=read_manifest(export / "manifest.csv"))
    out = tmp_path / "posts.csv"
    posts.with_columns(pl.col("post_time").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).write_csv(out)
    scored = subprocess.run([sys.executable, str(REAL), "score", str(out)], check=True,
                            text=True, capture_output=True).stdout  # fmt: skip
    found = float(scored.strip().splitlines()[-1].split("=")[1])
    assert found >= 0.95, scored
    assert rejects.filter(pl.col("line") == 0).is_empty()  # no page refused whole


DOCS = SHARED / "gold" / "real_dev" / "docs"


@pytest.mark.seeds
@pytest.mark.skipif(not DOCS.exists(), reason="../shared/gold/real_dev/docs is absent")
def test_every_laid_out_real_doc_gives_a_post_with_its_manifest() -> None:
    pages = sorted(DOCS.glob("*.txt"))
    posts, rejects = parse_pages(pages, manifest=read_manifest(DOCS / "manifest.csv"))
    timed = posts.filter(~pl.col("is_head"))
    assert sorted(timed.get_column("doc").unique()) == [p.name for p in pages]
    assert rejects.filter(pl.col("line") == 0).is_empty()


# ---- through a run: the URL reaches positions, repeated bytes are read once -----------


class TroopsStub:
    """A classifier that reads "troops" as troops support: enough to carry rows through."""

    fingerprint = "troops-stub"

    def predict(self, texts: list[str], config: object) -> list[dict[str, tuple[str, float]]]:
        return [{"troops_on_ground": ("support", 0.9)} if "troops" in t else {} for t in texts]

    def classify(self, statements: pl.DataFrame, config: object) -> pl.DataFrame:
        from tracker.classify.frames import positions_from_predictions, predictions_frame

        texts = statements.get_column("text").to_list()
        return positions_from_predictions(
            statements,
            predictions_frame(self.predict(texts, config)),
            config,  # type: ignore[arg-type]
        )


def test_run_carries_the_manifest_url_to_positions_and_reads_repeated_bytes_once(
    tmp_path: Path,
) -> None:
    from tracker.config import DEFAULT_POSITIONS, read_positions
    from tracker.pipeline import run_pipeline

    text = (
        "Talks on a peace forcepublished at 09:06 GMT\n"
        "Keir Starmer said Britain was ready to send troops to Ukraine to keep a peace.\n"
    )
    for name in ("a.txt", "copy.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    manifest = {"a.txt": PageInfo("https://e.org/a", datetime(2025, 2, 17, 10, tzinfo=UTC))}
    out = tmp_path / "data"
    summary = run_pipeline(
        [tmp_path / "a.txt", tmp_path / "copy.txt"],
        out,
        read_positions(DEFAULT_POSITIONS),
        classifier=TroopsStub(),  # type: ignore[arg-type]
        page_manifest=manifest,
    )
    assert summary.pages == 1
    positions = pl.read_csv(out / "positions.csv")
    assert positions.select("doc", "post_time", "actor", "url").rows() == [
        ("a.txt", "2025-02-17T09:06:00Z", "keir_starmer", "https://e.org/a")
    ]
