"""Reading the table set's counts from the store in a few SQL aggregates (issue 15).

Who is counted: every person of the registry's linkage (`linked_records`: each imported record
resolved to one person by the link runs), once. Records imported after the last link run are
not counted until the next run; the release names the run it counted (`Snapshot.link_run_id`).

What a child is counted by comes from the child's *first* record (the lowest record key: the one
the registry received first), current version: oblast from the place of birth, else the last
known place; age band from the year (and month) of birth, else the age given when it was
observed, at the release's reference date; sex; the kind of the record's source and the month
the registry received it. The return status and its month come from the child's case (the latest
case whose subject record belongs to the child; the month of its last return transition, else
the month it was opened).

The work is one query that keeps each person's first record in a temporary table, two GROUP BY
queries over it (the record's fields; its source and month), so the database returns thousands
of rows, not a row per child, plus small ones over cases; the Python side maps distinct places to
oblasts and distinct birth years to age bands.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    cast,
    func,
    select,
    text,
)
from sqlalchemy.orm import Session

from kintrace.figures.disclosure import CountTable
from kintrace.figures.tables import (
    RETURN_STATUSES,
    SEXES,
    SOURCE_KINDS,
    UNKNOWN,
    age_band,
    oblast_of,
    tables_from_counts,
)
from kintrace.store.linkage_tables import link_runs, linked_records
from kintrace.store.registry_tables import Record, RecordVersion, Source
from kintrace.store.review_tables import case_events, cases


@dataclass(frozen=True)
class Snapshot:
    """Which data a release counted."""

    link_run_id: int | None
    persons: int
    read_at: datetime


@dataclass(frozen=True)
class Counts:
    tables: list[CountTable]
    snapshot: Snapshot


def read_counts(db: Session, *, reference: date, now: datetime) -> Counts:
    """The table set of the registry's persons, counted at `reference` (ages), in one read."""
    run_id = db.scalar(select(func.max(link_runs.c.id)).where(link_runs.c.state == "done"))
    first = _first_records(db)
    version = and_(
        RecordVersion.record_pk == Record.id, RecordVersion.version == Record.current_version
    )

    def over_first(*columns):
        return (
            select(*columns, func.count().label("n"))
            .select_from(first)
            .join(Record, Record.id == first.c.pk)
            .join(RecordVersion, version)
            .join(Source, Source.id == Record.source_id)
            .group_by(*columns)
        )

    place = func.coalesce(
        func.nullif(RecordVersion.birth_place, ""), RecordVersion.last_known_place
    )
    observed_year = func.substr(RecordVersion.observed_on, 1, 4)
    t1: Counter[tuple[str, str]] = Counter()
    by_sex: Counter[str] = Counter()
    for p, year, month, age, seen, sex, n in db.execute(
        over_first(
            place.label("place"),
            RecordVersion.birth_year,
            RecordVersion.birth_month,
            RecordVersion.age,
            observed_year.label("seen"),
            RecordVersion.sex,
        )
    ):
        t1[(oblast_of(p), age_band(_age(reference, year, month, age, seen)))] += int(n)
        by_sex[_sex(sex)] += int(n)

    received = func.substr(cast(Record.created_at, String), 1, 7)
    t3: Counter[tuple[str, str]] = Counter()
    for kind, month, n in db.execute(over_first(Source.kind, received.label("month"))):
        t3[(kind if kind in SOURCE_KINDS else UNKNOWN, str(month))] += int(n)

    followed = _cases_by_person(db)
    sexes_followed = {
        person: _sex(sex)
        for person, sex in db.execute(
            select(first.c.person_id, RecordVersion.sex)
            .select_from(first)
            .join(Record, Record.id == first.c.pk)
            .join(RecordVersion, version)
            .where(first.c.person_id.in_(_case_persons()))
        )
    }
    t2: Counter[tuple[str, str]] = Counter()
    t4: Counter[tuple[str, str]] = Counter()
    for sex, n in by_sex.items():
        t2[(sex, "no_case")] += n
    for person, (stage, month) in followed.items():
        sex = sexes_followed.get(person)
        if sex is None:  # the subject record is linked but its person has no first record
            continue
        t2[(sex, "no_case")] -= 1
        t2[(sex, stage)] += 1
        t4[(stage, month)] += 1
    persons = sum(by_sex.values())
    without = persons - sum(t4.values())
    if without:
        t4[("no_case", "none")] += without
    t2 = Counter({key: n for key, n in t2.items() if n})
    db.execute(text(f"DROP TABLE {FIRST}"))
    tables = tables_from_counts(t1, t2, t3, t4)
    return Counts(
        tables=tables, snapshot=Snapshot(link_run_id=run_id, persons=persons, read_at=now)
    )


FIRST = "figures_first_records"


def _first_records(db: Session) -> Table:
    """Each person's first record (the lowest record key), kept in a temporary table for the
    transaction: the GROUP BY queries then join 1 row per child by primary key instead of
    each grouping every linked record again. Dropped before the read ends (and, on PostgreSQL,
    with the transaction if it fails)."""
    query = (
        select(linked_records.c.person_id, func.min(Record.id).label("pk"))
        .select_from(linked_records)
        .join(Source, Source.name == linked_records.c.source)
        .join(
            Record,
            and_(Record.source_id == Source.id, Record.record_id == linked_records.c.record_id),
        )
        .group_by(linked_records.c.person_id)
    )
    dialect = db.get_bind().dialect
    sql = str(query.compile(dialect=dialect))
    db.execute(text(f"DROP TABLE IF EXISTS {FIRST}"))
    db.execute(text(f"CREATE TEMPORARY TABLE {FIRST} AS {sql}"))
    db.execute(text(f"CREATE UNIQUE INDEX {FIRST}_person ON {FIRST} (person_id)"))
    return Table(
        FIRST,
        MetaData(),
        Column("person_id", String),
        Column("pk", Integer),
    )


def _case_persons():
    return (
        select(linked_records.c.person_id)
        .join(
            cases,
            and_(
                cases.c.subject_source == linked_records.c.source,
                cases.c.subject_record_id == linked_records.c.record_id,
            ),
        )
        .distinct()
    )


def _cases_by_person(db: Session) -> dict[str, tuple[str, str]]:
    """Person -> (return stage, YYYY-MM of the stage's last change) of the child's latest case."""
    last_move = (
        select(case_events.c.case_id, func.max(case_events.c.at).label("at"))
        .where(case_events.c.facet == "return", case_events.c.kind == "transition")
        .group_by(case_events.c.case_id)
        .subquery()
    )
    rows = db.execute(
        select(
            linked_records.c.person_id,
            cases.c.id,
            cases.c.return_stage,
            cases.c.opened_at,
            last_move.c.at,
        )
        .join(
            linked_records,
            and_(
                cases.c.subject_source == linked_records.c.source,
                cases.c.subject_record_id == linked_records.c.record_id,
            ),
        )
        .outerjoin(last_move, last_move.c.case_id == cases.c.id)
        .order_by(cases.c.id)
    )
    out: dict[str, tuple[str, str]] = {}
    for person, _case_id, stage, opened, moved in rows:
        when = moved or opened
        stage = stage if stage in RETURN_STATUSES else "not_started"
        out[str(person)] = (stage, f"{when.year:04d}-{when.month:02d}")  # latest case wins
    return out


def _sex(value: str | None) -> str:
    v = (value or "").strip().upper()
    return v if v in SEXES else UNKNOWN


def _age(
    reference: date, year: int | None, month: int | None, age: int | None, seen: str | None
) -> int | None:
    """Whole years at `reference`: from the birth year (one less when the birth month is still
    ahead; the day is not used), else the age given plus the years since it was observed."""
    if year:
        return reference.year - int(year) - (1 if month and int(month) > reference.month else 0)
    if age is not None:
        since = reference.year - int(seen) if seen and str(seen).isdigit() else 0
        return int(age) + max(since, 0)
    return None


def counts_hmac(tables: list[CountTable], key: bytes) -> str:
    """A keyed hash of the exact counts: the registry can show later that a release came from
    these data, while nobody without the key can test guesses of withheld cells against it (a
    plain hash of exact counts could be brute-forced over the withheld cells' intervals)."""
    canonical = json.dumps(
        [[t.name, t.row_labels, t.col_labels, t.counts] for t in tables],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()
