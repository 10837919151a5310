"""Errors of the registry a user can fix. Messages say what was received, what was expected and
how to fix it, and never quote a child's personal data."""

from __future__ import annotations


class RegistryError(Exception):
    """Base of the registry's user-facing errors."""


class ImportRefused(RegistryError):
    """A whole file cannot be imported (empty, wrong format, unknown encoding, missing columns).

    Nothing of the file was written.
    """


class NotFound(RegistryError):
    """A source or record named by the user does not exist."""
