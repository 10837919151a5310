"""The linkage area's errors a caller reports, importable without loading Splink or pandas."""

from __future__ import annotations

from kintrace.linkage.engine import EngineError

__all__ = ["EngineError", "LinkInputError"]


class LinkInputError(ValueError):
    """The registry cannot be linked as it is; the message says why and what to do."""
