"""Errors the command line turns into one-line messages and exit codes. No Qt."""

from __future__ import annotations

# Exit codes are a public contract (design.md §4).
EXIT_PASS = 0
EXIT_WARN = 1
EXIT_USAGE = 2
EXIT_FAIL = 3
EXIT_ERROR = 4


class PreflightError(Exception):
    """An error with a message meant for the person at the keyboard."""

    exit_code = EXIT_USAGE


class SourceError(PreflightError):
    """A frame source cannot be opened or read (exit 2)."""


class ConfigError(PreflightError):
    """The configuration file is missing, malformed or invalid (exit 2)."""


class ModelError(PreflightError):
    """A model file is missing or does not match its pinned hash."""

    exit_code = EXIT_ERROR
