"""`compare` (issue 3, item 6): decisions, levels and reasons; bad input never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kintrace.names import MATCH, NO_MATCH, NameParts, compare, split_full_name
from kintrace.names.compare import score_ceiling

CASES = [
    # a, b, decision, expected levels (given, family, patronymic), why
    (
        "Олександр Ковальчук",
        "Oleksandr Kovalchuk",
        MATCH,
        ("exact", "exact", "missing"),
        "script only",
    ),
    (
        "Олександр Ковальчук",
        "Александр Ковальчук",
        MATCH,
        ("equivalent", "exact", "missing"),
        "Ukrainian vs Russian first name",
    ),
    (
        "Sasha Kovalchuk",
        "Олександр Ковальчук",
        MATCH,
        ("diminutive", "exact", "missing"),
        "diminutive in Latin",
    ),
    (
        "Олександр Ковальчук",
        "Олександра Ковальчук",
        NO_MATCH,
        ("different", "exact", "missing"),
        "Олександр is not Олександра",
    ),
    (
        "Іван Коваль",
        "Іван Ковальчук",
        NO_MATCH,
        ("exact", "different", "missing"),
        "Коваль is not Ковальчук",
    ),
    (
        "Марія Мельник",
        "Марина Мельник",
        NO_MATCH,
        ("different", "exact", "missing"),
        "Марія is not Марина",
    ),
    (
        "Саша Ковальов",
        "Саша Ковальова",
        NO_MATCH,
        ("exact", "gender_form", "missing"),
        "brother and sister",
    ),
    (
        "Ганна Підгорна",
        "Анна Подгорная",
        MATCH,
        ("equivalent", "russified", "missing"),
        "Russified feminine adjectival surname",
    ),
    (
        "Олексій Білоус",
        "Алексей Белоус",
        MATCH,
        ("equivalent", "russified", "missing"),
        "Russified surname",
    ),
    (
        "Ковальова Марія Іванівна",
        "Ковалёва Мария Ивановна",
        MATCH,
        ("exact", "exact", "equivalent"),
        "patronymic in both languages",
    ),
    (
        "Ковальова Марія Іванівна",
        "Ковальова Марія Петрівна",
        NO_MATCH,
        ("exact", "exact", "different"),
        "different father",
    ),
    (
        "Олексанр Ковальчук",
        "Олександр Ковальчук",
        MATCH,
        ("typo", "exact", "missing"),
        "one letter dropped",
    ),
    (
        "Ковальчук Олександр",
        "Oleksandr Kovalchuk",
        MATCH,
        ("exact", "exact", "missing"),
        "parts in another order",
    ),
    (
        "Роман Коваленко",
        "Романа Коваленко",
        NO_MATCH,
        ("different", "exact", "missing"),
        "the other gender's form of an unknown name",
    ),
    (
        "Бойко Дмитро Іванович",
        "Бойко Денис Іванович",
        NO_MATCH,
        ("different", "exact", "exact"),
        "twins differ only in the first name",
    ),
    (
        "Кравчук Олег Ігорович",
        "Кравчук Олег Єгорович",
        NO_MATCH,
        ("exact", "exact", "different"),
        "Ігор and Єгор are two fathers",
    ),
]


@pytest.mark.parametrize(("a", "b", "decision", "levels", "why"), CASES, ids=[c[-1] for c in CASES])
def test_compare(a: str, b: str, decision: str, levels: tuple[str, str, str], why: str) -> None:
    result = compare(a, b)
    assert result.decision == decision, (why, result)
    assert (result.levels["given"], result.levels["family"], result.levels["patronymic"]) == levels
    assert 0.0 <= result.score <= 1.0
    assert result.reasons


def test_compare_is_symmetric_in_its_decision() -> None:
    for a, b, decision, _levels, why in CASES:
        assert compare(b, a).decision == decision, why


def test_name_parts_are_accepted() -> None:
    a = NameParts(given="Олександр", family="Ковальчук")
    assert compare(a, "Alexander Kovalchuk").is_match


def test_match_scores_above_no_match() -> None:
    good = compare("Олександр Ковальчук", "Oleksandr Kovalchuk").score
    bad = compare("Олександр Ковальчук", "Олександра Ковальчук").score
    assert good > bad


def test_gender_conflict_is_a_reason() -> None:
    result = compare("Саша Ковальов", "Саша Ковальова")
    assert any("gender" in r for r in result.reasons)


SPLITS = [
    ("Ковальчук Олександр Петрович", NameParts("Олександр", "Ковальчук", "Петрович")),
    ("Олександр Петрович Ковальчук", NameParts("Олександр", "Ковальчук", "Петрович")),
    ("Ковальчук, Олександр Петрович", NameParts("Олександр", "Ковальчук", "Петрович")),
    ("Oleksandr Kovalchuk", NameParts("Oleksandr", "Kovalchuk", "")),
    ("KOVALCHUK OLEKSANDR", NameParts("OLEKSANDR", "KOVALCHUK", "")),
    ("Ганна Гриневич", NameParts("Ганна", "Гриневич", "")),
    ("Іра Лисенко Петрівна", NameParts("Іра", "Лисенко", "Петрівна")),
    ("Ковальчук", NameParts("", "Ковальчук", "")),
    ("Саша", NameParts("Саша", "", "")),
    ("", NameParts()),
    ("Ковальчук О.П.", NameParts("О.", "Ковальчук", "П.")),
    ("О. П. Ковальчук", NameParts("О.", "Ковальчук", "П.")),
    ("Yu. Kovalchuk", NameParts("Yu.", "Kovalchuk", "")),
    ("О.П.", NameParts("О.", "", "П.")),
    ("Ткачук Ігорівна", NameParts("", "Ткачук", "Ігорівна")),
    ("Ковальчук Олександр (Саша)", NameParts("Олександр", "Ковальчук", "")),
    ("Ковальчук (Петренко) Марія Іванівна", NameParts("Марія", "Ковальчук", "Іванівна")),
    ("(Саша)", NameParts("Саша", "", "")),
]


@pytest.mark.parametrize(("full", "parts"), SPLITS)
def test_split_full_name(full: str, parts: NameParts) -> None:
    assert split_full_name(full) == parts


BAD = ["", " ", "123", "😀", "😀 😀 😀", "a" * 500, "Олександр" * 60, "Oleksandr Олександр",
       "\x00", "Ковальчук,,,", ",", "-", "'''", "Ё" * 3]  # fmt: skip


@pytest.mark.parametrize("bad", BAD)
def test_bad_input_gives_a_defined_result(bad: str) -> None:
    result = compare(bad, "Олександр Ковальчук")
    assert result.decision in (MATCH, NO_MATCH)
    assert 0.0 <= result.score <= 1.0
    assert compare(bad, bad).decision in (MATCH, NO_MATCH)


INITIALS_AND_GAPS = [
    # a, b, given level, why: names that cannot be told from a sibling's are never a match
    ("Ковальчук О.П.", "Ковальчук Олександр Петрович", "initial", "initials only"),
    ("Ковальчук Ю.", "Ковальчук Юрій", "initial", "Ю. is the key iu"),
    ("Ковальчук О.", "Ковальчук Марія", "different", "initial does not fit"),
    ("Ткачук Ігорівна", "Ткачук Марія Ігорівна", "missing", "no first name on one side"),
    ("Ковальчук", "Kovalchuk", "missing", "surname only"),
]


@pytest.mark.parametrize(
    ("a", "b", "given", "why"), INITIALS_AND_GAPS, ids=[c[-1] for c in INITIALS_AND_GAPS]
)
def test_no_match_without_a_full_first_name(a: str, b: str, given: str, why: str) -> None:
    result = compare(a, b)
    assert result.levels["given"] == given, why
    assert result.decision == NO_MATCH, why


def test_none_is_no_name() -> None:
    assert compare(None, None).decision == NO_MATCH  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_compare_never_raises(a: str, b: str) -> None:
    result = compare(a, b)
    assert 0.0 <= result.score <= 1.0


_PART_WORDS = ["Олександр", "Александр", "Sasha", "Марія", "Мария", "Ганна", "Анна", "Іван",
               "Ковальчук", "Ковальчука", "Коваль", "Kovalchuk", "Шевченко", "Шевчено", "Іванова",
               "Иванов", "Петрович", "Петрівна", "Иванович", "О.", "", "", "Ivan",
               "Мельник"]  # fmt: skip
_NAME = st.builds(NameParts, *(st.sampled_from(_PART_WORDS) for _ in range(3)))


@settings(max_examples=600, deadline=None)
@given(_NAME, _NAME)
def test_the_score_ceiling_is_never_below_the_score(a: NameParts, b: NameParts) -> None:
    """`score_ceiling` lets the exchange skip names that cannot score high: it must bound every
    reading `compare` tries (swapped ones included)."""
    assert compare(a, b).score <= score_ceiling(a, b)


def test_the_score_ceiling_bounds_the_labelled_pairs_and_cuts_different_surnames() -> None:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data" / "name_pairs.csv"
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    pairs = [(r["name_a"], r["name_b"]) for r in csv.DictReader(lines)]
    assert len(pairs) > 400
    for a, b in pairs:
        parts_a, parts_b = split_full_name(a), split_full_name(b)
        assert compare(parts_a, parts_b).score <= score_ceiling(parts_a, parts_b), (a, b)
    assert score_ceiling(NameParts("Ганна", "Шевченко"), NameParts("Анна", "Мельник")) == 0.55
    assert score_ceiling(NameParts("Ганна", "Шевченко"), NameParts("Анна", "Шевчено")) == 1.0
