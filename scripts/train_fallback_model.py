"""Train the model Kintrace ships for registries that cannot train their own (decision 0320).

SYNTHETIC data only: lists from the project's demo generator (`kintrace.demo`) and, when given
seeds for it, from the second, independently written generator (`bench/generators/second`),
linked as one registry with their kinds declared. The result is written with its provenance
(generators, seeds, sizes, date, Kintrace and Splink versions, a hash of the code that made it,
the git commit) to src/kintrace/linkage/models/kintrace-fallback.json, which is package data.

    nice .venv/bin/python scripts/train_fallback_model.py \
        --demo-seeds 7 11 --second-seeds 5 --children 20000

Run it again whenever the model spec's comparisons or levels change (a test compares them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

OUT = ROOT / "src" / "kintrace" / "linkage" / "models" / "kintrace-fallback.json"
#: What decides the numbers: the model, the features, the training, both generators.
CODE = (
    "src/kintrace/linkage/spec",
    "src/kintrace/linkage/features.py",
    "src/kintrace/linkage/dates.py",
    "src/kintrace/linkage/training.py",
    "src/kintrace/linkage/runner.py",
    "src/kintrace/linkage/splink_settings.py",
    "src/kintrace/names",
    "src/kintrace/demo",
    "bench/generators/second",
    "bench/linkage_bench.py",
    "scripts/train_fallback_model.py",
)


def code_hash() -> str:
    digest = hashlib.sha256()
    for entry in CODE:
        path = ROOT / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in (".py", ".csv", ".json", ".txt"):
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", *CODE],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return out.stdout.strip() + ("+uncommitted changes" if dirty else "")


def records(generator: str, children: int, seed: int) -> pd.DataFrame:
    """One generator's lists as records, kinds declared (bench/linkage_bench.py)."""
    from linkage_bench import records_frame

    return records_frame(children, seed, generator=generator)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo-seeds", type=int, nargs="*", default=[7, 11])
    parser.add_argument("--second-seeds", type=int, nargs="*", default=[])
    parser.add_argument("--children", type=int, default=20_000, help="children per data set")
    parser.add_argument("--version", type=int, default=None, help="default: the shipped one + 1")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    import splink

    from kintrace import __version__
    from kintrace.linkage.engine import EngineConfig, open_engine
    from kintrace.linkage.features import feature_table
    from kintrace.linkage.runner import train_floored
    from kintrace.linkage.spec import kintrace_spec
    from kintrace.linkage.spec.floors import doubts

    frames: list[pd.DataFrame] = []
    datasets: list[dict[str, Any]] = []
    sets = [("demo", s) for s in args.demo_seeds] + [("second", s) for s in args.second_seeds]
    if not sets:
        raise SystemExit("no data: give --demo-seeds and/or --second-seeds")
    offset = 0
    for generator, seed in sets:
        start = time.perf_counter()
        frame = records(generator, args.children, seed).copy()
        frame["uid"] = range(offset + 1, offset + 1 + len(frame))
        frame["source"] = f"{generator}{seed}:" + frame["source"].astype(str)
        offset += len(frame)
        frames.append(feature_table(frame))
        datasets.append(
            {
                "generator": "kintrace.demo" if generator == "demo" else "bench/generators/second",
                "seed": seed,
                "children": args.children,
                "records": len(frame),
                "kinds": "declared",
            }
        )
        print(f"{generator} seed {seed}: {len(frame):,} records "
              f"({time.perf_counter() - start:.1f} s)")  # fmt: skip
    features = pd.concat(frames, ignore_index=True)
    spec = kintrace_spec()
    engine = open_engine(EngineConfig(memory_limit="4GB"))
    try:
        start = time.perf_counter()
        floored = train_floored(spec, features, engine=engine, progress=print)
    finally:
        engine.close()
    print(f"trained on {len(features):,} records in {time.perf_counter() - start:.1f} s")
    for change in floored.changes:
        print(f"  floored: {change}")
    concerns = doubts(spec, floored.model)
    if concerns:
        raise SystemExit("the trained model is unsound: " + "; ".join(concerns))

    version = args.version
    if version is None:
        try:
            version = int(json.loads(args.out.read_text("utf-8"))["provenance"]["version"]) + 1
        except (OSError, ValueError, KeyError):
            version = 1
    provenance = {
        "name": "kintrace-fallback",
        "version": version,
        "synthetic": True,
        "note": "trained on SYNTHETIC lists only: no real child is described",
        "created": dt.date.today().isoformat(),
        "kintrace_version": __version__,
        "splink_version": splink.__version__,
        "code_hash": code_hash(),
        "git_commit": git_commit(),
        "spec": spec.name,
        "datasets": datasets,
        "records": len(features),
        "prior": floored.model["probability_two_random_records_match"],
        "floored": [str(c) for c in floored.changes],
        "command": "python scripts/train_fallback_model.py " + " ".join(sys.argv[1:]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"provenance": provenance, "model": floored.model}, ensure_ascii=False, indent=1)
        + "\n",
        encoding="utf-8",
    )
    print(f"written {args.out} (kintrace-fallback v{version})")


if __name__ == "__main__":
    main()
