"""Clustering into persons: constraints never broken, ids stable across runs."""

from __future__ import annotations

import random

import pytest

from kintrace.linkage.clustering import Clustering, Link, Resumable, cluster, sequential_ids


def _persons(result) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset(m) for m in result.members().values()}


def test_links_join_records_and_unlinked_records_stay_alone() -> None:
    result = cluster(
        ["a", "b", "c", "d"],
        [Link("a", "b", 0.99), Link("b", "c", 0.995)],
        new_id=sequential_ids([]),
    )
    assert _persons(result) == {frozenset("abc"), frozenset("d")}


def test_cannot_link_holds_through_a_chain() -> None:
    # a-b and b-c are strong, but a and c were marked different: c must not join a through b.
    result = cluster(
        ["a", "b", "c"],
        [Link("a", "b", 0.999), Link("b", "c", 0.995)],
        cannot_link=[("a", "c")],
        new_id=sequential_ids([]),
    )
    assert result.person_of["a"] != result.person_of["c"]
    assert result.person_of["a"] == result.person_of["b"]
    assert result.refused == [("b", "c")]


def test_stronger_link_wins_against_a_cannot_link_chain() -> None:
    # b-c is stronger than a-b: b goes with c, a stays apart from c.
    result = cluster(
        ["a", "b", "c"],
        [Link("a", "b", 0.991), Link("b", "c", 0.999)],
        cannot_link=[("a", "c")],
        new_id=sequential_ids([]),
    )
    assert _persons(result) == {frozenset("bc"), frozenset("a")}


def test_must_link_joins_without_a_score_and_conflicts_are_reported() -> None:
    result = cluster(
        ["a", "b", "c"],
        [],
        must_link=[("a", "b"), ("b", "c")],
        cannot_link=[("a", "c")],
        new_id=sequential_ids([]),
    )
    assert result.person_of["a"] == result.person_of["b"]
    assert result.person_of["c"] != result.person_of["a"]
    assert result.conflicts == [("b", "c")]


def test_person_keeps_its_id_when_a_new_record_joins() -> None:
    first = cluster(["a", "b", "c"], [Link("a", "b", 0.99)], new_id=sequential_ids([]))
    person = first.person_of["a"]
    second = cluster(
        ["a", "b", "c", "n"],
        [Link("a", "b", 0.99), Link("n", "b", 0.99)],
        previous=first.person_of,
        new_id=sequential_ids(first.person_of.values()),
    )
    assert second.person_of["n"] == person
    assert second.person_of["c"] == first.person_of["c"]


def test_split_person_keeps_the_id_on_the_larger_part() -> None:
    previous = {"a": "P0000001", "b": "P0000001", "c": "P0000001"}
    result = cluster(
        ["a", "b", "c"],
        [Link("a", "b", 0.99)],
        previous=previous,
        new_id=sequential_ids(previous.values()),
    )
    assert result.person_of["a"] == "P0000001"
    assert result.person_of["c"] == "P0000002"


def test_merge_of_two_persons_keeps_the_majority_id() -> None:
    previous = {"a": "P0000001", "b": "P0000001", "c": "P0000002"}
    result = cluster(
        ["a", "b", "c"],
        [Link("a", "b", 0.99), Link("b", "c", 0.99)],
        previous=previous,
        new_id=sequential_ids(previous.values()),
    )
    assert set(result.person_of.values()) == {"P0000001"}


@pytest.mark.parametrize(
    ("existing", "expected"),
    [([], "P0000001"), (["P0000041", "P0000007"], "P0000042"), (["X12", "P12"], "P0000013")],
)
def test_sequential_ids_continue_after_the_highest(existing: list[str], expected: str) -> None:
    assert sequential_ids(existing)() == expected


def test_unknown_records_in_links_are_ignored() -> None:
    result = cluster(["a"], [Link("a", "zz", 0.99)], new_id=sequential_ids([]))
    assert result.person_of == {"a": "P0000001"}


def _random_links(rng: random.Random, records: list[str], n: int, low: float, high: float):  # type: ignore[no-untyped-def]
    return [Link(*rng.sample(records, 2), round(rng.uniform(low, high), 3)) for _ in range(n)]


@pytest.mark.parametrize("seed", range(8))
def test_a_resumed_clustering_is_the_fresh_clustering_of_all_its_links(seed: int) -> None:
    # decide() clusters after the offers, then again with the unambiguous rule's links, all
    # below the auto links: continuing the first clustering must give what clustering every
    # link afresh gives (persons, ids, refusals), constraints and conflict test included.
    rng = random.Random(seed)
    records = [f"r{i:02d}" for i in range(40)]
    cannot = [tuple(rng.sample(records, 2)) for _ in range(10)]
    must = [tuple(rng.sample(records, 2)) for _ in range(3)]
    previous = {r: f"P{rng.randrange(6):07d}" for r in records[:25]}

    def conflict(a: str, b: str) -> bool:
        return (int(a[1:]) + int(b[1:])) % 7 == 0

    high = _random_links(rng, records, 30, 0.99, 1.0)
    low = _random_links(rng, records, 25, 0.8, 0.989)
    run = Resumable(records, must_link=must, cannot_link=cannot, conflict=conflict)
    first = run.resume(high, previous=previous, new_id=sequential_ids(previous.values()))
    second = run.resume(high + low, previous=previous, new_id=sequential_ids(previous.values()))

    def fresh(links: list[Link[str]]) -> Clustering[str]:
        return cluster(records, links, must_link=must, cannot_link=cannot, previous=previous,
                       new_id=sequential_ids(previous.values()), conflict=conflict)  # fmt: skip

    assert first == fresh(high)
    assert second == fresh(low + high)
    assert second is not None and second.refused  # the constraints were exercised


def test_links_that_sort_among_those_joined_are_not_continued() -> None:
    # a new link stronger than one already joined changes what joins first: the caller must
    # cluster afresh (the stronger b-c takes b, so a-b is refused; continuing would not say so)
    run = Resumable(["a", "b", "c"], cannot_link=[("a", "c")])
    joined = [Link("a", "b", 0.991)]
    assert run.resume(joined, new_id=sequential_ids([])) is not None
    assert run.resume([*joined, Link("b", "c", 0.999)], new_id=sequential_ids([])) is None
    assert run.resume([], new_id=sequential_ids([])) is None  # a link taken away
