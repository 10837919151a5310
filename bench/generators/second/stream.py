"""The generation loop: families -> rows, in a deterministic order, one row at a time.

Rows are not written in the order children are made: each list passes its rows through a small
shuffling buffer (a list is not sorted by the truth), and record ids are given as rows leave
it, so ids rise down the file as in a real export. Everything comes from one random stream
seeded by `seed`, so `generate` (in memory) and `write_stream` (to disk) give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

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
from generators.second.rows import Context, scramble
from generators.second.tables import Tables, load

SHUFFLE_BUFFER = 400

Row = tuple[str, dict[str, str], str]  # (source name, row, child id)


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

    def rows(self) -> Iterator[Row]:
        rng = random.Random(self.seed)
        tables = load()
        membership = Membership()
        ctx = Context(
            rng=rng, tables=tables, camp_groups=camp_groups(self.children_wanted, membership)
        )
        fixed = _overrides(self.profile, tables)
        by_name = {s.name: s for s in self.sources}
        buffers: dict[str, list[tuple[dict[str, str], str]]] = {s.name: [] for s in self.sources}
        emitted: dict[str, int] = dict.fromkeys(by_name, 0)

        def release(name: str, index: int) -> Row:
            buffer = buffers[name]
            buffer[index], buffer[-1] = buffer[-1], buffer[index]
            row, child_id = buffer.pop()
            row["record_id"] = RECORD_IDS[name].format(scramble(emitted[name], salt=self.seed))
            emitted[name] += 1
            return name, row, child_id

        made = 0
        number = 0
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
                    source = by_name[name]
                    build = BUILDERS[source.kind]
                    row = build(child, family, source, ctx)
                    buffers[name].append((row, child.child_id))
                    if rng.random() < DUPLICATE_RATE:
                        again = (
                            dict(row) if rng.random() < 0.5 else build(child, family, source, ctx)
                        )
                        buffers[name].append((again, child.child_id))
                    while len(buffers[name]) > SHUFFLE_BUFFER:
                        yield release(name, rng.randrange(len(buffers[name])))
        for name in by_name:
            while buffers[name]:
                yield release(name, rng.randrange(len(buffers[name])))


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
