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
from kintrace.names import (
    Script,
    detect_script,
    family_name_stem,
    given_name_classes,
    name_key,
    patronymic_class,
    transliterate,
)
from kintrace.review.actors import Actor
from kintrace.review.casework import require_reader
from kintrace.review.records import require_records
from kintrace.store.linkage_tables import link_pairs
from kintrace.store.registry_tables import Record, RecordVersion, Source

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


SAME, EQUIVALENT, DIFFERENT = "same", "equivalent", "different"


def _equivalent(field_name: str, a: str, b: str) -> bool:
    """Two spellings of one value across scripts and languages (Олександр / Александр /
    Oleksandr; Ковальова / Kovaleva; Маріуполь / Mariupol)."""
    if field_name == "given_name":
        return bool(given_name_classes(a) & given_name_classes(b))
    if field_name == "family_name":
        return bool(family_name_stem(a)) and family_name_stem(a) == family_name_stem(b)
    if field_name == "patronymic":
        return bool(patronymic_class(a)) and patronymic_class(a) == patronymic_class(b)
    if field_name in ("full_name", "birth_place", "last_known_place"):
        return bool(name_key(a)) and name_key(a) == name_key(b)
    return False


def agreement(left: dict[str, str], right: dict[str, str]) -> dict[str, str]:
    """Per field present on both sides: same (as written), equivalent, or different."""
    found = {}
    for name in SHOWN:
        a, b = left.get(name), right.get(name)
        if a is None or b is None:
            continue
        if a.strip().casefold() == b.strip().casefold():
            found[name] = SAME
        elif _equivalent(name, a, b):
            found[name] = EQUIVALENT
        else:
            found[name] = DIFFERENT
    return found


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
    agreement: dict[str, str] = field(default_factory=dict)  # field -> same/equivalent/different
    #: the id of the decision rule that set the stored status (`kintrace.linkage.decide`)
    rule: str | None = None


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
