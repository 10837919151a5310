"""Tables of the figures area: published releases and their files (issue 15).

A release row keeps what was published and how: the rules (k, rounding, table-set version), the
data's snapshot (the link run it counted, the number of children, a keyed hash of the exact
counts) and the signed manifest. Its files (CSV, XLSX, SVG, the manifest and its signature) are
kept byte for byte in `figure_release_files`, so a release can be listed, shown on the web and
written out again exactly as signed. Nothing here holds a child's data: only published counts.
`counts_key` is the secret of the keyed hash and is never published (docs/figures.md).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, Table, Text

from kintrace.store.base import Base

metadata = Base.metadata

figure_releases = Table(
    "figure_releases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", String(32), nullable=False),  # ISO 8601 UTC
    Column("actor", String(128), nullable=False),
    Column("table_set_version", String(16), nullable=False),
    Column("k", Integer, nullable=False),
    Column("rounding", Integer, nullable=False),
    Column("link_run_id", Integer),  # the link run whose persons were counted
    Column("persons", Integer, nullable=False),  # children counted (exact; published rounded)
    Column("counts_hmac", String(64), nullable=False),  # HMAC-SHA256 of the exact counts
    Column("counts_key", String(64), nullable=False),  # its key: never leaves the store
    Column("tables_published", Integer, nullable=False),
    Column("tables_omitted", Integer, nullable=False),
    Column("key_id", String(16), nullable=False),  # the signing key (kintrace.signing)
    Column("manifest", Text, nullable=False),  # manifest.json as signed
)

figure_release_files = Table(
    "figure_release_files",
    metadata,
    Column("release_id", Integer, ForeignKey("figure_releases.id"), primary_key=True),
    Column("name", String(128), primary_key=True),  # path inside the release, e.g. csv/x.csv
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
)
