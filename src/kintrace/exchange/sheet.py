"""The list's columns and their headers in the counterpart's language (pure).

A request sends, per child, the exchange reference, each field the agreement allows - names in
the counterpart's script (Russian forms for a Russian counterpart, Latin for an English one)
beside the original - and empty answer columns (status, where the child is now, a note) for the
partner to fill in. An answer is read back through the same headers, in any of the three
languages, or the English keys.
"""

from __future__ import annotations

from collections.abc import Callable

from kintrace.names.display import latin_form
from kintrace.names.russian import (
    russian_family,
    russian_given,
    russian_patronymic,
    russian_place,
)

ANSWER_COLUMNS = ("status", "current_place", "note")

HEADERS: dict[str, dict[str, str]] = {
    "ref": {"ru": "Номер", "uk": "Номер", "en": "Reference"},
    "family_name": {"ru": "Фамилия", "uk": "Прізвище", "en": "Family name"},
    "given_name": {"ru": "Имя", "uk": "Ім'я", "en": "Given name"},
    "patronymic": {"ru": "Отчество", "uk": "По батькові", "en": "Patronymic"},
    "sex": {"ru": "Пол", "uk": "Стать", "en": "Sex"},
    "birth_date": {"ru": "Дата рождения", "uk": "Дата народження", "en": "Birth date"},
    "birth_place": {"ru": "Место рождения", "uk": "Місце народження", "en": "Birth place"},
    "last_known_place": {
        "ru": "Последнее известное местонахождение",
        "uk": "Останнє відоме місце",
        "en": "Last known place",
    },
    "parents": {"ru": "Родители", "uk": "Батьки", "en": "Parents"},
    "status": {"ru": "Статус", "uk": "Статус", "en": "Status"},
    "current_place": {
        "ru": "Местонахождение сейчас",
        "uk": "Місцеперебування зараз",
        "en": "Where now",
    },
    "note": {"ru": "Примечание", "uk": "Примітка", "en": "Note"},
}
_ORIGINAL = {"ru": "оригинал", "uk": "оригінал", "en": "original"}
#: Fields whose value is converted to the counterpart's script (the original goes beside it).
_CONVERTED = (
    "family_name",
    "given_name",
    "patronymic",
    "birth_place",
    "last_known_place",
    "parents",
)

_RUSSIAN: dict[str, Callable[[str], str]] = {
    "family_name": russian_family,
    "given_name": russian_given,
    "patronymic": russian_patronymic,
    "birth_place": russian_place,
    "last_known_place": russian_place,
    "parents": lambda text: " ".join(russian_family(w) for w in text.split()),
}


def columns(fields: tuple[str, ...], language: str) -> list[str]:
    """Column keys in order: ref, each field (and `<field>_original` where converted), answers."""
    keys = ["ref"]
    for field in fields:
        keys.append(field)
        if language != "uk" and field in _CONVERTED:
            keys.append(f"{field}_original")
    keys.extend(ANSWER_COLUMNS)
    return keys


def header(key: str, language: str) -> str:
    if key.endswith("_original"):
        return f"{HEADERS[key.removesuffix('_original')][language]} ({_ORIGINAL[language]})"
    return HEADERS[key][language]


def converted(field: str, value: str, language: str) -> str:
    """`value` of `field` in the counterpart's script."""
    if not value or field not in _CONVERTED or language == "uk":
        return value
    if language == "ru":
        return _RUSSIAN[field](value)
    return latin_form(value) or value


def row(sent: dict[str, str], fields: tuple[str, ...], language: str, ref: str) -> list[str]:
    values = []
    for key in columns(fields, language):
        if key == "ref":
            values.append(ref)
        elif key in ANSWER_COLUMNS:
            values.append("")
        elif key.endswith("_original"):
            values.append(sent.get(key.removesuffix("_original"), ""))
        else:
            values.append(converted(key, sent.get(key, ""), language))
    return values


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("ʼ", "'").lower().split())


def header_index() -> dict[str, str]:
    """Every header text (any language, or the key itself) -> column key, normalised."""
    index: dict[str, str] = {}
    for key, names in HEADERS.items():
        index[_norm(key)] = key
        for language, name in names.items():
            index[_norm(name)] = key
            if key in _CONVERTED:
                index[_norm(f"{name} ({_ORIGINAL[language]})")] = f"{key}_original"
        if key in _CONVERTED:
            index[_norm(f"{key}_original")] = f"{key}_original"
    return index


def read_header(cells: list[str]) -> list[str | None]:
    index = header_index()
    return [index.get(_norm(c or "")) for c in cells]
