"""What the list exchange refuses. Messages name partners, requests and references, never a
child's name, birth date or place."""

from __future__ import annotations


class ExchangeError(Exception):
    """Any refusal of the exchange area; the message says what to do."""


class ExchangeNotFound(ExchangeError):
    """A partner, agreement or request that does not exist (or is out of the caller's scope)."""


class ExchangeRefused(ExchangeError):
    """An operation the rules do not allow: outside an agreement, a bad package, a bad key."""
