"""Name feature columns for the linkage model (issue 3, item 6).

The model's comparison levels over these columns are written once, in the linkage model's spec
(`kintrace.linkage.spec.model`); `compare` is the same knowledge for a person reading two names.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.names import FEATURE_COLUMNS, record_name_features


def test_columns_are_complete_and_documented() -> None:
    row = record_name_features(given="Саша", family="Ковальова", patronymic=None,
                               full_name=None, sex="ж")  # fmt: skip
    assert tuple(row) == FEATURE_COLUMNS
    docs = (Path(__file__).resolve().parents[3] / "docs" / "names.md").read_text("utf-8")
    for column in FEATURE_COLUMNS:
        assert f"`{column}`" in docs, f"{column} is not documented in docs/names.md"


EXAMPLES = [
    # kwargs, expected subset
    (
        {"given": "Саша", "family": "Ковальова", "patronymic": None, "full_name": None, "sex": "ж"},
        {
            "given_classes": ["oleksandr:m", "oleksandra:f"],
            "given_gender": None,
            "given_is_diminutive": True,
            "family_gender": "F",
            "name_gender": "F",
            "sex": "F",
        },
    ),
    (
        {
            "given": None,
            "family": None,
            "patronymic": None,
            "full_name": "Ковальчук Олександр Петрович",
            "sex": "M",
        },
        {
            "given_key": "oleksandr",
            "given_class_primary": "oleksandr:m",
            "family_key": "kovalčuk",
            "patronymic_class": "petro:m",
            "full_key": "oleksandr kovalčuk petrovič",
        },
    ),
    (
        {
            "given": "Олександр Петрович",
            "family": "Ковальчук",
            "patronymic": None,
            "full_name": None,
            "sex": None,
        },
        {"given_key": "oleksandr", "patronymic_class": "petro:m"},
    ),
    (
        {"given": None, "family": None, "patronymic": None, "full_name": None, "sex": "x"},
        {"given_key": None, "family_key": None, "full_key": None, "sex": None},
    ),
    (
        {
            "given": "О.П.",
            "family": "Ковальчук",
            "patronymic": None,
            "full_name": None,
            "sex": None,
        },
        {"given_key": "o", "patronymic_key": "p", "family_key": "kovalčuk"},
    ),
    (
        {"given": "😀", "family": "123", "patronymic": "", "full_name": None, "sex": None},
        {"given_key": None, "family_key": None},
    ),
]


@pytest.mark.parametrize(("kwargs", "expected"), EXAMPLES)
def test_record_name_features(kwargs: dict[str, str | None], expected: dict[str, object]) -> None:
    row = record_name_features(**kwargs)  # type: ignore[arg-type]
    assert {k: row[k] for k in expected} == expected


def test_primary_class_of_a_shared_diminutive_follows_sex() -> None:
    girl = record_name_features(given="Саша", family=None, patronymic=None, full_name=None, sex="F")
    boy = record_name_features(given="Саша", family=None, patronymic=None, full_name=None, sex="M")
    assert girl["given_class_primary"] == "oleksandra:f"
    assert boy["given_class_primary"] == "oleksandr:m"


def test_bracketed_nicknames_are_left_out_of_the_keys() -> None:
    row = record_name_features(
        given="Олександр (Саша)", family="Ковальчук (Петренко)", patronymic=None,
        full_name=None, sex=None,
    )  # fmt: skip
    assert (row["given_key"], row["family_key"]) == ("oleksandr", "kovalčuk")


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.text(max_size=60)),
    st.one_of(st.none(), st.text(max_size=60)),
    st.one_of(st.none(), st.text(max_size=60)),
    st.one_of(st.none(), st.text(max_size=120)),
    st.one_of(st.none(), st.text(max_size=8)),
)
def test_record_name_features_never_raise(
    g: str | None, f: str | None, p: str | None, full: str | None, sex: str | None
) -> None:
    row = record_name_features(given=g, family=f, patronymic=p, full_name=full, sex=sex)
    assert tuple(row) == FEATURE_COLUMNS
    assert row["sex"] in (None, "M", "F")
    assert row["name_gender"] in (None, "M", "F")
