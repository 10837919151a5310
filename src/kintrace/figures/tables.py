"""The fixed, versioned table set a release publishes (pure: no I/O).

Kintrace publishes a fixed set of tables, never free-form filters: a free filter lets a reader
ask for the one combination that singles out a child. Each table counts children (persons, after
linkage), every child once, so all tables sum to the same total and disclosure control can treat
the set as one system (`kintrace.figures.disclosure`). Changing a table's definition changes
`TABLE_SET_VERSION`, which every release records.

What each child is counted by (from the facts `PersonFacts` carries; the adapter chooses them):
- oblast of origin: the region a place of the child's first record (place of birth, else the last
  known place) lies in, by a built-in list of Ukraine's regions and their main towns; "unknown"
  when no place names one;
- age band: age at the release's reference date from the year of birth (or the age given);
- sex: "F", "M" or "unknown";
- return status: the return stage of the child's case, "no_case" when none follows the child;
- source kind x month: the kind of the source that first listed the child and the month the
  registry received that record;
- return status x month: the month the child's case last moved (its current status since then).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kintrace.figures.disclosure import CountTable

TABLE_SET_VERSION = "1"

AGE_BANDS = ("0-4", "5-9", "10-14", "15-17", "18+", "unknown")
SEXES = ("F", "M", "unknown")
RETURN_STATUSES = (
    "no_case",
    "not_started",
    "requested",
    "in_negotiation",
    "in_progress",
    "returned",
    "closed",
)
SOURCE_KINDS = ("family", "registry", "camp", "adoption", "partner", "unknown")
UNKNOWN = "unknown"

#: Regions of Ukraine (ISO 3166-2:UA order by name in English) with the stems of the region's
#: name and of its main towns, in Ukrainian, Russian and Latin spellings, lower case.
OBLASTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Cherkasy", ("черкас", "cherkas", "умань", "uman")),
    ("Chernihiv", ("черніг", "черниг", "chernih", "ніжин", "nizhyn")),
    ("Chernivtsi", ("чернівц", "черновц", "chernivt")),
    (
        "Crimea",
        (
            "крим",
            "крым",
            "crimea",
            "krym",
            "сімфероп",
            "симфероп",
            "simferop",
            "євпатор",
            "евпатор",
            "yevpator",
            "феодос",
            "feodos",
            "керч",
            "kerch",
            "ялт",
            "yalt",
        ),
    ),
    (
        "Dnipropetrovsk",
        (
            "дніпр",
            "днепр",
            "dnipr",
            "кривий ріг",
            "кривой рог",
            "kryvyi rih",
            "нікопол",
            "никопол",
            "nikopol",
        ),
    ),
    (
        "Donetsk",
        (
            "донец",
            "донецьк",
            "donets",
            "маріупол",
            "мариупол",
            "mariupol",
            "макіїв",
            "макеев",
            "makiiv",
            "горлів",
            "горлов",
            "horliv",
            "волновах",
            "volnovakh",
            "бахмут",
            "bakhmut",
            "краматор",
            "kramator",
            "слов'янськ",
            "славянск",
            "sloviansk",
        ),
    ),
    ("Ivano-Frankivsk", ("івано-франк", "ивано-франк", "ivano-frank")),
    (
        "Kharkiv",
        (
            "харків",
            "харьков",
            "kharkiv",
            "ізюм",
            "изюм",
            "izium",
            "куп'янськ",
            "купянск",
            "kupiansk",
            "балакл",
            "balakl",
        ),
    ),
    (
        "Kherson",
        (
            "херсон",
            "kherson",
            "каховк",
            "kakhovk",
            "олешк",
            "oleshk",
            "скадовськ",
            "скадовск",
            "skadovsk",
            "генічеськ",
            "геническ",
            "henichesk",
            "каланчак",
            "kalanchak",
            "чаплинк",
            "chaplynk",
            "берислав",
            "beryslav",
        ),
    ),
    ("Khmelnytskyi", ("хмельниц", "khmelnyts")),
    ("Kirovohrad", ("кропивниц", "kropyvnyts", "кіровоград", "кировоград", "kirovohrad")),
    ("Kyiv city", ("київ", "киев", "kyiv", "kiev")),
    (
        "Luhansk",
        (
            "луган",
            "luhansk",
            "сєвєродонец",
            "северодонец",
            "sievierodonets",
            "лисичан",
            "lysychan",
            "рубіжн",
            "рубежн",
            "rubizhn",
            "старобільськ",
            "старобельск",
            "starobilsk",
        ),
    ),
    ("Lviv", ("львів", "львов", "lviv")),
    ("Mykolaiv", ("миколаїв", "николаев", "mykolaiv")),
    ("Odesa", ("одес", "odes", "odess")),
    ("Poltava", ("полтав", "poltav", "кременчу", "kremenchu")),
    ("Rivne", ("рівн", "ровн", "rivne")),
    ("Sevastopol", ("севастопол", "sevastopol")),
    ("Sumy", ("суми", "сумы", "sumy")),
    ("Ternopil", ("терноп", "ternop")),
    ("Vinnytsia", ("вінниц", "винниц", "vinnyts")),
    ("Volyn", ("волин", "волын", "volyn", "луцьк", "луцк", "lutsk")),
    ("Zakarpattia", ("закарпат", "zakarpat", "ужгород", "uzhhorod")),
    (
        "Zaporizhzhia",
        (
            "запоріж",
            "запорож",
            "zaporizh",
            "мелітопол",
            "мелитопол",
            "melitopol",
            "бердянськ",
            "бердянск",
            "berdiansk",
            "енергодар",
            "энергодар",
            "enerhodar",
            "токмак",
            "tokmak",
            "василівк",
            "васильевк",
            "vasylivk",
            "пологи",
            "polohy",
        ),
    ),
    ("Zhytomyr", ("житомир", "zhytomyr")),
)
OBLAST_LABELS = (*(name for name, _ in OBLASTS), UNKNOWN)
# Sevastopol before Crimea; longer stems first so "кривий ріг" is not read as something shorter.
_STEMS = sorted(
    ((stem, name) for name, stems in OBLASTS for stem in stems),
    key=lambda pair: (pair[1] != "Sevastopol", -len(pair[0])),
)


def oblast_of(place: str | None) -> str:
    """The region a place names (by the built-in list), or "unknown"."""
    if not place:
        return UNKNOWN
    text = place.casefold().replace("’", "'").replace("ʼ", "'")
    for stem, name in _STEMS:
        if stem in text:
            return name
    return UNKNOWN


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    if age <= 4:
        return "0-4"
    if age <= 9:
        return "5-9"
    if age <= 14:
        return "10-14"
    if age <= 17:
        return "15-17"
    return "18+"


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What one child is counted by; every field is already a label of its dimension."""

    oblast: str
    age_band: str
    sex: str
    return_status: str
    source_kind: str
    received_month: str  # YYYY-MM
    status_month: str  # YYYY-MM, or "none" (no case)


def _two_way(
    name: str,
    title: str,
    row_dim: str,
    col_dim: str,
    rows: Sequence[str],
    cols: Sequence[str],
    counter: Counter[tuple[str, str]],
) -> CountTable:
    return CountTable(
        name=name,
        title=title,
        row_dim=row_dim,
        col_dim=col_dim,
        row_labels=tuple(rows),
        col_labels=tuple(cols),
        counts=tuple(tuple(counter.get((r, c), 0) for c in cols) for r in rows),
    )


def build_tables(facts: Iterable[PersonFacts]) -> list[CountTable]:
    """The table set of version `TABLE_SET_VERSION` from one `PersonFacts` per child."""
    t1: Counter[tuple[str, str]] = Counter()
    t2: Counter[tuple[str, str]] = Counter()
    t3: Counter[tuple[str, str]] = Counter()
    t4: Counter[tuple[str, str]] = Counter()
    for f in facts:
        t1[(f.oblast, f.age_band)] += 1
        t2[(f.sex, f.return_status)] += 1
        t3[(f.source_kind, f.received_month)] += 1
        t4[(f.return_status, f.status_month)] += 1
    return tables_from_counts(t1, t2, t3, t4)


def tables_from_counts(
    t1: Counter[tuple[str, str]],
    t2: Counter[tuple[str, str]],
    t3: Counter[tuple[str, str]],
    t4: Counter[tuple[str, str]],
) -> list[CountTable]:
    """The table set from the four cross-counts (what the store's GROUP BY returns)."""
    for counter, allowed in (
        (t1, (OBLAST_LABELS, AGE_BANDS)),
        (t2, (SEXES, RETURN_STATUSES)),
        (t3, (SOURCE_KINDS, None)),
        (t4, (RETURN_STATUSES, None)),
    ):
        for key in counter:
            if key[0] not in allowed[0] or (allowed[1] is not None and key[1] not in allowed[1]):
                raise ValueError("a count's label is not one of its dimension's labels")
    received = _months({m for _, m in t3})
    status = _months({m for _, m in t4 if m != "none"}) + (
        ("none",) if any(m == "none" for _, m in t4) else ()
    )
    return [
        _two_way(
            "oblast_age",
            "Children by oblast of origin and age band",
            "oblast",
            "age_band",
            OBLAST_LABELS,
            AGE_BANDS,
            t1,
        ),
        _two_way(
            "sex_return",
            "Children by sex and return status",
            "sex",
            "return_status",
            SEXES,
            RETURN_STATUSES,
            t2,
        ),
        _two_way(
            "source_month",
            "Children by kind of the first source and month received",
            "source_kind",
            "received_month",
            SOURCE_KINDS,
            received,
            t3,
        ),
        _two_way(
            "return_month",
            "Children by return status and month of the last change",
            "return_status",
            "status_month",
            RETURN_STATUSES,
            status,
            t4,
        ),
    ]


def _months(present: set[str]) -> tuple[str, ...]:
    """Every month from the first to the last present (a gap is a published zero, not a hole)."""
    if not present:
        return ()
    first, last = min(present), max(present)
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)
