"""What a reviewer sees of a pair: both records side by side in their own scripts with a Latin
transliteration, the model's probability and each comparison's weight, and the other candidates
of either record. Reading it is audited (who looked at these children, when)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.cases import RecordKey, ordered_pair
from kintrace.linkage.spec.agreement import Agreement, agreements
from kintrace.names import (
    Script,
    detect_script,
    transliterate,
)
from kintrace.review.actors import Actor
from kintrace.review.casework import require_reader
from kintrace.review.records import require_records
from kintrace.store.linkage_tables import link_pairs
from kintrace.store.registry_tables import Record, RecordVersion, Source
from kintrace.store.review_tables import review_items

NAME_FIELDS = ("given_name", "family_name", "patronymic", "full_name")
SHOWN = (
    *NAME_FIELDS,
    "sex",
    "birth_date",
    "age",
    "observed_on",
    "birth_place",
    "last_known_place",
    "group_id",
)
_STANDARD = {
    Script.UKRAINIAN: "uk_national_2010",
    Script.RUSSIAN: "ru_icao_2013",
    Script.CYRILLIC: "uk_national_2010",
}


@dataclass(frozen=True)
class RecordSide:
    key: RecordKey
    kind: str
    fields: dict[str, str]  # as written, current version
    latin: dict[str, str]  # name fields in Cyrillic, transliterated (Ukrainian 2010 / ICAO)


def agreement(left: dict[str, str], right: dict[str, str]) -> dict[str, Agreement]:
    """Per field either side has: the shared `field_agreement` (same words as the weights)."""
    return agreements(left, right, SHOWN)


@dataclass(frozen=True)
class Candidate:
    left: RecordKey
    right: RecordKey
    probability: float
    status: str


@dataclass(frozen=True)
class PairView:
    left: RecordSide
    right: RecordSide
    probability: float | None
    weight: float | None
    weights: dict[str, float]  # comparison -> match weight (the waterfall), largest effect first
    others: list[Candidate] = field(default_factory=list)
    agreement: dict[str, Agreement] = field(default_factory=dict)  # field -> state and label
    #: the id of the decision rule that set the stored status (`kintrace.linkage.decide`)
    rule: str | None = None


def _with_verdicts(session: Session, others: list[Candidate]) -> list[Candidate]:
    """Candidates with a reviewer's status where the queue holds one: a pair someone rejected
    or confirmed is never shown as the model's "pending" (issue 12, finding 5)."""
    if not others:
        return others
    ri = review_items.c
    wanted = {frozenset((c.left, c.right)) for c in others}
    ends = {k for c in others for k in (c.left, c.right)}
    rows = session.execute(
        select(ri.source_l, ri.record_id_l, ri.source_r, ri.record_id_r, ri.status).where(
            or_(*[(ri.source_l == k.source) & (ri.record_id_l == k.record_id) for k in ends])
        )
    )
    status = {}
    for r in rows:
        pair = frozenset(
            (RecordKey(r.source_l, r.record_id_l), RecordKey(r.source_r, r.record_id_r))
        )
        if pair in wanted:
            status[pair] = r.status
    return [
        Candidate(
            c.left, c.right, c.probability, status.get(frozenset((c.left, c.right)), c.status)
        )
        for c in others
    ]


def _side(session: Session, key: RecordKey, kind: str) -> RecordSide:
    row = session.execute(
        select(RecordVersion)
        .join(Record, (Record.id == RecordVersion.record_pk))
        .join(Source, Source.id == Record.source_id)
        .where(
            Source.name == key.source,
            Record.record_id == key.record_id,
            RecordVersion.version == Record.current_version,
        )
    ).scalar_one_or_none()
    fields: dict[str, str] = {}
    if row is not None:
        for name in SHOWN:
            value = getattr(row, name, None)
            if value not in (None, ""):
                fields[name] = str(value)
    latin: dict[str, str] = {}
    for name in NAME_FIELDS:
        value = fields.get(name)
        standard = _STANDARD.get(detect_script(value)) if value else None
        if value and standard:
            latin[name] = transliterate(value, standard)
    return RecordSide(key, kind, fields, latin)


def pair_view(session: Session, *, actor: Actor, left: RecordKey, right: RecordKey) -> PairView:
    """Both records and the model's view of the pair; audited as a read of both records."""
    require_reader(actor)
    left, right = ordered_pair(left, right)
    kinds = require_records(session, [left, right])
    lp = link_pairs.c
    probability = weight = None
    weights: dict[str, float] = {}
    rule: str | None = None
    scored = session.execute(
        select(lp.match_probability, lp.match_weight, lp.weights, lp.rule).where(
            or_(
                (lp.source_l == left.source)
                & (lp.record_id_l == left.record_id)
                & (lp.source_r == right.source)
                & (lp.record_id_r == right.record_id),
                (lp.source_l == right.source)
                & (lp.record_id_l == right.record_id)
                & (lp.source_r == left.source)
                & (lp.record_id_r == left.record_id),
            )
        )
    ).first()
    if scored is not None:
        probability, weight = float(scored.match_probability), float(scored.match_weight)
        raw = json.loads(scored.weights or "{}")
        weights = dict(sorted(raw.items(), key=lambda kv: -abs(float(kv[1]))))
        rule = scored.rule
    others = []
    for key in (left, right):
        rows = session.execute(
            select(
                lp.source_l,
                lp.record_id_l,
                lp.source_r,
                lp.record_id_r,
                lp.match_probability,
                lp.status,
            )
            .where(
                or_(
                    (lp.source_l == key.source) & (lp.record_id_l == key.record_id),
                    (lp.source_r == key.source) & (lp.record_id_r == key.record_id),
                )
            )
            .order_by(lp.match_probability.desc())
            .limit(10)
        )
        for r in rows:
            a, b = RecordKey(r.source_l, r.record_id_l), RecordKey(r.source_r, r.record_id_r)
            if {a, b} != {left, right}:
                others.append(Candidate(a, b, float(r.match_probability), r.status))
    others = _with_verdicts(session, others)
    audit.append(
        session,
        actor=actor.name,
        action="pair.view",
        entity_type="pair",
        entity_id=f"{left}|{right}",
    )
    left_side, right_side = _side(session, left, kinds[left]), _side(session, right, kinds[right])
    return PairView(
        left=left_side,
        right=right_side,
        agreement=agreement(left_side.fields, right_side.fields),
        probability=probability,
        weight=weight,
        weights=weights,
        others=others,
        rule=rule,
    )
