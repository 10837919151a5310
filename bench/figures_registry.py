"""A synthetic registry for the figures benchmark and tests: records, link-run persons, cases.

Everything here is made up (places are real oblast towns or invented villages; there are no
names at all, which the figures never read). Rows go in with bulk inserts straight into the
store's tables, as a finished import and link run would leave them, so a benchmark of
`kintrace figures release` on 1,000,000 records does not first spend an hour importing and
linking. Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text

from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_runs, linked_records
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion, Source
from kintrace.store.review_tables import case_events, cases

SOURCES = (
    ("syn-fam-reports", "family"),
    ("syn-reg-ua", "registry"),
    ("syn-camp-lists", "camp"),
    ("syn-adopt-ru", "adoption"),
    ("syn-partner-x", "partner"),
    ("syn-misc", "unknown"),
)
PLACES = (
    "Херсон",
    "Mariupol",
    "Маріуполь",
    "Мелитополь",
    "Kharkiv",
    "Ізюм",
    "Бердянськ",
    "Луганськ",
    "Донецьк",
    "Kyiv",
    "Одеса",
    "Nova Kakhovka",
    "Сімферополь",
    "Lviv",
    "с. Вигадане",  # an invented village: oblast unknown
    "",
)
STAGES = ("not_started", "requested", "in_negotiation", "in_progress", "returned", "closed")
START = datetime(2022, 3, 1, tzinfo=UTC)


def fill(
    store: Store, *, records: int, seed: int = 1, days: int = 1700, chunk: int = 50_000
) -> dict[str, int]:
    """Insert `records` synthetic records (about 1.25 records per person), one finished link
    run with its persons, and cases on 3% of persons. Returns what was inserted."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    sources: list[tuple[int, int, str]] = []  # (source id, batch id, name)
    with store.session(write=True) as db:
        first_pk = int(db.scalar(select(func.max(Record.id))) or 0) + 1
        first_case = int(db.scalar(select(func.max(cases.c.id))) or 0) + 1
        for name, kind in SOURCES:
            source_id = db.execute(
                insert(Source).values(name=name, kind=kind, created_at=now)
            ).inserted_primary_key[0]
            batch_id = db.execute(
                insert(ImportBatch).values(
                    source_id=source_id,
                    file_name=f"{name}.csv",
                    file_sha256="0" * 64,
                    file_format="csv",
                    actor="bench",
                    started_at=now,
                    finished_at=now,
                )
            ).inserted_primary_key[0]
            sources.append((int(source_id), int(batch_id), name))
        run_id = db.execute(
            insert(link_runs).values(
                started_at=now,
                finished_at=now,
                state="done",
                mode="full",
                engine="duckdb",
                model_name="synthetic",
                auto_link=0.99,
                review_floor=0.5,
                records_total=records,
                actor="bench",
            )
        ).inserted_primary_key[0]
    persons = 0
    case_rows: list[dict[str, object]] = []
    for batch in _chunks(_rows(rng, records, sources, first_pk, days), chunk):
        with store.session(write=True) as db:
            db.execute(insert(Record), [r for r, _, _ in batch])
            db.execute(insert(RecordVersion), [v for _, v, _ in batch])
            db.execute(
                insert(linked_records),
                [
                    {**{k: v for k, v in link.items() if k != "first"}, "run_id": run_id}
                    for _, _, link in batch
                ],
            )
        for record, _, link in batch:
            if link["first"]:
                persons += 1
                if rng.random() < 0.03:
                    case_rows.append(_case(rng, record, link, first_case + len(case_rows)))
    with store.session(write=True) as db:
        if case_rows:
            db.execute(insert(cases), [c for c, _ in case_rows])
            events = [e for _, e in case_rows if e is not None]
            if events:
                db.execute(insert(case_events), events)
        if db.get_bind().dialect.name == "postgresql":  # explicit ids: move the sequences on
            for table in ("records", "cases"):
                db.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
    return {"records": records, "persons": persons, "cases": len(case_rows), "run_id": run_id}


def _rows(
    rng: random.Random,
    records: int,
    sources: list[tuple[int, int, str]],
    first_pk: int,
    days: int,
) -> Iterator[tuple[dict[str, object], dict[str, object], dict[str, object]]]:
    person = first_pk
    first = True
    for pk in range(first_pk, first_pk + records):
        source_id, batch_id, source_name = rng.choices(sources, weights=(30, 25, 20, 10, 10, 5))[0]
        received = START + timedelta(days=rng.randrange(0, days))
        year = rng.choice((None, *range(2004, 2025))) if rng.random() < 0.97 else None
        age = rng.randrange(0, 18) if year is None and rng.random() < 0.7 else None
        record_id = f"r{pk}"
        if first or rng.random() >= 0.2:  # a new person, or a second record of the last one
            person += 1
            first = True
        link = {
            "source": source_name,
            "record_id": record_id,
            "content_hash": "0" * 64,
            "person_id": f"S{person:08d}",
            "first": first,
        }
        yield (
            {
                "id": pk,
                "source_id": source_id,
                "record_id": record_id,
                "current_version": 1,
                "content_hash": "0" * 64,
                "created_at": received,
                "updated_at": received,
            },
            {
                "record_pk": pk,
                "version": 1,
                "batch_id": batch_id,
                "row_number": pk,
                "content_hash": "0" * 64,
                "raw": "{}",
                "sex": rng.choice(("F", "M", "F", "M", None)),
                "birth_year": year,
                "birth_month": rng.randrange(1, 13) if year and rng.random() < 0.6 else None,
                "age": age,
                "observed_on": received.date().isoformat() if age is not None else None,
                "birth_place": rng.choice(PLACES) or None,
                "last_known_place": rng.choice(PLACES) or None,
                "search_text": "",
            },
            link,
        )
        first = False


def _case(
    rng: random.Random, record: dict[str, object], link: dict[str, object], case_id: int
) -> tuple[dict[str, object], dict[str, object] | None]:
    opened = record["created_at"] + timedelta(days=rng.randrange(0, 90))  # type: ignore[operator]
    stage = rng.choices(STAGES, weights=(40, 20, 15, 10, 10, 5))[0]
    case = {
        "id": case_id,
        "subject_source": link["source"],
        "subject_record_id": record["record_id"],
        "opened_at": opened,
        "opened_by": "bench",
        "identity": "reported",
        "whereabouts": "unknown",
        "return_stage": stage,
        "closed_reason": "synthetic" if stage == "closed" else None,
        "last_progress_at": opened,
    }
    event = None
    if stage != "not_started":
        event = {
            "case_id": case_id,
            "at": opened + timedelta(days=rng.randrange(1, 200)),
            "actor": "bench",
            "kind": "transition",
            "facet": "return",
            "from_state": "not_started",
            "to_state": stage,
            "note": "",
            "details": {},
        }
    return case, event


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:  # type: ignore[type-arg]
    batch: list[tuple] = []  # type: ignore[type-arg]
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
