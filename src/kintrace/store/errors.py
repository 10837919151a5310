"""Errors of the store a user can fix; each message says what is wrong and how to fix it."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with the database the user can fix. The message says what and how."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer Kintrace; it is refused and left untouched."""


class ReadOnlyHomeError(StoreError):
    """The data directory cannot be written."""


class StoreBusy(StoreError):
    """Another writer held the database longer than this process waits (`retry_after_s` says
    when to try again). Nothing of the failed transaction was written."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
