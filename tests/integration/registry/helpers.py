"""Small helpers for registry integration tests (synthetic data only)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import text

from kintrace.registry import name_index
from kintrace.registry.importer import ImportSummary, import_file
from kintrace.store.engine import Store

HEADER = ["source", "record_id", "given_name", "family_name", "sex", "birth_date", "notes"]
TABLES = (
    "sources", "import_batches", "records", "record_versions", "quarantined_rows", "audit_log"
)  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


def child(n: int, *, notes: str = "SYNTHETIC", source: str = "fam") -> list[str]:
    return [source, str(n), f"Дитина{n}", "Коваленко", "F", "2014-03-05", notes]


def run_import(store: Store, path: Path, **kwargs: object) -> ImportSummary:
    """The import, then the name index caught up, as every caller of the import does (0420)."""
    summary = import_file(store, path, actor="test", **kwargs)  # type: ignore[arg-type]
    name_index.catch_up(store)
    return summary


def counts(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
