"""The evidence area's errors: their messages say what was received, what was expected and how
to fix it, and never hold a child's personal data (file names and descriptions stay out)."""

from __future__ import annotations


class EvidenceError(Exception):
    """Base of the evidence area's errors."""


class EvidenceRefused(EvidenceError):
    """Input the evidence area will not take (empty, too large, disguised, wrong kind, held)."""


class EvidenceNotFound(EvidenceError, LookupError):
    """No such item, record, person or case (or one the caller may not see)."""


class OriginalDamaged(EvidenceRefused):
    """An original no longer matches its hashes; the custody event that says so is written in
    the caller's transaction, which must be committed, not rolled back."""
