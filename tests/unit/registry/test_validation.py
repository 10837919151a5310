"""Row validation rules (CONTRACT §1 plus field rules), one row per example with its reason.
All names and dates are synthetic."""

from __future__ import annotations

from datetime import date

import pytest

from kintrace.registry.validation import (
    ParsedRow,
    Rejection,
    RowValidator,
    canonical_column,
    parse_partial_date,
)

TODAY = date(2026, 11, 29)
BASE = {"source": "fam", "record_id": "1", "given_name": "Олена"}


def parse(extra: dict[str, str], *, source_option: str | None = None) -> ParsedRow | Rejection:
    cells = {**BASE, **extra}
    return RowValidator(source_option=source_option, today=TODAY).parse(cells)


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2014-03-05", "2014-03-05", "day"),  # full ISO date
        ("2014-03", "2014-03", "month"),  # partial dates stay partial
        ("2014", "2014", "year"),  # year only (partner lists)
        ("05.03.2014", "2014-03-05", "day"),  # DD.MM.YYYY as Ukrainian/Russian lists write it
        ("5.3.2014", "2014-03-05", "day"),  # without leading zeros
        (" 2014-03-05 ", "2014-03-05", "day"),  # stray spaces from Excel
        ("2016-02-29", "2016-02-29", "day"),  # leap day in a leap year
    ],
)
def test_partial_dates_parse(text: str, iso: str, precision: str) -> None:
    parsed = parse_partial_date(text, column="birth_date")
    assert (parsed.iso(), parsed.precision) == (iso, precision)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2014-02-30", "not a real date"),  # no 30 February
        ("2015-02-29", "not a real date"),  # not a leap year
        ("2014-13", "no month 13"),  # month out of range
        ("31.04.2014", "not a real date"),  # April has 30 days
        ("12/25/2014", "reads only month-first"),  # US order in a file read day-first
        ("March 2014", "known form"),  # words
        ("1880", "before 1900"),  # a typo in the century
    ],
)
def test_bad_dates_are_refused_with_a_reason(text: str, words: str) -> None:
    result = parse({"birth_date": text})
    assert isinstance(result, Rejection)
    assert result.column == "birth_date" and words in result.reason


@pytest.mark.parametrize(
    ("extra", "column", "words"),
    [
        ({"record_id": ""}, "record_id", "record_id is empty"),
        ({"record_id": "x" * 201}, "record_id", "longer than 200"),
        ({"given_name": ""}, "given_name", "no name"),
        ({"source": ""}, "source", "no source"),
        ({"source": "a b"}, "source", "not a short id"),
        ({"sex": "X"}, "sex", "not one of M, F"),
        ({"birth_date": "2030-01-01"}, "birth_date", "in the future"),
        ({"birth_date": "2027"}, "birth_date", "in the future"),
        ({"observed_on": "2027-01-01"}, "observed_on", "in the future"),
        ({"age": "31"}, "age", "over 25"),
        ({"age": "ten"}, "age", "not a whole number"),
        ({"age": "7.5"}, "age", "not a whole number"),
        ({"age": "-3"}, "age", "not a whole number"),
        ({"birth_date": "2015", "observed_on": "2014-06-01"}, "observed_on", "before birth_date"),
        ({"birth_date": "1960", "observed_on": "2024-06-01"}, "birth_date", "over 25"),
    ],
    ids=[
        "empty-record-id", "long-record-id", "no-name", "no-source", "bad-source",
        "bad-sex", "future-birth", "future-birth-year", "future-observed", "age-over-25",
        "age-word", "age-fraction", "age-negative", "observed-before-birth", "adult-by-dates",
    ],
)  # fmt: skip
def test_rule_breaking_rows_are_rejected_with_column_and_reason(
    extra: dict[str, str], column: str, words: str
) -> None:
    result = parse(extra)
    assert isinstance(result, Rejection), result
    assert result.column == column
    assert words in result.reason


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("M", "M"), ("F", "F"), ("m", "M"), ("f", "F"), ("male", "M"), ("Female", "F"),
        ("ч", "M"), ("ж", "F"), ("м", "M"), ("Ж", "F"), ("Ч", "M"),
    ],
)  # fmt: skip
def test_sex_spellings_of_the_contract(written: str, stored: str) -> None:
    result = parse({"sex": written})
    assert isinstance(result, ParsedRow)
    assert result.fields["sex"] == stored


def test_a_valid_row_keeps_names_as_written_and_unknown_columns_as_extras() -> None:
    result = parse(
        {"family_name": "Коваленко", "birth_date": "2014-03", "Школа": "№5", "age": "10"}
    )
    assert isinstance(result, ParsedRow)
    fields = result.fields
    assert fields["given_name"] == "Олена" and fields["family_name"] == "Коваленко"
    assert (fields["birth_date"], fields["birth_date_precision"]) == ("2014-03", "month")
    assert (fields["birth_year"], fields["birth_month"], fields["birth_day"]) == (2014, 3, None)
    assert fields["age"] == 10
    assert fields["extras"] == '{"Школа":"№5"}'
    assert fields["search_text"] == "олена коваленко"


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Given_Name", "given_name"), ("GIVEN NAME", "given_name"), ("given-name", "given_name"),
        ("\ufeffsource", "source"), (" record_id ", "record_id"),
    ],
)  # fmt: skip
def test_headers_match_case_insensitively(header: str, canonical: str) -> None:
    assert canonical_column(header) == canonical


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"notes": "x"}, {"notes": "x "}, True),  # trailing space: same content
        ({"notes": "x"}, {"NOTES": "x"}, True),  # header case: same content
        ({"notes": "x"}, {"notes": "y"}, False),  # changed cell: new content
        ({"notes": "x"}, {"notes": "x", "school": "5"}, False),  # added extra: new content
        ({}, {"birth_place": ""}, True),  # an empty cell adds nothing
    ],
)
def test_content_hash_follows_content_not_formatting(
    a: dict[str, str], b: dict[str, str], same: bool
) -> None:
    first, second = parse(a), parse(b)
    assert isinstance(first, ParsedRow) and isinstance(second, ParsedRow)
    assert (first.content_hash == second.content_hash) is same


def test_source_option_fills_empty_source_and_refuses_a_contradiction() -> None:
    filled = parse({"source": ""}, source_option="camp")
    assert isinstance(filled, ParsedRow) and filled.source == "camp"
    clash = parse({"source": "fam"}, source_option="camp")
    assert isinstance(clash, Rejection) and clash.column == "source"


def test_quarantine_columns_are_not_data() -> None:
    plain = parse({})
    exported = parse({"quarantine_id": "12", "quarantine_reason": "old reason"})
    assert isinstance(plain, ParsedRow) and isinstance(exported, ParsedRow)
    assert exported.quarantine_id == 12
    assert exported.content_hash == plain.content_hash
    assert "quarantine" not in exported.raw_json
