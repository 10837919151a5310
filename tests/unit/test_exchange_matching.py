"""Answer rows matched to a request's children by names and birth date (decision 0600).

`match_rows` prepares each person once and compares each distinct pair of names once; its
matches must be the ones the pair-by-pair `score` gives. The reference below is that rule
written out the slow way. Synthetic names and dates only."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from kintrace.exchange import matching
from kintrace.exchange.matching import MARGIN, NAME_WEIGHT, THRESHOLD, Match, Person
from kintrace.names import NameParts, compare

GIVEN = [
    ("Олександр", "Александр"),
    ("Марія", "Мария"),
    ("Ганна", "Анна"),
    ("Іван", "Иван"),
    ("Софія", "София"),
    ("Дмитро", "Дмитрий"),
    ("Юлія", "Юлия"),
    ("Максим", "Максим"),
]
FAMILY = [("Шевченко", "Шевченко"), ("Ковальська", "Ковальская"), ("Білоус", "Белоус"),
          ("Олійник", "Олейник"), ("Ковальчук", "Ковальчук"), ("Петрів", "Петрив"),
          ("Гнатюк", "Гнатюк"), ("Зінченко", "Зинченко")]  # fmt: skip
PATRONYMIC = [("", ""), ("Петрович", "Петрович"), ("Іванівна", "Ивановна")]


def reference_date_score(a: str, b: str) -> float:
    """The birth-date rule written out on its own (decision 0600)."""

    def parse(text: str) -> tuple[int | None, int | None, int | None]:
        parts = text.strip()[:10].split("-")
        try:
            return tuple(int(p) if p else None for p in (parts + [""] * 3)[:3])  # type: ignore[return-value]
        except ValueError:
            return (None, None, None)

    (ya, ma, da), (yb, mb, db) = parse(a), parse(b)
    if ya is None or yb is None:
        return 0.4
    if (ya, ma, da) == (yb, mb, db):
        return 1.0
    if ya != yb:
        return 0.15 if abs(ya - yb) == 1 else 0.0
    if None in (ma, da, mb, db):
        return 0.4
    if (ma, da) == (db, mb):
        return 0.7
    try:
        gap = abs((date(ya, ma, da) - date(yb, mb, db)).days)  # type: ignore[arg-type]
    except ValueError:
        return 0.4
    return 0.7 if gap <= 31 else 0.4


def reference_score(a: Person, b: Person) -> float:
    names = compare(
        NameParts(a.given, a.family, a.patronymic), NameParts(b.given, b.family, b.patronymic)
    )
    return NAME_WEIGHT * names.score + (1 - NAME_WEIGHT) * reference_date_score(
        a.birth_date, b.birth_date
    )


def reference_match(rows: list[Person], children: list[Person]) -> dict[str, Match]:
    """The rule pair by pair: blocks, `score` for every candidate, best and runner-up."""
    index: dict[str, list[Person]] = defaultdict(list)
    for child in children:
        for block in matching._blocks(child):
            index[block].append(child)
    found = {}
    for row in rows:
        candidates = {c.key: c for block in matching._blocks(row) for c in index.get(block, ())}
        scored = sorted((reference_score(row, c), key) for key, c in candidates.items())
        if not scored:
            continue
        best, best_key = scored[-1]
        runner_up = scored[-2][0] if len(scored) > 1 else 0.0
        if best >= THRESHOLD and best - runner_up >= MARGIN:
            found[row.key] = Match(best_key, round(best, 4))
    return found


def _birth(rng: random.Random) -> str:
    day = date(2008, 1, 1) + timedelta(days=rng.randrange(10 * 365))
    return rng.choice([day.isoformat()] * 6 + [day.isoformat()[:4], day.isoformat()[:7], ""])


def _answer_date(rng: random.Random, sent: str) -> str:
    if len(sent) != 10:
        return sent
    day = date.fromisoformat(sent)
    shifted = rng.choice([day, day, day, day + timedelta(days=3), day - timedelta(days=40),
                          day.replace(year=day.year + 1)])  # fmt: skip
    text = shifted.isoformat()
    if rng.random() < 0.1 and shifted.day <= 12:  # day and month swapped
        text = f"{shifted.year}-{shifted.day:02d}-{shifted.month:02d}"
    if rng.random() < 0.03:
        text = f"{shifted.year}-02-30"  # not a date: never "within a month"
    return text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_are_the_pair_by_pair_rule(seed: int) -> None:
    rng = random.Random(seed)
    children, rows = [], []
    for i in range(160):
        g, f, p = rng.choice(GIVEN), rng.choice(FAMILY), rng.choice(PATRONYMIC)
        born = _birth(rng)
        children.append(Person(f"C-{i}", g[0], f[0], p[0], born))
        if rng.random() < 0.6:
            side = 1 if rng.random() < 0.8 else 0  # Russian forms, or the originals
            rows.append(Person(str(i + 2), g[side], f[side], p[side], _answer_date(rng, born)))
    # rows that are nobody asked about, and one with no name at all
    rows += [Person("900", "Богдан", "Мирошниченко", "", "2010-05-05"), Person("901")]
    got = matching.match_rows(rows, children)
    assert got == reference_match(rows, children)
    assert len(got) > 40  # the test compares real matches, not two empty answers


def test_a_shifted_date_or_a_swapped_day_and_month_scores_like_the_rule() -> None:
    for a, b in [
        ("2012-03-04", "2012-03-04"),
        ("2012-03-04", "2012-04-03"),
        ("2012-02-30", "2012-02-27"),
        ("2012", "2012"),
        ("2012-03", "2012-03-30"),
        ("x", "2012-03-04"),
    ]:
        assert matching.date_score(a, b) == reference_date_score(a, b)
    assert matching.date_score("2012-03-04", "2012-03-04") == 1.0
    assert matching.date_score("2012-03-04", "2012-04-03") == 0.7  # swapped
    assert matching.date_score("2012-03-04", "2012-03-30") == 0.7  # within a month
    assert matching.date_score("2012-02-30", "2012-02-27") == 0.4  # not a date: same year only
    assert matching.date_score("2012", "2012-03-04") == 0.4
    assert matching.date_score("", "2012-03-04") == 0.4
    assert matching.date_score("2013-03-04", "2012-03-04") == 0.15
    assert matching.date_score("2015-03-04", "2012-03-04") == 0.0


def test_a_row_equally_close_to_two_children_is_not_matched() -> None:
    twins = [Person("C-1", "Ганна", "Шевченко", "", "2012-03-04"),
             Person("C-2", "Ганна", "Шевченко", "", "2012-03-04")]  # fmt: skip
    assert matching.match_rows([Person("2", "Анна", "Шевченко", "", "2012-03-04")], twins) == {}
    ranked = matching.rank_rows([Person("2", "Анна", "Шевченко", "", "2012-03-04")], twins)
    assert ranked["2"].score == ranked["2"].runner_up
