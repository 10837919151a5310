"""The children behind the lists: families of one to four affected children.

About 38% of children have one to three affected siblings (same surname in its gendered form,
same father hence patronymic, usually the same birth place, birth dates apart; twins in about
3.5% of sibling groups share a date and never a given name). Ages are 0-17 during 2022-2024:
births from March 2005 to December 2022. Everything is synthetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from generators.second.tables import (
    Father,
    GivenName,
    Settlement,
    Surname,
    Tables,
    draw_surname,
)

BIRTH_FIRST = date(2005, 3, 1).toordinal()
BIRTH_LAST = date(2022, 12, 31).toordinal()
FAMILY_SIZES = (1, 2, 3, 4)
FAMILY_SIZE_WEIGHTS = (0.77, 0.15, 0.06, 0.02)  # -> ~37% of children have affected siblings
TWIN_SHARE = 0.035  # of families with two or more children
SAME_BIRTH_PLACE = 0.88

_WOMEN = [
    "Олена",
    "Наталія",
    "Тетяна",
    "Ірина",
    "Світлана",
    "Оксана",
    "Юлія",
    "Ольга",
    "Марина",
    "Людмила",
    "Анна",
    "Катерина",
    "Вікторія",
    "Інна",
    "Галина",
    "Валентина",
    "Алла",
    "Лариса",
    "Яна",
    "Анастасія",
]
_GRANDMOTHERS = [
    "Галина",
    "Ніна",
    "Валентина",
    "Людмила",
    "Тамара",
    "Надія",
    "Любов",
    "Віра",
    "Раїса",
    "Лідія",
    "Марія",
]
_RELATIONS = (("мати", 0.6), ("батько", 0.2), ("бабуся", 0.15), ("тітка", 0.05))


@dataclass(slots=True)
class Child:
    child_id: str
    family_id: str
    sex: str
    given: GivenName
    surname: Surname
    father: Father
    birth: date
    place: Settlement
    twin: bool = False

    @property
    def surname_uk(self) -> str:
        return self.surname.uk if self.sex == "M" else self.surname.feminine


@dataclass(slots=True)
class Family:
    family_id: str
    surname: Surname
    father: Father
    home: Settlement
    reporter: str  # "Surname Given Patronymic", Ukrainian, as a family report gives it
    relation: str
    phone: str
    children: list[Child] = field(default_factory=list)


@dataclass(frozen=True)
class Overrides:
    """What a bad-input profile fixes for every child (None: drawn as usual)."""

    surname: Surname | None = None
    boy: GivenName | None = None
    girl: GivenName | None = None
    father: Father | None = None


def make_family(
    number: int, *, first_child: int, rng: random.Random, tables: Tables, fixed: Overrides
) -> Family:
    """Family `number` with its children, numbered from `first_child`."""
    size = rng.choices(FAMILY_SIZES, FAMILY_SIZE_WEIGHTS)[0]
    surname = fixed.surname or draw_surname(tables, rng)
    father = fixed.father or tables.fathers.draw(rng)
    home = tables.settlements.draw(rng)
    relation = rng.choices([r for r, _ in _RELATIONS], [w for _, w in _RELATIONS])[0]
    family = Family(
        family_id=f"F{number:07d}",
        surname=surname,
        father=father,
        home=home,
        reporter=_reporter(relation, surname, father, rng=rng, tables=tables),
        relation=relation,
        phone=_phone(rng),
    )
    births = _birth_dates(size, rng)
    twin_at = rng.randrange(1, len(births)) if len(births) > 1 and rng.random() < TWIN_SHARE else 0
    if twin_at:
        births[twin_at] = births[twin_at - 1]
    taken: set[str] = set()
    for k, birth in enumerate(births):
        sex = "M" if rng.random() < 0.51 else "F"
        given = _given(sex, taken, rng=rng, tables=tables, fixed=fixed)
        taken.add(given.uk)
        place = home if rng.random() < SAME_BIRTH_PLACE else tables.settlements.draw(rng)
        family.children.append(
            Child(
                child_id=f"C{first_child + k:07d}",
                family_id=family.family_id,
                sex=sex,
                given=given,
                surname=surname,
                father=father,
                birth=date.fromordinal(birth),
                place=place,
                twin=bool(twin_at) and k in (twin_at - 1, twin_at),
            )
        )
    return family


def _phone(rng: random.Random) -> str:
    """A Ukrainian-looking number under operator code 00, which does not exist: no one real."""
    return f"+380 00 {rng.randrange(1000):03d} {rng.randrange(100):02d} {rng.randrange(100):02d}"


def _birth_dates(size: int, rng: random.Random) -> list[int]:
    """Eldest first; siblings 11 months to 6.5 years apart; a family is cut short at the end."""
    latest_eldest = max(BIRTH_FIRST, BIRTH_LAST - (size - 1) * 500)
    births = [rng.randint(BIRTH_FIRST, latest_eldest)]
    for _ in range(size - 1):
        nxt = births[-1] + rng.randint(330, 2400)
        if nxt > BIRTH_LAST:
            break
        births.append(nxt)
    return births


def _given(
    sex: str, taken: set[str], *, rng: random.Random, tables: Tables, fixed: Overrides
) -> GivenName:
    pinned = fixed.boy if sex == "M" else fixed.girl
    if pinned:
        return pinned
    sampler = tables.boys if sex == "M" else tables.girls
    for _ in range(20):
        given = sampler.draw(rng)
        if given.uk not in taken:
            return given
    return given


def _reporter(
    relation: str, surname: Surname, father: Father, *, rng: random.Random, tables: Tables
) -> str:
    if relation == "батько":
        return f"{surname.uk} {father.uk} {tables.fathers.draw(rng).uk_m}"
    names = _GRANDMOTHERS if relation == "бабуся" else _WOMEN
    family_name = surname.feminine if relation == "мати" or rng.random() < 0.5 else None
    if family_name is None:
        family_name = draw_surname(tables, rng).feminine
    return f"{family_name} {rng.choice(names)} {tables.fathers.draw(rng).uk_f}"
