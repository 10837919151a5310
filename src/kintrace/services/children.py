"""The child behind a record as lists show it: the name as the source wrote it, its Latin form
and the birth date, ids beside them (issue 12, finding 3: caseworkers work by name).

For the case list, the review queue and the work lists of the web. Only records of the actor's
agency are named; the others stay ids (a pair or a case never shows another agency's child).
Naming records on a list is a read of their data: it is written to the audit log with the record
ids listed and the list they were shown on, never the names.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.cases import RecordKey
from kintrace.review.records import ChildName, child_names
from kintrace.review.scope import keys_in_scope

__all__ = ["ChildName", "named", "names"]


def names(
    db: Session, actor: Actor, keys: Iterable[RecordKey], *, shown_on: str
) -> dict[RecordKey, ChildName]:
    """Name and birth date of each key the actor's agency holds (others are left out).

    `shown_on` names the list for the audit entry ("cases", "review").
    """
    return named(db, reader=actor.name, scope={actor.agency_id}, keys=keys, shown_on=shown_on)


def named(
    db: Session,
    *,
    reader: str,
    scope: set[int] | None,
    keys: Iterable[RecordKey],
    shown_on: str,
) -> dict[RecordKey, ChildName]:
    """`names` for a reader whose scope is a set of agencies (None: every agency)."""
    wanted = list(dict.fromkeys(keys))
    visible = set(wanted) if scope is None else keys_in_scope(db, wanted, scope)
    found = child_names(db, [k for k in wanted if k in visible])
    if found:
        audit.append(
            db,
            actor=reader,
            action="records.list",
            entity_type="record",
            entity_id="-",
            details={"records": sorted(str(k) for k in found), "shown_on": shown_on},
        )
    return found
