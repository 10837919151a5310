"""Inbound answers: decrypt, verify, read, match each row to a child of the request, classify
its status, and enter its rows in the registry as a source of kind `answer`.

Nothing in a case changes here: a matched row with a status says what the partner reports, and
becomes a *proposal* (`exchange_proposals`, pending) that a caseworker accepts or rejects.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyrage
from openpyxl import load_workbook
from sqlalchemy import select

from kintrace import audit
from kintrace.exchange import matching, package, sheet
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.partners import now_text, partner_by_id, verify_key_pem
from kintrace.exchange.requests import request_children
from kintrace.exchange.status import Status, classify
from kintrace.registry import name_index
from kintrace.registry.dates import parse_partial_date
from kintrace.registry.importer import import_file
from kintrace.registry.sources import SourceDetails
from kintrace.store.engine import Store
from kintrace.store.exchange_tables import (
    exchange_answer_rows,
    exchange_answers,
    exchange_proposals,
    exchange_refs,
    exchange_request_children,
    exchange_requests,
)

_ANSWER_SUFFIXES = (".csv", ".xlsx", ".txt")


@dataclass(frozen=True)
class AnswerRow:
    row_number: int
    values: dict[str, str]  # column key -> text


@dataclass(frozen=True)
class AnswerImported:
    request: str
    answer_id: int | None  # None: this file was imported before (nothing changed)
    rows: int
    by_reference: int
    by_model: int
    unmatched: int
    duplicates: int
    held_statuses: int
    proposals: int
    signed_by: str | None
    source: str


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text: a date typed as a date (a datetime in the workbook) as its
    ISO day, a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(data: bytes) -> list[AnswerRow]:
    """The rows of an answer file (CSV in UTF-8, or XLSX), by the exchange's headers."""
    if data[:2] == b"PK":
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise ExchangeRefused("the answer's spreadsheet cannot be read as XLSX.") from None
        table = [
            [_cell_text(v) for v in line] for line in book.worksheets[0].iter_rows(values_only=True)
        ]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ExchangeRefused("the answer's CSV is not UTF-8 text.") from None
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count)
        table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not table:
        raise ExchangeRefused("the answer file is empty.")
    keys = sheet.read_header(table[0])
    if "ref" not in keys and not {"family_name", "given_name"} & set(keys):
        raise ExchangeRefused(
            "the answer file has neither a reference column nor name columns the exchange "
            "knows (its first row must be the request's headers)."
        )
    rows = []
    for number, line in enumerate(table[1:], start=2):
        values = {
            key: cell.strip().lstrip("'") if key else ""
            for key, cell in zip(keys, line, strict=False)
            if key
        }
        if any(values.values()):
            rows.append(AnswerRow(number, values))
    return rows


def _answer_file(files: dict[str, bytes]) -> bytes:
    chosen = [n for n in files if n.lower().endswith(_ANSWER_SUFFIXES) and n != "README.txt"]
    if "answer" in files:
        return files["answer"]
    if len(chosen) != 1:
        raise ExchangeRefused(
            f"the package must hold exactly one answer file (.csv or .xlsx); found {len(chosen)}."
        )
    return files[chosen[0]]


def _find_request(db: Any, *, given: str | None, plain: bytes) -> Any:
    r = exchange_requests.c
    if given:
        row = db.execute(select(exchange_requests).where(r.ref == given.strip())).first()
        if row is None:
            raise ExchangeNotFound(f"there is no request '{given[:40]}'.")
        return row
    # the request named in the package's manifest, else the one its rows' references belong to
    ref = None
    if zipfile.is_zipfile(io.BytesIO(plain)) and not package.is_spreadsheet(plain):
        with zipfile.ZipFile(io.BytesIO(plain)) as archive:
            names = {n.rsplit("/", 1)[-1]: n for n in archive.namelist()}
            if package.MANIFEST in names:
                try:
                    ref = json.loads(archive.read(names[package.MANIFEST])).get("request")
                except (ValueError, AttributeError):
                    ref = None
            files = {k: archive.read(v) for k, v in names.items()}
    else:
        files = {"answer": plain}
    if isinstance(ref, str):
        row = db.execute(select(exchange_requests).where(r.ref == ref)).first()
        if row is not None:
            return row
    refs = [row.values.get("ref", "") for row in read_rows(_answer_file(files))]
    refs = [x for x in refs if x]
    if refs:
        c = exchange_request_children.c
        ids = Counter(
            db.execute(select(c.request_id).where(c.child_ref.in_(refs[:1000]))).scalars()
        )
        if ids:
            return db.execute(
                select(exchange_requests).where(r.id == ids.most_common(1)[0][0])
            ).first()
    raise ExchangeNotFound(
        "this answer names no request Kintrace sent (no manifest with a known request, no "
        "known reference): give the request with --request RQ-..."
    )


def person_of(key: str, values: dict[str, str]) -> matching.Person:
    birth = iso_date(values.get("birth_date", "")) or "" if values.get("birth_date") else ""
    return matching.Person(
        key=key,
        given=values.get("given_name") or values.get("given_name_original", ""),
        family=values.get("family_name") or values.get("family_name_original", ""),
        patronymic=values.get("patronymic") or values.get("patronymic_original", ""),
        birth_date=birth,
    )


def iso_date(text: str) -> str | None:
    try:
        return parse_partial_date(text, column="birth_date").iso()
    except ValueError:
        return None


def import_answer(
    store: Store,
    *,
    data: bytes,
    identity: pyrage.x25519.Identity,
    request_ref: str | None,
    actor: str,
    agency_id: int,
) -> AnswerImported:
    plain = package.decrypt(data, identity)
    with store.session() as db:
        request = _find_request(db, given=request_ref, plain=plain)
        partner = partner_by_id(db, request.partner_id)
        if partner.agency_id != agency_id:
            raise ExchangeNotFound(f"there is no request '{(request_ref or '')[:40]}'.")
        key_pem = verify_key_pem(db, partner.id)
        children = request_children(db, request.id)
        file_sha = package.sha256(data)
        done = db.execute(
            select(exchange_answers.c.id).where(
                (exchange_answers.c.request_id == request.id)
                & (exchange_answers.c.file_sha256 == file_sha)
            )
        ).first()
        known_refs = {
            r.ref: (r.source, r.record_id)
            for r in db.execute(
                select(exchange_refs).where(exchange_refs.c.partner_id == partner.id)
            )
        }
    opened = package.open_package(data, identity, verify_key_pem=key_pem)
    rows = read_rows(_answer_file(opened.files))
    source = f"answer-{partner.name}-{request.ref}".lower()[:64]
    if done is not None:
        return AnswerImported(
            request.ref, None, len(rows), 0, 0, 0, 0, 0, 0, opened.signed_by, source
        )
    in_request = {c["child_ref"]: c for c in children}
    del known_refs  # references of other requests count as unknown here
    # 1. by reference (a reference given twice: the later rows are duplicates, held)
    assigned: dict[int, tuple[str | None, str, float | None]] = {}
    seen: Counter[str] = Counter()
    unreferenced: list[AnswerRow] = []
    for row in rows:
        given = row.values.get("ref", "").strip().upper()
        if given and given in in_request:
            seen[given] += 1
            how = "reference" if seen[given] == 1 else "duplicate"
            assigned[row.row_number] = (given, how, None)
        else:
            unreferenced.append(row)
    # 2. the rest by name and birth date, against the children of the request
    wanted = [person_of(c["child_ref"], c["sent"]) for c in children]
    matched = matching.match_rows(
        [person_of(str(r.row_number), r.values) for r in unreferenced], wanted
    )
    for row in unreferenced:
        found = matched.get(str(row.row_number))
        if found is None:
            assigned[row.row_number] = (None, "none", None)
        else:
            assigned[row.row_number] = (found.key, "model", found.score)
    record_ids = _enter_registry(
        store,
        rows,
        source=source,
        request=request.ref,
        partner=partner.name,
        file_sha=file_sha,
        actor=actor,
        agency_id=agency_id,
    )
    counts: Counter[str] = Counter()
    with store.session(write=True) as db:
        answer_id = int(
            db.execute(
                exchange_answers.insert()
                .values(
                    request_id=request.id,
                    file_sha256=file_sha,
                    signed_by=opened.signed_by,
                    source=source,
                    rows=len(rows),
                    imported_at=now_text(),
                    imported_by=actor,
                )
                .returning(exchange_answers.c.id)
            ).scalar_one()
        )
        # one statement for the rows, one to read their ids back, one for the proposals: an
        # answer of 10,000 rows is three round trips, not 10,000
        lines = []
        statuses: dict[int, Status | None] = {}
        for row in rows:
            child_ref, how, score = assigned[row.row_number]
            counts[how] += 1
            text = row.values.get("status", "")
            status = statuses[row.row_number] = classify(text)
            if status is None:
                counts["held"] += 1
            lines.append(
                {
                    "answer_id": answer_id,
                    "row_number": row.row_number,
                    "given_ref": row.values.get("ref") or None,
                    "child_ref": child_ref,
                    "matched_by": how,
                    "score": score,
                    "status_text": text or None,
                    "status": status.value if status else None,
                    "status_by": "rule" if status else None,
                    "fields": json.dumps(row.values, ensure_ascii=False, sort_keys=True),
                    "record_id": record_ids[row.row_number],
                }
            )
        if lines:
            db.execute(exchange_answer_rows.insert(), lines)
        ar = exchange_answer_rows.c
        row_ids = {
            number: row_id
            for number, row_id in db.execute(
                select(ar.row_number, ar.id).where(ar.answer_id == answer_id)
            )
        }
        wanted_proposals = []
        for row in rows:
            child_ref, how, _ = assigned[row.row_number]
            status = statuses[row.row_number]
            if child_ref and how in ("reference", "model") and status is not None:
                proposal = proposal_for(
                    row_id=row_ids[row.row_number],
                    case_id=in_request[child_ref]["case_id"],
                    status=status,
                    values=row.values,
                )
                if proposal is not None:
                    wanted_proposals.append(proposal)
        if wanted_proposals:
            db.execute(exchange_proposals.insert(), wanted_proposals)
        counts["proposals"] = len(wanted_proposals)
        audit.append(
            db,
            actor=actor,
            action="exchange.answer_import",
            entity_type="exchange_request",
            entity_id=request.ref,
            details={
                "answer": answer_id,
                "file_sha256": file_sha,
                "signed_by": opened.signed_by,
                "rows": len(rows),
                "matched_by": {k: counts[k] for k in ("reference", "model", "none", "duplicate")},
                "held_statuses": counts["held"],
                "source": source,
            },
        )
    return AnswerImported(
        request=request.ref,
        answer_id=answer_id,
        rows=len(rows),
        by_reference=counts["reference"],
        by_model=counts["model"],
        unmatched=counts["none"],
        duplicates=counts["duplicate"],
        held_statuses=counts["held"],
        proposals=counts["proposals"],
        signed_by=opened.signed_by,
        source=source,
    )


def proposal_for(
    *, row_id: int, case_id: int | None, status: Status, values: dict[str, str]
) -> dict[str, Any] | None:
    """The pending case update a matched row's status asks for (an `exchange_proposals` row);
    None when it proposes nothing."""
    if case_id is None:
        return None
    place = values.get("current_place") or None
    if status is Status.RETURNED:
        facet, to = "return", "returned"
    elif status in (Status.FOUND, Status.IN_CARE, Status.IN_FAMILY) and place:
        facet, to = "whereabouts", "known"
    else:
        return None
    return {
        "answer_row_id": row_id,
        "case_id": case_id,
        "facet": facet,
        "to_state": to,
        "place": place,
        "on_date": None,
        "state": "pending",
    }


_REGISTRY_COLUMNS = (
    ("family_name", "family_name"),
    ("given_name", "given_name"),
    ("patronymic", "patronymic"),
    ("sex", "sex"),
    ("birth_date", "birth_date"),
    ("birth_place", "birth_place"),
    ("current_place", "last_known_place"),
)


def _enter_registry(
    store: Store,
    rows: list[AnswerRow],
    *,
    source: str,
    request: str,
    partner: str,
    file_sha: str,
    actor: str,
    agency_id: int,
) -> dict[int, str]:
    """The rows as records of the answer source (one import batch: provenance, versions,
    quarantine for what does not validate). Record ids: the file's short hash and row number."""
    ids = {row.row_number: f"{file_sha[:12]}-{row.row_number}" for row in rows}
    header = ["record_id", *(target for _, target in _REGISTRY_COLUMNS), "notes"]
    with tempfile.TemporaryDirectory(prefix="kintrace-answer-") as folder:
        path = Path(folder) / f"{source}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                v = row.values
                writer.writerow(
                    [
                        ids[row.row_number],
                        *(
                            v.get(key) or v.get(f"{key}_original", "")
                            for key, _ in _REGISTRY_COLUMNS
                        ),
                        "; ".join(x for x in (v.get("status", ""), v.get("note", "")) if x),
                    ]
                )
        import_file(
            store,
            path,
            actor=actor,
            source=source,
            details=SourceDetails(
                kind="answer",
                description=f"answer from {partner} to exchange request {request} "
                f"(file sha256 {file_sha})",
            ),
            agency_id=agency_id,
        )
    name_index.catch_up(store)  # the answer's records searchable, after the import's commit
    return ids
