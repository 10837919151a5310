"""Russian lists show Russified names; adoption listings show renamed children."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from kintrace.demo import DemoDataset
from kintrace.demo.noise import age_at
from kintrace.demo.tables import load_tables

CAMP_A, ADOPT = "demo_ru_camp_list_a", "demo_ru_adoption_listing"
UKRAINIAN_ONLY_LETTERS = re.compile("[іїєґІЇЄҐ]")
# Tags of camp rows whose names are not simply the Russian forms.
NOISE = {
    "typo", "diminutive", "ukrainian_spelling", "yo_spelling", "gender_form", "name_parts_swapped",
}  # fmt: skip


@pytest.mark.parametrize(
    ("ukrainian", "russian", "why"),
    [
        ("Олександр", "Александр", "given name: О→А, the Russian equivalent"),
        ("Олексій", "Алексей", "given name: different ending"),
        ("Микола", "Николай", "given name: different name form"),
        ("Анастасія", "Анастасия", "given name: і→и"),
        ("Дарина", "Дарья", "given name: the Russian form"),
        ("Катерина", "Екатерина", "given name: initial Е"),
    ],
)
def test_given_name_equivalents(ukrainian: str, russian: str, why: str) -> None:
    assert load_tables().given_by_ua[ukrainian].ru == russian, why


SURNAMES = {s.ua_male: s for s in load_tables().surnames.items}


@pytest.mark.parametrize(
    ("ua_male", "sex", "ukrainian", "russian", "why"),
    [
        ("Ковальов", "F", "Ковальова", "Ковалева", "-льов/-льова becomes -лев/-лева"),
        ("Білоус", "M", "Білоус", "Белоус", "і becomes е"),
        ("Підгорний", "M", "Підгорний", "Подгорный", "Під- becomes Под-, -ий becomes -ый"),
        ("Підгорний", "F", "Підгорна", "Подгорная", "feminine adjectival form"),
        ("Олійник", "M", "Олійник", "Олейник", "ій becomes ей"),
        ("Лисенко", "F", "Лисенко", "Лысенко", "-енко is invariant; и becomes ы"),
        ("Шевченко", "F", "Шевченко", "Шевченко", "unchanged"),
    ],
)
def test_surname_forms(ua_male: str, sex: str, ukrainian: str, russian: str, why: str) -> None:
    surname = SURNAMES[ua_male]
    assert (surname.ua(sex), surname.ru(sex)) == (ukrainian, russian), why


def test_camp_lists_write_russian_forms(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    rows = {str(r["record_id"]): r for r in dataset.records[CAMP_A]}
    clean = [t for t in dataset.truth if t.source == CAMP_A and not NOISE & set(t.tags)]
    assert len(clean) > 100
    for t in clean:
        child, row = by_id[t.child_id], rows[t.record_id]
        assert row["given_name"] == child.given.ru
        assert row["family_name"] in (child.surname.ru(child.sex), child.ua_surname)
        assert row["patronymic"] in (child.ru_patronymic, child.ua_patronymic)
    with_letters = sum(
        bool(UKRAINIAN_ONLY_LETTERS.search(f"{r['family_name']}{r['given_name']}{r['patronymic']}"))
        for r in dataset.records[CAMP_A]
    )
    assert with_letters / len(dataset.records[CAMP_A]) < 0.2


def test_olexandr_becomes_aleksandr_in_camp_lists(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    rows = {str(r["record_id"]): r for r in dataset.records[CAMP_A]}
    written = {
        rows[t.record_id]["given_name"]
        for t in dataset.truth
        if t.source == CAMP_A
        and by_id[t.child_id].given.ua == "Олександр"
        and not t.tags.count("typo")
    }
    assert "Александр" in written


def test_adoption_renames_surname_and_patronymic(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    rows = {str(r["record_id"]): r for r in dataset.records[ADOPT]}
    renamed = [t for t in dataset.truth if t.source == ADOPT and "adoption_renamed" in t.tags]
    assert renamed
    for t in renamed:
        child, row = by_id[t.child_id], rows[t.record_id]
        assert row["family_name"] not in (child.ua_surname, child.surname.ru(child.sex))
    places = [
        rows[t.record_id]["birth_place"] for t in dataset.truth if "birthplace_changed" in t.tags
    ]
    assert "Подольск" in places, "the documented pattern: re-registered with Podolsk as birthplace"
    russia = {p.ru for p in load_tables().russia_places.items}
    assert all(p in russia for p in places)


def test_renamed_siblings_keep_one_new_surname(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    rows = {str(r["record_id"]): r for r in dataset.records[ADOPT]}
    groups: dict[str, set[str]] = {}
    for t in dataset.truth:
        row = rows.get(t.record_id) if t.source == ADOPT else None
        if row and row.get("group_id") and "adoption_renamed" in t.tags:
            male_form = (
                str(row["family_name"]).removesuffix("а")
                if by_id[t.child_id].sex == "F"
                else row["family_name"]
            )
            plain = str(male_form).replace("ё", "е")
            groups.setdefault(str(row["group_id"]), set()).add(plain)
    assert groups
    assert all(len(names) == 1 for names in groups.values())


def test_adoption_listings_show_minors_unless_the_age_was_inflated(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    rows = {str(r["record_id"]): r for r in dataset.records[ADOPT]}
    inflated = 0
    for t in dataset.truth:
        if t.source != ADOPT:
            continue
        child, row = by_id[t.child_id], rows[t.record_id]
        observed = date.fromisoformat(str(row["observed_on"]))
        assert age_at(child.birth_date, observed) < 18, "listed while a minor"
        changed = "birthdate_changed" in t.tags
        if "age_inflated" in t.tags and not changed and len(str(row["birth_date"])) == 10:
            shown = datetime.strptime(str(row["birth_date"]), "%d.%m.%Y").date()
            assert age_at(shown, observed) >= age_at(child.birth_date, observed) + 1
            inflated += 1
    assert inflated > 0


def test_yo_spelling_and_gender_form_errors(dataset: DemoDataset) -> None:
    by_id = {c.child_id: c for c in dataset.children}
    rows = {(s, str(r["record_id"])): r for s, rs in dataset.records.items() for r in rs}
    yo = gender = 0
    for t in dataset.truth:
        row = rows[(t.source, t.record_id)]
        names = " ".join(str(row.get(c, "")) for c in ("family_name", "given_name", "full_name"))
        text = f"{names} {row.get('patronymic', '')} {row.get('birth_place', '')}"
        if "yo_spelling" in t.tags:
            assert "ё" in text
            yo += 1
        elif t.source.startswith("demo_ru_"):
            assert "ё" not in text
        if "gender_form" in t.tags:
            child = by_id[t.child_id]
            assert child.sex == "F"
            if "typo" not in t.tags:
                assert child.surname.ru_male in names.replace("ё", "е")
            gender += 1
    assert yo > 0 and gender > 0
