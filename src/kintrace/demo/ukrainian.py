"""Ukrainian lists: family reports (Ukrainian Cyrillic), the state registry (Latin, 2010 system)."""

from __future__ import annotations

from datetime import date, timedelta

from kintrace.demo.children import Child, Family, Guardian, pick
from kintrace.demo.latin import spellers
from kintrace.demo.noise import age_at, dotted, random_day, typo
from kintrace.demo.records import SYNTHETIC_MARK, Context, Record, child_tags, tag_sibling_groups

FAMILY_REPORTS = "demo_ua_family_reports"
STATE_REGISTRY = "demo_ua_state_registry"

_CHANNELS = ("гаряча лінія", "онлайн-форма", "заява до поліції", "лист омбудсману")
_OTHER_RELATIONS = ("бабуся", "тітка", "дядько", "сусідка", "хрещена мати")
_NOTES = (
    "",
    "",
    "",
    "Вивезений під час окупації",
    "Востаннє бачили у пункті фільтрації",
    "Був у таборі на оздоровленні, не повернувся",
)


def _family_row(
    ctx: Context, *, child: Child, guardian: Guardian, observed: date, group: int | None
) -> Record:
    rng, props = ctx.rng, ctx.props
    record = Record(source=FAMILY_REPORTS, child=child, fields={})
    child_tags(record)
    given, surname = child.given.ua, child.ua_surname
    patronymic = "" if ctx.chance(props.family_no_patronymic) else child.ua_patronymic
    if child.given.ua_diminutives and ctx.chance(props.family_diminutive):
        given = rng.choice(child.given.ua_diminutives)
        record.tag("diminutive")
    if ctx.chance(props.family_typo):
        if rng.random() < 0.5:
            given = typo(given, rng)
        else:
            surname = typo(surname, rng)
        record.tag("typo")
    if ctx.chance(props.family_missing_part):
        if rng.random() < 0.7:
            surname = ""
        else:
            given = ""
        record.tag("missing_name_part")
    f = record.fields
    if ctx.chance(props.family_full_name_only):
        parts = (surname, given, patronymic)
        if rng.random() < props.family_given_first:
            parts = (given, patronymic, surname)
            record.tag("given_name_first")
        f["full_name"] = " ".join(part for part in parts if part)
        record.tag("full_name_only")
    else:
        f["family_name"], f["given_name"], f["patronymic"] = surname, given, patronymic
    if rng.random() < 0.95:
        f["sex"] = "ч" if child.sex == "M" else "ж"
    roll = rng.random()
    if roll < props.family_no_birth:
        record.tag("missing_birth_date")
    elif roll < props.family_no_birth + props.family_age_only:
        f["age"] = age_at(child.birth_date, observed)
        record.tag("age_only")
    else:
        f["birth_date"] = (
            dotted(child.birth_date) if rng.random() < 0.8 else child.birth_date.isoformat()
        )
    f["observed_on"] = observed.isoformat()
    if rng.random() < 0.85:
        f["birth_place"] = child.birth_place.ua
    _vary_apostrophes(f, rng.random())
    if rng.random() < 0.8:
        f["last_known_place"] = child.home_place.ua
    else:
        f["last_known_place"] = pick(rng, ctx.tables.russia_places).ua
    if group is not None:
        f["group_id"] = f"З-{group:06d}"
        f["notes"] = "Разом з братом або сестрою"
    f["guardian_name"] = guardian.name
    f["guardian_contact"] = guardian.contact
    f["relationship"] = guardian.relation
    f["report_channel"] = rng.choice(_CHANNELS)
    f["notes"] = f.get("notes") or rng.choice(_NOTES)
    f["synthetic"] = SYNTHETIC_MARK
    return record


# Ukrainian writes the apostrophe three ways: ASCII ', the typographic ’ and the letter ʼ.
_APOSTROPHES = ("'", "’", "ʼ")


def _vary_apostrophes(fields: dict[str, str | int], roll: float) -> None:
    mark = _APOSTROPHES[int(roll * len(_APOSTROPHES))]
    for column in ("family_name", "full_name", "birth_place"):
        value = fields.get(column)
        if isinstance(value, str) and "'" in value:
            fields[column] = value.replace("'", mark)


def family_reports(ctx: Context, family: Family) -> list[Record]:
    """What a family tells a hotline: diminutives, typos, sometimes only an age."""
    props, rng = ctx.props, ctx.rng
    if not ctx.chance(props.family_reports):
        return []
    reported = [c for c in family.children if ctx.chance(props.family_reports_child)]
    if not reported:
        return []
    together = len(reported) > 1 and ctx.chance(props.family_reported_together)
    group = ctx.next_group(FAMILY_REPORTS) if together else None
    observed = random_day(rng, date(2022, 3, 15), date(2025, 10, 31))
    records: list[Record] = []
    duplicates: list[Record] = []
    for child in reported:
        when = observed if together else random_day(rng, date(2022, 3, 15), date(2025, 10, 31))
        records.append(
            _family_row(ctx, child=child, guardian=family.guardian, observed=when, group=group)
        )
        if ctx.chance(props.family_duplicate):
            other = Guardian(
                relation=rng.choice(_OTHER_RELATIONS),
                name=f"{pick(rng, ctx.tables.surnames).ua('F')} {pick(rng, ctx.tables.girls).ua}",
                contact=f"relative{rng.randrange(10**6):06d}@example.org",
            )
            later = random_day(rng, when, date(2025, 11, 15))
            second = _family_row(ctx, child=child, guardian=other, observed=later, group=None)
            records[-1].tag("duplicate_report")
            second.tag("duplicate_report")
            duplicates.append(second)
    tag_sibling_groups(records)
    return records + duplicates


def forced_family_report(ctx: Context, *, child: Child, guardian: Guardian) -> Record:
    """A report for a child no list mentioned: every generated child is known somewhere."""
    observed = random_day(ctx.rng, date(2022, 3, 15), date(2025, 10, 31))
    return _family_row(ctx, child=child, guardian=guardian, observed=observed, group=None)


def state_registry(ctx: Context, family: Family) -> list[Record]:
    """The Ukrainian registry: clean, complete, in Latin under the national 2010 system."""
    props, rng = ctx.props, ctx.rng
    kmu = spellers()["kmu"]
    records: list[Record] = []
    for child in family.children:
        if not ctx.chance(props.registry):
            continue
        record = Record(source=STATE_REGISTRY, child=child, fields={})
        child_tags(record)
        record.tag("translit_kmu")
        given, surname = kmu(child.given.ua), kmu(child.ua_surname)
        if ctx.chance(props.registry_typo):
            if rng.random() < 0.5:
                given = typo(given, rng)
            else:
                surname = typo(surname, rng)
            record.tag("typo")
        updated_from = max(date(2022, 1, 10), child.birth_date + timedelta(days=14))
        record.fields = {
            "given_name": given,
            "family_name": surname,
            "patronymic": kmu(child.ua_patronymic),
            "sex": child.sex,
            "birth_date": child.birth_date.isoformat(),
            "observed_on": random_day(rng, updated_from, date(2024, 12, 20)).isoformat(),
            "birth_place": kmu(child.birth_place.ua),
            "last_known_place": kmu(child.home_place.ua),
            "registry_no": f"SYN-UA-{rng.randrange(10**8):08d}",
            "synthetic": SYNTHETIC_MARK,
        }
        records.append(record)
    return records
