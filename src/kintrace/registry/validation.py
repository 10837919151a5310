"""Turning a verbatim row into a record's parsed fields, or a rejection with a reason.

The rules are CONTRACT §1's, plus the ones the field needs: partial dates stay partial, no birth
date in the future, no age over 25 (Kintrace registers children; 25 leaves room for the years
since separation). Reasons name the column and the rule; they may quote the cell (they are kept
in the access-controlled quarantine) but must never be logged.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from kintrace.audit import canonical_json
from kintrace.csv_export import restore
from kintrace.registry import reasons
from kintrace.registry.columns import EXTRA, IGNORE, NAME_FIELDS, ColumnMapping
from kintrace.registry.dates import (
    DATE_FORMATS,
    DateOrder,
    DateProblem,
    OrderProblem,
    PartialDate,
    parse_partial_date,
    read_date,
)
from kintrace.registry.errors import ImportRefused

__all__ = [
    "DATE_FORMATS",
    "DateProblem",
    "PartialDate",
    "parse_partial_date",
]

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
    # as bureaus' forms write them ("чол." and "жін." lose their dot first)
    "boy": "M", "чоловіча": "M", "чоловічий": "M", "хлопчик": "M", "мужской": "M",
    "мальчик": "M",
    "girl": "F", "жіноча": "F", "жіночий": "F", "дівчинка": "F", "женский": "F",
    "девочка": "F",
}  # fmt: skip
SOURCE_NAME = re.compile(r"^[\w.-]{1,64}$")
#: Record ids derived from a row's content when a file has no id column (decision 0003).
DERIVED_ID = re.compile(r"^kt-[0-9a-f]{20}$")
DERIVED_ID_PREFIX = "kt-"


def canonical_column(header: str) -> str:
    """Header as matched against the contract: case-insensitive; spaces and hyphens as '_'."""
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").strip()).lower()


def content_hash(cells: dict[str, str]) -> str:
    """SHA-256 of a row's content: for each cell, sorted by name, `name US len(value) US value`,
    cells joined by RS (US = 0x1F, RS = 0x1E); the lengths make it unambiguous.

    The caller passes trimmed, non-empty cells keyed by canonical column name (extras as
    `+name`), without `source`. Changing this definition turns every re-import into new versions.
    """
    basis = "\x1e".join(
        [f"{name}\x1f{len(value)}\x1f{value}" for name, value in sorted(cells.items())]
    )
    return _sha256(basis.encode("utf-8")).hexdigest()


def check_columns(
    columns: list[str],
    *,
    source_option: str | None,
    label: str,
    mapping: ColumnMapping | None = None,
) -> None:
    """Refuse a header that cannot give a single valid row (the file is not a records file).

    With a `mapping` (CSV and XLSX) a missing record_id column is allowed: ids are then
    derived from each row (decision 0003); without one the header must name record_id.
    """
    if source_option is not None and not SOURCE_NAME.match(source_option):
        raise ImportRefused(
            reasons.SOURCE_OPTION_NOT_AN_ID.format(file=label, value=source_option[:80])
        )
    names = set(mapping.fields) if mapping else {canonical_column(c) for c in columns}
    found = ", ".join(columns[:12]) + (" ..." if len(columns) > 12 else "")
    if mapping is not None:
        for header, target in mapping.unmatched:
            if target == "record_id":  # ids derived instead would duplicate every record
                raise ImportRefused(
                    reasons.MAPPED_ID_MISSING.format(file=label, name=header[:60], found=found)
                )
    if "record_id" not in names and mapping is None:
        raise ImportRefused(reasons.NO_ID_COLUMN.format(file=label, found=found))
    if "source" not in names and not source_option:
        raise ImportRefused(reasons.NO_SOURCE_COLUMN.format(file=label))
    if not names & NAME_FIELDS:
        raise ImportRefused(reasons.NO_NAME_COLUMN.format(file=label, found=found))


#: Parsed columns of record_versions, in the order of `ParsedRow.values`.
FIELD_COLUMNS = (
    *NAME_COLUMNS,
    *TEXT_COLUMNS,
    "sex",
    "birth_date",
    "birth_date_precision",
    "birth_year",
    "birth_month",
    "birth_day",
    "observed_on",
    "age",
    "extras",
    "search_text",
)
_DATE_CACHE_LIMIT = 200_000
_sha256 = hashlib.sha256
#: The verbatim row is kept as JSON in the file's own column order.
_VERBATIM = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class ParsedRow:
    """A valid row: its key, the parsed values (FIELD_COLUMNS order), hash and verbatim JSON."""

    source: str
    record_id: str
    values: tuple[Any, ...]
    content_hash: str
    raw_json: str
    quarantine_id: int | None = None
    derived: bool = False  # the id is derived from the row (decision 0003)

    @property
    def fields(self) -> dict[str, Any]:
        return dict(zip(FIELD_COLUMNS, self.values, strict=True))


@dataclass(slots=True)
class Rejection:
    """A row validation refused: which column (None for the whole row) and why."""

    column: str | None
    reason: str
    source: str | None
    record_id: str | None
    raw_json: str


_IGNORED = "\x00ignored"


class RowValidator:
    """Validates the rows of one file. `source_option` is the import's --source, if any;
    `today` bounds birth and observation dates.

    `mapping` says where each column goes (CSV, XLSX; `kintrace.registry.columns`); headers it
    does not know (JSON Lines keys) are matched by their interchange names. Without a record_id
    column (`mapping.derived_ids`) each row's id is derived from its content (`derived_id`).
    `date_order` reads slashed dates; None is day-first, and the slashed dates that read only
    one way are noted in `order_evidence` (order -> first row number) for the importer.
    """

    def __init__(
        self,
        *,
        source_option: str | None,
        today: date,
        mapping: ColumnMapping | None = None,
        date_order: DateOrder | None = None,
    ) -> None:
        self.source_option = source_option
        self.today = today
        self.mapping = mapping
        self.derive_ids = mapping is not None and mapping.derived_ids
        self.date_order = date_order
        self.order_evidence: dict[str, int] = {}
        self._row_number: int | None = None
        self._canonical: dict[str, str] = {}
        self._dates: dict[tuple[str, str], tuple[Any, ...] | str] = {}
        self._good_sources: set[str] = set()

    def canonical(self, header: str) -> str:
        name = self._canonical.get(header)
        if name is None:
            name = canonical_column(header)
            target = self.mapping.target(header) if self.mapping is not None else None
            if name in QUARANTINE_COLUMNS or target is None:
                pass
            elif target == IGNORE:
                name = _IGNORED
            elif target == EXTRA:
                name = "+" + header
            else:
                name = target
            self._canonical[header] = name
        return name

    def parse(
        self,
        cells: dict[str, str],
        problem: str | None = None,
        *,
        number: int | None = None,
        restored: bool = False,
    ) -> ParsedRow | Rejection:
        """The row's record, or why it is refused. `number` (the row number) only marks the
        evidence of the date order."""
        self._row_number = number
        row: dict[str, str] = {}
        extras: dict[str, str] = {}
        quarantine_id: int | None = None
        canonical = self._canonical
        for header, value in cells.items():
            name = canonical.get(header) or self.canonical(header)
            text = value.strip()
            if not text:
                continue
            if name in KNOWN_COLUMNS:
                row[name] = text
            elif name in QUARANTINE_COLUMNS:
                if name == "quarantine_id" and text.isdigit():
                    quarantine_id = int(text)
            elif name == _IGNORED:
                continue
            else:
                extras[header.strip()] = text
        if quarantine_id is not None and not restored and any(v[:1] == "'" for v in cells.values()):
            # A quarantine export: take off the apostrophes that kept formulas from running.
            return self.parse(
                {h: restore(v) for h, v in cells.items()}, problem, number=number, restored=True
            )
        if len(row) + len(extras) != len(cells):
            cells = {h: v for h, v in cells.items() if self.canonical(h) not in QUARANTINE_COLUMNS}
        raw_json = _VERBATIM.encode(cells)
        get = row.get
        source = get("source") or self.source_option
        record_id = get("record_id")

        def reject(column: str | None, reason: str) -> Rejection:
            return Rejection(column, reason, source, record_id, raw_json)

        if problem is not None:
            return reject(None, problem)
        if self.source_option and get("source") and row["source"] != self.source_option:
            return reject(
                "source",
                reasons.SOURCE_DIFFERS.format(value=row["source"], option=self.source_option),
            )
        if not source:
            return reject("source", reasons.NO_SOURCE)
        if source not in self._good_sources:
            if not SOURCE_NAME.match(source):
                return reject("source", reasons.SOURCE_NOT_AN_ID.format(value=source[:80]))
            self._good_sources.add(source)
        # A row of a quarantine export without an id came from a list without one: its id is
        # derived as then (the importer checks that its source's ids are derived).
        derive = self.derive_ids or quarantine_id is not None
        if not record_id and not derive:
            return reject("record_id", reasons.EMPTY_ID)
        if record_id and len(record_id) > MAX_KEY_LENGTH:
            return reject("record_id", reasons.ID_TOO_LONG.format(limit=MAX_KEY_LENGTH))
        given, family, patronymic, full = (
            get("given_name"), get("family_name"), get("patronymic"), get("full_name")
        )  # fmt: skip
        if not (given or family or full):
            return reject("given_name", reasons.NO_NAME)
        try:
            facts = self._facts(row)
        except FieldProblem as exc:
            return reject(exc.column, exc.reason)
        derived = not record_id
        if derived:
            record_id = derived_id(
                names=(given, family, patronymic, full),
                sex=facts[0],
                birth_date=facts[1],
                birth_place=get("birth_place"),
            )
        search_text = " ".join(n for n in (given, family, patronymic, full) if n).casefold()
        values = (
            given, family, patronymic, full,
            get("birth_place"), get("last_known_place"), get("group_id"), get("guardian_name"),
            get("guardian_contact"), get("notes"),
            *facts,
            canonical_json(extras) if extras else None,
            search_text,
        )  # fmt: skip
        row.pop("source", None)
        if extras:
            row.update({f"+{k}": v for k, v in extras.items()})
        assert record_id is not None  # given, or derived above
        return ParsedRow(
            source, record_id, values, content_hash(row), raw_json, quarantine_id, derived
        )

    def _facts(self, row: dict[str, str]) -> tuple[Any, ...]:
        """sex, birth_date, precision, year, month, day, observed_on, age."""
        sex = row.get("sex")
        if sex is not None:
            mapped = SEX_VALUES.get(sex.lower().rstrip("."))
            if mapped is None and sex in ("M", "F"):
                mapped = sex
            if mapped is None:
                raise FieldProblem("sex", reasons.SEX_UNKNOWN.format(value=sex[:20]))
            sex = mapped
        birth = self._date(row, "birth_date")
        observed = self._date(row, "observed_on")
        age = self._age(row) if "age" in row else None
        if birth is not None and observed is not None:
            if observed[5] < birth[5]:
                raise FieldProblem("observed_on", reasons.OBSERVED_BEFORE_BIRTH)
            if observed[2] - birth[2] - 1 > MAX_AGE:
                raise FieldProblem(
                    "birth_date", reasons.OVER_AGE_AT_OBSERVATION.format(limit=MAX_AGE)
                )
        observed_iso = observed[0] if observed is not None else None
        if birth is None:
            return (sex, None, None, None, None, None, observed_iso, age)
        return (sex, *birth[:5], observed_iso, age)

    def _date(self, row: dict[str, str], column: str) -> tuple[Any, ...] | None:
        """(iso, precision, year, month, day, earliest) of a date cell; cached per text."""
        text = row.get(column)
        if text is None:
            return None
        key = (column, text)
        cached = self._dates.get(key)
        if cached is None:
            try:
                reading = read_date(text, column=column, order=self.date_order, today=self.today)
                parsed = reading.value
                if reading.only is not None:
                    self._evidence(reading.only)
                earliest = parsed.earliest()
                if earliest > self.today:
                    cached = reasons.DATE_IN_FUTURE.format(column=column, value=text)
                else:
                    cached = (
                        parsed.iso(), parsed.precision, parsed.year, parsed.month, parsed.day,
                        earliest,
                    )  # fmt: skip
            except DateProblem as exc:
                if isinstance(exc, OrderProblem):
                    self._evidence(exc.only)
                cached = str(exc)
            if len(self._dates) > _DATE_CACHE_LIMIT:
                self._dates.clear()
            self._dates[key] = cached
        if isinstance(cached, str):
            raise FieldProblem(column, cached)
        return cached

    def _evidence(self, order: str) -> None:
        if self._row_number is not None:
            self.order_evidence.setdefault(order, self._row_number)

    def _age(self, row: dict[str, str]) -> int | None:
        text = row["age"]
        if not re.fullmatch(r"\d{1,3}", text):
            raise FieldProblem("age", reasons.AGE_NOT_A_NUMBER.format(value=text[:20]))
        age = int(text)
        if age > MAX_AGE:
            raise FieldProblem("age", reasons.AGE_OVER_LIMIT.format(value=age, limit=MAX_AGE))
        return age


_APOSTROPHES = re.compile("[ʼ'’‘`´ʹ′]")
_BLANKS = re.compile(r"\s+")


def _identity_text(value: str | None) -> str:
    """A name or place as the derived id sees it: case, spacing, apostrophe variants and ё do
    not count (so a re-typed list keeps its ids)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).casefold().replace("ё", "е")
    return _BLANKS.sub(" ", _APOSTROPHES.sub("'", text)).strip()


def derived_id(
    *,
    names: tuple[str | None, str | None, str | None, str | None],
    sex: str | None,
    birth_date: str | None,
    birth_place: str | None,
) -> str:
    """The id of a row from a list without an id column (decision 0003): `kt-` and 20 hex
    digits of SHA-256 over who the row describes (given, family, patronymic and full name, sex,
    birth date as parsed, birth place), normalised by `_identity_text`.

    Other cells (places seen, notes, extra columns) are not part of it: a list re-exported with
    a corrected note keeps its ids and the record gets a new version. Two rows describing the
    same child the same way get the same id: identical rows count once, different ones are all
    held back (nobody can tell them apart without an id column).
    """
    parts = [*(_identity_text(n) for n in names), sex or "", birth_date or ""]
    parts.append(_identity_text(birth_place))
    basis = "\x1f".join(parts).encode("utf-8")
    return DERIVED_ID_PREFIX + _sha256(basis).hexdigest()[:20]


class FieldProblem(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason
