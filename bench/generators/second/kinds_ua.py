"""Rows of the Ukrainian sources: family reports (Cyrillic) and the state registry (KMU 2010).

Rates (per row unless said otherwise), documented in the package README:

family reports: diminutive instead of the full given name 14% (when the name has one);
patronymic 70%; typo 3% per name part; stray space 2%; surname in lower case 1%; apostrophe
written ' ’ ʼ ` or left out; sex 92% (ч/ж); birth date full 82% (DD.MM.YYYY, ISO in 15% of them),
year only 9%, age only 9%; birth place 88% (the pre-2016 name for a renamed town 20%, "м. " 10%,
the oblast added 8%); last known place 60%; one report for siblings (shared group_id) in 70% of
families with several children; reporter's name 95%, phone 90%; a short note 12%.

registry: KMU 2010 Latin; the whole row in upper case 40%; patronymic 88%; typo 1% per name
part; sex always (M/F); full ISO birth date always; birth place 96% (current name).
"""

from __future__ import annotations

from datetime import date

from generators.second import noise
from generators.second.dates import age_on, dmy, iso, observed, window
from generators.second.model import Source
from generators.second.population import Child, Family
from generators.second.rows import Context, empty_row, family_group, maybe_typo, patronymic_uk
from generators.second.script import latin

FAMILY_WINDOW = window(date(2022, 3, 1), date(2024, 12, 31))
REGISTRY_WINDOW = window(date(2022, 4, 1), date(2024, 12, 31))
_NOTES = (
    "вивезли разом з інтернатом",
    "востаннє бачили у фільтраційному таборі",
    "вивезли до оздоровчого табору",
    "зв'язок втрачено",
    "документи залишились у дитини",
    "повідомили волонтери",
)
_OBLAST_SUFFIX = {"Крим": "АР Крим"}


def family_report(child: Child, family: Family, source: Source, ctx: Context) -> dict[str, str]:
    rng = ctx.rng
    row = empty_row(source)
    given = child.given.uk
    if child.given.diminutives and rng.random() < 0.14:
        given = rng.choice(child.given.diminutives)
    surname = child.surname_uk
    patronymic = patronymic_uk(child) if rng.random() < 0.7 else ""
    given = maybe_typo(noise.apostrophe(given, rng), 0.03, "uk", rng)
    surname = maybe_typo(noise.apostrophe(surname, rng), 0.03, "uk", rng)
    patronymic = maybe_typo(noise.apostrophe(patronymic, rng), 0.03, "uk", rng)
    if rng.random() < 0.02:
        given = noise.spaces(given, rng)
    if rng.random() < 0.01:
        surname = surname.lower()
    row["given_name"], row["family_name"], row["patronymic"] = given, surname, patronymic
    row["sex"] = ("ч" if child.sex == "M" else "ж") if rng.random() < 0.92 else ""
    seen = observed(child.birth, FAMILY_WINDOW, rng)
    row["observed_on"] = iso(seen)
    form = rng.random()
    if form < 0.82:
        row["birth_date"] = iso(child.birth) if rng.random() < 0.15 else dmy(child.birth)
    elif form < 0.91:
        row["birth_date"] = str(child.birth.year)
    else:
        row["age"] = str(age_on(child.birth, seen))
    if rng.random() < 0.88:
        row["birth_place"] = _place(child, ctx)
    if rng.random() < 0.6:
        row["last_known_place"] = noise.apostrophe(family.home.uk, rng)
    row["group_id"] = family_group(ctx, family, "family_report", 0.7, "ЗВ-{:07d}")
    if rng.random() < 0.95:
        row["guardian_name"] = noise.apostrophe(f"{family.reporter} ({family.relation})", rng)
    if rng.random() < 0.9:
        row["guardian_contact"] = family.phone
    if rng.random() < 0.12:
        row["notes"] = noise.apostrophe(rng.choice(_NOTES), rng)
    return row


def _place(child: Child, ctx: Context) -> str:
    rng = ctx.rng
    place = child.place
    name = place.uk_old if place.uk_old and rng.random() < 0.2 else place.uk
    if rng.random() < 0.1:
        name = "м. " + name
    if rng.random() < 0.08:
        name += ", " + _OBLAST_SUFFIX.get(place.oblast, place.oblast + " обл.")
    return noise.apostrophe(name, rng)


def registry_entry(child: Child, family: Family, source: Source, ctx: Context) -> dict[str, str]:
    rng = ctx.rng
    row = empty_row(source)
    given = latin(child.given.uk, "kmu2010")
    surname = latin(child.surname_uk, "kmu2010")
    patronymic = latin(patronymic_uk(child), "kmu2010") if rng.random() < 0.88 else ""
    given = maybe_typo(given, 0.01, "latin", rng)
    surname = maybe_typo(surname, 0.01, "latin", rng)
    patronymic = maybe_typo(patronymic, 0.01, "latin", rng)
    if rng.random() < 0.4:
        given, surname, patronymic = given.upper(), surname.upper(), patronymic.upper()
    row["given_name"], row["family_name"], row["patronymic"] = given, surname, patronymic
    row["sex"] = child.sex
    row["birth_date"] = iso(child.birth)
    row["observed_on"] = iso(observed(child.birth, REGISTRY_WINDOW, rng))
    if rng.random() < 0.96:
        row["birth_place"] = latin(child.place.uk, "kmu2010")
    return row
