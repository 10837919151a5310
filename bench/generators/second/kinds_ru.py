"""Rows of the Russian sources: placement/camp lists and adoption/guardianship listings.

Rates (per row unless said otherwise), documented in the package README:

camp lists: given name in its Russian form 92% (else the Ukrainian form in Russian letters);
surname in Russian letters, и written ы by ear 60% (else kept); patronymic 75% (Russian form);
ё kept 30%; typo 3% per name part; sex 95% (м/ж); birth date full 80% (DD.MM.YYYY; of those 5%
with day and month swapped or a digit off), age only 12%, year only 8%; birth place 65% (the
pre-2016 name of a renamed town 60%, "г. " 10%); group_id = transport: siblings share one in 80%
of families, others drawn among about one group per 25 rows; last known place = the group's
placement; a short note 8%.

adoption listings (identity deliberately changed): surname replaced by the new family's 60%
(else the Russian spelling of the real one); given name kept (Russian form) 70%, else a new
Russian name of the same sex; patronymic present 92%, from the new "father" 60% of those; birth
date exact 40%, shifted 3-45 days 25%, shifted about a year 25%, age only 10%; birth place 90%,
of those a Russian city 40%, else the real one in Russian (former name 50%); ё kept 50%; typo 2%
per name part; sex always; group_id always empty; siblings adopted by one family in 50% of cases
(same new surname and patronymic, no link between the rows).
"""

from __future__ import annotations

from datetime import date

from generators.second import noise
from generators.second.dates import (
    age_on,
    clerical_error,
    dmy,
    iso,
    observed,
    shifted_days,
    shifted_year,
    window,
)
from generators.second.model import Source
from generators.second.population import Child, Family
from generators.second.rows import (
    Context,
    empty_row,
    maybe_typo,
    patronymic_ru,
    russian_surname,
)
from generators.second.script import feminine_ru, russify
from generators.second.tables import Father

CAMP_WINDOW = window(date(2022, 3, 15), date(2023, 9, 30))
ADOPTION_WINDOW = window(date(2022, 9, 1), date(2024, 12, 31))
_CAMP_NOTES = ("без документов", "прибыл без сопровождения", "со слов ребёнка", "из интерната")
_GROUP_LABELS = {"camp_south": "ТР-{:03d}", "camp_east": "гр. {}"}


def camp_entry(child: Child, family: Family, source: Source, ctx: Context) -> dict[str, str]:
    rng = ctx.rng
    row = empty_row(source)
    given = child.given.ru if rng.random() < 0.92 else russify(child.given.uk, strict=False)
    surname = russian_surname(child.surname, child.sex, strict=rng.random() < 0.6)
    patronymic = patronymic_ru(child) if rng.random() < 0.75 else ""
    given = maybe_typo(noise.yo(given, rng, 0.3), 0.03, "ru", rng)
    surname = maybe_typo(noise.yo(surname, rng, 0.3), 0.03, "ru", rng)
    patronymic = maybe_typo(noise.yo(patronymic, rng, 0.3), 0.03, "ru", rng)
    row["given_name"], row["family_name"], row["patronymic"] = given, surname, patronymic
    row["sex"] = ("м" if child.sex == "M" else "ж") if rng.random() < 0.95 else ""
    seen = observed(child.birth, CAMP_WINDOW, rng)
    row["observed_on"] = iso(seen)
    form = rng.random()
    if form < 0.80:
        birth = clerical_error(child.birth, seen, rng) if rng.random() < 0.05 else child.birth
        row["birth_date"] = dmy(birth)
    elif form < 0.92:
        row["age"] = str(age_on(child.birth, seen))
    else:
        row["birth_date"] = str(child.birth.year)
    if rng.random() < 0.65:
        place = child.place
        name = place.ru_old if place.ru_old and rng.random() < 0.6 else place.ru
        row["birth_place"] = ("г. " + name) if rng.random() < 0.1 else name
    group = _camp_group(child, family, source, ctx)
    row["group_id"] = _GROUP_LABELS.get(source.name, "{}").format(group)
    city = ctx.tables.russian_cities.values[group % len(ctx.tables.russian_cities.values)][0]
    row["last_known_place"] = f"ПВР № {group % 40 + 1}, {city}"
    if rng.random() < 0.08:
        row["notes"] = rng.choice(_CAMP_NOTES)
    return row


def _camp_group(child: Child, family: Family, source: Source, ctx: Context) -> int:
    groups = ctx.camp_groups.get(source.name, 1)
    key = "camp_group:" + source.name
    shared = ctx.scratch.get(key)
    if isinstance(shared, int) and ctx.rng.random() < 0.8:
        return shared
    group = ctx.rng.randrange(groups)
    ctx.scratch.setdefault(key, group)
    return group


def adoption_entry(child: Child, family: Family, source: Source, ctx: Context) -> dict[str, str]:
    rng = ctx.rng
    tables = ctx.tables
    row = empty_row(source)
    new_family = _adoptive_family(child, ctx)
    new_surname, new_father, region = new_family
    if rng.random() < 0.6:
        surname = new_surname if child.sex == "M" else feminine_ru(new_surname)
    else:
        surname = russian_surname(child.surname, child.sex, strict=rng.random() < 0.5)
    if rng.random() < 0.7:
        given = child.given.ru
    else:
        names = tables.russian_boys if child.sex == "M" else tables.russian_girls
        given = names.draw(rng)
    patronymic = ""
    if rng.random() < 0.92:
        if rng.random() < 0.6:
            patronymic = new_father.ru_m if child.sex == "M" else new_father.ru_f
        else:
            patronymic = patronymic_ru(child)
    given = maybe_typo(noise.yo(given, rng, 0.5), 0.02, "ru", rng)
    surname = maybe_typo(noise.yo(surname, rng, 0.5), 0.02, "ru", rng)
    patronymic = maybe_typo(noise.yo(patronymic, rng, 0.5), 0.02, "ru", rng)
    row["given_name"], row["family_name"], row["patronymic"] = given, surname, patronymic
    row["sex"] = child.sex if source.format != "xlsx" else ("м" if child.sex == "M" else "ж")
    seen = observed(child.birth, ADOPTION_WINDOW, rng)
    row["observed_on"] = iso(seen)
    form = rng.random()
    if form < 0.40:
        birth = child.birth
    elif form < 0.65:
        birth = shifted_days(child.birth, seen, rng)
    elif form < 0.90:
        birth = shifted_year(child.birth, seen, rng)
    else:
        birth = None
        row["age"] = str(age_on(child.birth, seen))
    if birth is not None:
        row["birth_date"] = dmy(birth) if source.format == "xlsx" else iso(birth)
    if rng.random() < 0.9:
        if rng.random() < 0.4:
            row["birth_place"] = tables.russian_cities.draw(rng)[0]
        else:
            place = child.place
            row["birth_place"] = place.ru_old if place.ru_old and rng.random() < 0.5 else place.ru
    row["last_known_place"] = region
    return row


def _adoptive_family(child: Child, ctx: Context) -> tuple[str, Father, str]:
    """The new family: siblings go to the same one in half the cases."""
    tables = ctx.tables
    previous = ctx.scratch.get("adoptive_family")
    if isinstance(previous, tuple) and ctx.rng.random() < 0.5:
        return previous  # type: ignore[return-value]
    chosen = (
        tables.russian_surnames.draw(ctx.rng),
        tables.fathers.draw(ctx.rng),
        tables.russian_cities.draw(ctx.rng)[1],
    )
    ctx.scratch["adoptive_family"] = chosen
    return chosen
