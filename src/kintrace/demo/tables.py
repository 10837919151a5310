"""The generator's own name knowledge: small hand-written tables under `demo/data/`.

Deliberately independent of `kintrace.names`: the matcher is evaluated on this data, so the
generator must not share its tables (that would make the evaluation circular). The tables hold
common names and settlements, facts of the Ukrainian and Russian languages, not personal data.
They are read once, on first use, never at import time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GivenName:
    """A child's given name: Ukrainian form, Russian equivalent, diminutives, French equivalent."""

    sex: str  # "M" or "F"
    ua: str
    ru: str
    ua_diminutives: tuple[str, ...]
    ru_diminutives: tuple[str, ...]
    french: str


@dataclass(frozen=True, slots=True)
class FatherName:
    """A father's given name and the patronymics it gives in both languages."""

    ua: str
    ru: str
    ua_son: str
    ua_daughter: str
    ru_son: str
    ru_daughter: str

    def patronymic(self, *, sex: str, russian: bool) -> str:
        if russian:
            return self.ru_son if sex == "M" else self.ru_daughter
        return self.ua_son if sex == "M" else self.ua_daughter


@dataclass(frozen=True, slots=True)
class Surname:
    """A Ukrainian surname with its gender forms and the spelling a Russian clerk gives it."""

    ua_male: str
    ua_female: str
    ru_male: str
    ru_female: str
    similar: str  # key of a group of look-alike surnames, "" when none

    def ua(self, sex: str) -> str:
        return self.ua_male if sex == "M" else self.ua_female

    def ru(self, sex: str) -> str:
        return self.ru_male if sex == "M" else self.ru_female


@dataclass(frozen=True, slots=True)
class Place:
    """A settlement in Ukrainian and Russian spelling."""

    ua: str
    ru: str
    kind: str  # occupied | crimea | ukraine | russia
    region: str  # Russian region for Russian places, "" otherwise


@dataclass(frozen=True, slots=True)
class Weighted(Generic[T]):
    """Items with cumulative weights, for `random.choices(..., cum_weights=...)`."""

    items: tuple[T, ...]
    cum_weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Tables:
    """Everything the generator knows about names and places."""

    boys: Weighted[GivenName]
    girls: Weighted[GivenName]
    given_by_ua: dict[str, GivenName]
    fathers: Weighted[FatherName]
    surnames: Weighted[Surname]
    surnames_by_group: dict[str, tuple[Surname, ...]]
    russian_surnames: Weighted[str]
    birth_places: Weighted[Place]  # occupied areas and Crimea, where most children were taken from
    ukraine_places: tuple[Place, ...]
    russia_places: Weighted[Place]
    similar_given: dict[str, tuple[str, ...]]
    podolsk: Place
    yo: dict[str, str]  # Russian words a clerk may write with ё


def _rows(name: str) -> Iterator[list[str]]:
    text = resources.files("kintrace.demo").joinpath("data", name).read_text(encoding="utf-8")
    for row in csv.reader(line for line in text.splitlines() if not line.startswith("#")):
        if row:
            yield row


def _weighted(pairs: list[tuple[T, float]]) -> Weighted[T]:
    total = 0.0
    cum: list[float] = []
    for _, weight in pairs:
        total += weight
        cum.append(total)
    return Weighted(items=tuple(item for item, _ in pairs), cum_weights=tuple(cum))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split("|") if part)


# Share of families whose surname is composed from a root and a suffix (the rest come from the
# hand table of the most common surnames).  Decision 0310: 130 hand surnames made a namesake far
# likelier than in Ukraine, where the most common surname is well under 1% of people.
COMPOSED_SURNAME_SHARE = 0.75


def _composed_surnames(hand: list[tuple[Surname, float]]) -> list[tuple[Surname, float]]:
    """Root x suffix surnames (Іваненко, Іванчук, Іванишин), Zipf-weighted by the root's rank.

    Surnames from one root form a look-alike group, like Коваль/Ковальчук in the hand table.
    A composition already in the hand table is skipped.
    """
    suffixes = {
        code: (ua_m, ua_f, ru_m, ru_f, float(w))
        for code, ua_m, ua_f, ru_m, ru_f, w in _rows("surname_suffixes.csv")
    }
    known = {surname.ua_male for surname, _ in hand}
    raw: list[tuple[Surname, float]] = []
    for rank, (ua_root, ru_root, codes) in enumerate(_rows("surname_roots.csv")):
        taken = [suffixes[code] for code in _split(codes)]
        taken = [entry for entry in taken if ua_root + entry[0] not in known]
        root_weight = 1.0 / (rank + 100)
        for ua_m, ua_f, ru_m, ru_f, weight in taken:
            surname = Surname(
                ua_male=ua_root + ua_m,
                ua_female=ua_root + (ua_f or ua_m),
                ru_male=ru_root + ru_m,
                ru_female=ru_root + (ru_f or ru_m),
                similar=f"root:{ua_root}" if len(taken) > 1 else "",
            )
            raw.append((surname, root_weight * weight))
    scale = (
        COMPOSED_SURNAME_SHARE
        / (1 - COMPOSED_SURNAME_SHARE)
        * sum(w for _, w in hand)
        / sum(w for _, w in raw)
    )
    return [(surname, weight * scale) for surname, weight in raw]


@cache
def load_tables() -> Tables:
    """Read the tables (once per process)."""
    given = [
        (GivenName(sex, ua, ru, _split(ua_d), _split(ru_d), fr), float(w))
        for sex, ua, ru, ua_d, ru_d, fr, w in _rows("given_names.csv")
    ]
    fathers = [(FatherName(*row[:6]), float(row[6])) for row in _rows("father_names.csv")]
    surnames: list[tuple[Surname, float]] = []
    for ua_m, ua_f, ru_m, ru_f, similar, w in _rows("surnames.csv"):
        invariant = not ua_f
        ru_male = ru_m or ua_m
        surname = Surname(
            ua_male=ua_m,
            ua_female=ua_f or ua_m,
            ru_male=ru_male,
            ru_female=ru_f or (ru_male if invariant else ua_f),
            similar=similar,
        )
        surnames.append((surname, float(w)))
    surnames.extend(_composed_surnames(surnames))
    groups: dict[str, list[Surname]] = {}
    for surname, _ in surnames:
        if surname.similar:
            groups.setdefault(surname.similar, []).append(surname)
    places = [
        (Place(ua, ru, kind, region), float(w)) for ua, ru, kind, region, w in _rows("places.csv")
    ]
    confusable: dict[str, list[str]] = {}
    for first, second in _rows("similar_given_names.csv"):
        confusable.setdefault(first, []).append(second)
        confusable.setdefault(second, []).append(first)
    by_ua = {name.ua: name for name, _ in given}
    unknown = [name for name in confusable if name not in by_ua]
    if unknown:  # a table error, caught by the unit tests
        raise ValueError(f"similar_given_names.csv has {len(unknown)} names not in given_names.csv")
    russian = [(row[0], float(row[1])) for row in _rows("russian_surnames.csv")]
    return Tables(
        boys=_weighted([(g, w) for g, w in given if g.sex == "M"]),
        girls=_weighted([(g, w) for g, w in given if g.sex == "F"]),
        given_by_ua=by_ua,
        fathers=_weighted(fathers),
        surnames=_weighted(surnames),
        surnames_by_group={key: tuple(value) for key, value in groups.items()},
        russian_surnames=_weighted(russian),
        birth_places=_weighted([(p, w) for p, w in places if p.kind in ("occupied", "crimea")]),
        ukraine_places=tuple(p for p, _ in places if p.kind == "ukraine"),
        russia_places=_weighted([(p, w) for p, w in places if p.kind == "russia"]),
        similar_given={key: tuple(value) for key, value in confusable.items()},
        podolsk=next(p for p, _ in places if p.ru == "Подольск"),
        yo={plain: with_yo for plain, with_yo in _rows("yo_spellings.csv")},
    )
