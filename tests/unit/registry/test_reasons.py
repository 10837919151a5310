"""The registry's reasons are written once (kintrace.registry.reasons, issue 17): the registry
writes none of its own, and what it writes is a template filled in, word for word as before
(stored quarantine reasons are compared and shown by that text). Synthetic values only."""

from __future__ import annotations

import ast
import string
from datetime import date
from pathlib import Path

import pytest
from tests.support.own_words import carried_own_words, own_words

from kintrace.registry import reasons
from kintrace.registry.dates import DateProblem, read_date
from kintrace.registry.validation import Rejection, RowValidator

REGISTRY = Path(reasons.__file__).parent
#: The modules that hold a row back or refuse a file, and the calls that carry the reason
#: (mapfile.py's refusals of a map file are the command line's only, written once there; the
#: read options it checks for the web's mapping step use templates here).
WRITERS = (
    "validation.py", "dates.py", "importer.py", "readers.py", "header.py", "encoding.py",
    "limits.py", "xlsx_guard.py", "ownership.py", "quarantine.py",
)  # fmt: skip
CARRIERS = frozenset({
    "ImportRefused", "ForeignSource", "DateProblem", "OrderProblem", "FieldProblem", "reject",
    "Rejection", "RawRow", "refuse", "_refused", "_unknown", "_duplicate", "reject_written",
})  # fmt: skip


def _templates() -> dict[str, str]:
    return {k: v for k, v in vars(reasons).items() if k.isupper() and isinstance(v, str)}


def test_the_registry_writes_no_reason_of_its_own() -> None:
    found = []
    for name in WRITERS:
        path = REGISTRY / name
        found += [f"{name}:{v.lineno}" for v in carried_own_words(path, CARRIERS)]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in ("problem", "reason", "why", "cached")
                for t in node.targets
            ):
                found += [f"{name}:{node.lineno}"] if own_words(node.value) else []
    assert found == [], "write the reason in kintrace/registry/reasons.py and format it there"


def test_every_template_has_named_placeholders_only() -> None:
    for name, template in _templates().items():
        fields = [f for _, f, spec, conv in string.Formatter().parse(template) if f is not None]
        assert all(f.isidentifier() for f in fields), name
        assert all(
            spec == "" and conv is None
            for _, f, spec, conv in string.Formatter().parse(template)
            if f is not None
        ), name


def test_every_template_is_in_a_list_the_web_reads() -> None:
    listed = {*reasons.ROW_REASONS, *reasons.FILE_REFUSALS, *reasons.FRAGMENTS}
    listed |= set(reasons.DUPLICATE_WHERE)
    assert set(_templates().values()) - listed == set()
    assert set(reasons.WHERE) <= set(reasons.FRAGMENTS)


TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("someday", "birth_date 'someday' is not a date in a known form (YYYY-MM-DD, YYYY-MM, "
         "YYYY, DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YY or MM.YYYY)"),
        ("2012-13-01", "birth_date '2012-13-01' is not a real date: there is no month 13"),
        ("2012-02-30", "birth_date '2012-02-30' is not a real date"),
        ("1800-01-01", "birth_date '1800-01-01' is before 1900; check the year"),
        ("31.12.89", "birth_date '31.12.89' has a two-digit year that is not within the last 30 "
         "years; write the year with four digits"),
        ("12/25/2014", "birth_date '12/25/2014' reads only month-first (month/day/year), and the "
         "file is read day-first: correct the date, or import the file with the date order "
         "month-first"),
    ],
)  # fmt: skip
def test_date_reasons_read_as_before(text: str, written: str) -> None:
    with pytest.raises(DateProblem) as problem:
        read_date(text, column="birth_date", today=TODAY)
    assert str(problem.value) == written


@pytest.mark.parametrize(
    ("cells", "written"),
    [
        ({"source": "s", "record_id": "r1", "sex": "F"},
         "no name: given_name, family_name and full_name are all empty"),
        ({"source": "s", "record_id": "r1", "given_name": "Synthia", "sex": "X"},
         "sex 'X' is not one of M, F (also m/f, male/female, ч/ж, м/ж)"),
        ({"source": "s", "record_id": "r1", "given_name": "Synthia", "birth_date": "2999-01-01"},
         "birth_date '2999-01-01' is in the future"),
        ({"source": "s", "record_id": "r1", "given_name": "Synthia", "age": "abc"},
         "age 'abc' is not a whole number of years"),
        ({"source": "s", "record_id": "r1", "given_name": "Synthia", "age": "40"},
         "age 40 is over 25: Kintrace registers children; check the column (is it a year or a "
         "month?) and correct the row"),
        ({"source": "s", "record_id": "r1", "given_name": "Synthia", "birth_date": "2012-01-01",
          "observed_on": "2011-01-01"}, "observed_on is before birth_date"),
        ({"source": "s", "record_id": "r1", "given_name": "Synthia", "birth_date": "1999-01-01",
          "observed_on": "2026-01-01"},
         "birth_date makes the person over 25 at observed_on; Kintrace registers children: check "
         "the dates"),
        ({"source": "bad source!", "record_id": "r1", "given_name": "Synthia"},
         "source 'bad source!' is not a short id (letters, digits, '_', '-', '.'; at most 64)"),
        ({"source": "s", "record_id": "", "given_name": "Synthia"},
         "record_id is empty: a row needs an id unique in its source"),
        ({"source": "s", "record_id": "x" * 201, "given_name": "Synthia"},
         "record_id is longer than 200 characters"),
    ],
)  # fmt: skip
def test_row_reasons_read_as_before(cells: dict[str, str], written: str) -> None:
    result = RowValidator(source_option=None, today=TODAY).parse(cells)
    assert isinstance(result, Rejection)
    assert result.reason == written


def test_a_row_from_another_source_than_the_option() -> None:
    cells = {"source": "a", "record_id": "r1", "given_name": "Synthia"}
    result = RowValidator(source_option="b", today=TODAY).parse(cells)
    assert isinstance(result, Rejection)
    assert result.reason == reasons.SOURCE_DIFFERS.format(value="a", option="b")
    assert result.reason == (
        "source 'a' differs from the import's --source 'b'; import this row without --source, "
        "or correct it"
    )
