"""Which column of a list is which field: the headers bureaus write, in Ukrainian, Russian and
English, mapped to the records file's field names (docs/formats.md, "Column names").

Pure (no I/O): the importer, `kintrace import --map` and the web mapping step all call
`map_columns`, so a list is read the same way whichever door it comes through.

A header is compared after `header_key`: case, spaces, underscores, hyphens, apostrophe variants
(ʼ ' ’ ‘ `), `ё`, dots of abbreviations (П.І.Б.), a trailing `:` or `*` and a note in brackets
("Стать (ч/ж)") do not count. Where a header could mean two things it is not guessed: it stays an
extra column and the user maps it (map file or the web mapping step).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

#: The fields of a record, as docs/formats.md names them (the interchange names).
FIELDS = (
    "source",
    "record_id",
    "family_name",
    "given_name",
    "patronymic",
    "full_name",
    "sex",
    "birth_date",
    "age",
    "observed_on",
    "birth_place",
    "last_known_place",
    "group_id",
    "guardian_name",
    "guardian_contact",
    "notes",
)
#: Keep the column as written, among the record's extra columns (kept, shown, hashed).
EXTRA = "extra"
#: Not a field and not an extra column: kept only in the verbatim row (a row number, a blank).
IGNORE = "ignore"
TARGETS = (*FIELDS, EXTRA, IGNORE)
NAME_FIELDS = frozenset(("given_name", "family_name", "full_name"))
#: Fields that describe the child: never taken from a column about another person.
CHILD_FIELDS = frozenset(
    ("family_name", "given_name", "patronymic", "full_name", "sex", "birth_date", "age",
     "birth_place")
)  # fmt: skip
#: Columns `kintrace quarantine export` adds; the importer reads them itself.
QUARANTINE_HEADERS = frozenset(
    ("quarantine_id", "quarantine_file", "quarantine_row", "quarantine_column",
     "quarantine_reason")
)  # fmt: skip

#: Headers per field, as lists write them. One entry per spelling worth recognising; the
#: comparison already ignores case, spacing, apostrophe variants and abbreviation dots.
# fmt: off
SYNONYMS: dict[str, tuple[str, ...]] = {
    "source": ("source", "джерело", "источник"),
    "record_id": (
        "record_id", "record id", "record no", "record number", "id", "identifier",
        "reference", "ref", "ref no", "case id", "case number", "case no", "код", "код запису",
        "ідентифікатор", "ід", "номер запису", "номер справи", "реєстраційний номер",
        "реєстр номер", "идентификатор", "ид", "номер записи", "номер дела",
        "регистрационный номер", "рег номер",
    ),
    "family_name": (
        "family_name", "surname", "last name", "family name", "прізвище", "фамилия",
        "прізвище дитини", "фамилия ребенка",
    ),
    "given_name": (
        "given_name", "first name", "given name", "forename", "ім'я", "имя", "ім'я дитини",
        "имя ребенка",
    ),
    "patronymic": (
        "patronymic", "middle name", "father's name", "по батькові", "побатькові",
        "по батькові дитини", "отчество", "отчество ребенка",
    ),
    "full_name": (
        "full_name", "full name", "name and surname", "піб", "п.і.б.", "піб дитини",
        "прізвище, ім'я, по батькові", "прізвище ім'я по батькові", "прізвище, ім'я",
        "прізвище та ім'я", "прізвище і ім'я", "ім'я та прізвище", "фио", "ф.и.о.",
        "фио ребенка", "фамилия, имя, отчество", "фамилия имя отчество", "фамилия, имя",
        "фамилия и имя", "имя и фамилия",
    ),
    "sex": ("sex", "gender", "стать", "пол", "стать дитини", "пол ребенка"),
    "birth_date": (
        "birth_date", "birth date", "date of birth", "dob", "d.o.b.", "born", "birthday",
        "year of birth", "birth year", "дата народження", "дата нар.", "д.н.", "д/н",
        "рік народження", "рік нар.", "народився", "народилася", "дата рождения", "дата рожд.",
        "д.р.", "год рождения", "г.р.",
    ),
    "age": (
        "age", "age (years)", "вік", "повних років", "кількість років", "возраст", "полных лет",
    ),
    "observed_on": (
        "observed_on", "observed on", "date observed", "date recorded", "recorded on",
        "as of", "дата спостереження", "дата запису", "дата внесення", "дата реєстрації",
        "станом на", "дата наблюдения", "дата записи", "дата внесения", "дата регистрации",
        "по состоянию на",
    ),
    "birth_place": (
        "birth_place", "birth place", "place of birth", "birthplace", "місце народження",
        "місце нар.", "место рождения", "место рожд.",
    ),
    "last_known_place": (
        "last_known_place", "last known place", "last known location", "last seen",
        "current location", "location", "whereabouts", "місце перебування",
        "місцеперебування", "останнє відоме місце перебування", "останнє місце перебування",
        "де перебуває", "место пребывания", "местонахождение", "местопребывание",
        "последнее известное местонахождение", "последнее место пребывания",
    ),
    # Only sibling groups: the linkage reads rows of one group as different children who may
    # be siblings (decision 0316), which a bare "Група" (a class, a kindergarten group) is not.
    "group_id": (
        "group_id", "group id", "sibling group", "family group", "група братів і сестер",
        "група братів/сестер", "номер сім'ї", "группа братьев и сестер", "номер семьи",
    ),
    "guardian_name": (
        "guardian_name", "guardian", "guardian name", "guardian's name", "legal guardian",
        "опікун", "піб опікуна", "законний представник", "піб законного представника",
        "опекун", "фио опекуна", "законный представитель", "фио законного представителя",
    ),
    "guardian_contact": (
        "guardian_contact", "guardian contact", "guardian's phone", "guardian phone",
        "contact", "phone", "контакт", "контакти", "телефон", "контактний телефон",
        "телефон опікуна", "контакт опікуна", "контакты", "контактный телефон",
        "телефон опекуна", "контакт опекуна",
    ),
    "notes": (
        "notes", "note", "comment", "comments", "remarks", "примітки", "примітка",
        "коментар", "коментарі", "примечание", "примечания", "комментарий", "комментарии",
    ),
}
# fmt: on
#: Serial numbers of a list ("№ з/п"): they move when the list is re-sorted, so they are not an
#: id and not content. Kept only in the verbatim row (map the column to record_id if it is
#: really the list's id).
ROW_NUMBER_HEADERS = (
    "№",
    "#",
    "no",
    "no.",
    "nr",
    "n",
    "№ з/п",
    "№з/п",
    "з/п",
    "№ п/п",
    "№п/п",
    "п/п",
    "порядковий номер",
    "порядковый номер",
    "row",
    "row number",
    "line",
    "serial number",
)  # fmt: skip
#: A bare "Name": the given name next to a surname column, else the full name (decided in
#: `map_columns`, never by the table).
BARE_NAME = "name"
#: Word stems that say a column is about another person (mother, guardian, applicant...): such a
#: column never gives a child's field, even when the rest of its header would ("Мати / ПІБ").
OTHER_PERSON_STEMS = (
    "мат", "батьк", "бать", "мать", "матер", "отец", "отц", "родител", "mother", "father",
    "parent", "опікун", "опекун", "guardian", "заявник", "заявител", "applicant",
    "представник", "представител", "родич", "родственн", "relative", "контактн",
)  # fmt: skip

_APOSTROPHES = re.compile("[ʼ'’‘`´ʹ′＇]")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_SPACES = re.compile(r"[\s_\-]+")
_ABBREVIATION = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]\.){2,})(?![^\W\d_])")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_PATRONYMIC_WORDS = re.compile(r"по батькові|побатькові|father's name")


def header_key(header: str) -> str:
    """The form two headers are compared in: 'Ім’я ' and "ім'я" are the same key."""
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "")
    text = _APOSTROPHES.sub("'", text).casefold().replace("ё", "е")
    text = _BRACKETS.sub(" ", text)
    text = _ABBREVIATION.sub(lambda m: m.group(1).replace(".", ""), text)
    text = text.strip().rstrip(":*").strip()
    return _SPACES.sub(" ", text).strip()


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for target, spellings in SYNONYMS.items():
        for spelling in spellings:
            key = header_key(spelling)
            if table.get(key, target) != target:  # pragma: no cover - caught by a unit test
                raise ValueError(f"header '{spelling}' is listed for two fields")
            table[key] = target
    for spelling in ROW_NUMBER_HEADERS:
        table[header_key(spelling)] = IGNORE
    return table


_KNOWN = _table()
_QUARANTINE_KEYS = frozenset(header_key(h) for h in QUARANTINE_HEADERS)


def recognise(header: str) -> str | None:
    """The field (or IGNORE for a row number) a header names by itself, or None.

    Bilingual headers ("Прізвище / Surname") are recognised when their parts agree; a header
    about another person ("Мати / ПІБ", "ПІБ матері") gives no child's field.
    """
    key = header_key(header)
    found = _KNOWN.get(key)
    if found is not None:
        return found
    parts = [p.strip() for p in re.split(r"\s*[/|]\s*", key) if p.strip()]
    if len(parts) < 2:
        return None
    if about_other_person(key):
        return None
    targets = {_KNOWN.get(p) for p in parts} - {None}
    return targets.pop() if len(targets) == 1 else None


def about_other_person(header: str) -> bool:
    """True when a word of the header is about a parent, guardian or applicant ("по батькові"
    and "father's name", the patronymic, are not)."""
    key = _PATRONYMIC_WORDS.sub(" ", header_key(header))
    return any(token.startswith(OTHER_PERSON_STEMS) for token in _TOKEN.findall(key))


class MappingError(ValueError):
    """A column map that cannot be used; the message names the column and the fix."""


@dataclass(frozen=True)
class Column:
    """One column of a file: its header as written, where it goes and why."""

    header: str
    target: str  # a field, EXTRA or IGNORE
    how: str  # "map" (the user said), "name" (the field's own name), "synonym", "row number",
    # "name next to a surname", "unrecognised", "taken" (its field is given by another column),
    # "other person" (about a parent or guardian), "quarantine export"


@dataclass(frozen=True)
class ColumnMapping:
    """Where each column of a file goes. `unmatched` are the map's (header, target) entries
    that no header of the file matched."""

    columns: tuple[Column, ...]
    unmatched: tuple[tuple[str, str], ...] = ()
    _by_header: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_header.update({c.header: c.target for c in self.columns})

    def target(self, header: str) -> str | None:
        """Where the column goes, or None for a header this mapping was not made for."""
        return self._by_header.get(header)

    @property
    def fields(self) -> dict[str, str]:
        """field -> the header that gives it."""
        return {c.target: c.header for c in self.columns if c.target in FIELDS}

    @property
    def derived_ids(self) -> bool:
        """No column gives record_id: ids are derived from each row's content (decision 0003)."""
        return "record_id" not in self.fields

    def chosen(self) -> dict[str, str]:
        """header -> target for every column, as a map file writes it."""
        return {c.header: c.target for c in self.columns if c.how != "quarantine export"}


def map_columns(
    headers: Sequence[str], *, chosen: Mapping[str, str] | None = None
) -> ColumnMapping:
    """Decide where each column goes: the user's choices (`chosen`, header -> target) first,
    then each field's own name, then the synonyms. A field is given by one column only: a second
    column that would give it stays an extra column (`how="taken"`).

    Raises MappingError for a choice that names an unknown target or gives one field twice.
    """
    wanted = _check_chosen(chosen or {})
    keys = [header_key(h) for h in headers]
    decided: dict[int, Column] = {}
    taken: dict[str, int] = {}
    unmatched = [k for k in wanted if k not in keys]
    for index, (header, key) in enumerate(zip(headers, keys, strict=True)):
        if key in _QUARANTINE_KEYS:
            decided[index] = Column(header, IGNORE, "quarantine export")
        elif key in wanted:
            target = wanted[key][1]
            if target in taken:  # the file has the header twice (apostrophe variants)
                decided[index] = Column(header, EXTRA, "taken")
                continue
            decided[index] = Column(header, target, "map")
            if target in FIELDS:
                taken[target] = index
    # each field's own name first, so "surname" beside "family_name" stays an extra column
    for how in ("name", "synonym"):
        for index, (header, key) in enumerate(zip(headers, keys, strict=True)):
            if index in decided:
                continue
            found = recognise(header)
            own = found is not None and key == header_key(found)
            if found is None or own != (how == "name"):
                continue
            if found == IGNORE:
                decided[index] = Column(header, IGNORE, "row number")
            elif found in taken:
                decided[index] = Column(header, EXTRA, "taken")
            else:
                decided[index] = Column(header, found, how)
                taken[found] = index
    for index, (header, key) in enumerate(zip(headers, keys, strict=True)):
        if index in decided:
            continue
        if key == BARE_NAME:
            target = "given_name" if "family_name" in taken else "full_name"
            if target not in taken and not ({"given_name", "full_name"} & set(taken)):
                decided[index] = Column(header, target, "name next to a surname")
                taken[target] = index
                continue
        how = "other person" if about_other_person(header) else "unrecognised"
        decided[index] = Column(header, EXTRA, how)
    columns = tuple(decided[i] for i in range(len(headers)))
    return ColumnMapping(columns, tuple(wanted[k] for k in unmatched))


def _check_chosen(chosen: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """header key -> (header as the map writes it, target); refuses what cannot be used."""
    wanted: dict[str, tuple[str, str]] = {}
    given: dict[str, str] = {}
    for header, target in chosen.items():
        if target not in TARGETS:
            raise MappingError(
                f"the column '{header[:80]}' is mapped to '{str(target)[:40]}', which is not a "
                f"field; use one of: {', '.join(TARGETS)}."
            )
        key = header_key(header)
        if key in wanted and wanted[key][1] != target:
            raise MappingError(
                f"the column '{header[:80]}' is mapped twice (as '{wanted[key][0][:80]}' too), "
                "to different fields; keep one."
            )
        if target in FIELDS:
            if target in given and given[target] != key:
                raise MappingError(
                    f"two columns are mapped to {target}: '{given[target][:80]}' and "
                    f"'{header[:80]}'; a field comes from one column."
                )
            given[target] = key
        wanted[key] = (header, target)
    return wanted


def describe(targets: Iterable[str]) -> str:
    """'given_name, family_name' for messages."""
    return ", ".join(targets)
