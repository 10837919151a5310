"""The model spec: consistent with the feature table, thresholds validated, neutral SQL."""

from __future__ import annotations

import pytest

from kintrace.linkage.spec import FEATURE_COLUMNS, Thresholds, kintrace_spec
from kintrace.linkage.spec.base import comparison, else_level, exact, null_level


def test_every_column_the_model_reads_is_a_documented_feature() -> None:
    assert set(kintrace_spec().columns()) <= set(FEATURE_COLUMNS)


@pytest.mark.parametrize(
    ("probability", "status"),
    [(0.999, "auto"), (0.99, "auto"), (0.98, "pending"), (0.5, "pending"), (0.49, None)],
)
def test_thresholds_decide_the_status(probability: float, status: str | None) -> None:
    assert Thresholds(auto_link=0.99, review_floor=0.5).status(probability) == status


@pytest.mark.parametrize(("auto", "floor"), [(0.5, 0.9), (1.2, 0.5), (0.9, 0.0)])
def test_thresholds_out_of_order_are_refused(auto: float, floor: float) -> None:
    with pytest.raises(ValueError, match="expected 0 < review floor"):
        Thresholds(auto_link=auto, review_floor=floor)


def test_a_comparison_must_start_with_null_and_end_with_else() -> None:
    with pytest.raises(ValueError, match="last level"):
        comparison("x", "x", [null_level("x"), exact("x", label="same")])
    with pytest.raises(ValueError, match="first level"):
        comparison("x", "x", [exact("x", label="same"), else_level()])


def test_custom_sql_is_backend_neutral() -> None:
    banned = ("strptime", "to_date", "date_diff", "datediff", "list_", "array_", "jaro")
    for comp in kintrace_spec().comparisons:
        for level in comp.levels:
            if level.sql:
                assert not any(word in level.sql.lower() for word in banned), level.label


def test_blocking_reaches_records_with_replaced_names_and_places() -> None:
    rules = {r.columns for r in kintrace_spec().blocking_rules}
    assert ("birth_days", "sex") in rules  # adoption: names replaced, birth date kept
    assert ("given_class", "birth_year", "sex") in rules  # surname and birthplace replaced
    assert ("given_class", "birth_place_key") in rules  # birth date changed


def test_source_kinds_are_the_registrys_and_parse_the_demo_names() -> None:
    from kintrace.linkage.spec import SourceKind
    from kintrace.registry.sources import SOURCE_KINDS

    assert tuple(k.value for k in SourceKind) == SOURCE_KINDS
    assert SourceKind.parse("adoption_listing") is SourceKind.ADOPTION
    assert SourceKind.parse(" Camp ") is SourceKind.CAMP
    assert SourceKind.parse("scale") is SourceKind.UNKNOWN
    assert SourceKind.parse(None) is SourceKind.UNKNOWN


def test_the_kind_policy_decides_the_neutral_levels() -> None:
    from kintrace.linkage.spec import KINTRACE_KINDS, SourceKind, generic_spec

    spec = kintrace_spec()
    assert spec.kinds is KINTRACE_KINDS and SourceKind.ADOPTION in spec.kinds.surname
    neutral = {c.name: v.condition() for c in spec.comparisons for v in c.levels if v.neutral}
    condition = "source_kind_l = 'adoption' OR source_kind_r = 'adoption'"
    assert neutral == dict.fromkeys(("family_name", "patronymic", "birth_place"), condition)
    generic = generic_spec(string_columns=["a", "b"], blocking=[["a"]])
    assert not generic.kinds.rewriting
    assert not [v for c in generic.comparisons for v in c.levels if v.neutral]
