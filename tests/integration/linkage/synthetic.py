"""A small synthetic registry for linkage tests (SYNTHETIC: no real child is described).

Each child appears in a Ukrainian family report (Ukrainian Cyrillic, sometimes a diminutive), a
Russian camp list (Russified names, sometimes day and month swapped) and, for some, a registry in
Latin letters. Twins share everything but the given name.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from kintrace.store.engine import Store
from kintrace.store.registry_tables import ImportBatch, Record, RecordVersion, Source

# (ukrainian, russian, latin, diminutive, sex)
GIVEN = [
    ("Олександр", "Александр", "Oleksandr", "Сашко", "M"),
    ("Микола", "Николай", "Mykola", "Коля", "M"),
    ("Олексій", "Алексей", "Oleksii", "Льоша", "M"),
    ("Іван", "Иван", "Ivan", "Івасик", "M"),
    ("Дмитро", "Дмитрий", "Dmytro", "Дімка", "M"),
    ("Андрій", "Андрей", "Andrii", "Андрійко", "M"),
    ("Сергій", "Сергей", "Serhii", "Сергійко", "M"),
    ("Юрій", "Юрий", "Yurii", "Юра", "M"),
    ("Ганна", "Анна", "Hanna", "Ганнуся", "F"),
    ("Олена", "Елена", "Olena", "Оленка", "F"),
    ("Марія", "Мария", "Mariia", "Марійка", "F"),
    ("Наталія", "Наталья", "Nataliia", "Наталка", "F"),
    ("Христина", "Кристина", "Khrystyna", "Христинка", "F"),
    ("Катерина", "Екатерина", "Kateryna", "Катя", "F"),
    ("Софія", "София", "Sofiia", "Соня", "F"),
    ("Ірина", "Ирина", "Iryna", "Іринка", "F"),
]
# (ukrainian masculine, ukrainian feminine, russian masculine, russian feminine, latin masc.)
SURNAMES = [
    ("Ковальов", "Ковальова", "Ковалев", "Ковалева", "Kovalov"),
    ("Білоус", "Білоус", "Белоус", "Белоус", "Bilous"),
    ("Лисенко", "Лисенко", "Лысенко", "Лысенко", "Lysenko"),
    ("Шевчук", "Шевчук", "Шевчук", "Шевчук", "Shevchuk"),
    ("Підгорний", "Підгорна", "Подгорный", "Подгорная", "Pidhornyi"),
    ("Мельник", "Мельник", "Мельник", "Мельник", "Melnyk"),
    ("Бондаренко", "Бондаренко", "Бондаренко", "Бондаренко", "Bondarenko"),
    ("Кравчук", "Кравчук", "Кравчук", "Кравчук", "Kravchuk"),
    ("Ткаченко", "Ткаченко", "Ткаченко", "Ткаченко", "Tkachenko"),
    ("Олійник", "Олійник", "Олейник", "Олейник", "Oliinyk"),
    ("Савченко", "Савченко", "Савченко", "Савченко", "Savchenko"),
    ("Руденко", "Руденко", "Руденко", "Руденко", "Rudenko"),
    ("Марченко", "Марченко", "Марченко", "Марченко", "Marchenko"),
    ("Левченко", "Левченко", "Левченко", "Левченко", "Levchenko"),
]
PLACES = [("Херсон", "Херсон", "Kherson"), ("Маріуполь", "Мариуполь", "Mariupol"),
          ("Мелітополь", "Мелитополь", "Melitopol"), ("Бердянськ", "Бердянск", "Berdiansk"),
          ("Ізюм", "Изюм", "Izium"), ("Каховка", "Каховка", "Kakhovka")]  # fmt: skip


def make_children(n: int, *, seed: int = 3, twins: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    children = []
    for i in range(n):
        given = rng.choice(GIVEN)
        children.append(
            {
                "child": f"c{i}",
                "given": given,
                "surname": rng.choice(SURNAMES),
                "born": date(2008, 1, 1) + timedelta(days=rng.randrange(13 * 365)),
                "place": rng.choice(PLACES),
            }
        )
    for i in range(twins):
        first = children[i]
        other = [g for g in GIVEN if g[4] == first["given"][4] and g != first["given"]]
        children.append({**first, "child": f"t{i}", "given": rng.choice(other)})
    return children


def make_rows(children: list[dict[str, Any]], *, seed: int = 5) -> list[dict[str, Any]]:
    """Rows in the contract's columns, with `truth` (the child id) for scoring."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for n, c in enumerate(children):
        uk, ru, lat, dim, sex = c["given"]
        s = c["surname"]
        fem = sex == "F"
        born: date = c["born"]
        rows.append(
            {
                "source": "family-reports", "record_id": f"F{n}", "truth": c["child"],
                "given_name": dim if rng.random() < 0.2 else uk,
                "family_name": s[1] if fem else s[0], "sex": sex,
                "birth_date": born.isoformat(), "birth_place": c["place"][0],
            }
        )  # fmt: skip
        camp_born = born
        if born.day <= 12 and born.day != born.month and rng.random() < 0.2:
            camp_born = date(born.year, born.day, born.month)
        rows.append(
            {
                "source": "camp-list", "record_id": f"C{n}", "truth": c["child"],
                "given_name": ru, "family_name": s[3] if fem else s[2], "sex": sex,
                "birth_date": camp_born.isoformat(), "birth_place": c["place"][1],
            }
        )  # fmt: skip
        if rng.random() < 0.5:
            rows.append(
                {
                    "source": "registry", "record_id": f"R{n}", "truth": c["child"],
                    "given_name": lat, "family_name": s[4] + ("a" if fem and s[4].endswith("ov")
                                                             else ""),
                    "sex": sex, "birth_date": born.isoformat()[:7], "birth_place": c["place"][2],
                }
            )  # fmt: skip
    return rows


def insert_rows(
    store: Store, rows: Iterable[dict[str, Any]], *, kinds: dict[str, str] | None = None
) -> None:
    """Write rows straight into the registry tables (the import service's job, done minimally).
    A new source gets its kind from `kinds`, else "test"."""
    now = datetime.now(UTC)
    with store.session(write=True) as session:
        sources: dict[str, int] = {
            name: sid for sid, name in session.execute(select(Source.id, Source.name))
        }
        batch = ImportBatch(
            file_name="synthetic", file_sha256="0" * 64, file_format="csv", actor="test",
            started_at=now,
        )  # fmt: skip
        session.add(batch)
        session.flush()
        for row in rows:
            name = row["source"]
            if name not in sources:
                src = Source(name=name, kind=(kinds or {}).get(name, "test"), created_at=now)
                session.add(src)
                session.flush()
                sources[name] = src.id
            fields = {k: v for k, v in row.items() if k not in ("source", "record_id", "truth")}
            digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
            existing = session.execute(
                select(Record).where(
                    Record.source_id == sources[name], Record.record_id == row["record_id"]
                )
            ).scalar_one_or_none()
            version = 1
            if existing is None:
                record = Record(
                    source_id=sources[name], record_id=row["record_id"], current_version=1,
                    content_hash=digest, created_at=now, updated_at=now,
                )  # fmt: skip
                session.add(record)
                session.flush()
            else:
                record = existing
                version = record.current_version + 1
                record.current_version = version
                record.content_hash = digest
            bd = row.get("birth_date") or ""
            parts = [int(p) for p in bd.split("-")] if bd else []
            session.add(
                RecordVersion(
                    record_pk=record.id, version=version, batch_id=batch.id, row_number=1,
                    content_hash=digest, raw=json.dumps(row, ensure_ascii=False),
                    given_name=row.get("given_name"), family_name=row.get("family_name"),
                    patronymic=row.get("patronymic"), full_name=row.get("full_name"),
                    sex=row.get("sex"), birth_date=bd or None,
                    birth_year=parts[0] if parts else None,
                    birth_month=parts[1] if len(parts) > 1 else None,
                    birth_day=parts[2] if len(parts) > 2 else None,
                    age=row.get("age"), observed_on=row.get("observed_on"),
                    birth_place=row.get("birth_place"), last_known_place=None, search_text="",
                    group_id=row.get("group_id"),
                )
            )  # fmt: skip
