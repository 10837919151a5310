"""First-name knowledge: Ukrainian <-> Russian <-> Latin equivalents, diminutives and gender.

A *class* is one first name across languages, with its gender: "oleksandr:m" covers Олександр,
Александр, Oleksandr, Alexander, Сашко, Саша, Шура.  A form can belong to several classes: Саша is
"oleksandr:m" and "oleksandra:f", so a record of Саша may be either, but Олександр ("oleksandr:m")
never shares a class with Олександра ("oleksandra:f").

The curated table is `data/given_names.csv` (hand-checked).  `data/given_names_evidence.csv`,
built by scripts/build_name_tables.py from open data (Wikidata groups via rigour, names-translator),
adds further spellings.  Evidence forms are weaker: `compare` treats a class shared only through
evidence as a hint, never as a match on its own.

Tables are read once, on first use (nothing at import time).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import OSA

from kintrace.names.keys import name_key
from kintrace.names.translit import STANDARDS, transliterate

__all__ = [
    "GivenNameTable",
    "classes_for_key",
    "given_gender",
    "given_is_diminutive",
    "given_name_classes",
    "given_name_evidence_classes",
    "given_table",
]


@dataclass
class GivenNameTable:
    """Key -> classes, built from the data files."""

    classes: dict[str, frozenset[str]] = field(default_factory=dict)
    formal: dict[str, frozenset[str]] = field(default_factory=dict)  # key -> classes (full forms)
    diminutive: dict[str, frozenset[str]] = field(default_factory=dict)
    evidence: dict[str, frozenset[str]] = field(default_factory=dict)  # open-data-only forms
    cyrillic_formal: dict[str, frozenset[str]] = field(default_factory=dict)  # uk/ru full forms
    class_gender: dict[str, str] = field(default_factory=dict)


def _read_rows(filename: str) -> list[dict[str, str]]:
    try:
        text = resources.files("kintrace.names").joinpath("data", filename).read_text("utf-8")
    except FileNotFoundError:
        return []
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def _forms(cell: str | None) -> list[str]:
    return [f.strip() for f in (cell or "").split("|") if f.strip()]


def _add(index: dict[str, set[str]], key: str, cls: str) -> None:
    if key:
        index.setdefault(key, set()).add(cls)


def _spelling_keys(form: str, prefix: str) -> set[str]:
    """The key of a Cyrillic form and of its romanisations under the standards of its language."""
    keys = {name_key(form)}
    if any("\u0400" <= ch <= "\u04ff" for ch in form):
        for std in STANDARDS:
            if std.startswith(prefix):
                keys.add(name_key(transliterate(form, std)))
    return keys


@lru_cache(maxsize=1)
def given_table() -> GivenNameTable:
    """Load the tables (once).  A missing evidence file only means fewer hints."""
    formal: dict[str, set[str]] = {}
    dimin: dict[str, set[str]] = {}
    evidence: dict[str, set[str]] = {}
    cyr: dict[str, set[str]] = {}
    genders: dict[str, str] = {}
    for row in _read_rows("given_names.csv"):
        gender = (row.get("gender") or "").strip()
        cls = f"{row['class'].strip()}:{gender}"
        genders[cls] = gender
        for lang in ("uk", "ru"):
            for form in _forms(row.get(lang)):
                _add(cyr, name_key(form), cls)
                for key in _spelling_keys(form, lang + "_"):
                    _add(formal, key, cls)
        for form in _forms(row.get("latin")):
            _add(formal, name_key(form), cls)
        for form in _forms(row.get("diminutives")):
            for key in _spelling_keys(form, ""):
                _add(dimin, key, cls)
    for row in _read_rows("given_names_evidence.csv"):
        cls = row.get("class", "").strip()
        if cls in genders:
            _add(evidence, name_key(row.get("form", "")), cls)
    classes: dict[str, set[str]] = {}
    for index in (formal, dimin):
        for key, value in index.items():
            classes.setdefault(key, set()).update(value)
    return GivenNameTable(
        classes={k: frozenset(v) for k, v in classes.items()},
        formal={k: frozenset(v) for k, v in formal.items()},
        diminutive={k: frozenset(v) for k, v in dimin.items()},
        evidence={k: frozenset(v) for k, v in evidence.items() if k not in classes},
        class_gender=genders,
        cyrillic_formal={k: frozenset(v) for k, v in cyr.items()},
    )


@lru_cache(maxsize=300_000)
def classes_for_key(key: str) -> frozenset[str]:
    """`given_name_classes` for an already computed name key."""
    if not key:
        return frozenset()
    table = given_table()
    found = table.classes.get(key)
    if found:
        return found
    if " " in key:  # a double name ("Анна Марія"): the first name decides
        first = table.classes.get(key.split(" ", 1)[0])
        if first:
            return first
    derived = derived_diminutive_classes(key)
    if derived:
        return derived
    return frozenset({key})


#: Typo correction only for keys this long: a short name is one letter from too many others.
TYPO_MIN_LENGTH = 5


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


@lru_cache(maxsize=1)
def _deletion_index() -> dict[str, frozenset[str]]:
    """Each full form's key and its one-letter deletions -> those full forms' keys."""
    index: dict[str, set[str]] = {}
    for key in given_table().formal:
        if len(key) < TYPO_MIN_LENGTH - 1:
            continue
        for variant in {key} | _deletions(key):
            index.setdefault(variant, set()).add(key)
    return {variant: frozenset(keys) for variant, keys in index.items()}


def _gender_ending(one: str, other: str) -> bool:
    """The two keys differ by a final -a: the other gender's form (Роман / Романа)."""
    return (one.endswith("a") and one[:-1] == other) or (other.endswith("a") and other[:-1] == one)


@lru_cache(maxsize=100_000)
def typo_classes(key: str) -> frozenset[str]:
    """The class of the one full name this unknown key is a single typo away from.

    A letter replaced, added, dropped or two neighbours swapped (Ефгений, Аелксей, Володинир,
    Андпій): one edit apart (`rapidfuzz` OSA distance 1, found through one-letter deletions
    of both keys). Not a final -a added or
    dropped (Романа is Роман's female form, not a typo). Only when every such full form belongs
    to one name (its classes may be a boy's and a girl's: the record's sex decides) and only for
    keys of at least `TYPO_MIN_LENGTH` letters; otherwise empty. A key the tables know, or a
    diminutive of one, is not a typo: use it only when `classes_for_key` found no known class.
    Diminutives are not candidates (too many are one letter apart from each other).
    """
    table = given_table()
    if len(key) < TYPO_MIN_LENGTH or " " in key or key in table.classes:
        return frozenset()
    index = _deletion_index()
    forms: set[str] = set()
    for variant in {key} | _deletions(key):
        forms.update(index.get(variant, ()))
    found = {
        cls
        for form in forms
        if form != key and not _gender_ending(form, key) and OSA.distance(form, key) <= 1
        for cls in table.formal.get(form, ())
    }
    names = {cls.rsplit(":", 1)[0] for cls in found}
    return frozenset(found) if len(names) == 1 else frozenset()


# Ukrainian boys' diminutive suffixes added to a full name: Кирилко, Єгорко, Назарчик, Романчик
_MALE_DIMINUTIVE_SUFFIXES = ("čik", "ko", "ik")


@lru_cache(maxsize=100_000)
def derived_diminutive_classes(key: str) -> frozenset[str]:
    """Classes of a full name this key is a suffixed diminutive of, if any.

    Boys: -ко, -ик, -чик or -ка added to a full male name (Кирилко, Романчик, Дениска, Назарка).
    Girls: -ка in place of the final -а of a full female name (Іринка, Діанка).  Only full forms
    count, and the base must keep at least three letters, so a short word is never read as a
    diminutive; a key that is itself a known name never gets here.
    """
    table = given_table()
    found: set[str] = set()
    for suffix in (*_MALE_DIMINUTIVE_SUFFIXES, "ka"):
        base = key[: -len(suffix)]
        if key.endswith(suffix) and len(base) >= 3:
            found.update(c for c in table.formal.get(base, ()) if c.endswith(":m"))
            if found:
                break
    if key.endswith("ka") and len(key) >= 5:  # Янка: Ян's or Яна's, the record's sex decides
        found.update(c for c in table.formal.get(key[:-2] + "a", ()) if c.endswith(":f"))
    return frozenset(found)


@lru_cache(maxsize=1)
def class_keys() -> dict[str, frozenset[str]]:
    """Class -> every key of its forms (full forms and diminutives), for typo checks."""
    table = given_table()
    out: dict[str, set[str]] = {}
    for index in (table.formal, table.diminutive):
        for key, classes in index.items():
            for cls in classes:
                out.setdefault(cls, set()).add(key)
    return {cls: frozenset(keys) for cls, keys in out.items()}


def given_name_classes(part: str) -> frozenset[str]:
    """Canonical first-name classes of `part` with gender ("oleksandr:m").

    Known forms give their classes (a shared diminutive gives one per gender); an unknown name
    gives {name_key(part)} (no ":" in it); no letters gives an empty set.
    """
    return classes_for_key(name_key(part))


def given_name_evidence_classes(part: str) -> frozenset[str]:
    """Classes `part` belongs to only according to the open-data evidence table (hints)."""
    return given_table().evidence.get(name_key(part), frozenset())


def is_known_class(cls: str) -> bool:
    """True for a class from the tables ("ivan:m"), False for a bare key of an unknown name."""
    return ":" in cls


@lru_cache(maxsize=100_000)
def gender_of_classes(classes: frozenset[str]) -> str:
    """ "M" or "F" when every known class has that gender, else ""."""
    genders = {c.rsplit(":", 1)[1] for c in classes if ":" in c}
    if genders == {"m"}:
        return "M"
    if genders == {"f"}:
        return "F"
    return ""


def given_gender(part: str) -> str:
    """ "M"/"F" when the first name tells the gender, "" when it does not (Саша, unknown)."""
    return gender_of_classes(given_name_classes(part))


@lru_cache(maxsize=200_000)
def is_diminutive_key(key: str) -> bool:
    """`given_is_diminutive` for an already computed name key."""
    table = given_table()
    if key in table.formal:
        return False
    return key in table.diminutive or bool(derived_diminutive_classes(key))


def given_is_diminutive(part: str) -> bool:
    """True when `part` is only known as a diminutive (Сашко, Женя), never as a full name."""
    return is_diminutive_key(name_key(part))
