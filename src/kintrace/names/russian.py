"""A Ukrainian name as a Russian clerk would write it, for lists sent to a Russian counterpart.

Counterparts search their own registers in Russian: a list that gives only Олександр Білоус
Сергійович is read as an unknown spelling, while Александр Билоус Сергеевич is found. The
exchange sends both, the original and this form. Pure and table-driven:

- first names: the curated table (`data/given_names.csv`, Ukrainian -> Russian column);
- patronymics: the father's name through that table, then the Russian suffix (Сергійович ->
  Сергеевич, Миколаївна -> Николаевна);
- settlements: `data/places.csv` (Бахмут -> Артемовск is not a spelling but a former name; the
  Russian form listed there is used);
- everything else letter by letter: і, ї -> и, є -> е, ґ -> г, the apostrophe -> ь, ьо -> ё,
  and the adjectival endings -ський/-ська -> -ский/-ская.

A name already in Russian or in Latin letters is returned unchanged.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from kintrace.names.given import _forms, _read_rows
from kintrace.names.script import Script, detect_script

_LETTERS = str.maketrans(
    {
        "і": "и",
        "І": "И",
        "ї": "и",
        "Ї": "И",
        "є": "е",
        "Є": "Е",
        "ґ": "г",
        "Ґ": "Г",
        "'": "ь",
        "’": "ь",
        "ʼ": "ь",
    }
)
_ENDINGS = (("ський", "ский"), ("цький", "цкий"), ("ська", "ская"), ("цька", "цкая"))
#: settlement endings: Київ -> Киев, Харків -> Харьков (-ів of a possessive place name)
_PLACE_ENDINGS = (("ків", "ьков"), ("їв", "ев"), ("ів", "ов"))


@cache
def _given_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in _read_rows("given_names.csv"):
        russian = _forms(row.get("ru"))
        if not russian:
            continue
        for form in _forms(row.get("uk")):
            table.setdefault(form.lower(), russian[0])
    return table


@cache
def _place_table() -> dict[str, str]:
    text = resources.files("kintrace.names").joinpath("data", "places.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    table: dict[str, str] = {}
    for line in lines[1:]:
        names = [n.strip() for n in line.split("|") if n.strip()]
        russian = [n for n in names[1:] if _is_cyrillic_not_ukrainian(n)]
        if names and russian:
            table[names[0].lower()] = russian[0]
    return table


def _is_cyrillic_not_ukrainian(text: str) -> bool:
    return detect_script(text) in (Script.RUSSIAN, Script.CYRILLIC) and not set(text) & set("іїєґ")


def _case_like(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _letters(word: str) -> str:
    lower = word.lower()
    for ukrainian, russian in _ENDINGS:
        if lower.endswith(ukrainian):
            word = word[: -len(ukrainian)] + russian
            break
    word = re.sub("ьо", "ё", word.replace("Ьо", "Ё"))
    return word.translate(_LETTERS)


def _needs_change(text: str) -> bool:
    return detect_script(text) in (Script.UKRAINIAN, Script.CYRILLIC)


def russian_given(name: str) -> str:
    if not _needs_change(name):
        return name
    found = _given_table().get(name.strip().lower())
    return _case_like(name, found) if found else _letters(name)


_PATRONYMIC = re.compile(r"^(?P<father>.+?)(?P<suffix>ович|евич|йович|ївна|івна|йовна|овна)$", re.I)


def russian_patronymic(name: str) -> str:
    """Сергійович -> Сергеевич, Олександрівна -> Александровна, Миколаївна -> Николаевна."""
    if not _needs_change(name):
        return name
    word = name.strip()
    match = _PATRONYMIC.match(word)
    if not match:
        return _letters(word)
    stem, suffix = match.group("father"), match.group("suffix").lower()
    female = suffix.endswith("на")
    # the father's name: stem + й for -йович/-ївна (Сергій, Андрій, Микола -> Миколай)
    for father in (stem, stem + "й", stem + "ь", stem + "а"):
        russian = _given_table().get(father.lower())
        if russian:
            break
    else:
        russian = _letters(stem)
    lower = russian.lower()
    if lower.endswith(("ей", "ай")):
        base = russian[:-1] + ("евна" if female else "евич")
        if lower.endswith("ай"):
            base = russian[:-2] + ("аевна" if female else "аевич")
    elif lower.endswith("ий"):
        base = russian[:-2] + ("ьевна" if female else "ьевич")
    elif lower.endswith("ь"):
        base = russian[:-1] + ("евна" if female else "евич")
    elif lower.endswith("а"):
        base = russian[:-1] + ("ична" if female else "ич")
    else:
        base = russian + ("овна" if female else "ович")
    return _case_like(name, base)


def russian_family(name: str) -> str:
    if not _needs_change(name):
        return name
    return " ".join(_letters(word) for word in name.split())


def russian_place(name: str) -> str:
    if not _needs_change(name):
        return name
    found = _place_table().get(name.strip().lower())
    return found if found else " ".join(_place_word(word) for word in name.split())


def _place_word(word: str) -> str:
    for ukrainian, russian in _PLACE_ENDINGS:
        if word.endswith(ukrainian):
            return _letters(word[: -len(ukrainian)]) + russian
    return _letters(word)
