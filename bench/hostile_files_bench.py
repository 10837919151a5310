"""Hostile files benchmark: peak memory and time of `kintrace import` on XLSX bombs and on very
wide or very long CSV files (issue 11, findings 4 and 8).

Usage: .venv/bin/python bench/hostile_files_bench.py [--quick] [--only NAME ...]

Each import runs in its own child process (`kintrace import FILE`), so
"peak RSS" is that process's own high-water mark (ru_maxrss of the child); "s" is wall time.
The first line, `small valid`, imports a tiny valid file: the floor every other line is compared
with (the ratio column). A child is killed if its address space passes 6 GiB, so a bomb cannot
take the shared machine down; it then reports "killed". All content is synthetic filler.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support import hostile  # the generators the regression tests use too

ADDRESS_SPACE_CAP = 6 << 30
KINTRACE = str(Path(sys.executable).parent / "kintrace")


def _small_valid(path: Path) -> Path:
    path.write_text("record_id,given_name\nr1,Anna\n", encoding="utf-8")
    return path


def cases(quick: bool) -> list[tuple[str, str, Callable[[Path], Path]]]:
    scale = 8 if quick else 1
    return [
        ("small valid", "small.csv", _small_valid),
        (
            f"XLSX one {300 // scale} MiB shared string",
            "one-string.xlsx",
            lambda p: hostile.one_huge_shared_string(p, mebibytes=300 // scale),
        ),
        (
            f"XLSX {10 // scale if not quick else 1.25}M one-letter shared strings",
            "many-strings.xlsx",
            lambda p: hostile.many_short_shared_strings(p, count=10_000_000 // scale),
        ),
        (
            f"XLSX one {64 // scale} MiB inline cell",
            "inline.xlsx",
            lambda p: hostile.huge_inline_cell(p, mebibytes=64 // scale),
        ),
        (
            f"XLSX {64 // scale} MiB under lying sizes",
            "lying.xlsx",
            lambda p: hostile.lying_sizes(p, mebibytes=64 // scale),
        ),
        (
            f"CSV {1_000_000 // scale:,} columns",
            "wide.csv",
            lambda p: hostile.wide_csv(p, columns=1_000_000 // scale),
        ),
        (
            f"CSV one {16 // scale} MiB field",
            "long.csv",
            lambda p: hostile.long_field_csv(p, mebibytes=16 // scale),
        ),
    ]


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))


def run_one(path: Path, home: Path) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MiB, exit code, first line of the message) of one import."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [KINTRACE, "--home", str(home), "import", str(path), "--source", "hostile"],
        capture_output=True,
        text=True,
        preexec_fn=_cap,
        check=False,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: children run largest-last is not
    # guaranteed, so each case runs in a fresh grandchild below (see main) and reports its own.
    message = (done.stderr.strip() or done.stdout.strip()).splitlines()
    first = message[0] if message else ""
    if done.returncode < 0:
        first = f"killed by signal {-done.returncode}"
    return seconds, max(peak, before) / 1024, done.returncode, first[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="files 8 times smaller")
    parser.add_argument("--only", nargs="*", help="only cases whose file name starts so")
    parser.add_argument("--_one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._one:  # a grandchild: one case, so ru_maxrss of its children is that case's own
        seconds, peak, code, first = run_one(Path(args._one[0]), Path(args._one[1]))
        print(f"{seconds:.2f}\t{peak:.0f}\t{code}\t{first}")
        return
    print(f"{'case':<40} {'file KiB':>9} {'s':>7} {'peak MiB':>9} {'ratio':>6}  outcome")
    floor = None
    with tempfile.TemporaryDirectory(prefix="kt-hostile-") as tmp:
        for label, name, make in cases(args.quick):
            if args.only and not any(name.startswith(o) for o in args.only) and floor:
                continue
            path = make(Path(tmp) / name)
            home = Path(tmp) / f"home-{name}"
            child = subprocess.run(
                [sys.executable, __file__, "--_one", str(path), str(home)],
                capture_output=True,
                text=True,
                check=True,
            )
            seconds, peak, code, first = child.stdout.strip().split("\t", 3)
            floor = floor or float(peak)
            ratio = float(peak) / floor
            outcome = "imported" if code == "0" else f"exit {code}: {first}"
            print(
                f"{label:<40} {path.stat().st_size / 1024:>9.0f} {float(seconds):>7.2f} "
                f"{float(peak):>9.0f} {ratio:>6.1f}  {outcome}"
            )
            path.unlink()


if __name__ == "__main__":
    main()
