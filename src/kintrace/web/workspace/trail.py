"""What the workspace writes to the audit log: reads of a child's record, sign-ins, accounts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kintrace import audit


def record(
    db: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append in the request's transaction. Details hold ids and counts, never names."""
    audit.append(
        db,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=details,
    )
