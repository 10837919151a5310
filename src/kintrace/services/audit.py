"""Reading the audit log: the audit page, "who read this child" on a person page, and
`kintrace audit list`, through one service (decision 0412).

Who may read it: an agency's admins (their agency's entries) and the command line's operator
(the whole installation's log). An entry belongs to the agency of the user who made it; an entry
made by no web user (the operator, an import, a link run) belongs to the home agency. Every read
of the log is itself written to it (`audit.read`), with the filters used (ids and user names,
never a child's name: the log holds none).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.accounts.roles import Role
from kintrace.cases.verdicts import parse_record_key
from kintrace.messages import N_
from kintrace.registry.scope import record_in_scope
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import Record, Source
from kintrace.store.web_tables import HOME_AGENCY_ID, users

PAGE_SIZE = 50
#: What counts as reading a child's records ("who read this child").
READ_ACTIONS = ("records.read", "persons.read", "pair.view")
_MAX_TEXT = 200


class AuditDenied(PermissionError):
    """The actor's role may not read the audit log."""


class AuditQueryError(ValueError):
    """A filter the user can correct; the message is a catalogue message id."""


@dataclass(frozen=True)
class AuditFilter:
    """What to list. `person` is a person id, `record` a record number or SOURCE:ID, `user` a
    user name (entries made by them, also from the command line in their place), `action` an
    action name or a prefix ending in "." (e.g. "records."), `since`/`until` days in the reader's
    time zone, both included."""

    person: str = ""
    record: str = ""
    user: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    def used(self) -> dict[str, str]:
        """The filters given, as text (for the audit entry of this read and for links)."""
        values = {
            "person": self.person,
            "record": self.record,
            "user": self.user,
            "action": self.action,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # UTC
    actor: str
    action: str
    entity_type: str
    entity_id: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def details_text(self) -> str:
        text = audit.canonical_json(self.details) if self.details else ""
        return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"

    @property
    def detail_values(self) -> list[tuple[str, str | bool]]:
        """The details as (name, value) for a page to label: the same values as `details_text`
        (ids, counts, user names; the log holds no child's name), lists joined and cut after
        `_LISTED` items, hashes cut to 12 hex digits, a yes/no as a bool, nothing as ""."""
        return [(key, _shown(value)) for key, value in sorted(self.details.items())]


_LISTED = 12
_HASH = re.compile(r"[0-9a-f]{40,}")


def _shown(value: Any) -> str | bool:
    """One detail's value as a page shows it (see `AuditRow.detail_values`)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        shown = [str(_shown(v)) for v in value[:_LISTED]]
        more = f" … (+{len(value) - _LISTED})" if len(value) > _LISTED else ""
        return ", ".join(shown) + more
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown(v)}" for k, v in sorted(value.items()))
    text = str(value)
    if _HASH.fullmatch(text):
        return text[:12] + "…"
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total: int
    page_size: int = PAGE_SIZE


def may_read(actor: Actor) -> bool:
    """Admins and the command line's operator read the audit log."""
    return actor.role is None or actor.role is Role.ADMIN


def parse_day(text: str) -> date | None:
    """A day typed in a filter (YYYY-MM-DD), None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AuditQueryError(N_("Write the date as YYYY-MM-DD, e.g. 2026-03-05.")) from None


def list_entries(
    db: Session,
    actor: Actor,
    filters: AuditFilter,
    *,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    zone: tzinfo = UTC,
) -> AuditPage:
    """One page of the entries the actor may read that match every filter, newest first.

    Raises AuditDenied for a role that may not read the log, AuditQueryError for a filter that
    names nothing the actor can see (an unknown person or record reads as "not found")."""
    _check(actor)
    where = and_(_scope(db, actor), *_conditions(db, actor, filters, zone))
    total = int(db.scalar(select(func.count()).select_from(AuditEntry).where(where)) or 0)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    rows = _rows(db, where, limit=page_size, offset=(page - 1) * page_size)
    audit.append(
        db,
        actor=actor.name,
        action="audit.read",
        entity_type="audit",
        entity_id="-",
        details={"filters": filters.used(), "page": page, "shown": len(rows)},
    )
    return AuditPage(rows=rows, page=page, pages=pages, total=total, page_size=page_size)


def readers_of_person(
    db: Session, actor: Actor, person_id: str, *, limit: int = 50
) -> list[AuditRow]:
    """Who read the person's records (record, person and pair pages), newest first: the last
    `limit` reads the actor may see. Empty for a person outside the actor's agency."""
    _check(actor)
    pks, keys = _person_records(db, actor, person_id)
    if not pks:
        return []
    where = and_(
        _scope(db, actor),
        AuditEntry.action.in_(READ_ACTIONS),
        _about(person_ids=[person_id], pks=pks, keys=keys),
    )
    rows = _rows(db, where, limit=limit, offset=0)
    audit.append(
        db,
        actor=actor.name,
        action="audit.read",
        entity_type="person",
        entity_id=person_id,
        details={"shown": len(rows)},
    )
    return rows


def known_actions(db: Session, actor: Actor) -> list[str]:
    """The action names in the log (for the filter's list)."""
    _check(actor)
    return sorted(db.execute(select(AuditEntry.action).distinct()).scalars())


def _check(actor: Actor) -> None:
    if not may_read(actor):
        raise AuditDenied(N_("Only an administrator may read the audit log."))


def _rows(db: Session, where: ColumnElement[bool], *, limit: int, offset: int) -> list[AuditRow]:
    entries = db.execute(
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.entity_type,
            AuditEntry.entity_id,
            AuditEntry.details,
        )
        .where(where)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        AuditRow(
            id=e.id,
            at=_parse_at(e.at),
            actor=e.actor,
            action=e.action,
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            details=_parse_details(e.details),
        )
        for e in entries
    ]


def _parse_at(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _parse_details(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {"value": value}


def _by_user(names: list[str]) -> ColumnElement[bool]:
    """Entries made by one of `names`: signed in, or by the command line in their place
    ("cli:login as NAME")."""
    if not names:
        return false()
    col = AuditEntry.actor
    return or_(col.in_(names), *[col.endswith(f" as {n}", autoescape=True) for n in names])


def _scope(db: Session, actor: Actor) -> ColumnElement[bool]:
    """The entries the actor's agency may read: those its users made; the home agency's also
    those no web user made (operator, imports, link runs). The operator reads them all."""
    if actor.role is None:
        return true()
    rows = db.execute(select(users.c.username, users.c.agency_id)).all()
    mine = [r.username for r in rows if r.agency_id == actor.agency_id]
    if actor.agency_id != HOME_AGENCY_ID:
        return _by_user(mine)
    others = [r.username for r in rows if r.agency_id != actor.agency_id]
    return not_(_by_user(others)) if others else true()


def _records_scope(actor: Actor) -> ColumnElement[bool]:
    return true() if actor.role is None else record_in_scope(actor.agency_id)


def _person_records(db: Session, actor: Actor, person_id: str) -> tuple[list[int], list[str]]:
    """The person's records the actor may see: their numbers and SOURCE:ID keys."""
    if not person_id or len(person_id) > 32:
        return [], []
    clusters = linked_records
    rows = db.execute(
        select(Record.id, Source.name, Record.record_id)
        .join(Source, Source.id == Record.source_id)
        .join(
            clusters,
            and_(clusters.c.source == Source.name, clusters.c.record_id == Record.record_id),
        )
        .where(clusters.c.person_id == person_id, _records_scope(actor))
    ).all()
    return [r.id for r in rows], [f"{r.name}:{r.record_id}" for r in rows]


def _record(db: Session, actor: Actor, text: str) -> tuple[int, str, str | None]:
    """A record named by its number or SOURCE:ID, in the actor's scope: (number, key, person)."""
    text = text.strip()
    query = select(Record.id, Source.name, Record.record_id).join(
        Source, Source.id == Record.source_id
    )
    if text.isdigit() and len(text) <= 18:
        query = query.where(Record.id == int(text))
    else:
        try:
            key = parse_record_key(text)
        except ValueError:
            raise AuditQueryError(
                N_("Name the record by its number or as SOURCE:ID, e.g. family-reports:FR-0001.")
            ) from None
        query = query.where(Source.name == key.source, Record.record_id == key.record_id)
    row = db.execute(query.where(_records_scope(actor))).first()
    if row is None:
        raise AuditQueryError(N_("No such record."))
    person = db.execute(
        select(linked_records.c.person_id).where(
            linked_records.c.source == row.name, linked_records.c.record_id == row.record_id
        )
    ).scalar_one_or_none()
    return int(row.id), f"{row.name}:{row.record_id}", person


def _about(*, person_ids: list[str], pks: list[int], keys: list[str]) -> ColumnElement[bool]:
    """Entries about these records: their record pages, their persons' pages, pairs they are in."""
    col = AuditEntry.entity_id
    pair = AuditEntry.entity_type == "pair"
    return or_(
        and_(AuditEntry.entity_type == "record", col.in_([str(pk) for pk in pks])),
        and_(AuditEntry.entity_type == "person", col.in_(person_ids)),
        *[
            and_(
                pair,
                or_(
                    col.startswith(f"{k}|", autoescape=True), col.endswith(f"|{k}", autoescape=True)
                ),
            )
            for k in keys
        ],
    )


def _conditions(
    db: Session, actor: Actor, filters: AuditFilter, zone: tzinfo
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.person:
        pks, keys = _person_records(db, actor, filters.person.strip())
        if not pks:
            raise AuditQueryError(N_("No such person."))
        conditions.append(_about(person_ids=[filters.person.strip()], pks=pks, keys=keys))
    if filters.record:
        pk, key, person = _record(db, actor, filters.record)
        conditions.append(_about(person_ids=[person] if person else [], pks=[pk], keys=[key]))
    if filters.user:
        conditions.append(_by_user([filters.user.strip().lower()]))
    action = filters.action.strip()
    if action.endswith("."):
        conditions.append(AuditEntry.action.startswith(action, autoescape=True))
    elif action:
        conditions.append(AuditEntry.action == action)
    if filters.since and filters.until and filters.since > filters.until:
        raise AuditQueryError(N_("The first day comes after the last day."))
    if filters.since:
        conditions.append(AuditEntry.at >= _utc_text(filters.since, zone))
    if filters.until:
        conditions.append(AuditEntry.at < _utc_text(filters.until + timedelta(days=1), zone))
    return conditions


def _utc_text(day: date, zone: tzinfo) -> str:
    """The start of `day` in `zone`, as the log writes times (UTC, ISO 8601, text order)."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    return start.isoformat(timespec="microseconds").replace("+00:00", "Z")
