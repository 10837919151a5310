"""Search records by name in any script or romanisation, by birth date or year, place and source.

The one search of Kintrace: the web page, the JSON API and `kintrace records search` all reach it
through `kintrace.services.records.search`, which applies the actor's agency scope and writes the
read to the audit log. Names are matched through the name-key index
(`kintrace.registry.name_index`): each word must match some name part, in any script or
romanisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, intersect, select, true
from sqlalchemy.orm import Session

from kintrace.messages import N_
from kintrace.names.keys import name_key
from kintrace.registry import name_index
from kintrace.registry.scope import record_in_scope
from kintrace.store.registry_tables import Record, RecordVersion, Source
from kintrace.store.web_tables import record_name_keys

MAX_RESULTS = 100
_DATE_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_DATE_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class SearchError(ValueError):
    """A search the user can correct (the message says how; it is a catalogue message id)."""


@dataclass(frozen=True)
class SearchQuery:
    name: str = ""
    birth: str = ""
    place: str = ""
    source_id: int | None = None
    #: The source by name (the command line's --source); the web sends `source_id`.
    source_name: str | None = None
    limit: int = MAX_RESULTS

    @property
    def empty(self) -> bool:
        return not (
            self.name.strip()
            or self.birth.strip()
            or self.place.strip()
            or self.source_id
            or self.source_name
        )


@dataclass(frozen=True)
class Hit:
    record_pk: int
    version: int
    source: str
    record_id: str
    given_name: str | None
    family_name: str | None
    patronymic: str | None
    full_name: str | None
    sex: str | None
    birth_date: str | None
    age: int | None
    birth_place: str | None
    last_known_place: str | None

    @property
    def name(self) -> str:
        """Family, given and patronymic names as written, else the full name."""
        parts = [self.family_name, self.given_name, self.patronymic]
        return " ".join(p for p in parts if p) or self.full_name or ""


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    truncated: bool = False
    #: A list was imported since the name index was brought up to date: its records may be
    #: missing from the hits until the index has caught up (`name_index.catch_up`).
    index_behind: bool = False


def parse_birth(text: str) -> tuple[int, int | None, int | None]:
    """(year, month, day) from YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY."""
    text = text.strip()
    if m := _DATE_ISO.match(text):
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    elif m := _DATE_DOTTED.match(text):
        year, month, day = int(m[3]), int(m[2]), int(m[1])
    else:
        raise SearchError(
            N_(
                "The birth date was not understood: write a year (2012), a month (2012-03) "
                "or a day (2012-03-14 or 14.03.2012)."
            )
        )
    if not 1900 <= year <= 2100 or (month and not 1 <= month <= 12) or (day and not 1 <= day <= 31):
        raise SearchError(N_("The birth date is out of range; check the year, month and day."))
    return year, month or None, day or None


def _word_keys(word: str) -> set[str]:
    return name_index.given_name_keys(word) | ({name_key(word)} - {""})


def search(db: Session, *, agency_id: int | None, query: SearchQuery) -> SearchResult:
    """Records of the agency (None: every agency, for the command line's operator) matching
    every word of the name and every filter given.

    Each word may match any name part in any script. Callers go through
    `kintrace.services.records.search`, which audits the read.
    """
    if query.empty:
        return SearchResult()
    behind = name_index.behind(db)  # a read: search never writes the index (decision 0420)
    current = and_(
        RecordVersion.record_pk == Record.id, RecordVersion.version == Record.current_version
    )
    stmt = (
        select(Record.id, Source.name.label("source"), Record.record_id, RecordVersion)
        .join(RecordVersion, current)
        .join(Source, Source.id == Record.source_id)
        .where(record_in_scope(agency_id))
    )
    in_agency = true() if agency_id is None else record_name_keys.c.agency_id == agency_id
    words = [w for w in re.split(r"[\s,]+", query.name.strip()) if w]
    selects = []
    for word in words[:6]:
        keys = _word_keys(word)
        if not keys:
            continue
        selects.append(
            select(record_name_keys.c.record_pk).where(in_agency, record_name_keys.c.key.in_(keys))
        )
    if words and not selects:
        raise SearchError(N_("The name has no letters to search for."))
    if selects:
        matching = selects[0] if len(selects) == 1 else intersect(*selects)
        stmt = stmt.where(Record.id.in_(matching))
    if query.birth.strip():
        year, month, day = parse_birth(query.birth)
        stmt = stmt.where(RecordVersion.birth_year == year)
        if month:
            stmt = stmt.where(RecordVersion.birth_month == month)
        if day:
            stmt = stmt.where(RecordVersion.birth_day == day)
    if query.place.strip():
        place = name_key(query.place)
        if not place:
            raise SearchError(N_("The place has no letters to search for."))
        stmt = stmt.where(
            Record.id.in_(
                select(record_name_keys.c.record_pk).where(
                    in_agency,
                    record_name_keys.c.key == "p:" + place,
                )
            )
        )
    if query.source_id:
        stmt = stmt.where(Record.source_id == query.source_id)
    if query.source_name:
        stmt = stmt.where(Source.name == query.source_name)
    limit = max(1, min(query.limit, MAX_RESULTS))
    rows = db.execute(stmt.order_by(Record.id).limit(limit + 1)).all()
    hits = [_hit(row) for row in rows[:limit]]
    return SearchResult(hits=hits, truncated=len(rows) > limit, index_behind=behind)


def _hit(row) -> Hit:
    v: RecordVersion = row.RecordVersion
    return Hit(
        record_pk=row.id,
        version=v.version,
        source=row.source,
        record_id=row.record_id,
        given_name=v.given_name,
        family_name=v.family_name,
        patronymic=v.patronymic,
        full_name=v.full_name,
        sex=v.sex,
        birth_date=v.birth_date,
        age=v.age,
        birth_place=v.birth_place,
        last_known_place=v.last_known_place,
    )
