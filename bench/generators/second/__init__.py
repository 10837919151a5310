"""The second generator of synthetic tracing lists (see README.md beside this file).

    from generators.second import generate, write
    dataset = generate(2000, seed=7)                 # in memory: sources, rows, truth
    write(dataset, Path("out"))                       # files + sources.json + truth/
    write_stream(430_000, seed=7, out_dir=Path("big"), profile="dense")   # same rows, streamed

Deterministic per (children, seed, profile). Pure standard library; imports nothing from
kintrace, so that the evaluation it serves stays independent of the matcher.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from generators.second.model import KINDS, SYNTHETIC, ChildTruth, Dataset, Source
from generators.second.output import Delivery, write_dataset
from generators.second.plan import PROFILES, sources_for
from generators.second.stream import Generation, Row

__all__ = [
    "KINDS",
    "PROFILES",
    "SYNTHETIC",
    "ChildTruth",
    "Dataset",
    "Source",
    "generate",
    "iter_records",
    "sources_for",
    "write",
    "write_stream",
]


def generate(children: int, seed: int, *, profile: str = "default") -> Dataset:
    """Make the lists for `children` children in memory (about 1 KiB per row)."""
    run = Generation(children, seed, profile)
    records: dict[str, list[dict[str, str]]] = {s.name: [] for s in run.sources}
    truth: dict[tuple[str, str], str] = {}
    for name, row, child_id in run.rows():
        records[name].append(row)
        truth[(name, row["record_id"])] = child_id
    return Dataset(
        profile=profile,
        seed=seed,
        sources=run.sources,
        records=records,
        truth=truth,
        children=run.children,
        declare_kinds=profile != "unknown_kinds",
    )


def iter_records(children: int, seed: int, *, profile: str = "default") -> Iterator[Row]:
    """The same rows as `generate`, one (source name, row, child id) at a time, in file order.

    Rows come bucket by bucket (see stream.py), each list's rows in its file order; memory
    stays flat whatever `children` is (rows wait in temporary files). `sources_for(profile)`
    gives the lists.
    """
    yield from Generation(children, seed, profile, keep_children=False).rows(spill=True)


def write(dataset: Dataset, out_dir: Path | str) -> Path:
    """Write `dataset` to `out_dir`; returns the manifest (sources.json) path."""
    return write_dataset(dataset, Path(out_dir))


def write_stream(
    children: int, seed: int, out_dir: Path | str, *, profile: str = "default"
) -> dict[str, object]:
    """Generate and write in one pass without holding the rows (the scale path).

    Gives the same files as `write(generate(...))`. Returns what was written: rows per source,
    children, seconds, and the manifest path.
    """
    started = time.perf_counter()
    run = Generation(children, seed, profile)
    delivery = Delivery(Path(out_dir), run.sources)
    for name, row, child_id in run.rows(spill=True):
        delivery.add(name, row, child_id)
    manifest = delivery.finish(
        profile=profile,
        seed=seed,
        declare_kinds=profile != "unknown_kinds",
        children=run.children,
    )
    return {
        "manifest": manifest,
        "children": len(run.children),
        "rows": {name: f.rows for name, f in delivery.files.items()},
        "seconds": round(time.perf_counter() - started, 2),
    }
