"""Resolve records into persons: links in, stable person ids out, constraints always kept.

Pure Python (no Splink, no database), so the review issue's decisions and the tests can drive it
directly. Three rules:

1. Must-links (a reviewer confirmed the pair) join first, whatever the score.
2. Scored links then join in order of decreasing probability, unless the join would put two
   records under a cannot-link into one person, even through a chain of other links (a reviewer
   said "different", or the twin rule: same family, same birth date, different given name), or
   two records a `conflict` test says are two children (rows listed together, namesakes: see
   `constraints.IdentityConflicts`). Must-links are not held back by the conflict test.
3. A person keeps its id when records join or leave it: each new person takes the id most of its
   records had before (the larger person wins a contested id); only persons with no history get a
   new id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Link(Generic[K]):
    """A scored pair eligible to join (auto-linked, or above whatever bar the caller chose)."""

    left: K
    right: K
    probability: float


@dataclass
class Clustering(Generic[K]):
    """The outcome: person id per record, and what the constraints refused."""

    person_of: dict[K, str]
    refused: list[tuple[K, K]] = field(default_factory=list)
    conflicts: list[tuple[K, K]] = field(default_factory=list)

    def members(self) -> dict[str, list[K]]:
        found: dict[str, list[K]] = defaultdict(list)
        for record, person in self.person_of.items():
            found[person].append(record)
        return dict(found)


class _Components(Generic[K]):
    """Union-find that refuses a union joining two records under a cannot-link, or two records
    `conflict` says are different."""

    def __init__(
        self,
        records: Iterable[K],
        cannot_link: Iterable[tuple[K, K]],
        conflict: Callable[[K, K], bool] | None = None,
    ) -> None:
        self.conflict = conflict
        self.parent: dict[K, K] = {r: r for r in records}
        self.members: dict[K, list[K]] = {r: [r] for r in self.parent}
        self.cannot: dict[K, set[K]] = defaultdict(set)
        for a, b in cannot_link:
            if a in self.parent and b in self.parent and a != b:
                self.cannot[a].add(b)
                self.cannot[b].add(a)

    def find(self, record: K) -> K:
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:
            self.parent[record], record = root, self.parent[record]
        return root

    def blocked(self, root_a: K, root_b: K, *, test_conflict: bool = True) -> bool:
        small, other = sorted((root_a, root_b), key=lambda r: len(self.members[r]))
        for member in self.members[small]:
            for partner in self.cannot.get(member, ()):
                if self.find(partner) == other:
                    return True
        conflict = self.conflict
        if conflict is None or not test_conflict:
            return False
        # every record of one side against every record of the other: persons are small
        return any(conflict(a, b) for a in self.members[small] for b in self.members[other])

    def union(self, a: K, b: K, *, force: bool = False, test_conflict: bool = True) -> bool:
        """Join the components of `a` and `b`; False when a cannot-link (or, with
        `test_conflict`, the conflict test) forbids it."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if not force and self.blocked(root_a, root_b, test_conflict=test_conflict):
            return False
        if len(self.members[root_a]) < len(self.members[root_b]):
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.members[root_a].extend(self.members.pop(root_b))
        return True


def cluster(
    records: Iterable[K],
    links: Iterable[Link[K]],
    *,
    must_link: Iterable[tuple[K, K]] = (),
    cannot_link: Iterable[tuple[K, K]] = (),
    previous: Mapping[K, str] | None = None,
    new_id: Callable[[], str],
    conflict: Callable[[K, K], bool] | None = None,
) -> Clustering[K]:
    """Cluster `records` into persons (see the module docstring for the rules).

    `previous` maps records to the person ids of the last clustering; `new_id` mints an id for a
    person none of whose records had one. Links and constraints naming unknown records are ignored.
    A must-link that contradicts a cannot-link is not applied and is reported in `conflicts`.
    `conflict(a, b)` says two records are surely two persons; it holds back links, never a
    reviewer's must-link.
    """
    run = Resumable(records, must_link=must_link, cannot_link=cannot_link, conflict=conflict)
    clustering = run.resume(links, previous=previous, new_id=new_id)
    assert clustering is not None  # nothing joined yet: every link list continues it
    return clustering


def _order(link: Link[K]) -> tuple[float, str, str]:
    """The order links join in: highest probability first, then the records' names."""
    return (-link.probability, repr(link.left), repr(link.right))


class Resumable(Generic[K]):
    """`cluster`, kept open so that a later clustering of the same records and constraints with
    more links continues it instead of starting again (`decide()` clusters a whole registry
    after each rule that adds links: at a million records, three times).

    `resume(links)` sorts the links as `cluster` does; when the links already joined are the
    first of that order, only the rest are joined, on the same components, so every union and
    every test is the one a fresh `cluster` would make, in the same order, and the outcome is
    the same. Otherwise (a link removed, or a new one sorting among the old) it returns None
    and the caller clusters afresh."""

    def __init__(
        self,
        records: Iterable[K],
        *,
        must_link: Iterable[tuple[K, K]] = (),
        cannot_link: Iterable[tuple[K, K]] = (),
        conflict: Callable[[K, K], bool] | None = None,
    ) -> None:
        self.components: _Components[K] = _Components(records, cannot_link, conflict)
        known = self.components.parent
        self.conflicts: list[tuple[K, K]] = []
        for a, b in sorted(must_link, key=repr):
            if a in known and b in known and not self.components.union(a, b, test_conflict=False):
                self.conflicts.append((a, b))
        self.joined: list[Link[K]] = []
        self.refused: list[tuple[K, K]] = []

    def resume(
        self,
        links: Iterable[Link[K]],
        *,
        previous: Mapping[K, str] | None = None,
        new_id: Callable[[], str],
    ) -> Clustering[K] | None:
        """The clustering with `links` (all of them, those joined before included), or None
        when they do not continue the links joined before (see the class docstring)."""
        ordered = sorted(links, key=_order)
        done = len(self.joined)
        if ordered[:done] != self.joined:
            return None
        components, known = self.components, self.components.parent
        for link in ordered[done:]:
            in_scope = link.left in known and link.right in known
            if in_scope and not components.union(link.left, link.right):
                self.refused.append((link.left, link.right))
        self.joined = ordered
        person_of = _stable_ids(components, previous or {}, new_id)
        return Clustering(
            person_of=person_of, refused=list(self.refused), conflicts=list(self.conflicts)
        )


def _stable_ids(
    components: _Components[K], previous: Mapping[K, str], new_id: Callable[[], str]
) -> dict[K, str]:
    groups = list(components.members.values())
    # Larger persons choose first, so a contested id stays with most of its records.
    groups.sort(key=lambda members: (-len(members), min(repr(m) for m in members)))
    taken: set[str] = set()
    person_of: dict[K, str] = {}
    for members in groups:
        had = [previous[m] for m in members if m in previous]
        chosen = None
        if len(had) == 1:  # the common case, without a count and a sort per person
            chosen = had[0] if had[0] not in taken else None
        elif had:
            votes = Counter(had)
            for person_id, _count in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
                if person_id not in taken:
                    chosen = person_id
                    break
        if chosen is None:
            chosen = new_id()
            while chosen in taken:
                chosen = new_id()
        taken.add(chosen)
        for member in members:
            person_of[member] = chosen
    return person_of


def sequential_ids(existing: Iterable[str], *, prefix: str = "P") -> Callable[[], str]:
    """An id minter continuing after the highest `P0000123`-style id already used."""
    highest = 0
    for person_id in existing:
        digits = person_id[len(prefix) :]
        if person_id.startswith(prefix) and digits.isdigit():
            highest = max(highest, int(digits))
    counter = [highest]

    def mint() -> str:
        counter[0] += 1
        return f"{prefix}{counter[0]:07d}"

    return mint
