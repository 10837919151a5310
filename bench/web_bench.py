"""Web benchmark: search and person pages over 100,000 synthetic records on SQLite.

Usage: nice .venv/bin/python bench/web_bench.py [--records 100000] [--requests 300]

Builds a fresh SQLite home (import through the registry, name-key index, synthetic persons of
three records each with their scored pairs), starts `kintrace serve` in a subprocess, signs in
with a password and a TOTP code, and times from a client on loopback (httpx, one connection):
  search   POST /search (full page) with a name in Latin or Cyrillic, sometimes a birth year
  person   GET /persons/<id> (records side by side, pairs)
  record   GET /records/<pk>
  health   GET /health - the peer: the same server and client doing no work
Prints p50/p95/max in ms and the ratio of each p95 to the peer's. Acceptance: search p95 <= 150 ms,
person p95 <= 200 ms. Every name is synthetic (composed from syllables), marked SYNTHETIC.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyotp

# the synthetic-data builders shared with the tests (tests/support/seed.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

GIVEN_UK = [
    "Олександр",
    "Марія",
    "Іван",
    "Анна",
    "Дмитро",
    "Софія",
    "Артем",
    "Вікторія",
    "Максим",
    "Дарина",
    "Богдан",
    "Юлія",
    "Андрій",
    "Олена",
    "Микола",
    "Катерина",
    "Євген",
    "Ірина",
]
GIVEN_RU = [
    "Александр",
    "Мария",
    "Иван",
    "Анна",
    "Дмитрий",
    "София",
    "Артём",
    "Виктория",
    "Максим",
    "Дарья",
    "Богдан",
    "Юлия",
    "Андрей",
    "Елена",
    "Николай",
    "Екатерина",
]
GIVEN_LAT = [
    "Oleksandr",
    "Mariia",
    "Ivan",
    "Anna",
    "Dmytro",
    "Sofiia",
    "Artem",
    "Viktoriia",
    "Sasha",
    "Dasha",
    "Bohdan",
    "Yuliia",
    "Andrii",
    "Olena",
    "Mykola",
    "Kateryna",
]
STEMS = [
    "Ковал",
    "Шевч",
    "Бондар",
    "Ткач",
    "Кравч",
    "Мельн",
    "Олійн",
    "Лисен",
    "Гончар",
    "Руден",
    "Савч",
    "Пономар",
    "Марч",
    "Тимош",
    "Левч",
    "Кушн",
    "Карпен",
    "Гриц",
    "Мороз",
    "Павл",
    "Сидор",
    "Петр",
    "Бойк",
    "Захарч",
    "Дорош",
    "Остапч",
    "Клим",
    "Гаврил",
    "Яковл",
    "Федор",
]
MIDDLE = ["", "ен", "ан", "ик", "ищ", "уш", "ец", "ин", "ат", "ов"]
ENDS = ["енко", "ук", "юк", "чук", "ишин", "ський", "ов", "ич", "ак", "ко"]
PLACES = [
    "Херсон",
    "Маріуполь",
    "Харків",
    "Бердянськ",
    "Мелітополь",
    "Каховка",
    "Ізюм",
    "Nova Kakhovka",
    "Енергодар",
    "Скадовськ",
]
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # bench-only key
PASSWORD = "bench synthetic passphrase"


def _surnames(rng: random.Random) -> list[str]:
    names = {s + m + e for s in STEMS for m in MIDDLE for e in ENDS}
    return sorted(names)


def generate(path: Path, records: int, seed: int = 11) -> list[tuple[str, str]]:
    """Write the CSV; return the (given, family) of each synthetic child, for queries."""
    rng = random.Random(seed)
    surnames = _surnames(rng)
    children = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "source",
                "record_id",
                "given_name",
                "family_name",
                "birth_date",
                "birth_place",
                "notes",
            ]
        )
        n = 0
        while n < records:
            g = rng.randrange(len(GIVEN_LAT))
            family = rng.choice(surnames)
            birth = f"{rng.randint(2006, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            place = rng.choice(PLACES)
            children.append((GIVEN_LAT[g], family))
            for source, given in (
                ("uk-reports", GIVEN_UK[g % len(GIVEN_UK)]),
                ("ru-camps", GIVEN_RU[g % len(GIVEN_RU)]),
                ("partner", GIVEN_LAT[g]),
            ):
                if n >= records:
                    break
                writer.writerow([source, f"R{n:08d}", given, family, birth, place, "SYNTHETIC"])
                n += 1
    return children


def build_home(home: Path, records: int) -> list[tuple[str, str]]:
    from kintrace.accounts.roles import Role
    from kintrace.config import load_settings
    from kintrace.registry import name_index
    from kintrace.registry.importer import import_file
    from kintrace.store.engine import open_store
    from kintrace.store.linkage_tables import link_pairs
    from support.seed import add_link_run, add_linked_records, add_user_with_totp, link_pair_row

    store = open_store(load_settings(home, env={}))
    csv_path = home / "bench.csv"
    children = generate(csv_path, records)
    started = time.perf_counter()
    summary = import_file(store, csv_path, actor="bench")
    print(f"import     {summary.new:>8} records in {time.perf_counter() - started:6.1f} s")
    started = time.perf_counter()
    with store.session(write=True) as db:
        indexed = name_index.refresh(db)
    print(f"name index {indexed:>8} records in {time.perf_counter() - started:6.1f} s")
    now = datetime.now(UTC)
    with store.session(write=True) as db:
        run = add_link_run(db, at=now, model_name="bench")
        sources = ("uk-reports", "ru-camps", "partner")
        add_linked_records(
            db,
            run_id=run,
            members=[(sources[n % 3], f"R{n:08d}", f"P{n // 3:07d}") for n in range(records)],
        )
        db.execute(
            link_pairs.insert(),
            [
                link_pair_row(
                    run_id=run,
                    left=(sources[0], f"R{base:08d}"),
                    right=(sources[k], f"R{base + k:08d}"),
                    probability=0.97,
                    weight=5.0,
                    status="auto",
                )
                for base in range(0, records - 2, 3)
                for k in (1, 2)
            ],
        )
        add_user_with_totp(
            db,
            username="bench-caseworker",
            password=PASSWORD,
            role=Role.CASEWORKER,
            secret=TOTP_SECRET,
            at=now,
        )
    store.close()
    return children


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: httpx.Client) -> str:
    token = _csrf(client.get("/sign-in").text)
    client.post(
        "/sign-in", data={"username": "bench-caseworker", "password": PASSWORD, "csrf_token": token}
    )
    token = _csrf(client.get("/sign-in/code").text)
    r = client.post(
        "/sign-in/code", data={"code": pyotp.TOTP(TOTP_SECRET).now(), "csrf_token": token}
    )
    assert r.status_code == 200 and "Dashboard" in r.text, "sign-in failed"
    return _csrf(r.text)


def _stats(name: str, times: list[float], peer_p95: float | None) -> float:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    ratio = f"{p95 / peer_p95:6.1f}x peer" if peer_p95 else ""
    print(
        f"{name:<8} n={len(ms):<4} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   "
        f"max {ms[-1]:7.1f} ms   {ratio}"
    )
    return p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--home", type=Path, help="keep the data here (default: a temp dir)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="kintrace-web-bench-"))
    children = build_home(home, args.records)
    port = _free_port()
    kintrace = Path(sys.executable).with_name("kintrace")
    server = subprocess.Popen(
        [str(kintrace), "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    rng = random.Random(5)
    timings: dict[str, list[float]] = {"search": [], "person": [], "record": [], "health": []}
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=30, follow_redirects=True
        ) as client:
            for _ in range(200):
                try:
                    client.get("/health")
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            token = sign_in(client)
            persons = args.records // 3
            for i in range(args.requests + 20):
                given, family = rng.choice(children)
                kind = i % 10
                if kind < 6:
                    form = {"name": f"{given} {family}"}
                elif kind < 8:
                    form = {"name": family}
                else:
                    form = {"name": family, "birth": str(rng.randint(2006, 2021))}
                calls = {
                    "search": lambda f=form: client.post(
                        "/search", data={**f, "csrf_token": token}
                    ),
                    "person": lambda: client.get(f"/persons/P{rng.randrange(persons):07d}"),
                    "record": lambda: client.get(f"/records/{rng.randrange(1, args.records)}"),
                    "health": lambda: client.get("/health"),
                }
                for name, call in calls.items():
                    started = time.perf_counter()
                    response = call()
                    elapsed = time.perf_counter() - started
                    assert response.status_code == 200, (name, response.status_code)
                    if i >= 20:  # the first 20 rounds warm the caches
                        timings[name].append(elapsed)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\n{args.records} records, {args.requests} requests per kind, SQLite, loopback")
    peer = _stats("health", timings["health"], None)
    search = _stats("search", timings["search"], peer)
    person = _stats("person", timings["person"], peer)
    _stats("record", timings["record"], peer)
    ok = search <= 150 and person <= 200
    print(f"\nacceptance (search p95 <= 150 ms, person p95 <= 200 ms): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
