"""Published figures (issue 15): make a release, list releases, show the latest, serve its files.

A release counts the whole registry (every agency's records: it is the installation's own
publication), so only the home agency's administrators and analysts, and the command line's
operator, may make one. Reading a release is open to every signed-in role: it holds counts that
passed disclosure control and nothing else (the analyst sees no name anywhere).

`release` runs its own transactions: the counts are read in one read transaction (a consistent
snapshot), disclosure control runs outside any transaction, and the release, its files and its
audit entry are written in one short write transaction.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kintrace import audit
from kintrace.accounts.actors import Actor
from kintrace.accounts.roles import Role
from kintrace.figures.charts import bar_chart
from kintrace.figures.counts import counts_hmac, read_counts
from kintrace.figures.disclosure import DEFAULT_K, DisclosureError, RegistryTooSmall, protect
from kintrace.figures.release import (
    ReleaseInfo,
    build_files,
    verify_directory,
    write_files,
)
from kintrace.figures.release import chart_series as release_series
from kintrace.figures.tables import TABLE_SET_VERSION
from kintrace.messages import N_
from kintrace.services.errors import ReleaseNotFound
from kintrace.signing import load_or_create_signer
from kintrace.store.engine import Store
from kintrace.store.figures_tables import figure_release_files, figure_releases
from kintrace.store.web_tables import HOME_AGENCY_ID

RELEASERS = frozenset({Role.ADMIN, Role.ANALYST})
MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pem": "application/x-pem-file",
    ".txt": "text/plain; charset=utf-8",
    ".sig": "application/octet-stream",
}


class FiguresError(Exception):
    """A release cannot be made or found as asked; the text says why (no data in it)."""


@dataclass(frozen=True)
class ReleaseResult:
    release_id: int
    files: dict[str, bytes]
    tables_published: list[str]
    omitted: dict[str, str]  # table name -> reason
    withheld_counts: int
    narrowest_interval: float | None
    seconds_reading: float
    seconds_protecting: float


@dataclass(frozen=True)
class ReleaseSummary:
    release_id: int
    created_at: str
    actor: str
    k: int
    rounding: int
    link_run_id: int | None
    tables_published: int
    tables_omitted: int
    key_id: str


@dataclass(frozen=True)
class ReleaseView:
    summary: ReleaseSummary
    data: dict[str, Any]  # data.json: the published tables
    manifest: dict[str, Any]
    file_names: list[str]


def release(
    store: Store,
    actor: Actor,
    *,
    home: Path,
    k: int = DEFAULT_K,
    rounding: int = 1,
    now: datetime | None = None,
) -> ReleaseResult:
    """Count, protect, sign and keep a release. Raises FiguresError with a message to show."""
    if actor.agency_id != HOME_AGENCY_ID or (
        actor.role is not None and actor.role not in RELEASERS
    ):
        raise FiguresError(
            N_("Only the home agency's administrators and analysts may publish figures.")
        )
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    started = datetime.now(UTC)
    with store.session() as db:
        counts = read_counts(db, reference=moment.date(), now=moment)
    read_done = datetime.now(UTC)
    if counts.snapshot.link_run_id is None:
        raise FiguresError(
            N_("No link run has finished yet: figures count persons. Run `kintrace link` first.")
        )
    try:
        protected = protect(counts.tables, k=k, rounding=rounding)
    except RegistryTooSmall as exc:
        raise FiguresError(f"{exc}.") from None
    except DisclosureError as exc:
        raise FiguresError(str(exc)) from None
    protect_done = datetime.now(UTC)
    signer = load_or_create_signer(home)
    key = secrets.token_bytes(32)
    digest = counts_hmac(counts.tables, key)
    with store.session(write=True) as db:
        release_id = int(
            db.execute(
                insert(figure_releases)
                .values(
                    created_at=moment.isoformat(),
                    actor=actor.name,
                    table_set_version=TABLE_SET_VERSION,
                    k=k,
                    rounding=rounding,
                    link_run_id=counts.snapshot.link_run_id,
                    persons=counts.snapshot.persons,
                    counts_hmac=digest,
                    counts_key=key.hex(),
                    tables_published=len(protected.published_tables()),
                    tables_omitted=len(protected.omitted),
                    key_id=signer.key_id,
                    manifest="",
                )
                .returning(figure_releases.c.id)
            ).scalar_one()
        )
        info = ReleaseInfo(
            release_id=release_id,
            created_at=moment,
            link_run_id=counts.snapshot.link_run_id,
            counts_hmac=digest,
            key_id=signer.key_id,
            public_key_pem=signer.public_key_pem(),
        )
        files = build_files(protected, info, signer_sign=signer.sign)
        db.execute(
            figure_releases.update()
            .where(figure_releases.c.id == release_id)
            .values(manifest=files["manifest.json"].decode("utf-8"))
        )
        manifest = json.loads(files["manifest.json"])
        db.execute(
            insert(figure_release_files),
            [
                {
                    "release_id": release_id,
                    "name": name,
                    "sha256": manifest["files"].get(name, ""),
                    "content": body,
                }
                for name, body in files.items()
            ],
        )
        audit.append(
            db,
            actor=actor.name,
            action="figures.release",
            entity_type="figure_release",
            entity_id=release_id,
            details={
                "k": k,
                "rounding": rounding,
                "link_run_id": counts.snapshot.link_run_id,
                "table_set_version": TABLE_SET_VERSION,
                "tables_published": [t.name for t in protected.published_tables()],
                "tables_omitted": sorted(protected.omitted),
                "key_id": signer.key_id,
                "manifest_sha256": _sha256(files["manifest.json"]),
            },
        )
    audit_result = protected.audit
    return ReleaseResult(
        release_id=release_id,
        files=files,
        tables_published=[t.name for t in protected.published_tables()],
        omitted=dict(protected.omitted),
        withheld_counts=len(audit_result.intervals) if audit_result else 0,
        narrowest_interval=audit_result.min_width if audit_result else None,
        seconds_reading=(read_done - started).total_seconds(),
        seconds_protecting=(protect_done - read_done).total_seconds(),
    )


def list_releases(db: Session, actor: Actor) -> list[ReleaseSummary]:
    """Every release, newest first (published counts only: open to every role)."""
    rows = db.execute(select(figure_releases).order_by(figure_releases.c.id.desc())).all()
    return [_summary(row) for row in rows]


def latest(db: Session, actor: Actor) -> ReleaseView | None:
    """The newest release with its published tables, or None when there is none yet."""
    newest = db.scalar(select(func.max(figure_releases.c.id)))
    return None if newest is None else show(db, actor, int(newest))


def show(db: Session, actor: Actor, release_id: int) -> ReleaseView:
    row = db.execute(select(figure_releases).where(figure_releases.c.id == release_id)).first()
    if row is None:
        raise ReleaseNotFound()
    names = list(
        db.scalars(
            select(figure_release_files.c.name)
            .where(figure_release_files.c.release_id == release_id)
            .order_by(figure_release_files.c.name)
        )
    )
    data = json.loads(file_of(db, actor, release_id, "data.json")[0])
    return ReleaseView(
        summary=_summary(row), data=data, manifest=json.loads(row.manifest), file_names=names
    )


def file_of(db: Session, actor: Actor, release_id: int, name: str) -> tuple[bytes, str]:
    """A release file's bytes exactly as signed, and its media type."""
    body = db.scalar(
        select(figure_release_files.c.content).where(
            figure_release_files.c.release_id == release_id,
            figure_release_files.c.name == name,
        )
    )
    if body is None:
        raise ReleaseNotFound()
    return bytes(body), MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


def files_of(db: Session, actor: Actor, release_id: int) -> dict[str, bytes]:
    """Every file of a release (to write it out again, byte for byte)."""
    rows = db.execute(
        select(figure_release_files.c.name, figure_release_files.c.content).where(
            figure_release_files.c.release_id == release_id
        )
    ).all()
    if not rows:
        raise ReleaseNotFound()
    return {str(name): bytes(body) for name, body in rows}


def _summary(row: Any) -> ReleaseSummary:
    return ReleaseSummary(
        release_id=int(row.id),
        created_at=str(row.created_at),
        actor=str(row.actor),
        k=int(row.k),
        rounding=int(row.rounding),
        link_run_id=row.link_run_id,
        tables_published=int(row.tables_published),
        tables_omitted=int(row.tables_omitted),
        key_id=str(row.key_id),
    )


def _sha256(body: bytes) -> str:
    import hashlib

    return hashlib.sha256(body).hexdigest()


def write_out(directory: Path, files: dict[str, bytes]) -> None:
    """Write a release's files under `directory` (OSError/FileExistsError to report)."""
    write_files(directory, files)


def verify(directory: Path, *, public_key_pem: bytes | None = None) -> list[str]:
    """Problems found in a release directory; empty when whole and signed by the key."""
    return verify_directory(directory, public_key_pem=public_key_pem)


def chart_series(table: dict[str, Any]) -> tuple[list[str], list[int | None]]:
    """The labels and published counts a table's chart draws (the same as the release's SVG)."""
    return release_series(table)


def chart_svg(
    table: dict[str, Any], *, translate: Callable[[str], str], withheld: str = "withheld"
) -> str:
    """A table's bar chart as SVG text, labels in the caller's language."""
    labels, values = release_series(table)
    return bar_chart(
        title=translate(str(table["title"])),
        labels=labels,
        values=values,
        withheld=withheld,
        translate=translate,
    )
