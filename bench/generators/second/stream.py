"""The generation loop: families -> rows, then each list in an order that says nothing.

Children are made family by family, so rows come out in the same order in every list; a list
written in that order would tell a linker which rows belong together (row 1,000 of the camp
list is near row 1,000 of the family reports). Each row is therefore given a random bucket as
it is made; a list is written bucket by bucket, each bucket shuffled, which is a random order
independent of the children. Record ids are then numbered down the file, as in a real export.

Buckets stay in memory for `generate`, and are spilled to temporary files for `write_stream`
and `iter_records` (one bucket in memory at a time: ~1/64 of the rows). Both paths draw the
same random numbers in the same order, so they give the same rows.
"""

from __future__ import annotations

import pickle
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from generators.second.model import ChildTruth, Source
from generators.second.plan import (
    BUILDERS,
    DUPLICATE_RATE,
    RECORD_IDS,
    Membership,
    appearances,
    camp_groups,
    sources_for,
)
from generators.second.population import Overrides, make_family
from generators.second.rows import Context
from generators.second.tables import Tables, load

BUCKETS = 64

Row = tuple[str, dict[str, str], str]  # (source name, row, child id)
_Made = tuple[int, int, str, dict[str, str]]  # (bucket, source index, child id, row)


@dataclass
class Generation:
    """One run of the generator. Iterate `rows()` once; `children` fills as it goes."""

    children_wanted: int
    seed: int
    profile: str = "default"
    sources: list[Source] = field(init=False)
    children: list[ChildTruth] = field(default_factory=list)
    keep_children: bool = True

    def __post_init__(self) -> None:
        if self.children_wanted < 0:
            raise ValueError(f"children must be 0 or more, got {self.children_wanted}")
        self.sources = sources_for(self.profile)

    def rows(self, *, spill: bool = False) -> Iterator[Row]:
        """Every row with its record id, list after list within each bucket, in file order.

        `spill=True` keeps the buckets in temporary files instead of memory.
        """
        order = random.Random(f"second-generator-order-{self.seed}")
        if spill:
            yield from self._spilled(order)
            return
        buckets: list[list[tuple[int, str, dict[str, str]]]] = [[] for _ in range(BUCKETS)]
        for bucket, index, child_id, row in self._made(order):
            buckets[bucket].append((index, child_id, row))
        numbering = _Numbering(self.sources)
        for content in buckets:
            yield from numbering.emit(content, order)
            content.clear()

    def _spilled(self, order: random.Random) -> Iterator[Row]:
        with tempfile.TemporaryDirectory(prefix="second-generator-") as folder:
            files: list[IO[bytes]] = [
                (Path(folder) / f"bucket{b:02d}.pickle").open("wb") for b in range(BUCKETS)
            ]
            try:
                for bucket, index, child_id, row in self._made(order):
                    record = (index, child_id, tuple(row.values()))
                    pickle.dump(record, files[bucket], pickle.HIGHEST_PROTOCOL)
            finally:
                for handle in files:
                    handle.close()
            numbering = _Numbering(self.sources)
            for b in range(BUCKETS):
                path = Path(folder) / f"bucket{b:02d}.pickle"
                content = []
                with path.open("rb") as handle:
                    while True:
                        try:
                            index, child_id, values = pickle.load(handle)
                        except EOFError:
                            break
                        row = dict(zip(self.sources[index].columns, values, strict=True))
                        content.append((index, child_id, row))
                path.unlink()
                yield from numbering.emit(content, order)

    def _made(self, order: random.Random) -> Iterator[_Made]:
        """Rows in the order children are made, each with its random bucket."""
        rng = random.Random(self.seed)
        tables = load()
        membership = Membership()
        ctx = Context(
            rng=rng, tables=tables, camp_groups=camp_groups(self.children_wanted, membership)
        )
        fixed = _overrides(self.profile, tables)
        index_of = {s.name: i for i, s in enumerate(self.sources)}
        made = number = 0
        while made < self.children_wanted:
            family = make_family(number, first_child=made, rng=rng, tables=tables, fixed=fixed)
            del family.children[self.children_wanted - made :]
            number += 1
            made += len(family.children)
            ctx.scratch.clear()
            lists = appearances(
                family,
                rng=rng,
                membership=membership,
                single_source=self.profile == "single_source",
            )
            for child, names in zip(family.children, lists, strict=True):
                if self.keep_children:
                    self.children.append(
                        ChildTruth(child.child_id, family.family_id, child.sex,
                                   child.birth.isoformat(), child.twin)
                    )  # fmt: skip
                for name in names:
                    source = self.sources[index_of[name]]
                    build = BUILDERS[source.kind]
                    row = build(child, family, source, ctx)
                    yield order.randrange(BUCKETS), index_of[name], child.child_id, row
                    if rng.random() < DUPLICATE_RATE:
                        fresh = rng.random() >= 0.5
                        again = build(child, family, source, ctx) if fresh else dict(row)
                        yield order.randrange(BUCKETS), index_of[name], child.child_id, again


class _Numbering:
    """Shuffles a bucket and numbers its rows per list, continuing from the previous bucket."""

    def __init__(self, sources: list[Source]) -> None:
        self.sources = sources
        self.next_id = [0] * len(sources)

    def emit(
        self, content: list[tuple[int, str, dict[str, str]]], order: random.Random
    ) -> Iterator[Row]:
        order.shuffle(content)
        per_source: list[list[tuple[str, dict[str, str]]]] = [[] for _ in self.sources]
        for index, child_id, row in content:
            per_source[index].append((child_id, row))
        for index, rows in enumerate(per_source):
            name = self.sources[index].name
            pattern = RECORD_IDS[name]
            for child_id, row in rows:
                self.next_id[index] += 1
                row["record_id"] = pattern.format(self.next_id[index])
                yield name, row, child_id


def _overrides(profile: str, tables: Tables) -> Overrides:
    if profile == "one_surname":
        return Overrides(surname=tables.surnames.values[0])
    if profile == "same_name":
        return Overrides(
            surname=tables.surnames.values[0],
            boy=tables.boys.values[0],
            girl=tables.girls.values[0],
            father=tables.fathers.values[0],
        )
    return Overrides()
