"""A person: the records the linkage resolved to one child, side by side, with the pairwise link
probabilities and, field by field, whether the records agree.

The linkage area owns the tables: `linked_records` (person id per record) and `link_pairs`
(scored pairs with the model's status). Records outside the user's agency are left out; a person
with none inside it is "not found". The web page, the API (and `kintrace explain`'s field
table, through the same `group_agreement`) read persons through this service, audited here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.linkage.spec.agreement import Agreement, group_agreement
from kintrace.names.display import display_name
from kintrace.registry.record_view import FIELDS, RecordView, load_records
from kintrace.review.records import ChildName
from kintrace.services.errors import PersonNotFound
from kintrace.store.linkage_tables import link_pairs, linked_records
from kintrace.store.registry_tables import Record, Source
from kintrace.store.review_tables import review_items

COMPARED = (
    "given_name",
    "family_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_place",
    "last_known_place",
)


@dataclass(frozen=True)
class PairView:
    left: int
    right: int
    probability: float | None
    status: str | None
    left_label: str = ""
    right_label: str = ""


@dataclass(frozen=True)
class PersonView:
    person_id: str
    records: list[RecordView]
    agreement: dict[str, Agreement]  # field -> state and the model's words
    pairs: list[PairView]
    fields: tuple[str, ...] = FIELDS
    #: the child as the page's heading names them: the first record's name as written, its
    #: Latin form and birth date (read and audited with the records, `persons.read`)
    name: ChildName | None = None


def person_of_record(db: Session, *, record_pk: int) -> str | None:
    clusters = linked_records
    row = db.execute(
        select(clusters.c.person_id)
        .select_from(Record)
        .join(Source, Source.id == Record.source_id)
        .join(
            clusters,
            and_(clusters.c.source == Source.name, clusters.c.record_id == Record.record_id),
        )
        .where(Record.id == record_pk)
    ).first()
    return str(row[0]) if row else None


def agreement(values: list[Any], *, field: str) -> Agreement:
    """How the records' values of one field compare: the shared per-field agreement
    (`kintrace.linkage.spec.agreement`, as on the pair page and in `kintrace explain`)."""
    return group_agreement(field, values)


def read(db: Session, actor: Actor, person_id: str) -> PersonView:
    """The person's records the agency may see (others are left out), audited like records."""
    clusters = linked_records
    if len(person_id) > 32:
        raise PersonNotFound()
    pks = (
        db.execute(
            select(Record.id)
            .join(Source, Source.id == Record.source_id)
            .join(
                clusters,
                and_(clusters.c.source == Source.name, clusters.c.record_id == Record.record_id),
            )
            .where(clusters.c.person_id == person_id)
            .order_by(Record.id)
        )
        .scalars()
        .all()
    )
    views = load_records(db, agency_id=actor.agency_id, record_pks=pks)  # out of scope: left out
    if not views:
        raise PersonNotFound()
    agree = {f: agreement([v.current.fields.get(f) for v in views], field=f) for f in COMPARED}
    pairs = _pairs(db, views)
    audit.append(
        db,
        actor=actor.name,
        action="persons.read",
        entity_type="person",
        entity_id=person_id,
        details={"record_pks": [v.pk for v in views]},
    )
    return PersonView(
        person_id=person_id, records=views, agreement=agree, pairs=pairs, name=_name(views[0])
    )


def _name(view: RecordView) -> ChildName:
    """How the heading names the child: the record's name as written, in Latin letters, born."""
    fields = view.current.fields
    shown = display_name(
        given_name=fields.get("given_name"),
        family_name=fields.get("family_name"),
        patronymic=fields.get("patronymic"),
        full_name=fields.get("full_name"),
    )
    born = fields.get("birth_date")
    return ChildName(shown.written, shown.latin, str(born) if born else "")


def _pairs(db: Session, views: list[RecordView]) -> list[PairView]:
    """Scored pairs among the person's visible records; a reviewer's verdict, where there is one,
    replaces the model's status (auto / pending)."""
    by_key = {(v.source, v.record_id): v.pk for v in views}
    mine = [and_(link_pairs.c.source_l == s, link_pairs.c.record_id_l == r) for s, r in by_key]
    rows = db.execute(select(link_pairs).where(or_(*mine))).all()
    reviewed_rows = db.execute(
        select(
            review_items.c.source_l,
            review_items.c.record_id_l,
            review_items.c.source_r,
            review_items.c.record_id_r,
            review_items.c.status,
        ).where(
            or_(
                *[
                    and_(review_items.c.source_l == s, review_items.c.record_id_l == r)
                    for s, r in by_key
                ]
            )
        )
    ).all()
    verdicts = {(r[0], r[1], r[2], r[3]): r[4] for r in reviewed_rows}
    result = []
    for row in rows:
        left = by_key.get((row.source_l, row.record_id_l))
        right = by_key.get((row.source_r, row.record_id_r))
        if left is None or right is None:
            continue
        key = (row.source_l, row.record_id_l, row.source_r, row.record_id_r)
        result.append(
            PairView(
                left=left,
                right=right,
                probability=row.match_probability,
                status=verdicts.get(key, row.status),
                left_label=f"{row.source_l} · {row.record_id_l}",
                right_label=f"{row.source_r} · {row.record_id_r}",
            )
        )
    return sorted(result, key=lambda p: -(p.probability or 0))
