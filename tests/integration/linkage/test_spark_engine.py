"""The same model on Spark (local[2]) gives the same pairs and probabilities as on DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.support.generators import use_bench_generators

from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.fallback import for_registry, load_shipped
from kintrace.linkage.features import feature_table
from kintrace.linkage.pipeline import candidates
from kintrace.linkage.runner import predict, train
from kintrace.linkage.spec import kintrace_spec

from .synthetic import make_children, make_rows


def _records() -> pd.DataFrame:
    rows = make_rows(make_children(40, twins=2))
    out = []
    for uid, r in enumerate(rows, start=1):
        parts = [int(p) for p in r["birth_date"].split("-")]
        out.append(
            {
                "uid": uid, "source": r["source"], "record_id": r["record_id"],
                "source_kind": "test", "given_name": r.get("given_name"),
                "family_name": r.get("family_name"), "patronymic": None, "full_name": None,
                "sex": r.get("sex"), "birth_year": parts[0], "birth_month": parts[1],
                "birth_day": parts[2] if len(parts) > 2 else None, "age": None,
                "observed_on": None, "birth_place": r.get("birth_place"),
                "last_known_place": None,
            }
        )  # fmt: skip
    return pd.DataFrame(out)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_scores_the_same_pairs_as_duckdb() -> None:
    spec = kintrace_spec()
    features = feature_table(_records())
    duck = open_engine(EngineConfig(name="duckdb"))
    try:
        model = train(spec, features, engine=duck)
        on_duckdb = predict(spec, model, features, engine=duck)
    finally:
        duck.close()
    spark = open_engine(EngineConfig(name="spark"))
    try:
        on_spark = predict(spec, model, features, engine=spark)
    finally:
        spark.close()
    merged = on_duckdb.merge(
        on_spark, on=["uid_l", "uid_r"], how="outer", suffixes=("_d", "_s"), indicator=True
    )
    assert len(on_duckdb) > 50
    assert (merged["_merge"] == "both").all()
    difference = (merged["match_probability_d"] - merged["match_probability_s"]).abs()
    assert difference.max() < 1e-6


@pytest.mark.spark
@pytest.mark.slow
def test_the_pairs_below_the_floor_are_selected_alike_on_spark() -> None:
    """The selection of decision 0341 (window function, joins) is plain SQL on both engines:
    the same candidates leave DuckDB and Spark, in the same order. SYNTHETIC records (the
    second generator's dense lists, adoption listings included)."""
    use_bench_generators()
    from linkage_scale_bench import second_records  # type: ignore[import-not-found]

    spec = kintrace_spec()
    features = feature_table(second_records(150, seed=5, profile="dense"))
    model = for_registry(load_shipped(spec), len(features))
    floor = spec.thresholds.candidate_floor
    chosen = []
    for name in ("duckdb", "spark"):
        engine = open_engine(EngineConfig(name=name))  # type: ignore[arg-type]
        try:
            every = predict(spec, model, features, engine=engine, floor=floor)
            only = predict(spec, model, features, engine=engine, floor=floor, candidates_only=True)
        finally:
            engine.close()
        assert len(only) < len(candidates(spec, every))  # the selection leaves pairs out
        chosen.append(list(zip(only["uid_l"], only["uid_r"], strict=True)))
    assert chosen[0] == chosen[1]
    assert len(chosen[0]) > 50
