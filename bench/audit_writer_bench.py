"""Read-audit writes under concurrency: one transaction per entry against the grouped writer.

Usage: nice .venv/bin/python bench/audit_writer_bench.py [--threads 16] [--each 40] [--rounds 2]

`--threads` threads each append `--each` read-audit entries (ids only, as a page read writes
them), pausing 5 ms between, on a fresh SQLite home: first each in a write transaction of its
own (decision 0402 as first built), then through `kintrace.audit.DeferredWriter` (decision
0421), alternating for `--rounds` rounds so both meet the same machine. Prints per mode: entries
per second, p50/p95 of one write as its request waits for it, and the transactions used; then
whether the chain verifies. Figures only; the machine is shared, compare the two modes of one run.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from kintrace import audit
from kintrace.config import load_settings
from kintrace.store.engine import Store, open_store


def run(store: Store, mode: str, *, threads: int, each: int) -> None:
    writer = audit.DeferredWriter(lambda: store.session(write=True))
    waits: list[float] = []
    lock = threading.Lock()

    def reader(n: int) -> None:
        for i in range(each):
            entries = [
                {
                    "actor": f"bench-{n}",
                    "action": "records.read",
                    "entity_type": "record",
                    "entity_id": i,
                    "details": {},
                }
            ]
            started = time.perf_counter()
            if mode == "one each":
                with store.session(write=True) as db:
                    audit.write_deferred(db, entries)
            else:
                writer.write(entries)
            with lock:
                waits.append(time.perf_counter() - started)
            time.sleep(0.005)

    workers = [threading.Thread(target=reader, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    waits.sort()
    n = len(waits)
    transactions = n if mode == "one each" else writer.batches
    print(
        f"{mode:<9} {n} entries in {wall:5.2f} s: {n / wall:6.0f}/s, "
        f"p50 {1000 * waits[n // 2]:6.1f} ms, p95 {1000 * waits[int(n * 0.95)]:6.1f} ms, "
        f"{transactions} transactions"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--each", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kintrace-audit-bench-") as home:
        store = open_store(load_settings(Path(home), env={}))
        store.limit_waits(5_000)  # as the web app
        try:
            for _ in range(args.rounds):
                run(store, "one each", threads=args.threads, each=args.each)
                run(store, "grouped", threads=args.threads, each=args.each)
            with store.session() as db:
                print(f"audit chain verifies: {audit.verify(db).ok}")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
