"""Turning a verbatim row into a record's parsed fields, or a rejection with a reason.

The rules are CONTRACT §1's, plus the ones the field needs: partial dates stay partial, no birth
date in the future, no age over 25 (Kintrace registers children; 25 leaves room for the years
since separation). Reasons name the column and the rule; they may quote the cell (they are kept
in the access-controlled quarantine) but must never be logged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kintrace.audit import canonical_json

MAX_AGE = 25
MIN_BIRTH_YEAR = 1900
MAX_KEY_LENGTH = 200
NAME_COLUMNS = ("given_name", "family_name", "patronymic", "full_name")
TEXT_COLUMNS = (
    "birth_place",
    "last_known_place",
    "group_id",
    "guardian_name",
    "guardian_contact",
    "notes",
)
KNOWN_COLUMNS = frozenset(
    ("source", "record_id", *NAME_COLUMNS, "sex", "birth_date", "age", "observed_on", *TEXT_COLUMNS)
)
#: Columns `kintrace quarantine export` adds; on import they are not data (not kept, not hashed).
QUARANTINE_COLUMNS = (
    "quarantine_id",
    "quarantine_file",
    "quarantine_row",
    "quarantine_column",
    "quarantine_reason",
)
SEX_VALUES = {
    "m": "M", "male": "M", "м": "M", "ч": "M", "чол": "M", "муж": "M",
    "f": "F", "female": "F", "ж": "F", "жін": "F", "жен": "F",
}  # fmt: skip
SOURCE_NAME = re.compile(r"^[\w.-]{1,64}$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
DATE_FORMATS = "YYYY-MM-DD, YYYY-MM, YYYY or DD.MM.YYYY"


def canonical_column(header: str) -> str:
    """Header as matched against the contract: case-insensitive; spaces and hyphens as '_'."""
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").strip()).lower()


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


class DateProblem(ValueError):
    """A date cell that breaks a rule; the message is the reason for the caseworker."""


def parse_partial_date(text: str, *, column: str) -> PartialDate:
    """Parse one of the contract's date forms; partial dates stay partial."""
    value = text.strip()
    match = _ISO.match(value)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
    else:
        dotted = _DOTTED.match(value)
        if not dotted:
            raise DateProblem(f"{column} '{value}' is not a date in a known form ({DATE_FORMATS})")
        day, month, year = (int(g) for g in dotted.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        raise DateProblem(f"{column} '{value}' is not a real date: there is no month {month}")
    try:
        if day is not None:
            date(year, month or 1, day)
    except ValueError:
        raise DateProblem(f"{column} '{value}' is not a real date") from None
    if year < MIN_BIRTH_YEAR:
        raise DateProblem(f"{column} '{value}' is before {MIN_BIRTH_YEAR}; check the year")
    return PartialDate(year, month, day)


@dataclass(slots=True)
class ParsedRow:
    """A valid row: its key, the fields for record_versions, its hash and its verbatim JSON."""

    source: str
    record_id: str
    fields: dict[str, Any]
    content_hash: str
    raw_json: str
    quarantine_id: int | None = None


@dataclass(slots=True)
class Rejection:
    """A row validation refused: which column (None for the whole row) and why."""

    column: str | None
    reason: str
    source: str | None
    record_id: str | None
    raw_json: str


class RowValidator:
    """Validates the rows of one file. `source_option` is the import's --source, if any;
    `today` bounds birth and observation dates."""

    def __init__(self, *, source_option: str | None, today: date) -> None:
        self.source_option = source_option
        self.today = today
        self._canonical: dict[str, str] = {}

    def canonical(self, header: str) -> str:
        name = self._canonical.get(header)
        if name is None:
            name = self._canonical[header] = canonical_column(header)
        return name

    def parse(self, cells: dict[str, str], problem: str | None = None) -> ParsedRow | Rejection:
        row: dict[str, str] = {}
        extras: dict[str, str] = {}
        quarantine_id: int | None = None
        for header, value in list(cells.items()):
            name = self.canonical(header)
            if name in QUARANTINE_COLUMNS:
                del cells[header]
                if name == "quarantine_id" and value.strip().isdigit():
                    quarantine_id = int(value.strip())
                continue
            text = value.strip()
            if not text:
                continue
            if name in KNOWN_COLUMNS:
                row[name] = text
            else:
                extras[header.strip()] = text
        raw_json = canonical_json(cells)
        source = row.get("source") or self.source_option
        record_id = row.get("record_id")

        def reject(column: str | None, reason: str) -> Rejection:
            return Rejection(column, reason, source, record_id, raw_json)

        if problem is not None:
            return reject(None, problem)
        if self.source_option and row.get("source") and row["source"] != self.source_option:
            return reject(
                "source",
                f"source '{row['source']}' differs from the import's --source "
                f"'{self.source_option}'; import this row without --source, or correct it",
            )
        if not source:
            return reject("source", "no source: the row has none and the import names none")
        if not SOURCE_NAME.match(source):
            return reject(
                "source",
                f"source '{source[:80]}' is not a short id (letters, digits, '_', '-', '.'; "
                "at most 64)",
            )
        if not record_id:
            return reject("record_id", "record_id is empty: a row needs an id unique in its source")
        if len(record_id) > MAX_KEY_LENGTH:
            return reject("record_id", f"record_id is longer than {MAX_KEY_LENGTH} characters")
        if not (row.get("given_name") or row.get("family_name") or row.get("full_name")):
            return reject(
                "given_name", "no name: given_name, family_name and full_name are all empty"
            )
        fields: dict[str, Any] = {name: row.get(name) for name in NAME_COLUMNS + TEXT_COLUMNS}
        try:
            self._parse_facts(row, fields)
        except FieldProblem as exc:
            return reject(exc.column, exc.reason)
        fields["extras"] = canonical_json(extras) if extras else None
        fields["search_text"] = " ".join(
            row[n] for n in NAME_COLUMNS if n in row
        ).casefold()
        basis = {k: v for k, v in row.items() if k != "source"}
        basis.update({f"+{k}": v for k, v in extras.items()})
        content_hash = hashlib.sha256(canonical_json(basis).encode("utf-8")).hexdigest()
        return ParsedRow(source, record_id, fields, content_hash, raw_json, quarantine_id)

    def _parse_facts(self, row: dict[str, str], fields: dict[str, Any]) -> None:
        sex = row.get("sex")
        if sex is not None:
            mapped = SEX_VALUES.get(sex.lower())
            if mapped is None and sex in ("M", "F"):
                mapped = sex
            if mapped is None:
                raise FieldProblem(
                    "sex", f"sex '{sex[:20]}' is not one of M, F (also m/f, male/female, ч/ж, м/ж)"
                )
        fields["sex"] = mapped if sex is not None else None
        birth = self._date(row, "birth_date")
        observed = self._date(row, "observed_on")
        fields["birth_date"] = birth.iso() if birth else None
        fields["birth_date_precision"] = birth.precision if birth else None
        fields["birth_year"] = birth.year if birth else None
        fields["birth_month"] = birth.month if birth else None
        fields["birth_day"] = birth.day if birth else None
        fields["observed_on"] = observed.iso() if observed else None
        fields["age"] = self._age(row)
        if birth and observed and observed.earliest() < birth.earliest():
            raise FieldProblem("observed_on", "observed_on is before birth_date")
        if birth and observed and observed.year - birth.year - 1 > MAX_AGE:
            raise FieldProblem(
                "birth_date",
                f"birth_date makes the person over {MAX_AGE} at observed_on; Kintrace registers "
                "children: check the dates",
            )

    def _date(self, row: dict[str, str], column: str) -> PartialDate | None:
        text = row.get(column)
        if text is None:
            return None
        try:
            parsed = parse_partial_date(text, column=column)
        except DateProblem as exc:
            raise FieldProblem(column, str(exc)) from None
        if parsed.earliest() > self.today:
            raise FieldProblem(column, f"{column} '{text}' is in the future")
        return parsed

    def _age(self, row: dict[str, str]) -> int | None:
        text = row.get("age")
        if text is None:
            return None
        if not re.fullmatch(r"\d{1,3}", text):
            raise FieldProblem("age", f"age '{text[:20]}' is not a whole number of years")
        age = int(text)
        if age > MAX_AGE:
            raise FieldProblem(
                "age",
                f"age {age} is over {MAX_AGE}: Kintrace registers children; check the column "
                "(is it a year or a month?) and correct the row",
            )
        return age


class FieldProblem(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason
