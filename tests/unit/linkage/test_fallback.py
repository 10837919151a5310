"""The shipped model and when it is used: it fits the spec, says where it came from, is package
data; a registry short of the training criteria, or whose training fails or comes out unsound,
is scored with it (decision 0320)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kintrace.linkage import fallback, runner
from kintrace.linkage.features import feature_table
from kintrace.linkage.spec import kintrace_spec
from kintrace.linkage.spec.floors import FlooredModel, doubts, floor_model
from support.linkage import record_row

ROOT = Path(__file__).resolve().parents[3]


def test_the_shipped_model_fits_the_spec_and_says_where_it_came_from() -> None:
    """Fails when the spec's comparisons or levels change: regenerate the model with
    `python scripts/train_fallback_model.py` (docs/linkage.md)."""
    spec = kintrace_spec()
    shipped = fallback.load_shipped(spec)
    assert floor_model(spec, shipped.model).changes == ()  # floored when it was made
    assert doubts(spec, shipped.model) == []
    p = shipped.provenance
    assert p["name"] == "kintrace-fallback" and isinstance(p["version"], int)
    assert p["synthetic"] is True and "SYNTHETIC" in p["note"]
    for key in ("created", "kintrace_version", "splink_version", "code_hash", "records", "prior"):
        assert p[key], key
    generators = {d["generator"] for d in p["datasets"]}
    assert "kintrace.demo" in generators
    assert all(d["seed"] is not None and d["children"] > 0 for d in p["datasets"])
    line = shipped.describe()
    assert shipped.label in line and p["created"] in line and p["code_hash"][:12] in line


def test_the_shipped_model_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]["kintrace"]
    assert "linkage/models/*.json" in data
    assert (ROOT / "src/kintrace/linkage/models" / fallback.SHIPPED_FILE).is_file()


def test_lambda_is_rescaled_to_the_registry() -> None:
    shipped = fallback.load_shipped(kintrace_spec())
    lam = shipped.model["probability_two_random_records_match"]
    trained_on = shipped.provenance["records"]
    small = fallback.for_registry(shipped, 300)
    assert small["probability_two_random_records_match"] == pytest.approx(
        lam * (trained_on - 1) / 299
    )
    assert fallback.for_registry(shipped, 2)["probability_two_random_records_match"] == 0.5
    # the shipped model itself is not changed
    assert shipped.model["probability_two_random_records_match"] == lam


def _features(n_per_source: int, sources: int = 2) -> pd.DataFrame:
    """Records of one child per source, all alike: enough pairs for every rule."""
    rows: list[dict[str, object]] = []
    for s in range(sources):
        for _ in range(n_per_source):
            rows.append(
                record_row(len(rows) + 1, source=f"s{s}", given_name="Олена",
                           family_name="Бондаренко", birth_year=2012, birth_month=3, birth_day=4)
            )  # fmt: skip
    return feature_table(pd.DataFrame(rows))


def test_a_registry_short_of_the_criteria_is_told_why() -> None:
    spec = kintrace_spec()
    found = fallback.training_blockers(spec, _features(5, sources=1))
    assert any("5 records; training needs at least 1,000" in f for f in found)
    assert any("1 source(s); training needs lists from at least 2" in f for f in found)
    assert fallback.training_blockers(spec, _features(600)) == []  # 1,200 records, 2 sources


def test_no_pair_for_the_prior_is_a_reason() -> None:
    rows = [record_row(i, source=f"s{i % 2}", given_name=name, birth_year=2010 + i)
            for i, name in enumerate(["Олена", "Іван", "Марія"], start=1)]  # fmt: skip
    found = fallback.training_blockers(kintrace_spec(), feature_table(pd.DataFrame(rows)))
    assert any("no two records share given_class+family_stem+birth_days" in f for f in found)


def _trained(monkeypatch: pytest.MonkeyPatch, result: Any) -> None:
    def fake(*_args: object, **_kwargs: object) -> FlooredModel:
        if isinstance(result, Exception):
            raise result
        return FlooredModel(result, ())

    monkeypatch.setattr(runner, "train_floored", fake)


def test_failed_training_falls_back_to_the_shipped_model(monkeypatch: pytest.MonkeyPatch) -> None:
    _trained(monkeypatch, runner.TrainingError("EM on birth_days estimated ... never occurs"))
    choice = fallback.choose_model(kintrace_spec(), _features(600), engine=None)  # type: ignore[arg-type]
    assert choice.origin == "shipped" and choice.label.startswith("kintrace-fallback v")
    assert choice.reasons == ("training stopped: EM on birth_days estimated ... never occurs",)
    assert "trained" in choice.about and json.loads(choice.as_json())["label"] == choice.label


def test_an_unsound_trained_model_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = kintrace_spec()
    unsound = json.loads(json.dumps(fallback.load_shipped(spec).model))
    same_sex = unsound["comparisons"][4]["comparison_levels"][1]
    same_sex["m_probability"], same_sex["u_probability"] = 0.2, 0.6  # agreeing speaks against
    _trained(monkeypatch, unsound)
    choice = fallback.choose_model(spec, _features(600), engine=None)  # type: ignore[arg-type]
    assert choice.origin == "shipped"
    assert choice.reasons[0].startswith("the model trained on this registry is unsound: sex")


def test_a_sound_trained_model_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = kintrace_spec()
    model = fallback.load_shipped(spec).model
    _trained(monkeypatch, model)
    choice = fallback.choose_model(spec, _features(600), engine=None)  # type: ignore[arg-type]
    assert choice.origin == "trained" and choice.model is model and choice.reasons == ()


def test_a_given_model_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    _trained(monkeypatch, AssertionError("a given model must not train"))
    given = {"comparisons": []}
    choice = fallback.choose_model(kintrace_spec(), _features(2), engine=None, given=given)  # type: ignore[arg-type]
    assert choice.origin == "given" and choice.model is given
