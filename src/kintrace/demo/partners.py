"""Partner lists in Latin letters under other standards, often with only a birth year.

The mediator list relays names from Russian lists (Russified forms) spelt under Russian BGN/PCGN,
the Russian passport system or ICAO; the NGO list spells the family's Ukrainian forms the French
way (Kovaltchouk, sometimes Alexandre for Олександр) or under Ukrainian BGN/PCGN.
"""

from __future__ import annotations

from datetime import date

from kintrace.demo.children import Child, Family, pick
from kintrace.demo.latin import spellers
from kintrace.demo.records import SYNTHETIC_MARK, Context, Record, child_tags, tag_sibling_groups

MEDIATOR_LIST = "demo_partner_mediator_list"
NGO_LIST = "demo_partner_ngo_list"

# Hand-over dates of the synthetic mediator lists.
_MEDIATOR_ROUNDS = (date(2024, 4, 15), date(2024, 11, 5), date(2025, 6, 2))
_MEDIATOR_STANDARDS = ("ru_bgn", "ru_bgn", "ru_bgn", "ru_passport", "ru_passport", "ru_icao")


def _mediator_row(
    ctx: Context, *, child: Child, standard: str, observed: date, group: str
) -> Record:
    props, rng = ctx.props, ctx.rng
    spell = spellers()[standard]
    record = Record(source=MEDIATOR_LIST, child=child, fields={})
    child_tags(record)
    record.tag("russified")
    record.tag(f"translit_{standard}")
    given, surname = spell(child.given.ru), spell(child.surname.ru(child.sex))
    f = record.fields
    if ctx.chance(props.mediator_full_name_only):
        f["full_name"] = f"{surname.upper()} {given}"
        record.tag("full_name_only")
    else:
        f["given_name"], f["family_name"] = given, surname
    if rng.random() < 0.8:
        f["sex"] = child.sex
    if ctx.chance(props.mediator_year_only):
        f["birth_date"] = str(child.birth_date.year)
        record.tag("year_only")
    else:
        f["birth_date"] = child.birth_date.isoformat()
    f["observed_on"] = observed.isoformat()
    f["last_known_place"] = spell(pick(rng, ctx.tables.russia_places).ru)
    if group:
        f["group_id"] = group
    f["list_ref"] = f"MED-{observed.year}-{rng.randrange(10**5):05d}"
    f["channel"] = "mediator (synthetic)"
    f["synthetic"] = SYNTHETIC_MARK
    return record


def mediator_list(ctx: Context, family: Family) -> list[Record]:
    props, rng = ctx.props, ctx.rng
    if not ctx.chance(props.mediator):
        return []
    present = [c for c in family.children if rng.random() < 0.9]
    if not present:
        return []
    standard = rng.choice(_MEDIATOR_STANDARDS)
    observed = rng.choice(_MEDIATOR_ROUNDS)
    group = f"MED-G{ctx.next_group(MEDIATOR_LIST):05d}" if len(present) > 1 else ""
    rows = [
        _mediator_row(ctx, child=c, standard=standard, observed=observed, group=group)
        for c in present
    ]
    tag_sibling_groups(rows)
    return rows


def _ngo_row(ctx: Context, *, child: Child, french: bool, observed: date, group: str) -> Record:
    props, rng = ctx.props, ctx.rng
    standard = "french" if french else "ua_bgn"
    spell = spellers()[standard]
    record = Record(source=NGO_LIST, child=child, fields={})
    child_tags(record)
    record.tag(f"translit_{standard}")
    given = spell(child.given.ua)
    if french and child.given.french and ctx.chance(props.ngo_french_given):
        given = child.given.french
        record.tag("french_given_name")
    f = record.fields
    f["given_name"] = given
    f["family_name"] = spell(child.ua_surname)
    f["sex"] = "male" if child.sex == "M" else "female"
    if ctx.chance(props.ngo_year_only):
        f["birth_date"] = str(child.birth_date.year)
        record.tag("year_only")
    else:
        f["birth_date"] = child.birth_date.isoformat()
    f["observed_on"] = observed.isoformat()
    if rng.random() < 0.6:
        f["birth_place"] = spell(child.birth_place.ua)
    f["last_known_place"] = spell(pick(rng, ctx.tables.russia_places).ua)
    if group:
        f["group_id"] = group
    f["guardian_contact"] = f"case{rng.randrange(10**6):06d}@ngo.example.org"
    f["case_ref"] = f"NGO-{rng.randrange(10**6):06d}"
    f["synthetic"] = SYNTHETIC_MARK
    return record


def ngo_list(ctx: Context, family: Family) -> list[Record]:
    props, rng = ctx.props, ctx.rng
    if not ctx.chance(props.ngo):
        return []
    present = [c for c in family.children if rng.random() < 0.9]
    if not present:
        return []
    french = ctx.chance(props.ngo_french)
    observed = date.fromordinal(date(2023, 6, 1).toordinal() + rng.randrange(900))
    group = f"NGO-F{ctx.next_group(NGO_LIST):05d}" if len(present) > 1 else ""
    rows = [_ngo_row(ctx, child=c, french=french, observed=observed, group=group) for c in present]
    tag_sibling_groups(rows)
    return rows
