"""What hands and systems do to names: typing slips, apostrophes, ё, spaces, case.

A typo is one edit of the kinds people make on a keyboard: a neighbouring key, a doubled or a
dropped letter, two letters swapped. The first letter is rarely touched (people check it), so
it is left alone nine times in ten. Rates are chosen per source in kinds.py.
"""

from __future__ import annotations

import random

_ROWS = {
    "uk": ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),
    "ru": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    "latin": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
}


def _neighbours(rows: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            near = found.setdefault(ch, set())
            for dr, dc in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)):
                rr, cc = r + dr, c + dc
                if 0 <= rr < len(rows) and 0 <= cc < len(rows[rr]):
                    near.add(rows[rr][cc])
    return {ch: "".join(sorted(near - {ch})) for ch, near in found.items()}


_NEAR = {layout: _neighbours(rows) for layout, rows in _ROWS.items()}
APOSTROPHE_VARIANTS = ("'", "’", "ʼ", "`", "")
_APOSTROPHE_WEIGHTS = (0.45, 0.25, 0.12, 0.06, 0.12)


def typo(text: str, rng: random.Random, layout: str) -> str:
    """One keyboard slip in `text` (a neighbour, a double, a drop or a swap); short text kept."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    pos = rng.choice(letters[1:]) if rng.random() < 0.9 else letters[0]
    ch = text[pos]
    kind = rng.random()
    if kind < 0.35:
        near = _NEAR[layout].get(ch.lower())
        if not near:
            return text[:pos] + text[pos + 1 :]
        new = rng.choice(near)
        return text[:pos] + (new.upper() if ch.isupper() else new) + text[pos + 1 :]
    if kind < 0.6:
        return text[:pos] + ch.lower() + text[pos:] if pos else text[:1] + ch.lower() + text[1:]
    if kind < 0.85 and pos:
        return text[:pos] + text[pos + 1 :]
    if pos + 1 < len(text) and text[pos + 1].isalpha():
        swapped = text[pos + 1] + text[pos]
        if pos == 0:
            swapped = swapped[0].upper() + swapped[1].lower()
        return text[:pos] + swapped + text[pos + 2 :]
    return text[:pos] + text[pos + 1 :]


def apostrophe(text: str, rng: random.Random) -> str:
    """Ukrainian apostrophe as typed: ' ’ ʼ ` or left out."""
    if "'" not in text:
        return text
    variant = rng.choices(APOSTROPHE_VARIANTS, _APOSTROPHE_WEIGHTS)[0]
    return text.replace("'", variant)


def yo(text: str, rng: random.Random, keep: float) -> str:
    """Russian ё is written as е most of the time."""
    if "ё" not in text and "Ё" not in text:
        return text
    if rng.random() < keep:
        return text
    return text.replace("ё", "е").replace("Ё", "Е")


def spaces(text: str, rng: random.Random) -> str:
    """A stray space: leading, trailing or doubled inside."""
    kind = rng.random()
    if kind < 0.4:
        return " " + text
    if kind < 0.8:
        return text + " "
    return text.replace(" ", "  ", 1) if " " in text else text + " "
