"""Evidence ingest benchmark (issue 14): throughput and memory of `kintrace evidence add` on
1 GiB of files, against its peers in the same run.

Usage: .venv/bin/python bench/evidence_bench.py [--total-mib 1024] [--file-mib 64]

Each line runs in its own child process, so "peak RSS" is that process's own high-water mark:
- `read only`: read every file (1 MiB chunks): the disk's floor;
- `hash only`: read and compute SHA-256 and SHA-512 (what the ingest must do at least);
- `copy only`: read and write a copy, fsync (the storage's floor);
- `start-up`: `kintrace evidence --help` (Python and the command line loading, once per run);
- `evidence add`: the real command, `kintrace evidence add FILES... --kind document --case 1`
  (hash while streaming, write-once file, fsync, custody events), on a fresh data directory.
The files are random bytes behind a PDF signature (synthetic, incompressible); "MiB/s" is total
size / wall time; the ratio column compares each line with `hash only`. Memory is flat when the
ingest's peak RSS does not grow with the file size (compare --file-mib 16 and 256).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINTRACE = str(Path(sys.executable).parent / "kintrace")
ADD_OPTIONS = ("--kind", "document", "--case", "1")

_READ = """
import sys
for name in sys.argv[1:]:
    with open(name, "rb") as f:
        while f.read(1 << 20):
            pass
"""
_HASH = """
import hashlib, sys
for name in sys.argv[1:]:
    a, b = hashlib.sha256(), hashlib.sha512()
    with open(name, "rb") as f:
        while chunk := f.read(1 << 20):
            a.update(chunk); b.update(chunk)
"""
_COPY = """
import os, sys
target = sys.argv[1]
for i, name in enumerate(sys.argv[2:]):
    with open(name, "rb") as f, open(os.path.join(target, str(i)), "wb") as out:
        while chunk := f.read(1 << 20):
            out.write(chunk)
        out.flush(); os.fsync(out.fileno())
"""


def _run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of `command`, run under a small wrapper process so its
    ru_maxrss is this command's alone."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *command], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    return seconds, int(out.stdout.strip().splitlines()[-1]) / 1024


def _make_files(directory: Path, *, total_mib: int, file_mib: int) -> list[Path]:
    files = []
    for i in range(max(1, total_mib // file_mib)):
        path = directory / f"synthetic-{i:03d}.pdf"
        with path.open("wb") as out:
            out.write(b"%PDF-1.7\n%synthetic filler\n")  # read as a PDF by its first bytes
            for _ in range(file_mib):
                out.write(os.urandom(1 << 20))
        files.append(path)
    return files


def _prepare_home(home: Path) -> None:
    """A data directory with one record and case 1, for the files to be linked to."""
    script = f"""
from datetime import UTC, datetime
from pathlib import Path
from sqlalchemy import insert
from kintrace.cases.facets import CaseState
from kintrace.config import load_settings
from kintrace.registry.importer import import_file
from kintrace.store.engine import open_store
from kintrace.store.review_tables import cases
home = Path({str(home)!r})
store = open_store(load_settings(home, env={{}}))
csv = home.parent / "one.csv"
csv.write_text("source,record_id,given_name\\nbench,r1,Synthetic\\n", encoding="utf-8")
import_file(store, csv, actor="bench")
now = datetime.now(UTC)
state = CaseState()
with store.session(write=True) as db:
    db.execute(insert(cases).values(subject_source="bench", subject_record_id="r1",
        opened_at=now, opened_by="bench", identity=state.identity.value,
        whereabouts=state.whereabouts.value, return_stage=state.return_stage.value,
        last_progress_at=now))
store.close()
"""
    subprocess.run([sys.executable, "-c", script], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total-mib", type=int, default=1024)
    parser.add_argument("--file-mib", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        files = _make_files(root / "in", total_mib=args.total_mib, file_mib=args.file_mib)
        total = sum(p.stat().st_size for p in files) / (1 << 20)
        names = [str(p) for p in files]
        home = root / "home"
        _prepare_home(home)
        (root / "copies").mkdir()
        runs = [
            ("start-up", [KINTRACE, "--home", str(home), "evidence", "--help"]),
            ("read only", [sys.executable, "-c", _READ, *names]),
            ("hash only", [sys.executable, "-c", _HASH, *names]),
            ("copy only", [sys.executable, "-c", _COPY, str(root / "copies"), *names]),
            (
                "evidence add",
                [KINTRACE, "--home", str(home), "evidence", "add", *ADD_OPTIONS, *names],
            ),
        ]
        print(f"{len(files)} files x {args.file_mib} MiB = {total:,.0f} MiB of random bytes")
        measured = {label: _run(command) for label, command in runs}
        print(f"{'run':<14}{'s':>8}{'MiB/s':>10}{'vs hash':>9}{'peak RSS MiB':>14}")
        hash_seconds = measured["hash only"][0]
        for label, (seconds, peak) in measured.items():
            if label == "start-up":
                print(f"{label:<14}{seconds:>8.2f}{'':>10}{'':>9}{peak:>14.0f}")
                continue
            ratio = hash_seconds / seconds
            print(f"{label:<14}{seconds:>8.2f}{total / seconds:>10.0f}{ratio:>9.2f}{peak:>14.0f}")
        ingest = measured["evidence add"][0] - measured["start-up"][0]
        print(
            f"evidence add without the command's start-up: {total / ingest:,.0f} MiB/s "
            f"({hash_seconds / ingest:.2f} x hash only)"
        )


if __name__ == "__main__":
    main()
