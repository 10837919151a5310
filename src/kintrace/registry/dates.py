"""Reading the dates lists are written with: ISO, and day-first as Ukrainian and Russian lists
write them (05.03.2014, 5/3/2014, 05-03-2014, 05.03.14, 03.2014), partial dates kept partial.

Ambiguity is refused, never guessed (docs/formats.md, "Dates"):
- a two-digit year is read as the one year of the last TWO_DIGIT_WINDOW years that ends in it
  (a registered child is at most 25); a year that fits none is refused;
- dotted and dashed dates are day-first (nobody writes them month-first); slashed dates follow
  the file's `date_order`: day-first unless the import says month-first. A slashed date that
  reads only month-first (12/25/2014) is refused in a day-first file, and reported as evidence so
  the importer can refuse a whole file that looks month-first (see `DateReading`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kintrace.registry import reasons

MIN_YEAR = 1900
#: Two-digit years are read within this many years up to today.
TWO_DIGIT_WINDOW = 30
DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)
DateOrder = Literal["day-first", "month-first"]
_ORDER_SHAPE = {DAY_FIRST: "day/month/year", MONTH_FIRST: "month/day/year"}
DATE_FORMATS = "YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YY or MM.YYYY"

_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_YEAR_WORD = re.compile(r"(?<=\d)\s*(?:р|г|рік|год|року|года)\.?$")
_ISO = re.compile(r"^(\d{4})(?:([-./])(\d{1,2})(?:\2(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$")
_MY = re.compile(r"^(\d{1,2})[./](\d{4})$")


class DateProblem(ValueError):
    """A date cell that breaks a rule; the message is the reason for the caseworker."""


class OrderProblem(DateProblem):
    """A slashed date that reads only in the order the file is not read in."""

    def __init__(self, message: str, *, only: str) -> None:
        super().__init__(message)
        self.only = only


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        if self.day and self.month:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True, slots=True)
class DateReading:
    """A parsed date and what it says about the file's order of day and month: `only` is
    DAY_FIRST or MONTH_FIRST when the cell is slashed and reads one way only (25/12/2014 is
    day-first, 12/25/2014 month-first), else None."""

    value: PartialDate
    only: str | None = None


def parse_partial_date(
    text: str, *, column: str, order: DateOrder | None = None, today: date | None = None
) -> PartialDate:
    """Parse one of the accepted date forms; partial dates stay partial."""
    return read_date(text, column=column, order=order, today=today).value


def read_date(
    text: str, *, column: str, order: DateOrder | None = None, today: date | None = None
) -> DateReading:
    """Like `parse_partial_date`, with the evidence a slashed date gives about the order.

    `order` None reads day-first but refuses a slashed date that reads only month-first.
    """
    value = _TIME.sub("", text.strip()).strip()
    value = _YEAR_WORD.sub("", value).rstrip(".")
    only: str | None = None
    iso = _ISO.match(value)
    if iso:
        year, _, month_text, day_text = iso.groups()
        year_n = int(year)
        month = int(month_text) if month_text else None
        day = int(day_text) if day_text else None
    elif (my := _MY.match(value)) is not None:
        month, year_n, day = int(my.group(1)), int(my.group(2)), None
    elif (dmy := _DMY.match(value)) is not None:
        first, separator, second, year = dmy.groups()
        a, b = int(first), int(second)
        year_n = _full_year(year, value=value, column=column, today=today)
        if separator == "/":
            only = DAY_FIRST if a > 12 >= b else MONTH_FIRST if b > 12 >= a else None
        month_first = separator == "/" and order == MONTH_FIRST
        month, day = (a, b) if month_first else (b, a)
        read_as = MONTH_FIRST if month_first else DAY_FIRST
        if only is not None and only != read_as:
            raise OrderProblem(
                reasons.DATE_ONE_ORDER_ONLY.format(
                    column=column,
                    value=value,
                    only=only,
                    shape=_ORDER_SHAPE[only],
                    read_as=read_as,
                    order=only,
                ),
                only=only,
            )
    else:
        raise DateProblem(
            reasons.DATE_UNKNOWN_FORM.format(column=column, value=value, forms=DATE_FORMATS)
        )
    if month is not None and not 1 <= month <= 12:
        raise DateProblem(
            reasons.DATE_NO_SUCH_MONTH.format(column=column, value=value, month=month)
        )
    try:
        if day is not None:
            date(year_n, month or 1, day)
    except ValueError:
        raise DateProblem(reasons.DATE_NOT_REAL.format(column=column, value=value)) from None
    if year_n < MIN_YEAR:
        raise DateProblem(
            reasons.DATE_BEFORE_YEAR.format(column=column, value=value, year=MIN_YEAR)
        )
    return DateReading(PartialDate(year_n, month, day), only)


def _full_year(year: str, *, value: str, column: str, today: date | None) -> int:
    if len(year) == 4:
        return int(year)
    this_year = (today or date.today()).year
    fits = [
        century + int(year)
        for century in (1900, 2000)
        if this_year - TWO_DIGIT_WINDOW <= century + int(year) <= this_year
    ]
    if len(fits) != 1:
        raise DateProblem(
            reasons.DATE_TWO_DIGIT_YEAR.format(column=column, value=value, years=TWO_DIGIT_WINDOW)
        )
    return fits[0]
