"""Errors of the store a user can fix; each message says what is wrong and how to fix it."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database the user can fix. The message says what and how."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer Kintrace; it is refused and left untouched."""


class ReadOnlyHomeError(StoreError):
    """The data directory cannot be written."""
