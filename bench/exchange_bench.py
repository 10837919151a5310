"""List exchange benchmark (issue 13): a request for N children (default 10,000) and its answer,
reconciled; target <= 60 s on the project machine for request + answer import + reconciliation.

Usage: .venv/bin/python bench/exchange_bench.py [--children 10000] [--seed 13]
                                                [--generator toy|demo|second] [--sweep]

The sought children are family reports (one case each), imported first (not timed):
  toy     this script's own list: 24 first names, ~200 surnames, full birth dates, no
          patronymics (the figures of the first version of this bench);
  demo    the family reports of the demo generator (`kintrace.demo`): patronymics, partial
          dates, ages instead of dates, typing noise;
  second  the family reports of the second, independent generator (`bench/generators/second`).
Then, timed, each with its wall time, CPU time and peak resident memory:
- `request`: `kintrace.services.exchange.send_request` (select, Russian forms, CSV + XLSX,
  signed manifest, age encryption, ledger);
- `answer import`: decrypt, read, match (reference, else names + birth date), registry import
  of the rows as an `answer` source, statuses, proposals;
- `reconcile`: counts and discrepancies.
The partner's side (decrypt with pyrage, re-spell the original names in Russian with its own
table and letter rules - never Kintrace's -, answer 85% of the children, drop 30% of the
references, shift 10% of the full dates, free-text statuses, re-encrypt) is timed apart.

Printed: the times, and the matching figures: how many answered rows were tied to the right
child, to the same child under another of its family reports (a child reported twice), or to
another child (wrong). `--sweep` also prints, for the rows that came back without a reference,
what other thresholds and margins would have matched (decision 0600: the constants are chosen on
the demo generator and must not lose on the second). All data is synthetic.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyrage
from sqlalchemy import insert, select

from kintrace.accounts.actors import Actor
from kintrace.config import load_settings
from kintrace.exchange import matching
from kintrace.exchange.answers import person_of
from kintrace.registry.importer import import_file
from kintrace.services import exchange as service
from kintrace.store.engine import open_store
from kintrace.store.exchange_tables import (
    exchange_answer_rows,
    exchange_request_children,
)
from kintrace.store.registry_tables import Record, Source
from kintrace.store.review_tables import cases

# --- the partner's own re-spelling (never kintrace.names) ----------------------------------
GIVEN = {
    "Олександр": "Александр", "Олександра": "Александра", "Марія": "Мария", "Іван": "Иван",
    "Микола": "Николай", "Олексій": "Алексей", "Дмитро": "Дмитрий", "Андрій": "Андрей",
    "Юлія": "Юлия", "Наталія": "Наталья", "Ганна": "Анна", "Катерина": "Екатерина",
    "Софія": "София", "Анастасія": "Анастасия", "Максим": "Максим", "Богдан": "Богдан",
    "Ірина": "Ирина", "Тетяна": "Татьяна", "Олена": "Елена", "Віктор": "Виктор",
    "Владислав": "Владислав", "Ярослав": "Ярослав", "Василь": "Василий", "Петро": "Пётр",
    "Олег": "Олег", "Микита": "Никита", "Кирило": "Кирилл", "Данило": "Даниил",
    "Артем": "Артём", "Матвій": "Матвей", "Євген": "Евгений", "Сергій": "Сергей",
    "Юрій": "Юрий", "Григорій": "Григорий", "Георгій": "Георгий", "Тимофій": "Тимофей",
    "Вікторія": "Виктория", "Дарина": "Дарья", "Дар'я": "Дарья", "Поліна": "Полина",
    "Аліна": "Алина", "Валерія": "Валерия", "Єлизавета": "Елизавета", "Олеся": "Олеся",
    "Христина": "Кристина", "Ксенія": "Ксения", "Людмила": "Людмила", "Надія": "Надежда",
    "Любов": "Любовь", "Віра": "Вера", "Зоя": "Зоя", "Ілля": "Илья", "Михайло": "Михаил",
    "Павло": "Павел", "Федір": "Фёдор", "Степан": "Степан", "Захар": "Захар",
}  # fmt: skip
LETTERS = str.maketrans({"і": "и", "І": "И", "ї": "и", "Ї": "И", "є": "е", "Є": "Е", "ґ": "г",
                         "Ґ": "Г", "'": "ь", "’": "ь", "ʼ": "ь"})  # fmt: skip
ENDINGS = (("ський", "ский"), ("цький", "цкий"), ("ська", "ская"), ("цька", "цкая"),
           ("ійович", "еевич"), ("іївна", "еевна"), ("івна", "овна"), ("ївна", "евна"),
           ("ій", "ий"))  # fmt: skip
PLACES = {"Бахмут": "Артемовск", "Дніпро": "Днепропетровск", "Кропивницький": "Кировоград"}
STATUSES = ("находится в семье опекуна", "возвращен", "не найден", "на территории Украины",
            "находится в детском доме", "передан в приемную семью", "", "уточняется")  # fmt: skip
WHERE_NOW = ("Ростов-на-Дону", "Таганрог", "Москва", "Липецк", "")


def respell(text: str) -> str:
    """A Russian clerk's re-keying of a Ukrainian name or place: the partner's own rules."""
    words = []
    for word in text.split():
        if word in GIVEN:
            words.append(GIVEN[word])
            continue
        if word in PLACES:
            words.append(PLACES[word])
            continue
        for prefix in sorted(GIVEN, key=len, reverse=True):  # a father's name in a patronymic
            if word.startswith(prefix) and word[len(prefix) :].startswith(("ович", "івна")):
                word = GIVEN[prefix].rstrip("йь") + word[len(prefix) :]
                break
        for ukrainian, russian in ENDINGS:
            if word.endswith(ukrainian):
                word = word[: -len(ukrainian)] + russian
                break
        words.append(word.translate(LETTERS))
    return " ".join(words)


# --- the sought children ---------------------------------------------------------------------
TOY_GIVEN = (
    "Олександр", "Марія", "Іван", "Микола", "Олексій", "Дмитро", "Андрій", "Юлія", "Наталія",
    "Ганна", "Катерина", "Софія", "Анастасія", "Максим", "Богдан", "Ірина", "Тетяна", "Олена",
    "Віктор", "Владислав", "Ярослав", "Василь", "Петро", "Олег",
)  # fmt: skip
TOY_ROOTS = ("Шевч", "Ковал", "Бондар", "Ткач", "Кравч", "Олійн", "Мельн", "Поліщ", "Савч", "Руд",
             "Гончар", "Лис", "Петр", "Марч", "Левч", "Гриц", "Кузьм", "Павл", "Бойч", "Мороз",
             "Сидор", "Карп", "Мирон", "Гнат", "Тарас", "Остап", "Зінч", "Дорош")  # fmt: skip
TOY_ENDINGS = ("енко", "ук", "ишин", "ський", "ович", "ак", "ко")
TOY_PLACES = ("Херсон", "Маріуполь", "Бахмут", "Харків", "Мелітополь", "Бердянськ")
OPERATOR = Actor(name="bench")
FIELDS = ("family_name", "given_name", "patronymic", "birth_date", "birth_place")


@dataclass
class Children:
    rows: list[dict[str, str]]  # family-report rows to import
    child_of: dict[tuple[str, str], str]  # (source, record_id) -> the child's id (truth)


def toy_children(rng: random.Random, n: int) -> Children:
    rows = []
    for i in range(n):
        born = date(2006, 1, 1) + timedelta(days=rng.randrange(14 * 365))
        rows.append({"source": "family-reports", "record_id": f"f{i}",
                     "given_name": rng.choice(TOY_GIVEN),
                     "family_name": rng.choice(TOY_ROOTS) + rng.choice(TOY_ENDINGS),
                     "birth_date": born.isoformat(),
                     "birth_place": rng.choice(TOY_PLACES)})  # fmt: skip
    return Children(rows, {("family-reports", r["record_id"]): r["record_id"] for r in rows})


def generated_children(generator: str, n: int, seed: int) -> Children:
    """The family reports of enough generated children to give at least n of them."""
    share = {"demo": 0.8, "second": 0.6}[generator]
    count = math.ceil(n / share) + 50
    if generator == "demo":
        from kintrace.demo import generate

        demo = generate(children=count, seed=seed)
        name = next(s for s in demo.records if "family" in s)
        return Children([dict(r) for r in demo.records[name]], demo.child_of())
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generators.second import generate as generate_second  # type: ignore[import-not-found]

    second = generate_second(count, seed)
    rows = [dict(r, source="family_reports") for r in second.records["family_reports"]]
    return Children(rows, dict(second.truth))


def write_rows(rows: list[dict[str, str]], path: Path) -> Path:
    header = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- the partner -----------------------------------------------------------------------------
def _answer_date(text: str, rng: random.Random) -> str:
    try:
        born = date.fromisoformat(text)
    except ValueError:
        return text  # a year, a year and month, or nothing: as sent
    if rng.random() < 0.1:
        born += timedelta(days=rng.choice((-3, 5, 20)))
    return born.strftime("%d.%m.%Y")


def partner_answers(package: bytes, identity, recipient: str, rng: random.Random):  # type: ignore[no-untyped-def]
    plain = pyrage.decrypt(package, [identity])
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        table = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    col = {h: i for i, h in enumerate(table[0])}

    def original(header: str, line: list[str]) -> str:
        return line[col[header]] if header in col else ""

    answer = [["Номер", "Фамилия", "Имя", "Отчество", "Дата рождения", "Место рождения", "Статус",
               "Местонахождение сейчас"]]  # fmt: skip
    truth = {}
    where_now = random.Random(len(table))  # its own draws: the others as in the first version
    for line in table[1:]:
        if rng.random() < 0.15:
            continue
        born = _answer_date(original("Дата рождения", line), rng)
        ref = "" if rng.random() < 0.3 else line[0]
        status = rng.choice(STATUSES)
        answer.append([
            ref,
            respell(original("Фамилия (оригинал)", line)),
            respell(original("Имя (оригинал)", line)),
            respell(original("Отчество (оригинал)", line)),
            born,
            respell(original("Место рождения (оригинал)", line)),
            status,
            where_now.choice(WHERE_NOW) if status.startswith(("находится", "передан")) else "",
        ])  # fmt: skip
        truth[len(answer)] = line[0]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(answer)
    data = pyrage.encrypt(out.getvalue().encode(), [pyrage.x25519.Recipient.from_str(recipient)])
    return data, truth


# --- measuring -------------------------------------------------------------------------------
@dataclass
class Phase:
    name: str
    wall: float = 0.0
    cpu: float = 0.0
    peak_mib: float | None = None


@dataclass
class Clock:
    phases: list[Phase] = field(default_factory=list)

    @contextmanager
    def phase(self, name: str) -> Iterator[Phase]:
        reset = _reset_peak()
        phase = Phase(name)
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield phase
        finally:
            phase.wall = time.perf_counter() - wall
            phase.cpu = time.process_time() - cpu
            phase.peak_mib = _peak_mib() if reset else None
            self.phases.append(phase)


def _reset_peak() -> bool:
    """Reset this process's peak resident memory (Linux: clear_refs 5); False when it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sweep(store: Any, request_id: int, right: Callable[[str, str], str]) -> None:
    """Rows without a reference: matched right / wrong at other thresholds and margins."""
    with store.session() as db:
        c = exchange_request_children.c
        children = [
            person_of(r.child_ref, json.loads(r.sent))
            for r in db.execute(select(exchange_request_children).where(c.request_id == request_id))
        ]
        a = exchange_answer_rows.c
        rows = [
            person_of(str(r.row_number), json.loads(r.fields))
            for r in db.execute(select(a.row_number, a.fields).where(a.given_ref.is_(None)))
        ]
    ranked = matching.rank_rows(rows, children)
    print(f"\nthreshold sweep over the {len(rows):,} rows without a reference "
          f"(shipped: threshold {matching.THRESHOLD}, margin {matching.MARGIN})")  # fmt: skip
    print("threshold  margin   right  same child  wrong  unmatched")
    for threshold in (0.62, 0.67, 0.72, 0.77, 0.82):
        for margin in (0.0, 0.05, 0.1):
            got = matching.decide(ranked, threshold=threshold, margin=margin)
            verdicts = [right(key, m.key) for key, m in got.items()]
            mark = "  <- shipped" if (threshold, margin) == (0.72, 0.05) else ""
            print(f"{threshold:9.2f} {margin:7.2f} {verdicts.count('right'):7,} "
                  f"{verdicts.count('same'):11,} {verdicts.count('wrong'):6,} "
                  f"{len(rows) - len(got):10,}{mark}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--generator", choices=("toy", "demo", "second"), default="toy")
    parser.add_argument("--sweep", action="store_true", help="print other thresholds' figures")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"generator {args.generator}, {args.children:,} children, seed {args.seed}; "
          f"load average before {os.getloadavg()[0]:.2f} (2 cores)")  # fmt: skip
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="kintrace-exchange-bench-") as folder:
        root = Path(folder)
        store = open_store(load_settings(root / "home", env={}))
        today = datetime.now(UTC).date()
        with clock.phase("setup (not counted)"):
            sought = (
                toy_children(rng, args.children)
                if args.generator == "toy"
                else generated_children(args.generator, args.children, args.seed)
            )
            import_file(store, write_rows(sought.rows, root / "families.csv"), actor="bench")
            with store.session() as db:
                imported = db.execute(
                    select(Source.name, Record.record_id)
                    .join(Record, Record.source_id == Source.id)
                    .order_by(Record.id)
                    .limit(args.children)
                ).all()
            now = datetime.now(UTC)
            with store.session(write=True) as db:
                db.execute(insert(cases), [
                    {"id": i + 1, "subject_source": s, "subject_record_id": r,
                     "opened_at": now, "opened_by": "bench", "identity": "reported",
                     "whereabouts": "unknown", "return_stage": "not_started",
                     "last_progress_at": now}
                    for i, (s, r) in enumerate(imported)
                ])  # fmt: skip
            partner = pyrage.x25519.Identity.generate()
            with store.session(write=True) as db:
                service.add_partner(db, OPERATOR, name="mediator",
                                    age_recipient=str(partner.to_public()))  # fmt: skip
                service.add_agreement(db, OPERATOR, partner_name="mediator", purpose="return",
                                      fields=FIELDS, expires_on=today + timedelta(days=30),
                                      today=today)  # fmt: skip
        with clock.phase("request"), store.session(write=True) as db:
            made = service.send_request(
                db, OPERATOR, home=store.settings.home, partner_name="mediator",
                cases="all", today=today,
            )  # fmt: skip
        with clock.phase("partner (not counted)"):
            ours = service.our_recipient(store.settings.home)
            data, truth = partner_answers(made.package, partner, ours, rng)
        with clock.phase("answer import"):
            done = service.import_answer(store, OPERATOR, home=store.settings.home, data=data)
        with clock.phase("reconcile"), store.session(write=True) as db:
            result = service.reconciliation(db, OPERATOR, made.ref)
        with store.session() as db:
            got = {r.row_number: r.child_ref for r in db.execute(select(exchange_answer_rows))}
            c = exchange_request_children.c
            record_of = {
                r.child_ref: (r.source, r.record_id)
                for r in db.execute(select(c.child_ref, c.source, c.record_id))
            }
            request_id = db.execute(select(c.request_id)).scalars().first()

        def verdict(row_ref: str, child_ref: str | None) -> str:
            if child_ref is None:
                return "none"
            if child_ref == row_ref:
                return "right"
            same = sought.child_of.get(record_of[child_ref]) == sought.child_of.get(
                record_of[row_ref]
            )
            return "same" if same else "wrong"

        verdicts = [verdict(ref, got.get(n)) for n, ref in truth.items()]
        if args.sweep:
            rows_ref = {str(n): ref for n, ref in truth.items()}
            sweep(store, request_id, lambda row, child: verdict(rows_ref[row], child))
        store.close()
    right, same, wrong = (verdicts.count(v) for v in ("right", "same", "wrong"))
    print(f"\nchildren requested      {made.children:>8,}   package {len(made.package):,} bytes")
    print(f"answered rows           {done.rows:>8,}   by reference {done.by_reference:,}, "
          f"by name+date {done.by_model:,}, unmatched {done.unmatched:,}, "
          f"duplicates {done.duplicates:,}")  # fmt: skip
    print(f"found (right child)     {right:>8,}   {right / len(truth):.2%}; the same child under "
          f"another report {same}; wrong {wrong}")  # fmt: skip
    print(f"reconciliation          answered {result.answered:,}, found {result.found:,}, "
          f"returned {result.returned:,}, not found {result.not_found:,}, "
          f"unanswered {result.unanswered:,}")  # fmt: skip
    print(f"discrepancies           {len(result.discrepancies):>8,}   held statuses "
          f"{result.held_statuses:,}; proposals {done.proposals:,}")  # fmt: skip
    print("\nphase                    wall s   CPU s   peak RSS MiB")
    for phase in clock.phases:
        peak = f"{phase.peak_mib:10.0f}" if phase.peak_mib is not None else "         -"
        print(f"{phase.name:<22} {phase.wall:8.1f} {phase.cpu:7.1f}   {peak}")
    counted = [p for p in clock.phases if "not counted" not in p.name]
    total = sum(p.wall for p in counted)
    cpu = sum(p.cpu for p in counted)
    peak_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'total (counted)':<22} {total:8.1f} {cpu:7.1f}   (whole run peak {peak_all:.0f} MiB)")
    print(f"load average after {os.getloadavg()[0]:.2f}; target <= 60 s wall: "
          f"{'OK' if total <= 60 else 'OVER'}")  # fmt: skip
    sys.exit(0 if total <= 60 else 1)


if __name__ == "__main__":
    main()
