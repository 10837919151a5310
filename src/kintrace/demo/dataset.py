"""Generating a dataset: children, then every list that mentions them, with the ground truth.

Generation goes family by family, each family drawing from its own random stream derived from
the seed, so a run is deterministic for a seed and the in-memory and streaming paths produce the
same rows. The streaming path writes each family's rows as it goes: memory stays bounded.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kintrace.demo.children import (
    Child,
    Family,
    lookalike_family,
    make_family,
    make_lookalike,
    mark_similar,
)
from kintrace.demo.partners import MEDIATOR_LIST, NGO_LIST, mediator_list, ngo_list
from kintrace.demo.proportions import DEFAULT_PROPORTIONS, Proportions
from kintrace.demo.records import Context, Record
from kintrace.demo.russian import (
    ADOPTION_LISTING,
    CAMP_LIST_A,
    CAMP_LIST_B,
    adoption_listing,
    camp_lists,
)
from kintrace.demo.sources import SOURCES, SourceSpec
from kintrace.demo.tables import load_tables
from kintrace.demo.truth import DatasetSummary, TruthRow
from kintrace.demo.ukrainian import (
    FAMILY_REPORTS,
    STATE_REGISTRY,
    family_reports,
    forced_family_report,
    state_registry,
)
from kintrace.demo.writers import DatasetWriter

Row = dict[str, str | int]
MAX_CHILDREN = 5_000_000
# Records per child with the default proportions (measured: 2.40 at 20,000 and 415,000 children).
RECORDS_PER_CHILD = 2.40

_BUILDERS = (family_reports, state_registry, camp_lists, adoption_listing, mediator_list, ngo_list)
_RECORD_ID = {
    FAMILY_REPORTS: "UAF-{:07d}",
    STATE_REGISTRY: "UAR-{:07d}",
    CAMP_LIST_A: "{}",  # camp lists number their rows
    CAMP_LIST_B: "{}",
    ADOPTION_LISTING: "RUA-{:07d}",
    MEDIATOR_LIST: "MED-{:07d}",
    NGO_LIST: "NGO-{:07d}",
}


@dataclass
class DemoDataset:
    """A generated dataset held in memory: rows per source, the truth and the children."""

    seed: int
    children: list[Child]
    records: dict[str, list[Row]]
    truth: list[TruthRow]
    sources: tuple[SourceSpec, ...] = SOURCES

    def child_of(self) -> dict[tuple[str, str], str]:
        """(source, record_id) -> child_id."""
        return {(t.source, t.record_id): t.child_id for t in self.truth}


@dataclass(frozen=True, slots=True)
class Unit:
    """The children of one generation step and every row written about them."""

    children: tuple[Child, ...]
    rows: list[tuple[Row, TruthRow]]


def children_for_records(records: int) -> int:
    """How many children to ask for to get about `records` rows in all lists (within ~1%)."""
    return max(1, round(records / RECORDS_PER_CHILD))


def check_children(children: int) -> None:
    if not 1 <= children <= MAX_CHILDREN:
        raise ValueError(
            f"the number of children must be between 1 and {MAX_CHILDREN:,}; got {children:,}"
        )


def iter_units(
    *, children: int, seed: int, proportions: Proportions = DEFAULT_PROPORTIONS
) -> Iterator[Unit]:
    """Families one at a time with their rows, record ids assigned; deterministic for a seed."""
    check_children(children)
    tables = load_tables()
    ctx = Context(rng=random.Random(0), tables=tables, props=proportions, children=children)
    counters = dict.fromkeys(_RECORD_ID, 0)
    produced = 0
    step = 0
    while produced < children:
        rng = random.Random(f"kintrace-demo/{seed}/{step}")
        step += 1
        ctx.rng = rng
        family = make_family(
            rng,
            tables=tables,
            props=proportions,
            family_id=f"FAM{step:07d}",
            first_child_number=produced + 1,
            max_children=children - produced,
        )
        produced += len(family.children)
        families: list[Family] = [family]
        if produced < children and rng.random() < proportions.lookalike:
            original = rng.choice(family.children)
            look = make_lookalike(
                rng,
                tables=tables,
                original=original,
                family_id=f"FAM{step:07d}L",
                child_number=produced + 1,
            )
            produced += 1
            families = [
                mark_similar(family, original, look),
                lookalike_family(rng, tables=tables, child=look, number=produced),
            ]
        for fam in families:
            yield Unit(children=fam.children, rows=_rows(ctx, fam, counters))


def _rows(ctx: Context, family: Family, counters: dict[str, int]) -> list[tuple[Row, TruthRow]]:
    records: list[Record] = []
    for build in _BUILDERS:
        records.extend(build(ctx, family))
    seen = {r.child.child_id for r in records}
    for child in family.children:
        if child.child_id not in seen:  # every child is known from at least one list
            records.append(forced_family_report(ctx, child=child, guardian=family.guardian))
    out: list[tuple[Row, TruthRow]] = []
    for record in records:
        counters[record.source] += 1
        record_id = _RECORD_ID[record.source].format(counters[record.source])
        row: Row = {"source": record.source, "record_id": record_id, **record.fields}
        truth = TruthRow(
            source=record.source,
            record_id=record_id,
            child_id=record.child.child_id,
            family_id=record.child.family_id,
            tags=tuple(record.tags),
        )
        out.append((row, truth))
    return out


def generate(
    *, children: int, seed: int, proportions: Proportions = DEFAULT_PROPORTIONS
) -> DemoDataset:
    """A dataset in memory: for tests and small benchmarks (use `stream_dataset` beyond ~50k)."""
    records: dict[str, list[Row]] = {spec.name: [] for spec in SOURCES}
    truth: list[TruthRow] = []
    all_children: list[Child] = []
    for unit in iter_units(children=children, seed=seed, proportions=proportions):
        all_children.extend(unit.children)
        for row, truth_row in unit.rows:
            records[truth_row.source].append(row)
            truth.append(truth_row)
    return DemoDataset(seed=seed, children=all_children, records=records, truth=truth)


def write_dataset(dataset: DemoDataset, out_dir: Path) -> DatasetSummary:
    """Write a generated dataset: one file per list, the ground truth, README and manifest."""
    with DatasetWriter(out_dir, seed=dataset.seed) as writer:
        writer.add_children(dataset.children)
        rows = {
            (source, str(row["record_id"])): row
            for source, source_rows in dataset.records.items()
            for row in source_rows
        }
        for truth_row in dataset.truth:  # truth order is generation order, as when streaming
            writer.add_row(rows[(truth_row.source, truth_row.record_id)], truth_row)
    return writer.summary(children=len(dataset.children))


def stream_dataset(
    *,
    children: int,
    seed: int,
    out_dir: Path,
    proportions: Proportions = DEFAULT_PROPORTIONS,
    on_progress: Callable[[int], None] | None = None,
) -> DatasetSummary:
    """Generate and write at once, family by family: for big runs (memory stays bounded)."""
    check_children(children)
    with DatasetWriter(out_dir, seed=seed) as writer:
        for unit in iter_units(children=children, seed=seed, proportions=proportions):
            writer.add_children(unit.children)
            for row, truth_row in unit.rows:
                writer.add_row(row, truth_row)
            if on_progress is not None:
                on_progress(len(unit.children))
    return writer.summary(children=children)
