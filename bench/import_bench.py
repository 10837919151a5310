"""Import benchmark: generate N synthetic rows, import them, print rows/s and peak memory.

Usage: .venv/bin/python bench/import_bench.py [--rows 1000000] [--pg-url URL | --no-pg]

Each measurement runs in its own child process, so "peak RSS" is that import's own high-water
mark (ru_maxrss); "cpu s" is its CPU time. Figures, per run:
  sqlite      kintrace import into a fresh SQLite home (acceptance: >= 20,000 rows/s, < 1 GiB)
  sqlite-re   the same rows again (file + a blank line, so it is read): every row unchanged
  postgresql  kintrace import into a fresh PostgreSQL schema
  peer        plain `csv` + sqlite3 executemany of the same rows into one table (no parsing,
              validation, versions or audit) - the floor the importer is compared with
All data is synthetic (SYNTHETIC in every row's notes).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # support.pg

GIVEN = ["Олександр", "Марія", "Іван", "Анна", "Дмитро", "Софія", "Oleksandr", "Mariia", "Artem"]
FAMILY = ["Коваленко", "Шевченко", "Бондаренко", "Ткаченко", "Kovalenko", "Shevchenko", "Мельник"]
PLACES = ["Херсон", "Маріуполь", "Kharkiv", "Бердянськ", "Мелітополь"]
HEADER = [
    "source", "record_id", "given_name", "family_name", "patronymic", "sex", "birth_date",
    "observed_on", "birth_place", "group_id", "notes",
]  # fmt: skip


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            year = rng.randint(2005, 2021)
            writer.writerow(
                [
                    "bench",
                    f"B{n:08d}",
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    "",
                    rng.choice("MF"),
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "2024-05-01",
                    rng.choice(PLACES),
                    f"G{n // 3}",
                    "SYNTHETIC",
                ]
            )


def child_kintrace(path: Path, home: Path, url: str | None) -> dict[str, float]:
    from kintrace.config import load_settings
    from kintrace.registry.importer import import_file
    from kintrace.store.engine import open_store

    store = open_store(load_settings(home, database_url=url, env={}))
    start, cpu = time.perf_counter(), time.process_time()
    summary = import_file(store, path, actor="bench")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    store.close()
    return {"seconds": seconds, "cpu": cpu, "new": summary.new, "unchanged": summary.unchanged}


def child_peer(path: Path, home: Path) -> dict[str, float]:
    import sqlite3

    home.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(home / "peer.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"CREATE TABLE rows ({', '.join(HEADER)}, UNIQUE(source, record_id))")
    start, cpu = time.perf_counter(), time.process_time()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        placeholders = ", ".join("?" * len(HEADER))
        batch: list[list[str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) == 5000:
                connection.executemany(f"INSERT INTO rows VALUES ({placeholders})", batch)
                batch.clear()
        connection.executemany(f"INSERT INTO rows VALUES ({placeholders})", batch)
    connection.commit()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    connection.close()
    return {"seconds": seconds, "cpu": cpu, "new": 0, "unchanged": 0}


def run_child(kind: str, path: Path, home: Path, url: str | None) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", kind, str(path), str(home), url or ""]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default=os.environ.get("KINTRACE_TEST_PG_URL", ""))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, home, url = args.child
        if kind == "peer":
            result = child_peer(Path(path), Path(home))
        else:
            result = child_kintrace(Path(path), Path(home), url or None)
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="kintrace-bench-") as tmp:
        work = Path(tmp)
        data = work / "bench.csv"
        generate(data, args.rows)
        size = data.stat().st_size / 2**20
        print(f"rows: {args.rows:,}  file: {size:.1f} MiB (synthetic)")
        results = {
            "peer": run_child("peer", data, work / "peer", None),
            "sqlite": run_child("sqlite", data, work / "home", None),
            # the same rows in a file with another hash: a full pass where every row is unchanged
            "sqlite-re": run_child("sqlite", _copy_with_blank_line(data), work / "home", None),
        }
        if args.pg_url and not args.no_pg:
            from support.pg import scratch_schema  # tests/ is on sys.path (top of this file)

            with scratch_schema(args.pg_url, prefix="bench_") as url:
                results["postgresql"] = run_child("postgresql", data, work / "pg", url)
    peer_rate = args.rows / results["peer"]["seconds"]
    peer_cpu_rate = args.rows / results["peer"]["cpu"]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'run':<11} {'seconds':>8} {'rows/s':>10} {'vs peer':>8} {'cpu s':>7} "
        f"{'rows/cpu-s':>11} {'vs peer':>8} {'peak RSS MiB':>13}"
    )
    for name, result in results.items():
        rate = args.rows / result["seconds"]
        cpu_rate = args.rows / max(result["cpu"], 1e-9)
        print(
            f"{name:<11} {result['seconds']:>8.1f} {rate:>10,.0f} {rate / peer_rate:>7.2f}x "
            f"{result['cpu']:>7.1f} {cpu_rate:>11,.0f} {cpu_rate / peer_cpu_rate:>7.2f}x "
            f"{result['peak_rss_mib']:>13.0f}"
        )
    sqlite = results["sqlite"]
    rate = args.rows / sqlite["seconds"]
    verdict = rate >= 20_000 and sqlite["peak_rss_mib"] < 1024
    print(
        f"acceptance (SQLite >= 20,000 rows/s wall clock and < 1024 MiB): "
        f"{'PASS' if verdict else 'FAIL'}; rows per CPU-second: {args.rows / sqlite['cpu']:,.0f} "
        "(on a busy shared machine the wall-clock rate is lower than the CPU rate)"
    )


def _copy_with_blank_line(path: Path) -> Path:
    copy = path.with_name("bench-again.csv")
    with path.open("rb") as source, copy.open("wb") as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)
        target.write(b"\n")
    return copy


if __name__ == "__main__":
    main()
