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


class UnknownActorError(TrackerError):
    """A command was given an actor id that neither positions.yaml nor the data has."""


class StorageError(TrackerError):
    """A file or folder could not be read or written (read-only, missing, not a folder)."""


class DataDirBusyError(TrackerError):
    """Another process holds the data directory's lock (a run or a review is writing)."""


class ConcurrentEditError(TrackerError):
    """A file changed between the moment it was read and the moment it was to be written."""


class TrackerWarning(UserWarning):
    """Something a person should know about that does not stop the command."""


class ProjectError(TrackerError):
    """A project's files cannot be found or written (positions file, starter, model)."""


class ManifestError(IngestError):
    """A scraper's manifest (file,url,published) cannot be read."""


class DateUnknownError(IngestError):
    """A page has no date of its own and neither a manifest row nor --date gives one."""
