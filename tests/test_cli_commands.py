"""Every command of `tracker` has --help that says what it does, and the README's command
table names it: a command nobody can find is not a feature."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from paths import REPO

from tracker.cli import main

COMMANDS = sorted(main.commands)


def test_every_command_module_is_registered() -> None:
    modules = sorted(
        path.stem.replace("_", "-")
        for path in (REPO / "tracker" / "cli").glob("*.py")
        if not path.stem.startswith("_")
    )
    assert modules == COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: main {name} ") or result.output.startswith(
        f"Usage: tracker {name} "
    )
    summary = main.commands[name].get_short_help_str(limit=200)
    assert summary and summary[0].isupper(), f"{name}: --help needs a one-line summary"


@pytest.mark.parametrize("name", COMMANDS)
def test_readme_command_table_names_the_command(name: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table_rows = [line for line in readme.splitlines() if line.startswith("| `tracker ")]
    named = {re.match(r"\| `tracker ([a-z-]+)", row).group(1) for row in table_rows}  # type: ignore[union-attr]
    assert name in named, f"README's command table has no row for `tracker {name}`"
