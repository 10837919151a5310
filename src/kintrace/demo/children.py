"""The truth behind the lists: synthetic children, their families, twins and look-alikes.

Each unit of generation is one family (siblings share surname, father and usually birthplace)
plus, sometimes, an unrelated look-alike child from another family. Every source list is then
written from these children with the distortions real lists show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TypeVar

from kintrace.demo.proportions import Proportions
from kintrace.demo.tables import FatherName, GivenName, Place, Surname, Tables, Weighted

# Children aged 0-17 at the full-scale invasion (24 February 2022).
OLDEST_BIRTH = date(2004, 3, 1)
YOUNGEST_BIRTH = date(2022, 2, 1)
T = TypeVar("T")
GUARDIAN_RELATIONS = ("мати", "мати", "мати", "батько", "бабуся", "бабуся", "дідусь", "тітка")


@dataclass(frozen=True, slots=True)
class Child:
    """One synthetic child as they really are (the ground truth)."""

    child_id: str
    family_id: str
    sex: str  # "M" | "F"
    given: GivenName
    surname: Surname
    father: FatherName
    birth_date: date
    birth_place: Place
    home_place: Place  # where the child lived when taken
    twin: bool = False
    similar_to: str = ""  # child_id of an unrelated look-alike, "" when none

    @property
    def ua_surname(self) -> str:
        return self.surname.ua(self.sex)

    @property
    def ua_patronymic(self) -> str:
        return self.father.patronymic(sex=self.sex, russian=False)

    @property
    def ru_patronymic(self) -> str:
        return self.father.patronymic(sex=self.sex, russian=True)


@dataclass(frozen=True, slots=True)
class Guardian:
    """The relative who reports the family's children (synthetic, contact obviously fake)."""

    relation: str
    name: str
    contact: str


@dataclass(frozen=True, slots=True)
class Family:
    family_id: str
    children: tuple[Child, ...]
    guardian: Guardian


def pick(rng: random.Random, weighted: Weighted[T]) -> T:
    return rng.choices(weighted.items, cum_weights=weighted.cum_weights)[0]


def _given(rng: random.Random, tables: Tables, sex: str) -> GivenName:
    return pick(rng, tables.boys if sex == "M" else tables.girls)


def _birth_date(rng: random.Random) -> date:
    span = (YOUNGEST_BIRTH - OLDEST_BIRTH).days
    return OLDEST_BIRTH + timedelta(days=rng.randrange(span))


def _sibling_birth(rng: random.Random, first: date) -> date:
    for _ in range(10):
        gap = rng.randrange(330, 3000) * rng.choice((-1, 1))
        candidate = first + timedelta(days=gap)
        if OLDEST_BIRTH <= candidate <= YOUNGEST_BIRTH:
            return candidate
    return _birth_date(rng)


def _family_size(rng: random.Random, props: Proportions) -> int:
    return rng.choices((1, 2, 3, 4), weights=props.family_size_weights)[0]


def _guardian(rng: random.Random, tables: Tables, surname: Surname, number: int) -> Guardian:
    relation = rng.choice(GUARDIAN_RELATIONS)
    sex = "M" if relation in ("батько", "дідусь") else "F"
    own_surname = surname if relation in ("мати", "батько") else pick(rng, tables.surnames)
    name = f"{own_surname.ua(sex)} {_given(rng, tables, sex).ua}"
    if rng.random() < 0.7:
        contact = f"+380 00 000 {number % 10000:04d}"
    else:
        contact = f"family{number:06d}@example.org"
    return Guardian(relation=relation, name=name, contact=contact)


def _distinct_given(rng: random.Random, tables: Tables, sex: str, taken: set[str]) -> GivenName:
    for _ in range(20):
        given = _given(rng, tables, sex)
        if given.ua not in taken:
            return given
    return given


def make_family(
    rng: random.Random,
    *,
    tables: Tables,
    props: Proportions,
    family_id: str,
    first_child_number: int,
    max_children: int,
) -> Family:
    """One family of 1-4 missing children; sometimes with twins."""
    size = min(_family_size(rng, props), max_children)
    surname = pick(rng, tables.surnames)
    father = pick(rng, tables.fathers)
    birth_place = pick(rng, tables.birth_places)
    home = birth_place if rng.random() < 0.8 else pick(rng, tables.birth_places)
    twins_at = -1
    if size >= 2 and rng.random() < props.twin_family:
        twins_at = rng.randrange(size - 1)  # children twins_at and twins_at + 1
    children: list[Child] = []
    taken: set[str] = set()
    first_birth = _birth_date(rng)
    for i in range(size):
        if i == twins_at + 1 and twins_at >= 0:
            twin = children[-1]
            mixed = rng.random() < props.mixed_sex_twins
            sex = ("F" if twin.sex == "M" else "M") if mixed else twin.sex
            birth, place = twin.birth_date, twin.birth_place
        else:
            sex = rng.choice("MF")
            birth = first_birth if i == 0 else _sibling_birth(rng, first_birth)
            place = birth_place if rng.random() < 0.85 else pick(rng, tables.birth_places)
        given = _distinct_given(rng, tables, sex, taken)
        taken.add(given.ua)
        children.append(
            Child(
                child_id=f"C{first_child_number + i:07d}",
                family_id=family_id,
                sex=sex,
                given=given,
                surname=surname,
                father=father,
                birth_date=birth,
                birth_place=place,
                home_place=home,
                twin=twins_at >= 0 and i in (twins_at, twins_at + 1),
            )
        )
    guardian = _guardian(rng, tables, surname, first_child_number)
    return Family(family_id=family_id, children=tuple(children), guardian=guardian)


def make_lookalike(
    rng: random.Random,
    *,
    tables: Tables,
    original: Child,
    family_id: str,
    child_number: int,
) -> Child:
    """An unrelated child whose name could be taken for `original`'s.

    Three kinds, as in real lists: same surname with a confusable given name (Іван/Іванна,
    Марія/Марина); a look-alike surname with the same given name (Коваль/Ковальчук); an exact
    namesake with another father and birth date.
    """
    roll = rng.random()
    given, surname, sex = original.given, original.surname, original.sex
    if roll < 0.4 and original.given.ua in tables.similar_given:
        given = tables.given_by_ua[rng.choice(tables.similar_given[original.given.ua])]
        sex = given.sex
    elif roll < 0.8 and original.surname.similar:
        group = [s for s in tables.surnames_by_group[original.surname.similar] if s != surname]
        surname = rng.choice(group)
    father = pick(rng, tables.fathers)
    shift = timedelta(days=rng.randrange(-730, 731))
    birth = min(max(original.birth_date + shift, OLDEST_BIRTH), YOUNGEST_BIRTH)
    place = original.birth_place if rng.random() < 0.5 else pick(rng, tables.birth_places)
    return Child(
        child_id=f"C{child_number:07d}",
        family_id=family_id,
        sex=sex,
        given=given,
        surname=surname,
        father=father,
        birth_date=birth,
        birth_place=place,
        home_place=place,
        similar_to=original.child_id,
    )


def lookalike_family(rng: random.Random, *, tables: Tables, child: Child, number: int) -> Family:
    """The look-alike's own family: one child and the relative who reports them."""
    guardian = _guardian(rng, tables, child.surname, number)
    return Family(family_id=child.family_id, children=(child,), guardian=guardian)


def mark_similar(family: Family, original: Child, lookalike: Child) -> Family:
    """The family with `original` marked as having a look-alike."""
    children = tuple(
        replace(c, similar_to=lookalike.child_id) if c.child_id == original.child_id else c
        for c in family.children
    )
    return replace(family, children=children)
