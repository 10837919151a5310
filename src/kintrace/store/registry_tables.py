"""Tables of the registry: sources, import batches, records, record versions, quarantine.

Column-by-column meaning is in docs/data-model.md. JSON payloads (`raw`, `extras`) are stored as
canonical JSON text (sorted keys, UTF-8, no spaces) so that hashes computed on them are the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kintrace.store.base import Base


class Source(Base):
    """One list Kintrace receives (a register, a camp list, an adoption listing, a partner list)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="unknown")
    description: Mapped[str | None] = mapped_column(Text)
    received_on: Mapped[date | None] = mapped_column(Date)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportBatch(Base):
    """One import of one file; the unit of a transaction and of an audit entry."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    file_name: Mapped[str] = mapped_column(String(512))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(32))
    delimiter: Mapped[str | None] = mapped_column(String(4))
    sheet: Mapped[str | None] = mapped_column(String(128))
    source_option: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_new_versions: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_resolved: Mapped[int] = mapped_column(Integer, default=0)
    versions_digest: Mapped[str | None] = mapped_column(String(64))
    # How the file was read: header rows, column map, date order (canonical JSON, migration
    # 0007b; kintrace.registry.layout). NULL for imports made before it was kept.
    read_options: Mapped[str | None] = mapped_column(Text)


class Record(Base):
    """What one source says about one child, keyed by (source, record_id).

    `current_version` is the number of the version in `record_versions` that is current.
    """

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("source_id", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    current_version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecordVersion(Base):
    """One content of a record: the verbatim row and the fields parsed from it. Never updated."""

    __tablename__ = "record_versions"
    __table_args__ = (
        UniqueConstraint("record_pk", "version"),
        Index("ix_record_versions_batch_id", "batch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_pk: Mapped[int] = mapped_column(ForeignKey("records.id"))
    version: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(Text)
    given_name: Mapped[str | None] = mapped_column(Text)
    family_name: Mapped[str | None] = mapped_column(Text)
    patronymic: Mapped[str | None] = mapped_column(Text)
    full_name: Mapped[str | None] = mapped_column(Text)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    birth_date_precision: Mapped[str | None] = mapped_column(String(5))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    birth_month: Mapped[int | None] = mapped_column(SmallInteger)
    birth_day: Mapped[int | None] = mapped_column(SmallInteger)
    age: Mapped[int | None] = mapped_column(SmallInteger)
    observed_on: Mapped[str | None] = mapped_column(String(10))
    birth_place: Mapped[str | None] = mapped_column(Text)
    last_known_place: Mapped[str | None] = mapped_column(Text)
    group_id: Mapped[str | None] = mapped_column(Text)
    guardian_name: Mapped[str | None] = mapped_column(Text)
    guardian_contact: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    extras: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")


class QuarantinedRow(Base):
    """A row validation rejected, kept with where it came from and why, until a corrected file
    re-imports it (`resolved_by_batch_id`)."""

    __tablename__ = "quarantined_rows"
    __table_args__ = (
        Index("ix_quarantined_rows_key", "source_name", "record_id"),
        Index("ix_quarantined_rows_raw_hash", "raw_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"))
    file_name: Mapped[str] = mapped_column(String(512))
    row_number: Mapped[int] = mapped_column(Integer)
    source_name: Mapped[str | None] = mapped_column(String(200))
    record_id: Mapped[str | None] = mapped_column(String(200))
    column: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    raw_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
