"""Day-first dates, two-digit years and the order of day and month: one row per example with its
reason (issue 12, finding 1). Dates only, synthetic."""

from __future__ import annotations

from datetime import date

import pytest

from kintrace.registry.dates import (
    DAY_FIRST,
    MONTH_FIRST,
    DateProblem,
    OrderProblem,
    read_date,
)

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "order", "iso", "reason"),
    [
        ("05.03.2014", None, "2014-03-05", "dd.mm.yyyy as Ukrainian and Russian lists write it"),
        ("5.3.2014", None, "2014-03-05", "without leading zeros"),
        ("05/03/2014", None, "2014-03-05", "slashes are day-first by default"),
        ("05-03-2014", None, "2014-03-05", "dashes with the year last are day-first"),
        ("25/12/2014", None, "2014-12-25", "a day over 12 is day-first whatever the order"),
        ("05/03/2014", MONTH_FIRST, "2014-05-03", "a month-first list, when the import says so"),
        ("12/25/2014", MONTH_FIRST, "2014-12-25", "US order, said"),
        ("05.03.2014", MONTH_FIRST, "2014-03-05", "dots are never month-first"),
        ("05.03.14", None, "2014-03-05", "a two-digit year within the last 30 years"),
        ("05.03.99", None, "1999-03-05", "99 is 1999: 2099 is in the future"),
        ("05.03.2014 0:00:00", None, "2014-03-05", "a date cell saved as text with its time"),
        ("2014-03-05 00:00:00", None, "2014-03-05", "ISO with its time"),
        ("2014-03-05T00:00:00", None, "2014-03-05", "ISO with T"),
        ("03.2014", None, "2014-03", "month and year: month precision"),
        ("2014 р.", None, "2014", "a year with the Ukrainian abbreviation of 'year'"),
        ("2014 г.", None, "2014", "a year with the Russian abbreviation"),
        ("05.03.2014 р.", None, "2014-03-05", "a full date with 'р.'"),
        ("2014.03.05", None, "2014-03-05", "year first with dots is unambiguous"),
    ],
)
def test_dates_lists_write_are_read(text: str, order: str | None, iso: str, reason: str) -> None:
    reading = read_date(text, column="birth_date", order=order, today=TODAY)  # type: ignore[arg-type]
    assert reading.value.iso() == iso, reason


@pytest.mark.parametrize(
    ("text", "order", "words", "reason"),
    [
        ("05.03.60", None, "four digits", "1960 and 2060 are both outside the last 30 years"),
        ("05.03.94", None, "four digits", "1994 is over 30 years ago: too easy to get wrong"),
        ("12/25/2014", None, "reads only month-first", "US order in a day-first file"),
        ("25/12/2014", MONTH_FIRST, "reads only day-first", "day-first in a month-first file"),
        ("05.13.2014", None, "no month 13", "a dotted date is never month-first"),
        ("31.04.2014", None, "not a real date", "April has 30 days"),
        ("03.14", None, "known form", "month and two-digit year: could be a day and a month"),
        ("5 березня 2014", None, "known form", "words are not read"),
    ],
)
def test_ambiguous_or_wrong_dates_are_refused(
    text: str, order: str | None, words: str, reason: str
) -> None:
    with pytest.raises(DateProblem, match=words):
        read_date(text, column="birth_date", order=order, today=TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("25/12/2014", DAY_FIRST),  # evidence the file is day-first
        ("05/03/2014", None),  # either way: no evidence
        ("25.12.2014", None),  # dots: no question of order
    ],
)
def test_slashed_dates_tell_the_order_they_read_in(text: str, only: str | None) -> None:
    assert read_date(text, column="birth_date", today=TODAY).only == only


def test_a_month_first_date_says_so_when_refused() -> None:
    with pytest.raises(OrderProblem) as caught:
        read_date("12/25/2014", column="birth_date", today=TODAY)
    assert caught.value.only == MONTH_FIRST
