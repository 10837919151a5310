"""Blocking rules conditioned on their purpose (issue 10 items 1 and 5, decision 0326): the
condition's SQL, the rules declaring it, and the pairs it leaves, counted by the block plan the
same as the SQL pairs them in DuckDB. SYNTHETIC rows only."""

from __future__ import annotations

import random
from itertools import combinations

import duckdb
import pandas as pd
import pytest

from kintrace.linkage.blocking import meets, pairs_blocked, plan_blocking
from kintrace.linkage.spec import BlockingRule, EitherSide, SourceKind, kintrace_spec
from kintrace.linkage.spec.base import Training, rule
from kintrace.linkage.spec.kinds import KINTRACE_KINDS
from kintrace.linkage.spec.model import SURNAMELESS, UNDATED

ADOPTION = frozenset({SourceKind.ADOPTION})


def test_the_condition_is_met_by_either_record_lacking_a_value_or_of_a_kind() -> None:
    undated = EitherSide("undated", missing=("birth_days",), kinds=ADOPTION)
    assert undated.sql == (
        "(l.birth_days IS NULL OR l.source_kind = 'adoption' "
        "OR r.birth_days IS NULL OR r.source_kind = 'adoption')"
    )
    assert undated.columns == ("birth_days", "source_kind")
    assert EitherSide("no surname", missing=("family_stem",)).sql == (
        "(l.family_stem IS NULL OR r.family_stem IS NULL)"
    )
    with pytest.raises(ValueError, match="expected a missing column or a kind"):
        EitherSide("nothing")


def test_a_conditioned_rule_joins_on_its_columns_then_filters() -> None:
    plain = rule("given_class", "birth_place_key", why="test")
    assert plain.sql == "l.given_class = r.given_class AND l.birth_place_key = r.birth_place_key"
    assert plain.name == "given_class+birth_place_key" and plain.only_if == ()
    undated = EitherSide("undated", missing=("birth_days",), kinds=ADOPTION)
    named = EitherSide("unnamed", missing=("family_stem",))
    both = rule("given_class", "patronymic_class", why="test", only_if=(named, undated))
    assert both.name == "given_class+patronymic_class if unnamed if undated"
    assert both.sql == (
        "l.given_class = r.given_class AND l.patronymic_class = r.patronymic_class AND "
        "(l.family_stem IS NULL OR r.family_stem IS NULL) AND "
        "(l.birth_days IS NULL OR l.source_kind = 'adoption' "
        "OR r.birth_days IS NULL OR r.source_kind = 'adoption')"
    )
    assert both.reads == (
        "given_class", "patronymic_class", "family_stem", "birth_days", "source_kind"
    )  # fmt: skip


def test_the_kintrace_conditions_take_their_kinds_from_the_source_kind_policy() -> None:
    assert UNDATED.kinds == KINTRACE_KINDS.birth_date and UNDATED.missing == ("birth_days",)
    assert SURNAMELESS.kinds == KINTRACE_KINDS.surname
    assert SURNAMELESS.missing == ("family_stem",)
    spec = kintrace_spec()
    every = {*spec.blocking_rules, *spec.large_blocking_rules}
    assert any(r.only_if for r in every)
    for r in every:
        # a condition is a purpose's: it only narrows a rule that pairs on something
        assert r.columns
        for condition in r.only_if:
            assert condition.kinds <= KINTRACE_KINDS.rewriting
    assert "source_kind" in spec.columns()


def test_training_rules_carry_no_condition() -> None:
    spec = kintrace_spec()
    conditioned = rule("birth_days", why="test", only_if=(UNDATED,))
    with pytest.raises(ValueError, match="carry conditions"):
        Training(prior_rules=spec.training.prior_rules, prior_recall=0.5, em_rules=(conditioned,))


def _records(n: int, seed: int) -> pd.DataFrame:
    """Records of few given classes, places and fathers, some undated, some unnamed, some of
    an adoption listing (SYNTHETIC)."""
    rng = random.Random(seed)
    spec = kintrace_spec()
    rows = []
    for i in range(n):
        row: dict[str, object] = {c: None for c in spec.columns()}
        row |= {
            "uid": i + 1,
            "given_class": rng.choice(["g1", "g2", "g3"]),
            "birth_place_key": rng.choice(["p1", "p2", None]),
            "patronymic_class": rng.choice(["f1", "f2"]),
            "family_stem": rng.choice(["s1", "s2", "s3", None]),
            "birth_days": rng.choice([15000, 15001, None]),
            "source_kind": rng.choice(["family", "camp", "adoption"]),
        }
        rows.append(row)
    return pd.DataFrame(rows)


def _brute_force(r: BlockingRule, features: pd.DataFrame) -> int:
    """The pairs `r` makes, record by record in Python (a NULL equals nothing)."""

    def lacks(row: dict[str, object], column: str) -> bool:
        return bool(pd.isna(row[column]))  # type: ignore[call-overload]

    def met(row: dict[str, object], condition: EitherSide) -> bool:
        kinds = {str(k) for k in condition.kinds}
        return any(lacks(row, c) for c in condition.missing) or row["source_kind"] in kinds

    count = 0
    for a, b in combinations(features.to_dict("records"), 2):
        equal = all(not lacks(a, c) and a[c] == b[c] for c in r.columns)
        count += equal and all(met(a, c) or met(b, c) for c in r.only_if)
    return count


@pytest.mark.parametrize("seed", [1, 2])
def test_the_plan_counts_the_pairs_the_sql_makes(seed: int) -> None:
    features = _records(60, seed)
    named = EitherSide("unnamed", missing=("family_stem",), kinds=ADOPTION)
    undated = EitherSide("undated", missing=("birth_days",), kinds=ADOPTION)
    rules = (
        rule("given_class", "birth_place_key", why="test", only_if=(undated,)),
        rule("given_class", "patronymic_class", why="test", only_if=(named, undated)),
        rule("given_class", why="test"),
    )
    spec = kintrace_spec()
    spec = type(spec)(**{**spec.__dict__, "blocking_rules": rules, "large_blocking_rules": ()})
    plan = plan_blocking(spec, features, cap=1000)
    connection = duckdb.connect()
    connection.register("f", features)
    for r in rules:
        sql = f"SELECT count(*) FROM f l JOIN f r ON {r.sql} WHERE l.uid < r.uid"
        (in_sql,) = connection.execute(sql).fetchone()  # type: ignore[misc]
        assert plan.pairs[r.name] == in_sql == _brute_force(r, features), r.name
    # the condition leaves pairs out here, or the test would prove nothing
    assert plan.pairs[rules[0].name] < plan.pairs[rules[2].name]
    # a capped block of a conditioned rule reports the pairs the rule would have made in it
    capped = plan_blocking(spec, features, cap=5)
    avoided = {c.rule: c.pairs_avoided for c in capped.capped}
    assert avoided[rules[0].name] + capped.pairs[rules[0].name] == plan.pairs[rules[0].name]
    assert avoided[rules[2].name] + capped.pairs[rules[2].name] == plan.pairs[rules[2].name]
    # the pairs frame test (the scale bench's blocking recall) agrees with the SQL too
    every = features.merge(features, how="cross", suffixes=("_l", "_r"))
    every = every[every["uid_l"] < every["uid_r"]]
    for r in rules:
        assert int(pairs_blocked(r, every).sum()) == plan.pairs[r.name], r.name
    # a record meets a condition by a missing value or by its kind
    lacking = meets(undated, features)
    assert lacking.eq(features["birth_days"].isna() | features["source_kind"].eq("adoption")).all()


def test_an_incremental_run_scores_the_pairs_a_full_run_makes_under_conditioned_rules() -> None:
    """The large-registry rules (conditioned) forced on a small dense list: the new records'
    pairs scored against the rest are those a full run scores (SYNTHETIC, second generator)."""
    from dataclasses import replace

    from tests.support.generators import use_bench_generators

    from kintrace.linkage import runner
    from kintrace.linkage.engine import EngineConfig, open_engine
    from kintrace.linkage.fallback import for_registry, load_shipped
    from kintrace.linkage.features import feature_table

    use_bench_generators()
    from linkage_scale_bench import second_records  # type: ignore[import-not-found]

    spec = replace(kintrace_spec(), large_registry=0)
    assert any(r.only_if for r in spec.blocking_for(1))
    features = feature_table(second_records(300, seed=5, profile="dense"))
    model = for_registry(load_shipped(spec), len(features))
    old, new = features.iloc[:-50], features.iloc[-50:]
    engine = open_engine(EngineConfig())
    try:
        full = runner.predict(spec, model, features, engine=engine, floor=0.001)
        fresh = runner.predict_incremental(
            spec, model, existing=old, new=new, engine=engine, floor=0.001
        )
    finally:
        engine.close()

    def pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
        return {
            (min(a, b), max(a, b))
            for a, b in zip(frame["uid_l"].astype(int), frame["uid_r"].astype(int), strict=True)
        }

    touched = set(new["uid"].astype(int))
    expected = {p for p in pairs(full) if touched & set(p)}
    assert expected and pairs(fresh) == expected
