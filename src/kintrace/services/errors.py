"""The errors the services raise for a caller to report, in one place for the web and the CLI.

Each is a domain error of an area below (`kintrace.registry`, `kintrace.accounts`, ...); its text
is a message a user can act on, with no personal data in it. The entry points catch these and
show the message (the CLI: one line and exit status 1; the web: a problem page or JSON). They
import them from here, never from the areas (import-linter contract "The web and the command
line import the application layer, not the areas behind it").
"""

from __future__ import annotations

from kintrace.accounts.errors import AccountError, SignInFailed, Throttled
from kintrace.cases import WorkflowRefused
from kintrace.evidence.errors import (
    EvidenceError,
    EvidenceNotFound,
    EvidenceRefused,
    OriginalDamaged,
)
from kintrace.exchange.errors import ExchangeError, ExchangeNotFound, ExchangeRefused
from kintrace.linkage.errors import EngineError, LinkInputError
from kintrace.registry.errors import RegistryError
from kintrace.signing import SigningKeyError

__all__ = [
    "AccountError",
    "EngineError",
    "EvidenceError",
    "EvidenceNotFound",
    "EvidenceRefused",
    "ExchangeError",
    "ExchangeNotFound",
    "ExchangeRefused",
    "LinkInputError",
    "OriginalDamaged",
    "RegistryError",
    "SignInFailed",
    "SigningKeyError",
    "Throttled",
    "WorkflowRefused",
]
