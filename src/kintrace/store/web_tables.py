"""Tables for the web workspace and accounts: agencies, users, sessions, tokens, throttling,
and the name-key index that makes search in any script fast.

Core `Table`s (not ORM classes) keep the account services plain. Times are stored as UTC; SQLite
hands them back naive, so readers go through `as_utc`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from kintrace.store.base import Base

metadata = Base.metadata  # one MetaData for every area (naming convention shared)

HOME_AGENCY_ID = 1  # created by migration 0003; rows imported without an agency belong to it


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


agencies = Table(
    "agencies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("agency_id", Integer, ForeignKey("agencies.id"), nullable=False),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("totp_secret", String(64)),  # None until enrolment is confirmed
    Column("pending_totp_secret", String(64)),  # shown as a QR code, not yet confirmed
    Column("totp_last_step", Integer),  # replay guard: a code works once
    Column("language", String(8), nullable=False, default="uk"),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    UniqueConstraint("user_id", "code_hash"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the cookie value
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(16), nullable=False),  # "password" (awaiting 2nd factor) or "full"
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_web_sessions_user", "user_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("key", String(200), primary_key=True),  # "user:<sha256>" or "addr:<address>"
    Column("failures", Integer, nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("blocked_until", DateTime(timezone=True)),
)

source_agencies = Table(
    "source_agencies",
    metadata,
    # The agency that may see a source and its records. A source without a row belongs to the
    # home agency (HOME_AGENCY_ID): lists imported from the command line are the home agency's.
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", Integer, ForeignKey("agencies.id"), nullable=False),
)

record_name_keys = Table(
    "record_name_keys",
    metadata,
    # Name keys (kintrace.names) of each record's current version, for search in any script.
    Column("record_pk", Integer, ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("key", String(120), nullable=False),
    Column("agency_id", Integer, nullable=False),
    Index("ix_record_name_keys_key", "key", "agency_id"),
    Index("ix_record_name_keys_record_pk", "record_pk"),
)

instance_flags = Table(
    "instance_flags",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)
SYNTHETIC_DEMO_FLAG = "synthetic_demo"  # set by `kintrace users demo`; the web shows a banner
