"""Track leaders' stated positions on the contested questions of a conflict."""

__version__ = "0.1.0"
