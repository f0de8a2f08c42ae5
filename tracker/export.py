"""Charts as files for articles: PNG (twice the drawn size, with the chart's text in its
metadata), SVG (real text) and standalone HTML (vega scripts inlined: works offline).

The charts themselves live in tracker/charts.py (timelines, profiles) and
tracker/chart_overview.py, their style in tracker/chart_style.py; all are re-exported
here, the module callers import.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import altair as alt

from tracker.chart_overview import overview_chart
from tracker.chart_style import (
    FONT,
    MODEL_NAME,
    SCORE_COLOURS,
    WIDTH,
    ExportError,
    Furniture,
    display_names,
    stance_colour,
    stance_scale,
)
from tracker.charts import (
    actor_profile_chart,
    as_of,
    issue_timeline_chart,
    stance_timeline_chart,
)
from tracker.storage import atomic_write

__all__ = [
    "FONT",
    "MODEL_NAME",
    "SCORE_COLOURS",
    "WIDTH",
    "ExportError",
    "Furniture",
    "actor_profile_chart",
    "as_of",
    "chart_bytes",
    "display_names",
    "issue_timeline_chart",
    "overview_chart",
    "save_chart",
    "stance_colour",
    "stance_scale",
    "stance_timeline_chart",
    "with_text_chunks",
]

# The PNG renderer finds fonts by one family name, not by a CSS list: a family it lacks
# draws nothing or a serif. Fonts it has on Debian, in the order they are tried.
PNG_FONTS = {
    "DejaVu Sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
}
# Furniture field -> PNG text keyword (the PNG specification's predefined keywords).
PNG_KEYWORDS = {
    "title": "Title",
    "subtitle": "Description",
    "note": "Comment",
    "source": "Source",
    "byline": "Author",
}


def _png_fonts(spec: dict[str, Any]) -> str:
    """The spec as JSON, with a font family the PNG renderer has where one is installed."""
    for family, files in PNG_FONTS.items():
        if any(Path(file).is_file() for file in files):
            config = dict(spec.get("config", {}))
            config["font"] = family
            return json.dumps({**spec, "config": config})
    return json.dumps(spec)


def _furniture_text(spec: dict[str, Any]) -> dict[str, str]:
    """PNG text keyword -> text, from the furniture the chart was drawn with."""
    furniture = spec.get("usermeta", {}).get("furniture", {})
    text = {
        keyword: str(furniture.get(field, "")).strip() for field, keyword in PNG_KEYWORDS.items()
    }
    text["Software"] = MODEL_NAME
    return {keyword: value for keyword, value in text.items() if value}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def with_text_chunks(png: bytes, text: dict[str, str]) -> bytes:
    """`png` with an iTXt chunk (UTF-8 text) per keyword, after the header chunk: the
    title, description, note, source and byline travel with the image file."""
    header_end = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, data, CRC
    chunks = b"".join(
        _chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8"))
        for keyword, value in text.items()
    )
    return png[:header_end] + chunks + png[header_end:]


def chart_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """The chart as PNG, SVG or standalone HTML (vega scripts inlined: works offline)."""
    if fmt == "html":
        import json

        class ScriptSafeJSON(json.JSONEncoder):
            """The spec sits inside a <script>: a quote's "</script>" or "<!--" must not
            end it. <, > and & only occur inside JSON strings, where \\u escapes mean
            the same characters to the script."""

            def encode(self, o: object) -> str:
                text = super().encode(o)
                return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

        buffer = io.StringIO()
        chart.save(buffer, format="html", inline=True, json_kwds={"cls": ScriptSafeJSON})
        return buffer.getvalue().encode("utf-8")
    import vl_convert

    if fmt == "png":
        spec = chart.to_dict()
        png = bytes(vl_convert.vegalite_to_png(_png_fonts(spec), scale=2))
        return with_text_chunks(png, _furniture_text(spec))
    if fmt == "svg":
        return str(vl_convert.vegalite_to_svg(chart.to_json())).encode("utf-8")
    raise ExportError(f"unknown chart format {fmt!r}: use png, svg or html")


def save_chart(chart: alt.TopLevelMixin, path: Path) -> Path:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"png", "svg", "html"}:
        raise ExportError(f"{path}: the file name must end in .png, .svg or .html")
    data = chart_bytes(chart, fmt)
    return atomic_write(path, lambda stream: stream.write(data))
