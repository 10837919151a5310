"""Dates as lists write them, and the ways they go wrong.

Every date produced here is a real calendar date, not after the row's observation date and not
in the future, so that a list imports without quarantined rows: the errors are plausible wrong
dates (a swapped day and month, a digit off, a shift), never unparseable ones.
"""

from __future__ import annotations

import random
from datetime import date, timedelta


def dmy(d: date) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def iso(d: date) -> str:
    return d.isoformat()


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def observed(birth: date, window: tuple[int, int], rng: random.Random) -> date:
    """When the source saw the child: in the source's window, at least a week after birth."""
    first, last = window
    first = max(first, birth.toordinal() + 7)
    return date.fromordinal(rng.randint(first, max(first, last)))


def window(first: date, last: date) -> tuple[int, int]:
    return first.toordinal(), last.toordinal()


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clerical_error(birth: date, latest: date, rng: random.Random) -> date:
    """Day and month swapped when both could be a month, else one digit off by one."""
    if birth.day <= 12 and birth.day != birth.month and rng.random() < 0.6:
        swapped = _safe(birth.year, birth.day, birth.month)
        if swapped and swapped <= latest:
            return swapped
    for _ in range(6):
        part = rng.randrange(3)
        step = rng.choice((-1, 1))
        if part == 0:
            candidate = _safe(birth.year, birth.month, birth.day + step)
        elif part == 1:
            candidate = _safe(birth.year, birth.month + step, birth.day)
        else:
            candidate = _safe(birth.year + step, birth.month, birth.day)
        if candidate and candidate <= latest:
            return candidate
    return birth


def shifted_days(birth: date, latest: date, rng: random.Random) -> date:
    """A birth date moved by 3 to 45 days (a new certificate, a guess)."""
    days = rng.randint(3, 45) * rng.choice((-1, 1))
    moved = birth + timedelta(days=days)
    return moved if moved <= latest else birth - timedelta(days=abs(days))


def shifted_year(birth: date, latest: date, rng: random.Random) -> date:
    """A birth date moved by about a year (sometimes a month or two as well)."""
    years = rng.choice((-1, 1))
    months = rng.choice((-2, -1, 1, 2)) if rng.random() < 0.35 else 0
    for sign in (1, -1):
        total = birth.month - 1 + sign * (years * 12 + months)
        year, month = birth.year + total // 12, total % 12 + 1
        moved = _safe(year, month, min(birth.day, 28))
        if moved and moved <= latest:
            return moved
    return birth
