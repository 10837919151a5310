"""A child's name as people read it in lists: as written, in the source's own script, and a
Latin form (Ukrainian national 2010 for Ukrainian or undetermined Cyrillic, ICAO for Russian).

Names first on cases, the review queue, work lists and exports (issue 12, finding 3); the record
ids stay beside them. Pure.
"""

from __future__ import annotations

from typing import NamedTuple

from kintrace.names.script import Script, detect_script
from kintrace.names.translit import transliterate

_STANDARD = {
    Script.UKRAINIAN: "uk_national_2010",
    Script.RUSSIAN: "ru_icao_2013",
    Script.CYRILLIC: "uk_national_2010",
}


class DisplayName(NamedTuple):
    written: str  # "Коваленко Марія Сергіївна", as the source wrote it
    latin: str  # "Kovalenko Mariia Serhiivna"; "" when the name is already in Latin letters


def latin_form(text: str) -> str:
    """`text` in Latin letters under the standard of its script; "" when it needs none."""
    standard = _STANDARD.get(detect_script(text)) if text else None
    return transliterate(text, standard) if standard else ""


def display_name(
    *,
    given_name: str | None = None,
    family_name: str | None = None,
    patronymic: str | None = None,
    full_name: str | None = None,
) -> DisplayName:
    """Surname, given name, patronymic (the order of Ukrainian lists), or the full name when the
    record has only that; empty when it has no name at all."""
    parts = [p.strip() for p in (family_name, given_name, patronymic) if p and p.strip()]
    written = " ".join(parts) if parts else (full_name or "").strip()
    return DisplayName(written, latin_form(written))
