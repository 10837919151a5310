"""The candidate pairs made in one SQL query (decision 0343): each rule its own join, merged by
one aggregation, instead of Splink's per-rule exclusions. The pairs, their `match_key` and
their scores must be the ones Splink's blocking gives. SYNTHETIC rows only."""

from __future__ import annotations

import random
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd
import pytest

from kintrace.linkage.blocking import pairs_sql
from kintrace.linkage.spec import BlockingRule, EitherSide, SourceKind, kintrace_spec
from kintrace.linkage.spec.base import rule

ADOPTION = frozenset({SourceKind.ADOPTION})


def _records(n: int, seed: int) -> pd.DataFrame:
    """Few given classes, places and fathers, some values missing, some adoption records."""
    rng = random.Random(seed)
    return pd.DataFrame(
        {
            "uid": range(1, n + 1),
            "given_class": [rng.choice(["g1", "g2", "g3"]) for _ in range(n)],
            "birth_place_key": [rng.choice(["p1", "p2", None]) for _ in range(n)],
            "patronymic_class": [rng.choice(["f1", "f2", None]) for _ in range(n)],
            "family_stem": [rng.choice(["s1", "s2", None]) for _ in range(n)],
            "birth_days": [rng.choice([15000, 15001, None]) for _ in range(n)],
            "source_kind": [rng.choice(["family", "camp", "adoption"]) for _ in range(n)],
        }
    )


def _rules() -> tuple[BlockingRule, ...]:
    unnamed = EitherSide("unnamed", missing=("family_stem",), kinds=ADOPTION)
    undated = EitherSide("undated", missing=("birth_days",), kinds=ADOPTION)
    return (
        rule("given_class", "birth_days", why="test"),
        rule("given_class", "birth_place_key", why="test", only_if=(undated,)),
        rule("given_class", "patronymic_class", why="test", only_if=(unnamed, undated)),
        rule("family_stem", why="test"),
    )


def _splink_style(rules: tuple[BlockingRule, ...]) -> str:
    """Splink's blocking: rule k is its join without the pairs of rules 0..k-1."""
    parts = []
    for k, r in enumerate(rules):
        before = "".join(f" AND NOT coalesce(({p.sql}), false)" for p in rules[:k])
        parts.append(
            f"SELECT '{k}' AS match_key, l.uid AS join_key_l, r.uid AS join_key_r "
            f"FROM f AS l JOIN f AS r ON {r.sql} WHERE l.uid < r.uid{before}"
        )
    return " UNION ALL ".join(parts)


def _rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, int, int]]:
    found = connection.execute(f"SELECT * FROM ({sql}) ORDER BY 2, 3").fetchall()
    return [(str(k), int(a), int(b)) for k, a, b in found]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_pairs_and_their_first_rule_are_splinks(seed: int) -> None:
    features = _records(80, seed)
    rules = _rules()
    connection = duckdb.connect()
    connection.register("f", features)
    expected = _rows(connection, _splink_style(rules))
    found = _rows(connection, pairs_sql(rules, "f"))
    assert found == expected
    # every rule contributes first somewhere, and pairs two rules make are there once
    assert {k for k, _, _ in found} == {str(k) for k in range(len(rules))}
    assert len({(a, b) for _, a, b in found}) == len(found)
    # the chunks part the pairs: each once, in the chunk of its two records
    chunked = []
    for i in (1, 2, 3):
        for j in (1, 2, 3):
            chunked += _rows(connection, pairs_sql(rules, "f", chunk=(i, j, 3)))
    assert sorted(chunked, key=lambda row: row[1:]) == expected


def test_a_conditioned_rule_pairs_a_record_meeting_it_on_either_side() -> None:
    # only the right-hand (larger uid) record of the pair is undated
    features = pd.DataFrame(
        {
            "uid": [1, 2, 3],
            "given_class": ["g1", "g1", "g1"],
            "birth_days": [15000, None, 15002],
            "source_kind": ["family", "family", "camp"],
        }
    )
    undated = EitherSide("undated", missing=("birth_days",))
    connection = duckdb.connect()
    connection.register("f", features)
    found = _rows(connection, pairs_sql((rule("given_class", why="t", only_if=(undated,)),), "f"))
    assert found == [("0", 1, 2), ("0", 2, 3)]


def test_no_rule_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one rule"):
        pairs_sql((), "f")


@pytest.mark.parametrize("candidates_only", [False, True])
def test_the_runner_scores_the_pairs_splinks_blocking_makes(candidates_only: bool) -> None:
    """Scored pairs with `pairs_sql` and with Splink's blocking, chunked or not: the same pairs,
    every column equal (the large-registry rules forced on a small dense list). With
    `candidates_only`, `pairs_sql`'s parts are cut to the columns and rows read before they are
    united (decision 0353); Splink's blocking keeps its whole table, filtered when read."""
    from tests.support.generators import use_bench_generators

    from kintrace.linkage import runner
    from kintrace.linkage.engine import EngineConfig, open_engine
    from kintrace.linkage.fallback import for_registry, load_shipped
    from kintrace.linkage.features import feature_table

    use_bench_generators()
    from linkage_scale_bench import second_records  # type: ignore[import-not-found]

    spec = replace(kintrace_spec(), large_registry=0)
    assert any(r.only_if for r in spec.blocking_for(1))
    features = feature_table(second_records(400, seed=5, profile="dense"))
    model = for_registry(load_shipped(spec), len(features))
    engine = open_engine(EngineConfig())
    try:
        frames = [
            runner.predict(
                spec,
                model,
                features,
                engine=engine,
                floor=0.001,
                chunks=chunks,
                candidates_only=candidates_only,
                splink_blocking=splink,
            )
            for splink, chunks in ((True, 1), (False, 1), (False, 2), (False, 3))
        ]
    finally:
        engine.close()
    first, *others = [f.sort_values(["uid_l", "uid_r"]).reset_index(drop=True) for f in frames]
    assert len(first) > 100
    for other in others:
        assert list(other.columns) == list(first.columns)
        for column in first.columns:
            a, b = first[column], other[column]
            if pd.api.types.is_float_dtype(a):
                assert np.array_equal(a.to_numpy(), b.to_numpy(), equal_nan=True), column
            else:
                assert a.astype(object).tolist() == b.astype(object).tolist(), column
