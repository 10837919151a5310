"""CLI commands for the registry: import, sources, status, records, quarantine, audit.

Each command is a few lines over a service in kintrace.registry; errors a user can fix are
printed as one clear message (never a stack trace) and exit with status 1.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from kintrace.cli.command import cli_actor, fail, opened_store
from kintrace.registry.errors import RegistryError
from kintrace.registry.importer import ImportSummary, import_file
from kintrace.registry.integrity import verify_registry_audit
from kintrace.registry.manifest import read_manifest
from kintrace.registry.quarantine import export_quarantine, list_quarantine
from kintrace.registry.records import RecordQuery, parse_record_ref, search_records, show_record
from kintrace.registry.sources import (
    SOURCE_KINDS,
    RegistryStatus,
    SourceDetails,
    list_sources,
    registry_status,
)
from kintrace.store.engine import Store
from kintrace.store.errors import StoreError

#: Files bigger than this get a progress bar (about a few thousand rows).
PROGRESS_BYTES = 512 * 1024
IMPORT_HELP = (
    "Import records files (CSV, XLSX or JSON Lines; CONTRACT §1), each in one transaction.\n\n"
    "Rows that break a rule go to the quarantine ([bold]kintrace quarantine list[/]); the valid "
    "rows still go in. Importing the same file again changes nothing; a changed row becomes a "
    "new version of its record. A file that cannot be read at all is refused whole, with the "
    "reason."
)
EXPORT_HELP = (
    "Write held-back rows as a records file (UTF-8 CSV) to correct and import again.\n\n"
    "The file has the rows' own columns, then quarantine_id, quarantine_file, quarantine_row, "
    "quarantine_column and quarantine_reason. Correct the cells and run "
    "[bold]kintrace import FILE[/]: each row that is now valid resolves its quarantine entry."
)
out = Console()
err = Console(stderr=True)

records_app = typer.Typer(
    help="Find records and show them with every version.", no_args_is_help=True
)
quarantine_app = typer.Typer(
    help="Rows an import held back, with file, row, column and reason.", no_args_is_help=True
)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def _store(ctx: typer.Context) -> AbstractContextManager[Store]:
    return opened_store(ctx, reported=(RegistryError,))


def import_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="CSV, XLSX or JSON Lines files.", show_default=False),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help="Source of every row (when the file has no `source` column).", show_default=False
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(help="XLSX sheet to read (default: the first).", show_default=False),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help=f"Kind of the --source list: {', '.join(SOURCE_KINDS)}.", show_default=False
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="What the --source list is.", show_default=False)
    ] = None,
    received_on: Annotated[
        str | None,
        typer.Option(help="When the --source list was received (YYYY-MM-DD).", show_default=False),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            help="A sources.json naming each file's source, kind and description "
            "(docs/formats.md); its files are imported after FILES.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import records files (CONTRACT §1), each in one transaction."""
    details = _source_details(source, kind, description, received_on)
    jobs = [(path, source, sheet, details) for path in files or []]
    if manifest is not None:
        try:
            entries = read_manifest(manifest)
        except RegistryError as exc:
            raise fail(str(exc)) from None
        jobs += [(e.path, e.source, e.sheet, e.details) for e in entries]
    if not jobs:
        raise fail("nothing to import: name one or more FILES, or --manifest sources.json.")
    failed = 0
    with _store(ctx) as store:
        for path, job_source, job_sheet, job_details in jobs:
            try:
                summary = _import_one(
                    store, path, source=job_source, sheet=job_sheet, details=job_details
                )
            except (RegistryError, StoreError, OSError) as exc:
                failed += 1
                err.print(f"[bold red]not imported:[/] {exc}", highlight=False, soft_wrap=True)
                continue
            _print_summary(summary)
    if failed:
        raise fail(f"{failed} of {len(jobs)} file(s) were not imported (see above).")


def _source_details(
    source: str | None, kind: str | None, description: str | None, received_on: str | None
) -> SourceDetails | None:
    if not (kind or description or received_on):
        return None
    if source is None:
        raise fail(
            "--kind, --description and --received-on describe the --source list: add --source."
        )
    if kind is not None and kind not in SOURCE_KINDS:
        raise fail(f"--kind '{kind}' is not one of: {', '.join(SOURCE_KINDS)}.")
    try:
        received = date.fromisoformat(received_on) if received_on else None
    except ValueError:
        raise fail(f"--received-on '{received_on}' is not a date like 2026-11-29.") from None
    return SourceDetails(kind=kind, description=description, received_on=received)


def _import_one(
    store: Store,
    path: Path,
    *,
    source: str | None,
    sheet: str | None,
    details: SourceDetails | None,
) -> ImportSummary:
    big = path.is_file() and path.stat().st_size > PROGRESS_BYTES
    if not big:
        return import_file(
            store, path, actor=cli_actor(), source=source, sheet=sheet, details=details
        )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"importing {path.name}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        return import_file(
            store,
            path,
            actor=cli_actor(),
            source=source,
            sheet=sheet,
            details=details,
            progress=progress,
        )


def _print_summary(s: ImportSummary) -> None:
    if s.already_imported:
        out.print(
            f"{s.file_name}: already imported (batch {s.batch_id}); nothing changed.",
            highlight=False,
        )
        return
    how = (
        s.file_format
        + (f", {s.encoding}" if s.encoding else "")
        + (f", sheet {s.sheet}" if s.sheet else "")
    )
    out.print(
        f"{s.file_name} ({how}) -> batch {s.batch_id}: {s.rows_read} rows: "
        f"[green]{s.new} new[/], {s.unchanged} unchanged, [cyan]{s.new_versions} new versions[/], "
        f"[{'red' if s.rejected else 'green'}]{s.rejected} rejected[/]"
        + (f", {s.resolved} quarantined rows resolved" if s.resolved else ""),
        highlight=False,
    )
    if s.rejected:
        out.print(
            f"  rejected rows are in the quarantine: kintrace quarantine list --file {s.file_name}",
            highlight=False,
        )


def sources_command(ctx: typer.Context) -> None:
    """List the sources with their kind, records and imports, then the registry's totals."""
    with _store(ctx) as store, store.session() as session:
        rows = list_sources(session)
        status = registry_status(session)
    table = Table(title="Sources")
    table.add_column("source", no_wrap=True)
    table.add_column("kind")
    table.add_column("records", justify="right")
    table.add_column("imports", justify="right")
    table.add_column("received on")
    table.add_column("file SHA-256")
    for row in rows:
        table.add_row(
            row.name,
            row.kind,
            str(row.records),
            str(row.batches),
            row.received_on.isoformat() if row.received_on else "",
            (row.file_sha256 or "")[:12],
        )
    out.print(table)
    _print_status(status)


def status_command(ctx: typer.Context) -> None:
    """Totals: sources, records, versions, imports, open quarantine, audit entries."""
    with _store(ctx) as store, store.session() as session:
        _print_status(registry_status(session))


def _print_status(status: RegistryStatus) -> None:
    out.print(
        "Registry: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in asdict(status).items()),
        highlight=False,
    )


@records_app.command("search")
def records_search(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Words to find in the names as written (any script).")
    ],
    source: Annotated[
        str | None, typer.Option(help="Only this source.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many records.")] = 50,
) -> None:
    """Find records whose names (as written) contain every word of TEXT."""
    with _store(ctx) as store, store.session() as session:
        hits = search_records(session, RecordQuery(text=text, source=source, limit=limit))
    table = Table(title=f"{len(hits)} record(s)")
    for column in ("record", "version", "name", "sex", "birth date", "age"):
        table.add_column(column)
    for hit in hits:
        table.add_row(
            f"{hit.source}:{hit.record_id}",
            str(hit.version),
            hit.name,
            hit.sex or "",
            hit.birth_date or "",
            "" if hit.age is None else str(hit.age),
        )
    out.print(table)


@records_app.command("show")
def records_show(
    ctx: typer.Context,
    ref: Annotated[
        str, typer.Argument(metavar="SOURCE:ID", help="The record, e.g. camp-list:117.")
    ],
) -> None:
    """Show a record with every version, oldest first, and where each came from."""
    with _store(ctx) as store:
        try:
            source, record_id = parse_record_ref(ref)
            with store.session() as session:
                view = show_record(session, source, record_id)
        except RegistryError as exc:
            raise fail(str(exc)) from None
    out.print(f"[bold]{view.source}:{view.record_id}[/] (current version {view.current_version})")
    for v in view.versions:
        table = Table(
            title=f"version {v.version}: batch {v.batch_id}, {v.file_name} row {v.row_number}, "
            f"{v.imported_at:%Y-%m-%d %H:%M}",
            show_header=False,
        )
        table.add_column("field")
        table.add_column("value")
        for name, value in v.fields.items():
            if value not in (None, ""):
                table.add_row(name, str(value))
        for name, value in v.extras.items():
            table.add_row(f"+ {name}", value)
        out.print(table)


@quarantine_app.command("list")
def quarantine_list(
    ctx: typer.Context,
    all_rows: Annotated[bool, typer.Option("--all", help="Include resolved rows.")] = False,
    file: Annotated[
        str | None, typer.Option(help="Only rows from this file name.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 200,
) -> None:
    """List held-back rows: file, row number, column and reason."""
    with _store(ctx) as store, store.session() as session:
        entries = list(
            list_quarantine(session, include_resolved=all_rows, file_name=file, limit=limit)
        )
    table = Table(
        title=f"{len(entries)} quarantined row(s)" + (" (incl. resolved)" if all_rows else "")
    )
    for column in ("id", "file", "row", "record", "column", "reason", "resolved"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            str(e.id),
            e.file_name,
            str(e.row_number),
            f"{e.source or '?'}:{e.record_id or '?'}",
            e.column or "(row)",
            e.reason,
            f"batch {e.resolved_by_batch_id}" if e.resolved_by_batch_id else "",
        )
    out.print(table)


@quarantine_app.command("export", help=EXPORT_HELP)
def quarantine_export(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write (UTF-8).")],
    all_rows: Annotated[bool, typer.Option("--all", help="Include resolved rows.")] = False,
    file: Annotated[
        str | None, typer.Option(help="Only rows from this file name.", show_default=False)
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="Write cells unchanged, for programs. Without it, a cell that would start a "
            "spreadsheet formula (= + - @ or a tab) gets a leading ', which the import takes "
            "off again.",
        ),
    ] = False,
) -> None:
    """Write held-back rows as a records file to correct and import again."""
    with _store(ctx) as store, store.session() as session:
        entries = list(list_quarantine(session, include_resolved=all_rows, file_name=file))
    try:
        with out_file.open("w", encoding="utf-8", newline="") as handle:
            count = export_quarantine(entries, handle, raw=raw)
    except OSError as exc:
        raise fail(f"cannot write {out_file}: {exc.strerror}.") from None
    out.print(f"{count} quarantined row(s) written to {out_file}.", highlight=False)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Recompute the audit chain (and each import's versions); report the first broken entry."""
    with _store(ctx) as store, store.session() as session:
        result = verify_registry_audit(session)
    if not result.ok:
        raise fail(f"audit log broken at entry {result.broken_id}: {result.problem}.")
    out.print(f"audit log intact: {result.entries} entries verified.")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("import", help=IMPORT_HELP)(import_command)
    app.command("sources")(sources_command)
    app.command("status")(status_command)
    app.add_typer(records_app, name="records")
    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(audit_app, name="audit")
