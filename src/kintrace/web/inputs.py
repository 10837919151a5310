"""What a request's values may be: checked at the gate, so a malformed value is answered 4xx with
a message saying what was expected, and never reaches the database (where it used to be a 500).

- Ids are whole numbers from 1 to 2^63-1, the databases' integer range (`Id`, `IdField`,
  `id_from_text`). A form's digits are ASCII: `str.isdigit()` also accepts `²`, which `int()`
  refuses.
- Text is valid Unicode without NUL: a JSON string may carry a lone surrogate (`"\\ud800"`),
  which cannot be encoded to store it, and PostgreSQL refuses NUL in text (`bad_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Path
from pydantic import Field

MAX_ID = 2**63 - 1

#: A path parameter naming a row (record, pair, case, quarantined row, token).
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
#: A JSON field naming a row.
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def id_from_text(text: str) -> int | None:
    """The id a form field holds (ASCII digits, within the databases' range), else None."""
    text = text.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def count_from_text(text: str, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from a form field (ASCII digits) within [low, high], else None."""
    text = text.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def bad_text(values: Iterable[Any]) -> bool:
    """Whether any text among `values` (nested lists and dicts of a JSON document included)
    holds a NUL or a lone surrogate; JSON numbers beyond the databases' range count too."""
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _BAD_CHARACTER.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float) and abs(value) > MAX_ID:
            return True
    return False
