"""Typed exceptions of the library. Only the CLI turns them into messages for people."""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error the library raises on purpose."""


class ConfigError(TrackerError):
    """positions.yaml is invalid. `problems` lists every problem found, one line each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problems))


class IngestError(TrackerError):
    """A page could not be read at all (its posts are never silently dropped)."""


class UnknownFormatError(IngestError):
    """A page matches none of the live-blog formats the parser knows."""


class YearUnknownError(IngestError):
    """A page gives dates without a year and no year could be inferred."""


class SchemaError(TrackerError):
    """A frame passed between pipeline stages does not have its declared schema."""


class ModelError(TrackerError):
    """A classifier model or artifact is missing, incompatible or cannot be loaded."""


class DataDirError(TrackerError):
    """A data directory lacks a stage that a command needs."""
