"""Russian lists: camp lists (Russified names, day/month swaps) and adoption listings (renamed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kintrace.demo.children import Child, Family, pick
from kintrace.demo.noise import (
    age_at,
    can_swap,
    dotted,
    random_day,
    swap_day_month,
    typo,
)
from kintrace.demo.records import SYNTHETIC_MARK, Context, Record, child_tags, tag_sibling_groups

CAMP_LIST_A = "demo_ru_camp_list_a"
CAMP_LIST_B = "demo_ru_camp_list_b"
ADOPTION_LISTING = "demo_ru_adoption_listing"

_CAMP_NOTES = ("", "", "", "прибыл организованной группой", "без документов", "документы утеряны")
_LISTINGS_FROM = date(2023, 1, 10)
# Children born before this were adults before the first listing: adoption listings skip them.
_ADULT_BEFORE_LISTINGS = date(2005, 3, 1)
_LISTING_STATUS = ("ищет семью", "ищет семью", "передан под опеку", "передан в приемную семью")


def _russified_names(ctx: Context, child: Child, record: Record) -> tuple[str, str, str]:
    """Given name, surname and patronymic as a Russian clerk writes them."""
    props, rng = ctx.props, ctx.rng
    given = child.given.ru if ctx.chance(props.camp_russian_given) else child.given.ua
    surname = (
        child.surname.ru(child.sex) if ctx.chance(props.camp_russian_surname) else child.ua_surname
    )
    patronymic = (
        child.ru_patronymic if ctx.chance(props.camp_russian_patronymic) else child.ua_patronymic
    )
    if (given, surname, patronymic) != (child.given.ua, child.ua_surname, child.ua_patronymic):
        record.tag("russified")
    kept = (
        (given, child.given.ua, child.given.ru),
        (surname, child.ua_surname, child.surname.ru(child.sex)),
        (patronymic, child.ua_patronymic, child.ru_patronymic),
    )
    if any(written == ua != ru for written, ua, ru in kept):
        record.tag("ukrainian_spelling")  # a part left as the Ukrainian document spells it
    gendered = child.surname.ru_male != child.surname.ru_female
    wrong_form = ctx.chance(props.camp_gender_form)
    if child.sex == "F" and gendered and surname == child.surname.ru_female and wrong_form:
        surname = child.surname.ru_male
        record.tag("gender_form")
    if child.given.ru_diminutives and ctx.chance(props.camp_diminutive):
        given = rng.choice(child.given.ru_diminutives)
        record.tag("diminutive")
    if ctx.chance(props.camp_typo):
        if rng.random() < 0.5:
            given = typo(given, rng)
        else:
            surname = typo(surname, rng)
        record.tag("typo")
    return given, surname, patronymic


def _with_yo(ctx: Context, record: Record, *words: str) -> tuple[str, ...]:
    """Some clerks write ё where Russian allows it (Артём, Ковалёва, Алёшки)."""
    yo = ctx.tables.yo
    if not any(w in yo for w in words) or not ctx.chance(ctx.props.russian_yo):
        return words
    record.tag("yo_spelling")
    return tuple(yo.get(w, w) for w in words)


@dataclass(frozen=True, slots=True)
class _Arrival:
    """One group's arrival at a camp: shared by the siblings (and strangers) on the transport."""

    transport: str
    camp: str
    institution: str
    arrived: date
    observed: date


def _camp_row(ctx: Context, *, source: str, child: Child, arrival: _Arrival) -> Record:
    props, rng = ctx.props, ctx.rng
    observed = arrival.observed
    record = Record(source=source, child=child, fields={})
    child_tags(record)
    given, surname, patronymic = _russified_names(ctx, child, record)
    f = record.fields
    given, surname, patronymic, birth_place = _with_yo(
        ctx, record, given, surname, patronymic, child.birth_place.ru
    )
    if source == CAMP_LIST_A and ctx.chance(props.camp_swapped_parts):
        given, surname = surname, given
        record.tag("name_parts_swapped")
    if source == CAMP_LIST_B:  # list B has a single name column and no sex column
        f["full_name"] = f"{surname} {given} {patronymic}"
        record.tag("full_name_only")
    else:
        f["family_name"], f["given_name"], f["patronymic"] = surname, given, patronymic
        f["sex"] = "м" if child.sex == "M" else "ж"
    if ctx.chance(props.camp_age_only):
        f["age"] = age_at(child.birth_date, observed)
        record.tag("age_only")
    else:
        birth = child.birth_date
        swappable = can_swap(birth) and swap_day_month(birth) < observed
        if swappable and ctx.chance(props.camp_date_swap):
            birth = swap_day_month(birth)
            record.tag("date_swapped")
        f["birth_date"] = dotted(birth)
    f["observed_on"] = dotted(observed)
    f["birth_place"] = birth_place
    f["last_known_place"] = arrival.camp
    f["group_id"] = arrival.transport
    f["institution"] = arrival.institution
    f["arrival_date"] = dotted(arrival.arrived)
    f["notes"] = rng.choice(_CAMP_NOTES)
    f["synthetic"] = SYNTHETIC_MARK
    return record


def camp_lists(ctx: Context, family: Family) -> list[Record]:
    """Children found in Russian camps: siblings usually arrive on one transport."""
    props, rng = ctx.props, ctx.rng
    if not ctx.chance(props.camp):
        return []
    present = [c for c in family.children if ctx.chance(props.camp_child)]
    if not present:
        return []
    first = CAMP_LIST_B if ctx.chance(props.camp_list_b) else CAMP_LIST_A
    sources = [first]
    if ctx.chance(props.camp_both_lists):
        sources.append(CAMP_LIST_A if first == CAMP_LIST_B else CAMP_LIST_B)
    records: list[Record] = []
    # Transports carry unrelated children too: a pool shared across families.
    pool = max(10, ctx.children // 25)
    for source in sources:
        observed = random_day(rng, date(2022, 4, 1), date(2023, 12, 31))
        camp = pick(rng, ctx.tables.russia_places).ru
        arrival = _Arrival(
            transport=f"Т-{rng.randrange(pool):05d}",
            camp=camp,
            institution=f"Учреждение {rng.randrange(1, 60)} ({camp})",
            arrived=observed - timedelta(days=rng.randrange(0, 90)),
            observed=observed,
        )
        rows = [_camp_row(ctx, source=source, child=c, arrival=arrival) for c in present]
        tag_sibling_groups(rows)
        records.extend(rows)
    return records


def _years_earlier(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _adoption_row(
    ctx: Context, *, child: Child, new_surname: str, new_father_ru: str, group: int | None
) -> Record:
    props, rng, tables = ctx.props, ctx.rng, ctx.tables
    record = Record(source=ADOPTION_LISTING, child=child, fields={})
    child_tags(record)
    record.tag("russified")
    given = child.given.ru
    surname, patronymic = child.surname.ru(child.sex), child.ru_patronymic
    if new_surname:
        surname = new_surname if child.sex == "M" else new_surname + "а"
        patronymic = new_father_ru
        record.tag("adoption_renamed")
    if ctx.chance(props.adoption_given_changed):
        pool = tables.boys if child.sex == "M" else tables.girls
        given = next(g.ru for g in iter(lambda: pick(rng, pool), None) if g.ua != child.given.ua)
        record.tag("given_name_changed")
    # Listed while still a minor (an inflated age may make them look adult).
    latest = min(date(2025, 9, 30), _years_earlier(child.birth_date, -18) - timedelta(days=1))
    observed = random_day(rng, _LISTINGS_FROM, latest)
    birth = child.birth_date
    if ctx.chance(props.adoption_birthdate_changed):
        birth = birth + timedelta(days=rng.choice((-1, 1)) * rng.randrange(20, 400))
        birth = min(birth, observed - timedelta(days=60))  # never born after the listing
        record.tag("birthdate_changed")
    if ctx.chance(props.adoption_age_inflated):
        years = max(2, 18 - age_at(birth, observed)) if rng.random() < 0.5 else 2
        birth = _years_earlier(birth, years)
        record.tag("age_inflated")
    place = child.birth_place
    if ctx.chance(props.adoption_birthplace_changed):
        if ctx.chance(props.adoption_podolsk):
            place = tables.podolsk
        else:
            place = pick(rng, tables.russia_places)
        if place.ru != child.birth_place.ru:
            record.tag("birthplace_changed")
    where = pick(rng, tables.russia_places)
    given, surname, patronymic, birth_place = _with_yo(
        ctx, record, given, surname, patronymic, place.ru
    )
    f = record.fields
    f["family_name"], f["given_name"], f["patronymic"] = surname, given, patronymic
    f["sex"] = "м" if child.sex == "M" else "ж"
    if ctx.chance(props.adoption_year_only):
        f["birth_date"] = str(birth.year)
        record.tag("year_only")
    else:
        f["birth_date"] = dotted(birth)
    f["observed_on"] = observed.isoformat()
    f["birth_place"] = birth_place
    f["last_known_place"] = where.ru
    if group is not None:
        f["group_id"] = f"Семья-{group:05d}"
    status = rng.choice(_LISTING_STATUS)
    if status != "ищет семью":
        initials = f"{pick(rng, tables.girls).ru[0]}. {pick(rng, tables.fathers).ru[0]}."
        f["guardian_name"] = f"{new_surname or pick(rng, tables.russian_surnames)}а {initials}"
        f["guardian_contact"] = f"+7 000 000-{rng.randrange(100):02d}-{rng.randrange(100):02d}"
    f["region"] = where.region
    f["listing_status"] = status
    f["listing_ref"] = f"https://adoption.example.org/anketa/{rng.randrange(10**6):06d}"
    f["notes"] = "есть братья или сестры" if group is not None else ""
    f["synthetic"] = SYNTHETIC_MARK
    return record


def adoption_listing(ctx: Context, family: Family) -> list[Record]:
    """Children offered for adoption in Russia, often under a new surname and patronymic."""
    props, rng, tables = ctx.props, ctx.rng, ctx.tables
    minors = [c for c in family.children if c.birth_date > _ADULT_BEFORE_LISTINGS]
    listed = [c for c in minors if ctx.chance(props.adoption)]
    if not listed:
        return []
    for child in minors:
        if child not in listed and ctx.chance(props.adoption_sibling_along):
            listed.append(child)
    listed.sort(key=lambda c: c.child_id)
    group = ctx.next_group(ADOPTION_LISTING) if len(listed) > 1 else None
    # Siblings adopted together get the same new surname and patronymic.
    renamed = ctx.chance(props.adoption_renamed)
    new_surname = pick(rng, tables.russian_surnames) if renamed else ""
    new_father = pick(rng, tables.fathers)
    rows = [
        _adoption_row(
            ctx,
            child=c,
            new_surname=new_surname,
            new_father_ru=new_father.patronymic(sex=c.sex, russian=True) if renamed else "",
            group=group,
        )
        for c in listed
    ]
    tag_sibling_groups(rows)
    return rows
