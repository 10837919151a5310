"""What every list builder shares: the record it returns and the context it draws from."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from kintrace.demo.children import Child
from kintrace.demo.proportions import Proportions
from kintrace.demo.tables import Tables

SYNTHETIC_MARK = "SYNTHETIC"  # value of the `synthetic` column in every row of every list


@dataclass(slots=True)
class Record:
    """One row of one list, before its record_id is assigned, with the truth behind it."""

    source: str
    child: Child
    fields: dict[str, str | int]
    tags: list[str] = field(default_factory=list)

    def tag(self, name: str) -> None:
        if name not in self.tags:
            self.tags.append(name)


@dataclass(slots=True)
class Context:
    """Randomness, tables and running numbers for one generation run."""

    rng: random.Random
    tables: Tables
    props: Proportions
    children: int  # size of the run, for pools shared by unrelated children (transports)
    groups: Counter[str] = field(default_factory=Counter)

    def next_group(self, source: str) -> int:
        self.groups[source] += 1
        return self.groups[source]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


def child_tags(record: Record) -> None:
    """Tags that describe the child rather than the list: twin, look-alike."""
    if record.child.twin:
        record.tag("twin")
    if record.child.similar_to:
        record.tag("similar_name")


def tag_sibling_groups(records: list[Record]) -> None:
    """Mark rows listed together with a sibling (same group_id, same family, another child)."""
    by_group: dict[str | int, set[str]] = {}
    for record in records:
        group = record.fields.get("group_id", "")
        if group != "":
            by_group.setdefault(group, set()).add(record.child.child_id)
    for record in records:
        group = record.fields.get("group_id", "")
        if group != "" and len(by_group[group]) > 1:
            record.tag("sibling_group")
