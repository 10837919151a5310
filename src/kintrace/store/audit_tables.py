"""The audit log table: append-only and hash-chained (see kintrace.audit)."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kintrace.store.base import Base


class AuditEntry(Base):
    """One change: who, when (ISO 8601 UTC text, so the hash is backend-independent), what, on
    which entity, with details as canonical JSON. `prev_hash` is unique: the chain cannot fork."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpoint(Base):
    """The audit log's head at a moment, signed (kintrace.audit_checkpoint): `entries` entries,
    the last with hash `head_hash`; `signature` (hex) by the key `key_id`, whose public half
    (PEM) is kept alongside so a checkpoint can be written out as a self-describing file."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    entries: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))
    public_key: Mapped[str] = mapped_column(Text)
