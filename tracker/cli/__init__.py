"""The `tracker` command: a thin layer that parses arguments and calls library functions.

Each subcommand lives in its own small module; only this layer turns the library's
typed exceptions into messages for people.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

from tracker import __version__
from tracker.errors import ConfigError, TrackerError, TrackerWarning

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn a TrackerError into a message on stderr and exit status 1 (no traceback);
    the library's warnings (TrackerWarning) are printed as "Warning: ..." lines."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", TrackerWarning)
                previous = warnings.showwarning

                def show(
                    message: Warning | str,
                    category: type[Warning],
                    filename: str,
                    lineno: int,
                    file: TextIO | None = None,
                    line: str | None = None,
                ) -> None:
                    if issubclass(category, TrackerWarning):
                        click.echo(f"Warning: {message}", err=True)
                    else:
                        previous(message, category, filename, lineno, file, line)

                warnings.showwarning = show
                return command(*args, **kwargs)
        except ConfigError as error:
            click.echo(f"Error: {error.source} is invalid:", err=True)
            for problem in error.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(1)
        except TrackerError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        except OSError as error:
            # A last resort: the library names the path and cause where it can.
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"Error: {where}{error.strerror or error}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
def main() -> None:
    """Track what leaders say on contested questions, and how their positions shift."""


def _register() -> None:
    """Add every command module of this package: one small module per command.

    Each module defines `command`, a click command. Modules import their heavy
    dependencies (torch, streamlit) inside the command, so `tracker --help` stays fast.
    """
    import importlib
    import pkgutil

    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        main.add_command(module.command)


_register()
