"""Figures benchmark (issue 15): `kintrace figures release` on a registry of 1,000,000 records.

Usage: .venv/bin/python bench/figures_bench.py [--records 1000000] [--k 10] [--round 1]
                                              [--home DIR] [--database-url URL]

The registry is synthetic (bench/figures_registry.py: no names; about 1.25 records per
person, 3% of persons with a case), bulk-inserted straight into a fresh store as a finished import
and link run would leave it; that set-up is timed apart and is not part of the figure. Then the
real command runs in a child process, as a user would run it:

    kintrace --home DIR figures release --out DIR/release --k K --round R

and its wall time (start-up included) is the figure the acceptance asks for (<= 60 s), with the
command's own split (reading the counts, disclosure control) and the load average before and
after, since the machine may be shared. The release is then checked with `kintrace figures
verify` against the installation's public key.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
KINTRACE = str(Path(sys.executable).parent / "kintrace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--round", type=int, default=1, dest="rounding")
    parser.add_argument("--home", type=Path, default=None, help="a new data directory")
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    from figures_registry import fill

    from kintrace.config import load_settings
    from kintrace.store.engine import open_store

    home = args.home or Path(tempfile.mkdtemp(prefix="kintrace-figures-bench-"))
    env = dict(os.environ)
    if args.database_url:
        env["KINTRACE_DATABASE_URL"] = args.database_url
    settings = load_settings(home, database_url=args.database_url, env={})
    store = open_store(settings)
    started = time.perf_counter()
    made = fill(store, records=args.records, seed=1)
    filled = time.perf_counter() - started
    store.close()
    print(
        f"registry (synthetic): {made['records']:,} records, {made['persons']:,} persons, "
        f"{made['cases']:,} cases; bulk insert {filled:.1f} s (set-up, not the figure)"
    )

    out = home / "release"
    load_before = os.getloadavg()
    command = [
        KINTRACE,
        "--home",
        str(home),
        "figures",
        "release",
        "--out",
        str(out),
        "--k",
        str(args.k),
        "--round",
        str(args.rounding),
    ]
    started = time.perf_counter()
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    load_after = os.getloadavg()
    if run.returncode != 0:
        print(run.stdout, run.stderr)
        raise SystemExit(f"kintrace figures release failed ({run.returncode})")
    print(" ".join(run.stdout.split()))
    print(
        f"kintrace figures release: {wall:.1f} s wall (start-up included), "
        f"{args.records:,} records, k={args.k}, round={args.rounding}; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"on {os.cpu_count()} cores"
    )
    key = home / "public.pem"
    subprocess.run(
        [KINTRACE, "--home", str(home), "signing-key", "--out", str(key)],
        env=env,
        capture_output=True,
        check=True,
    )
    check = subprocess.run(
        [KINTRACE, "figures", "verify", str(out), "--key", str(key)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print("verify:", " ".join(check.stdout.split()) or check.stderr.strip())


if __name__ == "__main__":
    main()
