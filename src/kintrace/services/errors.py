"""The errors the services raise for a caller to report, in one place for the web and the CLI.

Each is a domain error of an area below (`kintrace.registry`, `kintrace.accounts`, ...); its text
is a message a user can act on, with no personal data in it. The entry points catch these and
show the message (the CLI: one line and exit status 1; the web: a problem page or JSON). They
import them from here, never from the areas (import-linter contract "The web and the command
line import the application layer, not the areas behind it").

`NOT_FOUND` lists the errors that say "no such thing for this actor": missing, or outside the
actor's agency, which a caller must not tell apart (the web answers 404 to each, in one place).
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
from kintrace.registry.record_view import RecordNotFound
from kintrace.review.casework import CaseNotFound
from kintrace.signing import SigningKeyError

__all__ = [
    "NOT_FOUND",
    "AccountError",
    "CaseNotFound",
    "EngineError",
    "EvidenceError",
    "EvidenceNotFound",
    "EvidenceRefused",
    "ExchangeError",
    "ExchangeNotFound",
    "ExchangeRefused",
    "LinkInputError",
    "OriginalDamaged",
    "PairNotFound",
    "PersonNotFound",
    "RecordNotFound",
    "RegistryError",
    "ReleaseNotFound",
    "SignInFailed",
    "SigningKeyError",
    "Throttled",
    "WorkflowRefused",
]


class PersonNotFound(LookupError):
    """No such person with a record in the user's agency."""


class PairNotFound(LookupError):
    """No such pair in the queue, or not one the user's agency may see."""


class ReleaseNotFound(LookupError):
    """No such release of figures, or no such file in it."""


NOT_FOUND: tuple[type[Exception], ...] = (
    RecordNotFound,
    PersonNotFound,
    PairNotFound,
    CaseNotFound,
    EvidenceNotFound,
    ExchangeNotFound,
    ReleaseNotFound,
)
