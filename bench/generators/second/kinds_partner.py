"""Rows of partner and mediator lists: Latin letters under a mix of standards, one per row.

Rates (per row), documented in the package README: standard KMU 2010 20%, ICAO (Russian
passport) 20%, BGN/PCGN 12%, German 12% (from the Ukrainian form 5%, the Russian 7%), French 10%,
Polish 10%, ad hoc 16% (from the Ukrainian form 9%, the Russian 7%); the standard decides
whether the Ukrainian or the Russian form of the names is written. Name layout: given and family
name in their columns 62.5%, swapped between the columns 12.5%, only a full name "SURNAME Given"
12.5%, only a full name "Given Surname" 12.5% (so a quarter of the rows have the order swapped);
patronymic 25%; typo 2% per name part; sex 90%; birth date ISO 65%, year only 30%, age only 5%;
birth place 50%; last known place (a Russian city) 30%; siblings under one case number in 50% of
families with several children.
"""

from __future__ import annotations

from datetime import date

from generators.second.dates import age_on, iso, observed, window
from generators.second.model import Source
from generators.second.population import Child, Family
from generators.second.rows import (
    Context,
    empty_row,
    family_group,
    maybe_typo,
    patronymic_ru,
    patronymic_uk,
    russian_surname,
)
from generators.second.script import LATIN_STANDARDS, latin
from generators.second.tables import Sampler

PARTNER_WINDOW = window(date(2023, 1, 1), date(2024, 12, 31))
STANDARDS = Sampler(
    ["kmu2010", "icao", "bgn_pcgn", "german", "german_ru", "french", "polish", "adhoc_uk",
     "adhoc_ru"],
    [20.0, 20.0, 12.0, 5.0, 7.0, 10.0, 10.0, 9.0, 7.0],
)  # fmt: skip
LAYOUTS = ("split", "split_swapped", "full_surname_first", "full_given_first")
LAYOUT_WEIGHTS = (0.625, 0.125, 0.125, 0.125)
SWAPPED_LAYOUTS = {"split_swapped", "full_surname_first"}


def partner_entry(child: Child, family: Family, source: Source, ctx: Context) -> dict[str, str]:
    rng = ctx.rng
    row = empty_row(source)
    standard = STANDARDS.draw(rng)
    ukrainian = LATIN_STANDARDS[standard][1] == "uk"
    if ukrainian:
        given_c, surname_c, patronymic_c = child.given.uk, child.surname_uk, patronymic_uk(child)
        place_c = child.place.uk
    else:
        given_c = child.given.ru
        surname_c = russian_surname(child.surname, child.sex, strict=False)
        patronymic_c = patronymic_ru(child)
        place_c = child.place.ru
    given = maybe_typo(latin(given_c, standard), 0.02, "latin", rng)
    surname = maybe_typo(latin(surname_c, standard), 0.02, "latin", rng)
    layout = rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
    if layout == "split":
        row["given_name"], row["family_name"] = given, surname
    elif layout == "split_swapped":
        row["given_name"], row["family_name"] = surname, given
    elif layout == "full_surname_first":
        row["full_name"] = f"{surname.upper()} {given}"
    else:
        row["full_name"] = f"{given} {surname}"
    if rng.random() < 0.25:
        row["patronymic"] = maybe_typo(latin(patronymic_c, standard), 0.02, "latin", rng)
    if rng.random() < 0.9:
        male = child.sex == "M"
        row["sex"] = ("male" if male else "female") if source.format == "jsonl" else child.sex
    seen = observed(child.birth, PARTNER_WINDOW, rng)
    row["observed_on"] = iso(seen)
    form = rng.random()
    if form < 0.65:
        row["birth_date"] = iso(child.birth)
    elif form < 0.95:
        row["birth_date"] = str(child.birth.year)
    else:
        row["age"] = str(age_on(child.birth, seen))
    if rng.random() < 0.5:
        row["birth_place"] = latin(place_c, standard)
    if rng.random() < 0.3:
        row["last_known_place"] = latin(ctx.tables.russian_cities.draw(rng)[0], standard)
    key = "partner:" + source.name
    row["group_id"] = family_group(ctx, family, key, 0.5, "CASE-{:07d}")
    return row
