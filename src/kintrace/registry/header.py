"""Finding the header of a list: title rows above it, and headers written on two rows.

Lists saved from Excel often start with a title ("Список дітей станом на ...") and sometimes
group columns under a merged cell ("Дитина" over "Прізвище | Ім'я | По батькові"). Pure: given
the first rows of a file as text, say which row is the header and what each column is called.
The user can always say instead (`--header-row N`, `--header-rows 2`, or the web mapping step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kintrace.registry import reasons
from kintrace.registry.columns import FIELDS, recognise
from kintrace.registry.errors import ImportRefused

#: How many rows from the top are looked at for the header.
SCAN_ROWS = 20
#: Combined names of a two-row header: "Дитина / Прізвище".
JOIN = " / "


@dataclass(frozen=True)
class HeaderChoice:
    """The header: `first` is the 0-based index of its (first) row among the rows given,
    `rows` 1 or 2, `names` one per column, `detected` False when the user said where it is."""

    first: int
    rows: int
    names: list[str]
    detected: bool

    @property
    def last(self) -> int:
        return self.first + self.rows - 1

    @property
    def title_rows(self) -> int:
        return self.first


def choose_header(
    rows: Sequence[Sequence[str]],
    *,
    label: str,
    header_row: int | None = None,
    header_rows: int | None = None,
) -> HeaderChoice:
    """Pick the header among the first rows of a file (1-based `header_row` if the user said).

    Without `header_row`: the earliest row naming the most fields (at least two) is the header;
    if no row names two, rows with at most one cell above the first wider row are titles. A
    second header row is taken when `header_rows` says 2, or, undetermined, when the row under
    the header names fields the header alone does not (and the header has gaps to group them).
    """
    if header_rows not in (None, 1, 2):
        raise ImportRefused(reasons.HEADER_ROWS.format(file=label, rows=header_rows))
    if header_row is not None:
        first = header_row - 1
        if first < 0:
            raise ImportRefused(reasons.HEADER_ROW_FROM_ONE.format(file=label, row=header_row))
        if first >= len(rows) or not _filled(rows[first]):
            raise ImportRefused(
                reasons.HEADER_ROW_EMPTY.format(file=label, row=header_row, rows=len(rows))
            )
    else:
        found = _detect(rows)
        if found is None:
            raise ImportRefused(reasons.NO_HEADER.format(file=label))
        first = found
        above = rows[first - 1] if first > 0 else None
        if header_rows != 1 and above is not None and _second_row(list(above), rows[first]):
            first -= 1  # the row found is the lower row of a two-row header
    single = list(rows[first])
    below = rows[first + 1] if first + 1 < len(rows) else None
    two = header_rows == 2 or (
        header_rows is None and below is not None and _second_row(single, below)
    )
    if two:
        if below is None or not _filled(below):
            raise ImportRefused(reasons.SECOND_HEADER_ROW.format(file=label, row=first + 1))
        return HeaderChoice(first, 2, combine(single, list(below)), header_row is None)
    return HeaderChoice(first, 1, [c.strip() for c in single], header_row is None)


def _filled(row: Sequence[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def _fields(names: Sequence[str]) -> set[str]:
    return {t for t in (recognise(n) for n in names if n.strip()) if t in FIELDS}


def _detect(rows: Sequence[Sequence[str]]) -> int | None:
    best: tuple[int, int] | None = None  # (fields named, -index)
    for index, row in enumerate(rows[:SCAN_ROWS]):
        named = len(_fields(row))
        if named >= 2 and (best is None or named > best[0]):
            best = (named, index)
    if best is not None:
        return best[1]
    filled = [i for i, row in enumerate(rows[:SCAN_ROWS]) if _filled(row)]
    if not filled:
        return None
    wide = [i for i in filled if _filled(rows[i]) >= 2]
    return wide[0] if wide else filled[0]


def _second_row(upper: Sequence[str], lower: Sequence[str]) -> bool:
    """Whether `lower` completes `upper` as a two-row header: the upper row groups columns (two
    cells at least: a single cell is a title) with gaps under which the lower row names fields,
    and together they name more fields than either row alone (a data row names none)."""
    if _filled(upper) < 2:
        return False
    if not any(not c.strip() for c in upper[: len(lower)]) and len(lower) <= len(upper):
        return False
    together = len(_fields(combine(upper, lower)))
    return together > max(len(_fields(upper)), len(_fields(lower)))


def combine(upper: Sequence[str], lower: Sequence[str]) -> list[str]:
    """Names of a two-row header: "upper / lower" where both rows have text, the upper text
    carried right over the cells its merged cell spans (empty above, filled below)."""
    width = max(len(upper), len(lower))
    names: list[str] = []
    group = ""
    for j in range(width):
        top = upper[j].strip() if j < len(upper) else ""
        bottom = lower[j].strip() if j < len(lower) else ""
        if top:
            group = top if bottom else ""
        elif bottom and group:
            top = group
        else:
            group = ""
        names.append(JOIN.join(p for p in (top, bottom) if p))
    return names
