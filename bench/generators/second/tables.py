"""The frequency tables in data/ and the samplers built on them.

All weights are approximate and synthetic (see the comment lines at the top of each CSV): they
follow the shape described for a dense Ukrainian registry (a few dozen given names cover most
children; surnames with heavy heads and a long tail), not any measured count. The long tail of
surnames is composed from stems and suffixes, and beyond that from syllables, so that a large
registry keeps meeting new surnames as a real one does.
"""

from __future__ import annotations

import csv
import random
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar

from generators.second.script import feminine_uk

DATA = Path(__file__).resolve().parent / "data"
T = TypeVar("T")

# Share of children whose surname comes from the syllable-composed tail (rare surnames, most of
# them met once or a few times even in a million records).
SYLLABIC_SHARE = 0.31
# Share of the composed stem+suffix tail (the hand-made head takes what is left).
COMPOSED_SHARE = 0.52


class Sampler(Generic[T]):
    """Weighted choice by bisection on cumulative weights: one random() call per draw."""

    __slots__ = ("_cum", "_total", "values")

    def __init__(self, values: list[T], weights: list[float]) -> None:
        if not values or len(values) != len(weights):
            raise ValueError(f"a sampler needs values and as many weights ({len(values)} values)")
        self.values = values
        self._cum = list(accumulate(weights))
        self._total = self._cum[-1]

    def draw(self, rng: random.Random) -> T:
        return self.values[bisect_right(self._cum, rng.random() * self._total)]

    def share(self, index: int) -> float:
        """The probability of values[index] (for the tests and the docs)."""
        low = self._cum[index - 1] if index else 0.0
        return (self._cum[index] - low) / self._total


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))


@dataclass(frozen=True, slots=True)
class GivenName:
    sex: str
    uk: str
    ru: str
    diminutives: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Father:
    uk: str
    ru: str
    uk_m: str
    uk_f: str
    ru_m: str
    ru_f: str


@dataclass(frozen=True, slots=True)
class Settlement:
    oblast: str
    uk: str
    ru: str
    uk_old: str
    ru_old: str


@dataclass(frozen=True, slots=True)
class Surname:
    """A Ukrainian surname with its feminine form; `ru` is a fixed Russian spelling or ''."""

    uk: str
    feminine: str
    ru: str


@dataclass(frozen=True)
class Tables:
    boys: Sampler[GivenName]
    girls: Sampler[GivenName]
    fathers: Sampler[Father]
    settlements: Sampler[Settlement]
    surnames: Sampler[Surname]
    russian_boys: Sampler[str]
    russian_girls: Sampler[str]
    russian_surnames: Sampler[str]
    russian_cities: Sampler[tuple[str, str]]
    given_by_ru: dict[str, GivenName]


@cache
def load() -> Tables:
    """Read every table once per process (they are small; about 20 ms)."""
    given = [
        (
            GivenName(
                r["sex"], r["uk"], r["ru"], tuple(d for d in r["diminutives"].split(";") if d)
            ),
            float(r["percent"]),
        )
        for r in _rows("given_names.csv")
    ]
    boys = [(g, w) for g, w in given if g.sex == "M"]
    girls = [(g, w) for g, w in given if g.sex == "F"]
    fathers = [
        (Father(r["uk"], r["ru"], r["uk_m"], r["uk_f"], r["ru_m"], r["ru_f"]), float(r["weight"]))
        for r in _rows("fathers.csv")
    ]
    places = [
        (Settlement(r["oblast"], r["uk"], r["ru"], r["uk_old"], r["ru_old"]), float(r["weight"]))
        for r in _rows("settlements.csv")
    ]
    russian_given = _rows("russian_given.csv")
    cities = _rows("russian_cities.csv")
    surnames, weights = _surnames()
    return Tables(
        boys=Sampler([g for g, _ in boys], [w for _, w in boys]),
        girls=Sampler([g for g, _ in girls], [w for _, w in girls]),
        fathers=Sampler([f for f, _ in fathers], [w for _, w in fathers]),
        settlements=Sampler([p for p, _ in places], [w for _, w in places]),
        surnames=Sampler(surnames, weights),
        russian_boys=_plain([r for r in russian_given if r["sex"] == "M"], "name"),
        russian_girls=_plain([r for r in russian_given if r["sex"] == "F"], "name"),
        russian_surnames=_plain(_rows("russian_surnames.csv"), "surname"),
        russian_cities=Sampler(
            [(r["city"], r["region"]) for r in cities], [float(r["weight"]) for r in cities]
        ),
        given_by_ru={g.ru: g for g, _ in given},
    )


def _plain(rows: list[dict[str, str]], column: str) -> Sampler[str]:
    return Sampler([r[column] for r in rows], [float(r["weight"]) for r in rows])


def _surnames() -> tuple[list[Surname], list[float]]:
    """The head (hand-made) and the stem+suffix tail, weights in percent of all children."""
    head = _rows("surnames_head.csv")
    names = [Surname(r["uk"], r["feminine"] or feminine_uk(r["uk"]), r["ru"]) for r in head]
    weights = [float(r["percent"]) for r in head]
    seen = {s.uk for s in names}
    composed: dict[str, float] = {}
    suffixes = [(r["suffix"], float(r["weight"])) for r in _rows("surname_suffixes.csv")]
    for rank, row in enumerate(_rows("surname_stems.csv")):
        stem_weight = float(row["weight"]) / (1 + rank / 40)
        for suffix, suffix_weight in suffixes:
            surname = join_surname(row["stem"], suffix, bare=row["bare"] == "1")
            if surname and surname not in seen:
                # flattened (power 0.4): no composed surname outweighs the head's 100th
                weight = (stem_weight * suffix_weight) ** 0.4
                composed[surname] = composed.get(surname, 0.0) + weight
    scale = 100 * COMPOSED_SHARE / sum(composed.values())
    for surname, weight in composed.items():
        names.append(Surname(surname, feminine_uk(surname), ""))
        weights.append(weight * scale)
    head_scale = (100 * (1 - SYLLABIC_SHARE - COMPOSED_SHARE)) / sum(weights[: len(head)])
    weights[: len(head)] = [w * head_scale for w in weights[: len(head)]]
    return names, weights


_VOWELS = set("аеєиіїоуюя")
_HUSHING = set("жчшщц")
_SOFT_UK = set("лнрстдз")


def join_surname(stem: str, suffix: str, *, bare: bool) -> str | None:
    """Join a stem and a suffix as Ukrainian surnames are formed, or None when they do not join.

    Дяк+енко -> Дяченко, Гордій+енко -> Гордієнко, Кость+ук -> Костюк, Степан+ук -> Степанюк.
    """
    if not suffix:
        return stem if bare else None
    last = stem[-1]
    if last == "ь":
        base = stem[:-1]
        if base.endswith("ц"):
            return None
        return {
            "енко": base + "енко",
            "ук": base + "юк",
            "ишин": base + "ишин",
            "ів": base + "ів",
        }.get(suffix)
    if last == "й":
        return {"енко": stem[:-1] + "єнко", "ук": stem[:-1] + "юк"}.get(suffix)
    if suffix == "овський" and stem.endswith("ов"):
        return None
    if last == "к":
        return {
            "енко": stem[:-1] + "ченко",
            "ук": stem[:-1] + "чук",
            "ів": stem + "ів",
            "овський": stem + "овський",
        }.get(suffix)
    if last in _HUSHING:
        if suffix in ("енко", "ук", "ишин", "ів", "ик"):
            return stem + suffix
        return None
    two_consonants = len(stem) > 1 and stem[-2] not in _VOWELS
    if suffix in ("ченко", "чук") and two_consonants:
        return None
    if suffix == "ук" and last in _SOFT_UK and not two_consonants:
        return stem + "юк"
    return stem + suffix


# -- the syllable-composed rare tail ------------------------------------------------------------

_ONSETS = [
    "ба",
    "бо",
    "бу",
    "ва",
    "во",
    "ві",
    "га",
    "го",
    "гу",
    "да",
    "до",
    "ду",
    "за",
    "зо",
    "ка",
    "ко",
    "ку",
    "ла",
    "ло",
    "лу",
    "ма",
    "мо",
    "му",
    "на",
    "но",
    "ну",
    "па",
    "по",
    "пу",
    "ра",
    "ро",
    "ру",
    "са",
    "со",
    "су",
    "та",
    "то",
    "ту",
    "фе",
    "ха",
    "хо",
    "чу",
    "ча",
    "ша",
    "шо",
    "ку",
    "бі",
    "ді",
    "мі",
    "рі",
    "сі",
    "ті",
    "ки",
    "ли",
    "ми",
    "ни",
    "ри",
    "си",
    "ти",
]
_MIDDLES = [
    "ба",
    "бе",
    "ва",
    "ве",
    "да",
    "де",
    "ка",
    "ке",
    "ла",
    "ле",
    "ма",
    "ме",
    "на",
    "не",
    "па",
    "пе",
    "ра",
    "ре",
    "са",
    "се",
    "та",
    "те",
    "ча",
    "че",
    "ша",
    "ше",
]
_CODAS = list("бвдклмнпрстхш")
_RARE_SUFFIXES = (("енко", 40), ("ук", 14), ("чук", 10), ("ишин", 6), ("ак", 5), ("ець", 4),
                  ("ський", 8), ("ик", 5), ("ів", 4), ("ович", 4))  # fmt: skip
_RARE_SUFFIX = Sampler([s for s, _ in _RARE_SUFFIXES], [float(w) for _, w in _RARE_SUFFIXES])


def rare_surname(rng: random.Random) -> Surname:
    """A surname from the syllable tail: Ко+ре+н+енко -> Коренко-like forms, rarely repeated."""
    body = rng.choice(_ONSETS).capitalize()
    if rng.random() < 0.6:
        body += rng.choice(_MIDDLES)
    body += rng.choice(_CODAS)
    surname = join_surname(body, _RARE_SUFFIX.draw(rng), bare=False) or body + "енко"
    return Surname(surname, feminine_uk(surname), "")


def draw_surname(tables: Tables, rng: random.Random) -> Surname:
    if rng.random() < SYLLABIC_SHARE:
        return rare_surname(rng)
    return tables.surnames.draw(rng)
