"""Header synonyms and column maps: one row per example, with its reason (issue 12, finding 1).
Headers only; no personal data."""

from __future__ import annotations

import pytest

from kintrace.registry.columns import (
    EXTRA,
    IGNORE,
    SYNONYMS,
    MappingError,
    header_key,
    map_columns,
    recognise,
)

RECOGNISED = [
    # Ukrainian
    ("Прізвище", "family_name", "Ukrainian surname"),
    ("Ім'я", "given_name", "Ukrainian given name, typewriter apostrophe"),
    ("Імʼя", "given_name", "modifier-letter apostrophe (ʼ), the standard Ukrainian one"),
    ("Ім’я", "given_name", "typographic apostrophe (’) as Word writes it"),
    ("ІМ'Я", "given_name", "capitals"),
    ("По батькові", "patronymic", "Ukrainian patronymic"),
    ("По-батькові", "patronymic", "with a hyphen"),
    ("Дата народження", "birth_date", "Ukrainian birth date"),
    ("  дата   народження ", "birth_date", "stray and doubled spaces"),
    ("Дата народження (дд.мм.рррр)", "birth_date", "a format hint in brackets"),
    ("Дата народження:", "birth_date", "a trailing colon"),
    ("Прізвище*", "family_name", "a required-field star"),
    ("Стать", "sex", "Ukrainian sex"),
    ("Стать (ч/ж)", "sex", "with the values hint"),
    ("Місце народження", "birth_place", "Ukrainian birth place"),
    ("Місце перебування", "last_known_place", "where the child is"),
    ("ПІБ", "full_name", "the usual abbreviation of a full name"),
    ("П.І.Б.", "full_name", "the abbreviation with dots"),
    ("Прізвище, ім'я, по батькові", "full_name", "the full name spelled out"),
    ("Вік", "age", "Ukrainian age"),
    ("Примітки", "notes", "Ukrainian notes"),
    ("Номер справи", "record_id", "the bureau's case number identifies the row"),
    ("Джерело", "source", "Ukrainian source"),
    ("Дата запису", "observed_on", "when the list saw the child"),
    ("ПІБ опікуна", "guardian_name", "the guardian's full name"),
    ("Телефон", "guardian_contact", "a phone number is the family's contact"),
    # Russian
    ("Фамилия", "family_name", "Russian surname"),
    ("Имя", "given_name", "Russian given name"),
    ("Отчество", "patronymic", "Russian patronymic"),
    ("Дата рождения", "birth_date", "Russian birth date"),
    ("Пол", "sex", "Russian sex"),
    ("Место рождения", "birth_place", "Russian birth place"),
    ("ФИО", "full_name", "Russian full name"),
    ("Ф.И.О.", "full_name", "with dots"),
    ("Возраст", "age", "Russian age"),
    ("Местонахождение", "last_known_place", "Russian whereabouts"),
    ("Примечание", "notes", "Russian notes"),
    ("Опекун", "guardian_name", "Russian guardian"),
    ("Год рождения", "birth_date", "a year of birth is a (partial) birth date"),
    ("Дата рождёния", "birth_date", "ё and е are one letter here"),
    # English
    ("Surname", "family_name", "English surname"),
    ("Last name", "family_name", "American surname"),
    ("First name", "given_name", "English given name"),
    ("Given-Name", "given_name", "the interchange name with a hyphen"),
    ("given_name", "given_name", "the interchange name itself"),
    ("Middle name", "patronymic", "the closest English column to a patronymic"),
    ("Date of birth", "birth_date", "English birth date"),
    ("DOB", "birth_date", "the common abbreviation"),
    ("Sex", "sex", "English sex"),
    ("Gender", "sex", "forms often say gender"),
    ("Place of birth", "birth_place", "English birth place"),
    ("Full name", "full_name", "English full name"),
    ("ID", "record_id", "an id column"),
    ("Record ID", "record_id", "the interchange name in words"),
    ("Notes", "notes", "English notes"),
    # bilingual headers
    ("Прізвище / Surname", "family_name", "both parts name the same field"),
    ("Дата народження / Date of birth", "birth_date", "both parts name the same field"),
    ("По батькові / Patronymic", "patronymic", "'батькові' is not a word about the father"),
    # row numbers: not an id (they move when the list is re-sorted), not content
    ("№", IGNORE, "a serial number"),
    ("№ з/п", IGNORE, "Ukrainian 'number in order'"),
    ("№ п/п", IGNORE, "Russian 'number in order'"),
]

NOT_RECOGNISED = [
    ("Дата", "a date of what? (birth, record, arrival)"),
    ("Група", "a class or kindergarten group is not a sibling group (decision 0316)"),
    ("Мати / ПІБ", "a two-row header about the mother: never the child's name"),
    ("ПІБ / Мати", "the same, the other way round"),
    ("Прізвище / Дата народження", "the parts name two fields"),
    ("Заклад", "an institution is not a place field"),
    ("", "an empty header"),
    ("Name", "a bare 'Name' is decided by the other columns, not by the table"),
]


@pytest.mark.parametrize(("header", "target", "reason"), RECOGNISED)
def test_headers_bureaus_write_are_recognised(header: str, target: str, reason: str) -> None:
    assert recognise(header) == target, reason


@pytest.mark.parametrize(("header", "reason"), NOT_RECOGNISED)
def test_headers_that_could_mean_two_things_are_not_guessed(header: str, reason: str) -> None:
    assert recognise(header) is None, reason


def test_no_spelling_is_listed_for_two_fields() -> None:
    seen: dict[str, str] = {}
    for target, spellings in SYNONYMS.items():
        for spelling in spellings:
            key = header_key(spelling)
            assert seen.setdefault(key, target) == target, spelling


@pytest.mark.parametrize(
    ("headers", "expected", "reason"),
    [
        (
            ["Прізвище", "Name"],
            {"Прізвище": "family_name", "Name": "given_name"},
            "'Name' beside a surname is the given name",
        ),
        (["Name", "DOB"], {"Name": "full_name", "DOB": "birth_date"}, "alone it is the full name"),
        (
            ["family_name", "Surname"],
            {"family_name": "family_name", "Surname": EXTRA},
            "the interchange name wins; the synonym stays an extra column",
        ),
        (
            ["Прізвище", "Фамилия"],
            {"Прізвище": "family_name", "Фамилия": EXTRA},
            "one field from one column: the first, the second kept as extra",
        ),
        (
            ["quarantine_id", "Прізвище"],
            {"quarantine_id": IGNORE, "Прізвище": "family_name"},
            "quarantine export columns are not data",
        ),
        (
            ["Мати / ПІБ", "ПІБ"],
            {"Мати / ПІБ": EXTRA, "ПІБ": "full_name"},
            "the mother's name column is kept, not taken as the child's",
        ),
    ],
)
def test_map_columns_decides_with_the_whole_header(
    headers: list[str], expected: dict[str, str], reason: str
) -> None:
    assert {c.header: c.target for c in map_columns(headers).columns} == expected, reason


def test_the_users_choices_come_first_and_match_loosely() -> None:
    mapping = map_columns(
        ["№", "Прізвище", "Ім’я", "Код"],
        chosen={"№": "record_id", "ім'я": "given_name", "Код": "extra"},
    )
    assert mapping.chosen() == {
        "№": "record_id",
        "Прізвище": "family_name",
        "Ім’я": "given_name",
        "Код": EXTRA,
    }
    assert not mapping.derived_ids


def test_map_entries_the_file_lacks_are_reported() -> None:
    mapping = map_columns(["Прізвище"], chosen={"Номер": "record_id"})
    assert mapping.unmatched == (("Номер", "record_id"),)
    assert mapping.derived_ids


@pytest.mark.parametrize(
    ("chosen", "words"),
    [
        ({"Прізвище": "surname"}, "not a field"),
        ({"Прізвище": "family_name", "Фамилия": "family_name"}, "two columns are mapped"),
        ({"Прізвище": "family_name", "прізвище": "given_name"}, "mapped twice"),
    ],
)
def test_a_map_that_cannot_be_used_is_refused(chosen: dict[str, str], words: str) -> None:
    with pytest.raises(MappingError, match=words):
        map_columns(["Прізвище", "Фамилия"], chosen=chosen)
