"""Checking the audit log together with the data it vouches for.

An import's audit entry holds the digest of the record versions the batch wrote; since every
version carries its batch id, the digest can be recomputed, so a version changed or deleted by
hand after the import is found as well as a changed audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.registry.importer import IMPORT_ACTION, versions_digest


def _check_import(session: Session, entry: Any, details: dict[str, Any]) -> str | None:
    digest, count = versions_digest(session, int(entry.entity_id))
    if count != details.get("versions") or digest != details.get("versions_digest"):
        return (
            f"the record versions of import batch {entry.entity_id} no longer match what the "
            f"entry recorded ({count} now, {details.get('versions')} then): a version was "
            "changed, added or deleted outside Kintrace"
        )
    return None


REGISTRY_CHECKS: dict[str, audit.DetailCheck] = {IMPORT_ACTION: _check_import}


def verify_registry_audit(
    session: Session, *, progress: Callable[[int, int], None] | None = None
) -> audit.VerifyResult:
    """The audit chain, and every import's record versions against its entry."""
    return audit.verify(session, checks=REGISTRY_CHECKS, progress=progress)
