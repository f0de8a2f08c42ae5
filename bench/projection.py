"""Project `tracker run --engine ray` to 10^6 and 10^7 pages from bench_archive's figures.

The model is linear in pages and statements, with the costs measured here:

- per page, CPU seconds of parsing and attribution (pass 1) and of classifying from the
  embeddings and writing the partition (pass 3): spread over the workers;
- per statement, CPU seconds of encoding all-new text (pass 2 of the all-new archive):
  spread over the workers;
- per statement, seconds of the driver's serial work: planning the encoder groups,
  reading and hashing pages, combining the partitions and building the series.

A pass's CPU seconds are its wall time times the CPUs Ray had (every worker busy).
"""

from __future__ import annotations

from typing import Any

PASSES = ("parse", "plan", "encode", "write")


def _ray_row(rows: list[dict[str, Any]], unique: bool) -> dict[str, Any]:
    chosen = [r for r in rows if r["engine"] == "ray" and r["unique"] == unique]
    if not chosen:
        raise SystemExit("bench_archive figures lack a Ray run: run it with --engines ray")
    return max(chosen, key=lambda r: r["size"])


def costs(archive: dict[str, Any]) -> dict[str, float]:
    """Per-unit costs from bench_archive's JSON (the largest template run, and the
    all-new run for encoding)."""
    cpus = float(archive["cpus"])
    big = _ray_row(archive["rows"], unique=False)["cold"]
    new = _ray_row(archive["rows"], unique=True)["cold"]
    passes, pages, statements = big["passes"], big["pages"], big["statements"]
    serial = big["seconds"] - sum(passes[name] for name in PASSES)
    return {
        "cpus": cpus,
        "pages": pages,
        "statements_per_page": statements / pages,
        "parse_cpu_s_per_page": passes["parse"] * cpus / pages,
        "write_cpu_s_per_page": passes["write"] * cpus / pages,
        "encode_cpu_s_per_statement": new["passes"]["encode"] * cpus / new["statements"],
        "encodes_per_statement": new["passes"]["texts_encoded"] / new["statements"],
        "plan_s_per_statement": passes["plan"] / statements,
        "driver_s_per_statement": serial / statements,
    }


def project(c: dict[str, float], pages: float, workers: int) -> dict[str, float]:
    """Seconds for `pages` all-new pages on `workers` one-CPU workers, one run."""
    statements = pages * c["statements_per_page"]
    parallel = (
        pages * (c["parse_cpu_s_per_page"] + c["write_cpu_s_per_page"])
        + statements * c["encode_cpu_s_per_statement"]
    ) / workers
    serial = statements * (c["plan_s_per_statement"] + c["driver_s_per_statement"])
    return {"statements": statements, "parallel": parallel, "serial": serial}


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def markdown(c: dict[str, float], workers: tuple[int, ...] = (32, 128)) -> str:
    lines = [
        "| measured cost | value |",
        "| --- | ---: |",
        f"| statements per page (template archive) | {c['statements_per_page']:.1f} |",
        f"| parse + attribute, CPU s per page | {c['parse_cpu_s_per_page']:.4f} |",
        f"| classify from embeddings + write, CPU s per page | {c['write_cpu_s_per_page']:.4f} |",
        f"| encode all-new text, CPU s per statement | {c['encode_cpu_s_per_statement']:.4f} |",
        f"| encoder inputs per all-new statement | {c['encodes_per_statement']:.2f} |",
        f"| driver: plan, s per statement | {c['plan_s_per_statement']:.6f} |",
        f"| driver: read, combine, series, s per statement | {c['driver_s_per_statement']:.6f} |",
        "",
        "| pages | statements | workers | parallel part | driver (serial) part | total |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for pages in (1e6, 1e7):
        for count in workers:
            p = project(c, pages, count)
            lines.append(
                f"| {pages:,.0f} | {p['statements']:,.0f} | {count} "
                f"| {_duration(p['parallel'])} | {_duration(p['serial'])} "
                f"| {_duration(p['parallel'] + p['serial'])} |"
            )
    return "\n".join(lines)
