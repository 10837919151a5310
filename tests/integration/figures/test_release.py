"""Releases from the store (issue 15): the counts the SQL aggregates read against a row-by-row
count, the files, the signature, the rules on the written files, bad input. On SQLite and
PostgreSQL; every registry here is synthetic."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from figures_registry import fill
from sqlalchemy import and_, select

from kintrace.accounts.actors import Actor
from kintrace.accounts.roles import Role
from kintrace.figures.counts import read_counts
from kintrace.figures.tables import age_band, oblast_of
from kintrace.services import figures
from kintrace.signing import load_or_create_signer
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import linked_records
from kintrace.store.registry_tables import Record, RecordVersion, Source
from kintrace.store.review_tables import case_events, cases

OPERATOR = Actor(name="cli:test")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def registry(store: Store) -> Store:
    fill(store, records=4000, seed=7, days=240)
    return store


def _row_by_row(store: Store, reference: date) -> dict[str, Counter[tuple[str, str]]]:
    """The four cross-counts computed child by child in Python: an independent path."""
    with store.session() as db:
        members = db.execute(
            select(linked_records.c.person_id, Record.id)
            .join(Source, Source.name == linked_records.c.source)
            .join(
                Record,
                and_(Record.source_id == Source.id, Record.record_id == linked_records.c.record_id),
            )
        ).all()
        first: dict[str, int] = {}
        for person, pk in members:
            first[person] = min(pk, first.get(person, pk))
        rows = {
            r.record_pk: r
            for r in db.execute(
                select(RecordVersion, Source.kind, Record.created_at)
                .join(Record, Record.id == RecordVersion.record_pk)
                .join(Source, Source.id == Record.source_id)
            ).all()
            for r in [r[0]]
        }
        made = {
            pk: (kind, at)
            for pk, kind, at in db.execute(
                select(Record.id, Source.kind, Record.created_at).join(
                    Source, Source.id == Record.source_id
                )
            )
        }
        person_of = {
            (s, r): p
            for s, r, p in db.execute(
                select(
                    linked_records.c.source, linked_records.c.record_id, linked_records.c.person_id
                )
            )
        }
        moves = {}
        for case_id, at in db.execute(
            select(case_events.c.case_id, case_events.c.at).where(
                case_events.c.facet == "return", case_events.c.kind == "transition"
            )
        ):
            moves[case_id] = max(at, moves.get(case_id, at))
        followed = {}
        for c in db.execute(select(cases).order_by(cases.c.id)):
            person = person_of.get((c.subject_source, c.subject_record_id))
            if person is not None:
                when = moves.get(c.id, c.opened_at)
                followed[person] = (c.return_stage, f"{when:%Y-%m}")
    out = {name: Counter() for name in ("t1", "t2", "t3", "t4")}
    for person, pk in first.items():
        v = rows[pk]
        kind, at = made[pk]
        if v.birth_year:
            age = (
                reference.year
                - v.birth_year
                - (1 if v.birth_month and v.birth_month > reference.month else 0)
            )
        elif v.age is not None:
            age = v.age + (reference.year - int(v.observed_on[:4]) if v.observed_on else 0)
        else:
            age = None
        out["t1"][(oblast_of(v.birth_place or v.last_known_place), age_band(age))] += 1
        sex = v.sex if v.sex in ("F", "M") else "unknown"
        stage, month = followed.get(person, ("no_case", "none"))
        out["t2"][(sex, stage)] += 1
        out["t3"][(kind, f"{at:%Y-%m}")] += 1
        out["t4"][(stage, month)] += 1
    return out


def _as_counter(table) -> Counter[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return Counter(
        {
            (r, c): table.counts[i][j]
            for i, r in enumerate(table.row_labels)
            for j, c in enumerate(table.col_labels)
            if table.counts[i][j]
        }
    )


def test_the_sql_aggregates_count_what_a_row_by_row_count_does(registry: Store) -> None:
    with registry.session() as db:
        counts = read_counts(db, reference=NOW.date(), now=NOW)
    expected = _row_by_row(registry, NOW.date())
    got = {f"t{n}": _as_counter(t) for n, t in enumerate(counts.tables, start=1)}
    assert got == expected
    assert counts.snapshot.persons == sum(expected["t1"].values()) > 0
    assert sum(expected["t2"][k] for k in expected["t2"] if k[1] != "no_case") > 0  # cases count


def _all_values(t: dict) -> list[int | None]:  # type: ignore[type-arg]
    return [v for row in t["cells"] for v in row] + [*t["row_totals"], *t["col_totals"], t["total"]]


def _published_csv_cells(directory: Path) -> list[str]:
    cells = []
    for path in sorted((directory / "csv").glob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
        for row in rows[1:]:
            cells.extend(row[1:])
    return cells


def test_a_release_is_signed_kept_listed_audited_and_shows_no_small_cell(
    registry: Store, home: Path, tmp_path: Path
) -> None:
    result = figures.release(registry, OPERATOR, home=home, k=10, now=NOW)
    out = tmp_path / "release"
    figures.write_out(out, result.files)
    assert figures.verify(out, public_key_pem=load_or_create_signer(home).public_key_pem()) == []
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["rules"]["k"] == 10 and manifest["rules"]["audit"]["passed"]
    assert manifest["snapshot"]["link_run_id"] is not None
    assert set(manifest["files"]) == set(result.files) - {"manifest.json", "manifest.sig"}
    # no published cell, margin or total is 1..k, in any file
    values = [v for v in _published_csv_cells(out) if v != "x"]
    assert values and all(not 1 <= int(v) <= 10 for v in values)
    data = json.loads((out / "data.json").read_text("utf-8"))
    for t in data["tables"]:
        for v in _all_values(t):
            assert v is None or not 1 <= v <= 10
    assert (out / "figures.xlsx").read_bytes()[:2] == b"PK"
    assert b"<script" not in (out / "svg" / "oblast_age.svg").read_bytes()
    with registry.session() as db:
        listed = figures.list_releases(db, OPERATOR)
        assert [r.release_id for r in listed] == [result.release_id]
        assert figures.files_of(db, OPERATOR, result.release_id) == result.files
        entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "figures.release")).one()
        assert entry.entity_id == str(result.release_id)
        view = figures.latest(db, OPERATOR)
    assert view is not None and view.data == data


def test_the_differencing_attack_on_a_written_release_recovers_nothing(
    registry: Store, home: Path
) -> None:
    """In every published table, no row or column has exactly one withheld count next to its
    published total (total minus the published rest would give it back)."""
    result = figures.release(registry, OPERATOR, home=home, k=10, now=NOW)
    data = json.loads(result.files["data.json"])
    hidden_somewhere = 0
    for t in data["tables"]:
        lines = [(row, total) for row, total in zip(t["cells"], t["row_totals"], strict=True)]
        lines += [
            ([row[j] for row in t["cells"]], t["col_totals"][j])
            for j in range(len(t["col_labels"]))
        ]
        lines += [(t["row_totals"], t["total"]), (t["col_totals"], t["total"])]
        for cells, total in lines:
            withheld = [c for c in cells if c is None]
            hidden_somewhere += len(withheld)
            if total is not None:
                assert len(withheld) != 1
    assert hidden_somewhere > 0  # the registry has small cells: the rules had work to do


def test_a_tampered_or_foreign_release_fails_the_check(
    registry: Store, home: Path, tmp_path: Path
) -> None:
    result = figures.release(registry, OPERATOR, home=home, now=NOW)
    out = tmp_path / "release"
    figures.write_out(out, result.files)
    assert figures.verify(out) == []
    path = out / "data.json"
    path.write_text(path.read_text("utf-8").replace("null", "3", 1), "utf-8")
    assert figures.verify(out) == ["changed: data.json"]
    (out / "csv" / "extra.csv").write_text("oblast,total\nKherson,3\n", "utf-8")
    assert "not in the manifest: csv/extra.csv" in figures.verify(out)
    other = load_or_create_signer(tmp_path / "other-home").public_key_pem()
    assert "the signature does not match" in figures.verify(out, public_key_pem=other)[0]


def test_rounding_to_ten_publishes_multiples_of_ten(registry: Store, home: Path) -> None:
    result = figures.release(registry, OPERATOR, home=home, rounding=10, now=NOW)
    data = json.loads(result.files["data.json"])
    values = [v for t in data["tables"] for v in _all_values(t) if v is not None]
    assert values and all(v % 10 == 0 for v in values)


def test_a_registry_too_small_says_so(store: Store, home: Path) -> None:
    fill(store, records=8, seed=3)
    with pytest.raises(figures.FiguresError, match="too few to publish"):
        figures.release(store, OPERATOR, home=home, now=NOW)
    with store.session() as db:
        assert figures.list_releases(db, OPERATOR) == []


def test_no_link_run_yet_says_so(store: Store, home: Path) -> None:
    with pytest.raises(figures.FiguresError, match="kintrace link"):
        figures.release(store, OPERATOR, home=home, now=NOW)


@pytest.mark.parametrize(
    "actor",
    [
        Actor(name="cw", role=Role.CASEWORKER),
        Actor(name="partner-analyst", agency_id=2, role=Role.ANALYST),
    ],
    ids=["caseworker", "partner-agency-analyst"],
)
def test_only_the_home_agencys_admins_and_analysts_publish(
    registry: Store, home: Path, actor: Actor
) -> None:
    with pytest.raises(figures.FiguresError, match="home agency"):
        figures.release(registry, actor, home=home, now=NOW)
