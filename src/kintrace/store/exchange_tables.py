"""Tables of the list exchange (issue 13): partners, their data-sharing agreements, the children's
exchange references, the ledger of requests sent and answers received, and the case update
proposals an answer makes for a caseworker to accept.

A partner is a mediator or counterpart known by its public keys (age recipient for what we send,
Ed25519 key for what it signs). Times are ISO 8601 UTC text, dates ISO text (the evidence area's
convention: the same on SQLite and PostgreSQL). What was sent for each child (`sent`) and what an
answer row said (`fields`) are kept as JSON: the reconciliation compares them. See
docs/exchange.md and docs/data-model.md.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kintrace.store.base import KEY, Base

metadata = Base.metadata

exchange_partners = Table(
    "exchange_partners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("language", String(2), nullable=False),  # ru | uk | en: headers and names' script
    Column("age_recipient", String(100), nullable=False),  # age1...
    Column("verify_key_pem", Text),  # the partner's Ed25519 public key; answers must be signed
    Column("agency_id", Integer, nullable=False),  # the agency whose children it may be sent
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
)

exchange_agreements = Table(
    "exchange_agreements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partner_id", Integer, ForeignKey("exchange_partners.id"), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("fields", Text, nullable=False),  # comma-separated allowed fields
    Column("expires_on", String(10), nullable=False),  # last day it is in force (ISO)
    Column("onward_sharing_banned", Boolean, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("ended_at", String(32)),  # ended early by a person
    Index("ix_exchange_agreements_partner", "partner_id"),
)

exchange_refs = Table(
    "exchange_refs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("partner_id", Integer, ForeignKey("exchange_partners.id"), nullable=False),
    Column("source", String(KEY), nullable=False),  # the child's record: SOURCE, ID
    Column("record_id", String(KEY), nullable=False),
    Column("ref", String(32), nullable=False, unique=True),  # random, reveals nothing
    UniqueConstraint("partner_id", "source", "record_id"),
)

exchange_requests = Table(
    "exchange_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("partner_id", Integer, ForeignKey("exchange_partners.id"), nullable=False),
    Column("agreement_id", Integer, ForeignKey("exchange_agreements.id"), nullable=False),
    Column("fields", Text, nullable=False),  # the fields sent (comma-separated)
    Column("children", Integer, nullable=False),
    Column("files", Text, nullable=False),  # canonical JSON: file name -> SHA-256
    Column("package_sha256", String(64), nullable=False),  # the encrypted package
    Column("signer_key_id", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(128), nullable=False),
)

exchange_request_children = Table(
    "exchange_request_children",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("exchange_requests.id"), nullable=False),
    Column("child_ref", String(32), nullable=False),
    Column("source", String(KEY), nullable=False),
    Column("record_id", String(KEY), nullable=False),
    Column("case_id", Integer),
    Column("sent", Text, nullable=False),  # JSON: the fields as sent (original script)
    UniqueConstraint("request_id", "child_ref"),
    Index("ix_exchange_request_children_record", "source", "record_id"),
)

exchange_answers = Table(
    "exchange_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("exchange_requests.id"), nullable=False),
    Column("file_sha256", String(64), nullable=False),  # the encrypted file received
    Column("signed_by", String(16)),  # key id of the partner's key that signed it
    Column("source", String(64), nullable=False),  # the registry source its rows entered
    Column("rows", Integer, nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("imported_by", String(128), nullable=False),
    UniqueConstraint("request_id", "file_sha256"),
)

exchange_answer_rows = Table(
    "exchange_answer_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("answer_id", Integer, ForeignKey("exchange_answers.id"), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("given_ref", String(64)),  # the reference as the row gave it, if any
    Column("child_ref", String(32)),  # the request's child it was matched to, if any
    # reference | model | none (no reference, no match) | duplicate (reference given twice)
    Column("matched_by", String(16), nullable=False),
    Column("score", Float),
    Column("status_text", Text),  # as written
    Column("status", String(16)),  # vocabulary; NULL: held for a person to classify
    Column("status_by", String(128)),  # "rule" or who classified it
    Column("fields", Text, nullable=False),  # JSON: the row's fields
    Column("record_id", String(KEY), nullable=False),  # the row's record in the answer source
    Index("ix_exchange_answer_rows_child", "child_ref"),
)

exchange_proposals = Table(
    "exchange_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("answer_row_id", Integer, ForeignKey("exchange_answer_rows.id"), nullable=False),
    Column("case_id", Integer, nullable=False),
    Column("facet", String(16), nullable=False),  # whereabouts | return
    Column("to_state", String(20), nullable=False),
    Column("place", Text),
    Column("on_date", String(10)),
    Column("state", String(10), nullable=False),  # pending | accepted | rejected
    Column("decided_by", String(128)),
    Column("decided_at", String(32)),
    Index("ix_exchange_proposals_case", "case_id"),
)
