"""Outbound requests: which children, what of them is sent, the package and its ledger entry.

A child is a record the bureau follows (a case's subject record, or a record named in a file)
of the partner's agency. What is sent is the child's record as it stands (its current version),
cut to the agreement's fields; the exchange reference is the child's for that partner: random,
kept, the same in every round, never derived from an internal id.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.csv_export import csv_writer
from kintrace.exchange import package, sheet
from kintrace.exchange.errors import ExchangeNotFound, ExchangeRefused
from kintrace.exchange.partners import Agreement, Partner, agreement_for, now_text
from kintrace.signing import Signer
from kintrace.store.exchange_tables import (
    exchange_refs,
    exchange_request_children,
    exchange_requests,
)
from kintrace.store.registry_tables import Record, RecordVersion, Source
from kintrace.store.review_tables import cases
from kintrace.store.web_tables import HOME_AGENCY_ID, source_agencies

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed again
FORMAT = "kintrace-exchange-request/1"


def new_ref(prefix: str, length: int = 10) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Child:
    source: str
    record_id: str
    case_id: int | None


def children_of_cases(db: Session, *, agency_id: int, where: str) -> list[Child]:
    """Children followed by cases of the agency. `where`: "all", "return=STATE",
    "whereabouts=STATE", "identity=STATE" or "ids=1,2,3"."""
    c = cases.c
    query = select(c.id, c.subject_source, c.subject_record_id).order_by(c.id)
    if agency_id == HOME_AGENCY_ID:
        query = query.where((c.agency_id == agency_id) | c.agency_id.is_(None))
    else:
        query = query.where(c.agency_id == agency_id)
    key, _, value = where.strip().partition("=")
    column = {"return": c.return_stage, "whereabouts": c.whereabouts, "identity": c.identity}
    if key in column and value:
        query = query.where(column[key] == value.strip())
    elif key == "ids" and value:
        try:
            ids = [int(v) for v in value.split(",") if v.strip()]
        except ValueError:
            raise ExchangeRefused(
                f"--cases ids=... takes case numbers, got '{value[:40]}'."
            ) from None
        query = query.where(c.id.in_(ids))
    elif where.strip() != "all":
        raise ExchangeRefused(
            f"--cases '{where[:40]}' is not a filter: use all, return=STATE, whereabouts=STATE, "
            "identity=STATE or ids=1,2,3."
        )
    return [Child(r.subject_source, r.subject_record_id, r.id) for r in db.execute(query)]


def children_of_lines(db: Session, *, agency_id: int, lines: list[str]) -> list[Child]:
    """Children named one per line as SOURCE:ID or a person id (its case's subject record, or
    the person's family report, or its first record)."""
    from kintrace.review.casework import WorkflowRefused, subject_for_person

    found: list[Child] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        source, sep, record_id = text.partition(":")
        if not sep:
            try:
                key = subject_for_person(db, text)
            except WorkflowRefused:
                raise ExchangeNotFound(f"line {number}: there is no person with that id.") from None
            source, record_id = key.source, key.record_id
        found.append(Child(source, record_id, _case_of(db, source, record_id)))
    return found


def _case_of(db: Session, source: str, record_id: str) -> int | None:
    return db.execute(
        select(func.min(cases.c.id)).where(
            and_(cases.c.subject_source == source, cases.c.subject_record_id == record_id)
        )
    ).scalar_one_or_none()


def _current(db: Session, children: list[Child], agency_id: int) -> dict[tuple[str, str], Any]:
    """The current version of each child's record, if the agency may see it."""
    keys = {(c.source, c.record_id) for c in children}
    sources = {s for s, _ in keys}
    rows = db.execute(
        select(
            Source.name,
            Record.record_id,
            RecordVersion,
            func.coalesce(source_agencies.c.agency_id, HOME_AGENCY_ID).label("agency"),
        )
        .join(Record, Record.source_id == Source.id)
        .join(
            RecordVersion,
            and_(
                RecordVersion.record_pk == Record.id,
                RecordVersion.version == Record.current_version,
            ),
        )
        .outerjoin(source_agencies, source_agencies.c.source_id == Source.id)
        .where(Source.name.in_(sorted(sources)))
    )
    return {
        (r.name, r.record_id): r.RecordVersion
        for r in rows
        if (r.name, r.record_id) in keys and r.agency == agency_id
    }


def sent_fields(version: Any, fields: tuple[str, ...]) -> dict[str, str]:
    """The agreement's fields of one record version, as written in the record."""
    values: dict[str, str] = {}
    for field in fields:
        if field == "parents":
            value = version.guardian_name
        elif field == "family_name" and not version.family_name and version.full_name:
            value = version.full_name
        else:
            value = getattr(version, field)
        values[field] = (value or "").strip()
    return values


def refs_for(db: Session, partner: Partner, children: list[Child]) -> dict[tuple[str, str], str]:
    """The children's references for this partner, created where there are none yet."""
    existing = {
        (r.source, r.record_id): r.ref
        for r in db.execute(
            select(exchange_refs.c.source, exchange_refs.c.record_id, exchange_refs.c.ref).where(
                exchange_refs.c.partner_id == partner.id
            )
        )
    }
    new = []
    for child in children:
        key = (child.source, child.record_id)
        if key not in existing:
            existing[key] = new_ref("C-")
            new.append(
                {
                    "partner_id": partner.id,
                    "source": key[0],
                    "record_id": key[1],
                    "ref": existing[key],
                }
            )
    if new:
        db.execute(exchange_refs.insert(), new)
    return existing


@dataclass(frozen=True)
class RequestMade:
    ref: str
    partner: str
    agreement_id: int
    children: int
    fields: tuple[str, ...]
    package: bytes
    package_name: str
    package_sha256: str
    files: dict[str, str]  # name -> SHA-256 (inside the package)
    signer_key_id: str


def make_request(
    db: Session,
    *,
    partner: Partner,
    children: list[Child],
    fields: tuple[str, ...] | None,
    signer: Signer,
    actor: str,
    today: date,
) -> RequestMade:
    agreement = agreement_for(db, partner=partner, fields=fields, today=today)
    chosen = fields or agreement.fields
    unique: dict[tuple[str, str], Child] = {}
    for child in children:
        unique.setdefault((child.source, child.record_id), child)
    if not unique:
        raise ExchangeRefused("no child matches: nothing to send.")
    versions = _current(db, list(unique.values()), partner.agency_id)
    missing = [k for k in unique if k not in versions]
    if missing:
        raise ExchangeNotFound(
            f"{len(missing)} of the children named have no record the partner's agency may "
            f"see (first: {missing[0][0]}:{missing[0][1]}); nothing was sent."
        )
    refs = refs_for(db, partner, list(unique.values()))
    ref = new_ref("RQ-", 8)
    language = partner.language
    table = [[sheet.header(k, language) for k in sheet.columns(chosen, language)]]
    ledger = []
    for key, child in unique.items():
        sent = sent_fields(versions[key], chosen)
        table.append(sheet.row(sent, chosen, language, refs[key]))
        ledger.append((refs[key], child, sent))
    files = {
        f"{ref}.csv": _csv(table),
        f"{ref}.xlsx": _xlsx(table, ref),
        "README.txt": _readme(ref, partner, agreement).encode("utf-8"),
    }
    created_at = now_text()
    about = {
        "format": FORMAT,
        "request": ref,
        "partner": partner.name,
        "agreement": {
            "purpose": agreement.purpose,
            "fields": list(chosen),
            "expires_on": agreement.expires_on.isoformat(),
            "onward_sharing_banned": agreement.onward_sharing_banned,
        },
        "children": len(ledger),
        "created_at": created_at,
    }
    encrypted, manifest = package.build(
        files, about=about, signer=signer, recipient=partner.age_recipient
    )
    digest = package.sha256(encrypted)
    request_id = db.execute(
        exchange_requests.insert()
        .values(
            ref=ref,
            partner_id=partner.id,
            agreement_id=agreement.id,
            fields=",".join(chosen),
            children=len(ledger),
            files=json.dumps(manifest["files"], sort_keys=True),
            package_sha256=digest,
            signer_key_id=signer.key_id,
            created_at=created_at,
            created_by=actor,
        )
        .returning(exchange_requests.c.id)
    ).scalar_one()
    db.execute(
        exchange_request_children.insert(),
        [
            {
                "request_id": request_id,
                "child_ref": child_ref,
                "source": child.source,
                "record_id": child.record_id,
                "case_id": child.case_id,
                "sent": json.dumps(sent, ensure_ascii=False, sort_keys=True),
            }
            for child_ref, child, sent in ledger
        ],
    )
    audit.append(
        db,
        actor=actor,
        action="exchange.request",
        entity_type="exchange_request",
        entity_id=ref,
        details={
            "partner": partner.name,
            "agreement": agreement.id,
            "children": len(ledger),
            "fields": list(chosen),
            "package_sha256": digest,
            "files": manifest["files"],
        },
    )
    return RequestMade(
        ref=ref,
        partner=partner.name,
        agreement_id=agreement.id,
        children=len(ledger),
        fields=chosen,
        package=encrypted,
        package_name=f"{ref}.zip.age",
        package_sha256=digest,
        files=manifest["files"],
        signer_key_id=signer.key_id,
    )


def _csv(table: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerows(table)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(table: list[list[str]], title: str) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=title[:31])
    for line in table:
        ws.append([sheet_cell(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_cell(value: str) -> str:
    """A cell that a spreadsheet keeps as text (never a formula)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _readme(ref: str, partner: Partner, agreement: Agreement) -> str:
    ban = (
        "Onward sharing is NOT allowed: these lists may not be passed to anyone else."
        if agreement.onward_sharing_banned
        else "Onward sharing is allowed within the agreement's purpose."
    )
    return (
        f"Kintrace exchange request {ref} for {partner.name}\n"
        f"Purpose: {agreement.purpose}\n"
        f"Agreement in force until {agreement.expires_on.isoformat()}. {ban}\n\n"
        f"{ref}.csv and {ref}.xlsx list one child per row. Keep the Reference column; fill in\n"
        "Status, Where now and Note; return the file encrypted with age to the recipient the\n"
        "bureau gave you (see docs/exchange.md: 'For a mediator').\n"
        "Check this package: sha256sum -c SHA256SUMS; openssl pkeyutl -verify -pubin -inkey\n"
        "signing-key.pem -rawin -in manifest.json -sigfile manifest.sig\n"
    )


@dataclass(frozen=True)
class RequestView:
    id: int
    ref: str
    partner: str
    agreement_id: int
    fields: tuple[str, ...]
    children: int
    package_sha256: str
    created_at: str
    created_by: str


def get_request(db: Session, ref: str) -> RequestView:
    from kintrace.store.exchange_tables import exchange_partners

    r = exchange_requests.c
    row = db.execute(
        select(exchange_requests, exchange_partners.c.name.label("partner_name"))
        .join(exchange_partners, exchange_partners.c.id == r.partner_id)
        .where(r.ref == ref.strip())
    ).first()
    if row is None:
        raise ExchangeNotFound(f"there is no request '{ref[:40]}'.")
    return RequestView(
        id=row.id,
        ref=row.ref,
        partner=row.partner_name,
        agreement_id=row.agreement_id,
        fields=tuple(row.fields.split(",")),
        children=row.children,
        package_sha256=row.package_sha256,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def request_children(db: Session, request_id: int) -> list[dict[str, Any]]:
    c = exchange_request_children.c
    return [
        {
            "child_ref": r.child_ref,
            "source": r.source,
            "record_id": r.record_id,
            "case_id": r.case_id,
            "sent": json.loads(r.sent),
        }
        for r in db.execute(
            select(exchange_request_children).where(c.request_id == request_id).order_by(c.id)
        )
    ]
