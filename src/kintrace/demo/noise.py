"""The distortions real lists show: typos, day/month swaps, ages instead of dates."""

from __future__ import annotations

import random
from datetime import date

# Letters a Ukrainian or Russian typist confuses (keyboard neighbours on ЙЦУКЕН and the
# letters the two alphabets spell differently).
_CYRILLIC_CONFUSIONS = {
    "и": "іы", "і": "иї", "ї": "і", "е": "єэ", "є": "е", "г": "ґх", "о": "а", "а": "о",
    "ш": "щ", "щ": "ш", "ь": "", "й": "и", "к": "л", "л": "дк", "н": "т", "т": "н",
    "в": "ф", "с": "з", "з": "с", "р": "п", "п": "р", "м": "н", "у": "ю", "я": "а",
}  # fmt: skip
_LATIN_CONFUSIONS = {
    "i": "yj", "y": "i", "e": "a", "a": "e", "o": "a", "k": "c", "c": "k", "s": "z",
    "z": "s", "v": "w", "h": "kg", "n": "m", "m": "n", "l": "ll", "r": "t", "t": "r",
}  # fmt: skip


def typo(word: str, rng: random.Random) -> str:
    """One clerical error: a confused letter, a dropped or doubled letter, or a transposition.

    The first letter is kept: people rarely mistype it, and the lists are sorted by it.
    """
    if len(word) < 3:
        return word
    latin = word.isascii()
    table = _LATIN_CONFUSIONS if latin else _CYRILLIC_CONFUSIONS
    pos = rng.randrange(1, len(word))
    letter = word[pos].lower()
    kind = rng.random()
    if kind < 0.45 and letter in table:
        options = table[letter]
        new = rng.choice(options) if options else ""
        if word[pos].isupper():
            new = new.upper()
        result = word[:pos] + new + word[pos + 1 :]
    elif kind < 0.65:
        result = word[:pos] + word[pos + 1 :]
    elif kind < 0.8:
        result = word[:pos] + word[pos] + word[pos:]
    elif pos < len(word) - 1:
        result = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        result = word[:pos] + word[pos] + word[pos:]
    return result if result != word else word[:pos] + word[pos] + word[pos:]


def can_swap(day: date) -> bool:
    """Whether the day could be read as a month (and the swap changes the date)."""
    return day.day <= 12 and day.day != day.month


def swap_day_month(day: date) -> date:
    return date(day.year, day.day, day.month)


def age_at(birth: date, on: date) -> int:
    """Whole years at `on`."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def dotted(day: date) -> str:
    """DD.MM.YYYY, as Ukrainian and Russian forms write dates."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def random_day(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randrange(start.toordinal(), end.toordinal() + 1))
