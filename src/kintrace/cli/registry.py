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
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from kintrace.cli.command import UserOption, acting, fail, opened_store
from kintrace.cli.output import literal_console
from kintrace.services import checkpoints
from kintrace.services import dashboard as dashboard_service
from kintrace.services import imports as import_service
from kintrace.services import quarantine as quarantine_service
from kintrace.services import records as record_service
from kintrace.services import sources as source_service
from kintrace.services.accounts import Actor, agency_actor
from kintrace.services.context import Store, StoreError
from kintrace.services.errors import AccountError, RegistryError, SigningKeyError
from kintrace.services.imports import DATE_ORDERS, ImportSummary, ReadOptions, SourceDetails
from kintrace.services.records import SearchError, SearchQuery

#: Files bigger than this get a progress bar (about a few thousand rows).
PROGRESS_BYTES = 512 * 1024
IMPORT_HELP = (
    "Import records files (CSV, XLSX or JSON Lines; docs/formats.md), each in one transaction, "
    "then link the new records.\n\n"
    "Headers are recognised in Ukrainian, Russian and English (Прізвище, Ім'я, Дата "
    "народження, Фамилия, Surname ...); title rows above the header and two-row headers are "
    "found, dates may be day-first (05.03.2014). [bold]--map MAP.toml[/] says how to read a "
    "source's lists where that is not enough; [bold]--save-map[/] writes what was used. A list "
    "without an id column gets ids derived from each row, so importing it again changes "
    "nothing.\n\n"
    "Rows that break a rule go to the quarantine ([bold]kintrace quarantine list[/]); the valid "
    "rows still go in. Importing the same file again changes nothing; a changed row becomes a "
    "new version of its record. A file that cannot be read at all is refused whole, with the "
    "reason. After the files, an incremental link run scores the new records and fills the "
    "review queue ([bold]--no-link[/] to leave that for `kintrace link`)."
)
EXPORT_HELP = (
    "Write held-back rows as a records file (UTF-8 CSV) to correct and import again.\n\n"
    "The file has the rows' own columns, then quarantine_id, quarantine_file, quarantine_row, "
    "quarantine_column and quarantine_reason. Correct the cells and run "
    "[bold]kintrace import FILE[/]: each row that is now valid resolves its quarantine entry."
)
out = literal_console()
#: Below this width `records search` prints one block per record instead of a table.
NARROW_CONSOLE = 100
err = literal_console(stderr=True)

records_app = typer.Typer(
    help="Find records and show them with every version.", no_args_is_help=True
)
quarantine_app = typer.Typer(
    help="Rows an import held back, with file, row, column and reason.", no_args_is_help=True
)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
sources_app = typer.Typer(
    help="List the sources with their kind, records and imports; set a source's kind.",
    invoke_without_command=True,
)


#: `kintrace sources --user U` hands U to its subcommand (ctx.meta) rather than dropping it.
_SOURCES_USER = "kintrace.sources.user"


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
            help=f"Kind of the --source list: {', '.join(source_service.SOURCE_KINDS)}.",
            show_default=False,
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
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="A column map (TOML, docs/formats.md): which column is which field, where the "
            "header is, the date order. Applies to FILES.",
            show_default=False,
        ),
    ] = None,
    save_map: Annotated[
        Path | None,
        typer.Option(
            "--save-map",
            help="Write how the (single) file was read as a column map, to give with --map "
            "next time.",
            show_default=False,
        ),
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            "--header-row",
            min=1,
            help="The row that names the columns, counted from 1 as a spreadsheet shows it "
            "(rows above are skipped). Default: found.",
            show_default=False,
        ),
    ] = None,
    header_rows: Annotated[
        int | None,
        typer.Option(
            "--header-rows",
            min=1,
            max=2,
            help="1, or 2 for a header written on two rows (a merged group cell over "
            "columns). Default: found.",
            show_default=False,
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            help="How slashed dates (05/03/2014) are written: day-first (the default) or "
            "month-first.",
            show_default=False,
        ),
    ] = None,
    no_link: Annotated[
        bool,
        typer.Option(
            "--no-link",
            help="Do not link after importing (link later with `kintrace link`).",
        ),
    ] = False,
    agency: Annotated[
        str | None,
        typer.Option(
            help="Import for this agency (its code; default: the home agency). A source "
            "belongs to the agency that first imported it; another agency's is refused.",
            show_default=False,
        ),
    ] = None,
    user: UserOption = None,
) -> None:
    """Import records files (docs/formats.md), each in one transaction, then link."""
    details = _source_details(source, kind, description, received_on)
    read = _read_options(map_file, header_row, header_rows, date_order)
    jobs: list[tuple[Path, str | None, str | None, SourceDetails | None, ReadOptions | None]] = [
        (path, source, sheet, details, read) for path in files or []
    ]
    if manifest is not None:
        try:
            entries = import_service.read_manifest(manifest)
        except RegistryError as exc:
            raise fail(str(exc)) from None
        jobs += [
            (e.path, e.source, e.sheet, e.details, _manifest_read(e.map_file)) for e in entries
        ]
    if not jobs:
        raise fail("nothing to import: name one or more FILES, or --manifest sources.json.")
    if save_map is not None and len(jobs) != 1:
        raise fail("--save-map writes the map of one file: import one FILE with it.")
    failed = 0
    changed = 0
    with _store(ctx) as store:
        actor = _importing_actor(store, agency, user)
        for path, job_source, job_sheet, job_details, job_read in jobs:
            try:
                summary = _import_one(
                    store,
                    path,
                    source=job_source,
                    sheet=job_sheet,
                    details=job_details,
                    read=job_read,
                    actor=actor,
                )
            except (RegistryError, StoreError, OSError) as exc:
                failed += 1
                err.print(
                    Text.assemble(("not imported:", "bold red"), " ", str(exc)),
                    highlight=False,
                    soft_wrap=True,
                )
                continue
            _print_summary(summary)
            changed += summary.new + summary.new_versions + summary.resolved
            if save_map is not None:
                _save_map(save_map, summary, job_read, source=job_source)
        if no_link:
            if changed:
                out.print(
                    "Not linked (--no-link): run [bold]kintrace link[/] to link the new records "
                    "and fill the review queue.",
                    markup=True,
                    highlight=False,
                )
        elif changed:
            from kintrace.cli.linking import link_after_import

            link_after_import(ctx, store)
    if failed:
        raise fail(f"{failed} of {len(jobs)} file(s) were not imported (see above).")


def _importing_actor(store: Store, code: str | None, user: str | None) -> Actor:
    """The operator (for the home agency, or --agency's), or a user importing for their agency
    as on the web's import page (--user, --as or KINTRACE_USER)."""
    with store.session() as db:
        try:
            actor = acting(db, user, action="import")
            if actor.role is None:
                return agency_actor(db, actor.name, code)
        except AccountError as exc:
            raise fail(str(exc)) from None
    if code is not None:
        raise fail("--agency is for the operator: a user imports for their own agency.")
    return actor


def _read_options(
    map_file: Path | None, header_row: int | None, header_rows: int | None, date_order: str | None
) -> ReadOptions:
    """The map file's options, with the command line's over them."""
    if date_order is not None and date_order not in DATE_ORDERS:
        raise fail(f"--date-order '{date_order}' is not one of: {', '.join(DATE_ORDERS)}.")
    try:
        base = import_service.read_map_file(map_file) if map_file is not None else ReadOptions()
        return ReadOptions(
            sheet=base.sheet,
            header_row=header_row if header_row is not None else base.header_row,
            header_rows=header_rows if header_rows is not None else base.header_rows,
            date_order=date_order or base.date_order,  # type: ignore[arg-type]
            columns=base.columns,
            source=base.source,
        )
    except RegistryError as exc:
        raise fail(str(exc)) from None


def _manifest_read(map_file: Path | None) -> ReadOptions | None:
    if map_file is None:
        return None
    try:
        return import_service.read_map_file(map_file)
    except RegistryError as exc:
        raise fail(str(exc)) from None


def _save_map(
    path: Path, summary: ImportSummary, read: ReadOptions | None, *, source: str | None
) -> None:
    read = read or ReadOptions()
    used = ReadOptions(
        sheet=summary.sheet,
        header_row=summary.header_row,
        header_rows=summary.header_rows,
        date_order=read.date_order,
        columns=summary.mapping.chosen() if summary.mapping is not None else dict(read.columns),
        source=source or read.source,
    )
    try:
        import_service.write_map_file(
            path, used, comment=f"Written by kintrace import from {summary.file_name}."
        )
    except RegistryError as exc:
        raise fail(str(exc)) from None
    out.print(f"Column map written to {path}; give it with --map next time.", highlight=False)


def _source_details(
    source: str | None, kind: str | None, description: str | None, received_on: str | None
) -> SourceDetails | None:
    if not (kind or description or received_on):
        return None
    if source is None:
        raise fail(
            "--kind, --description and --received-on describe the --source list: add --source."
        )
    if kind is not None and kind not in source_service.SOURCE_KINDS:
        raise fail(f"--kind '{kind}' is not one of: {', '.join(source_service.SOURCE_KINDS)}.")
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
    read: ReadOptions | None = None,
    actor: Actor,
) -> ImportSummary:
    big = path.is_file() and path.stat().st_size > PROGRESS_BYTES
    if not big:
        return import_service.import_file_as(
            store, actor, path, source=source, sheet=sheet, details=details, read=read
        )
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"importing {path.name}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        return import_service.import_file_as(
            store,
            actor,
            path,
            source=source,
            sheet=sheet,
            details=details,
            read=read,
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
        Text.assemble(
            f"{s.file_name} ({how}) -> batch {s.batch_id}: {s.rows_read} rows: ",
            (f"{s.new} new", "green"),
            f", {s.unchanged} unchanged, ",
            (f"{s.new_versions} new versions", "cyan"),
            ", ",
            (f"{s.rejected} rejected", "red" if s.rejected else "green"),
            f", {s.resolved} quarantined rows resolved" if s.resolved else "",
        ),
        highlight=False,
    )
    _print_reading(s)
    if s.rejected:
        out.print(
            f"  rejected rows are in the quarantine: kintrace quarantine list --file {s.file_name}",
            highlight=False,
        )


def _print_reading(s: ImportSummary) -> None:
    """How the file was read, where it was not plain: header row, columns, derived ids."""
    if s.header_row is not None and (s.header_row > 1 or (s.header_rows or 1) > 1):
        two = s.header_rows == 2
        rows = f"rows {s.header_row}-{s.header_row + 1}" if two else f"row {s.header_row}"
        out.print(f"  header: {rows} (rows above it skipped)", highlight=False)
    if s.mapping is not None:
        read_as = [
            f"{c.header} -> {c.target}"
            for c in s.mapping.columns
            if c.target not in ("extra", "ignore") and c.how not in ("name", "map")
        ]
        kept = [c.header for c in s.mapping.columns if c.target == "extra"]
        for label, items in (("columns read as", read_as), ("kept as extra columns", kept)):
            if items:
                out.print(f"  {label}: " + "; ".join(items), highlight=False, soft_wrap=True)
    repeated = f"{s.repeated} row(s) repeating an earlier row counted once" if s.repeated else ""
    if s.derived_ids:
        out.print(
            "  no id column: each record's id is derived from its names, sex, birth date and "
            "birth place, so importing this list again changes nothing (docs/formats.md, "
            "'Derived ids')" + (f"; {repeated}" if repeated else ""),
            highlight=False,
            soft_wrap=True,
        )
    elif repeated:
        out.print(f"  {repeated}", highlight=False)


@sources_app.callback()
def sources_command(ctx: typer.Context, user: UserOption = None) -> None:
    """List the sources with their kind, records and imports (every agency's, or in a user's
    place their agency's, as the web's sources page shows them), then the installation's totals
    (not in a user's place)."""
    if ctx.invoked_subcommand is not None:
        ctx.meta[_SOURCES_USER] = user  # `kintrace sources --user U set-kind ...` acts as U
        return
    with (
        opened_store(ctx, reported=(RegistryError, AccountError)) as store,
        store.session() as session,
    ):
        actor = acting(session, user, action="sources")
        rows = source_service.listing(session, actor)
        status = source_service.totals(session, actor)
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
    if status is not None:
        _print_status(status)


@sources_app.command("set-kind")
def sources_set_kind(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The source, as `kintrace sources` lists it.")],
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(source_service.SOURCE_KINDS)}.")],
    user: UserOption = None,
) -> None:
    """Set a source's kind (audited); the next `kintrace link` rescores its records.

    The kind tells the linkage model how to read the list: an adoption listing's replaced
    surnames, patronymics and birthplaces say nothing against a match (docs/linkage.md).
    In a user's place (--user, --as, KINTRACE_USER) only an importer (admin, caseworker), and
    only a source of their agency; without, any source.
    """
    named = ctx.meta.get(_SOURCES_USER)  # `kintrace sources --user U set-kind`
    typed = getattr(ctx.get_parameter_source("user"), "name", None) == "COMMANDLINE"
    if named is not None and not typed:
        user = named  # a --user typed on the line before KINTRACE_USER from the environment
    reported = (RegistryError, AccountError)
    with opened_store(ctx, reported=reported) as store, store.session(write=True) as session:
        actor = acting(session, user, action="sources.set_kind")
        change = source_service.set_kind(session, actor, source, kind)
    if not change.changed:
        out.print(f"Source '{change.source}' already has kind {change.kind}; nothing changed.",
                  highlight=False)  # fmt: skip
        return
    out.print(
        f"Source '{change.source}': kind {change.previous} -> {change.kind}. The next "
        "`kintrace link` rescores its records.",
        highlight=False,
    )


def status_command(
    ctx: typer.Context,
    user: UserOption = None,
) -> None:
    """Totals, then the dashboard's figures: persons, cases by facet, review progress, records
    by source and by month of arrival (the same service as the web's dashboard), of every
    agency. In a user's place (--user, --as, KINTRACE_USER), that user's agency's figures only,
    without the installation's totals."""
    with (
        opened_store(ctx, reported=(RegistryError, AccountError)) as store,
        store.session() as session,
    ):
        actor = acting(session, user, action="status")
        status = source_service.totals(session, actor)
        figures = dashboard_service.figures(session, actor)
    if status is not None:
        _print_status(status)
    _print_dashboard(figures, every_agency=actor.role is None)


def _print_dashboard(d: dashboard_service.Dashboard, *, every_agency: bool = False) -> None:
    """The web dashboard's figures as text: numbers right-aligned under their headers (the
    operator's are every agency's, decision 0424)."""
    out.print(
        f"{'Every agency' if every_agency else 'Agency'}: {d.persons} persons, "
        f"{d.records} records ({d.linked_records} linked), "
        f"{d.quarantined_open} rows in quarantine; cases {d.cases_open} open, "
        f"{d.cases_closed} closed; pairs {d.waiting} waiting, {d.decided} decided",
        highlight=False,
    )
    sources = Table(title="Records by source")
    sources.add_column("source", no_wrap=True)
    sources.add_column("kind")
    sources.add_column("records", justify="right")
    sources.add_column("quarantine", justify="right")
    for s in d.sources:
        sources.add_row(s.name, s.kind, str(s.records), str(s.quarantined_open))
    out.print(sources)
    cases = Table(title="Open cases by facet")
    cases.add_column("facet")
    cases.add_column("state")
    cases.add_column("cases", justify="right")
    for facet, states in d.cases_by_facet.items():
        for state, n in states.items():
            cases.add_row(facet, state, str(n))
    out.print(cases)
    review = Table(title="Review decisions per week")
    review.add_column("week from", no_wrap=True)
    for verdict in dashboard_service.VERDICTS:
        review.add_column(verdict, justify="right")
    for w in d.review_weeks:
        review.add_row(
            w.week.isoformat(), *(str(w.verdicts[v]) for v in dashboard_service.VERDICTS)
        )
    out.print(review)
    out.print(
        "Pairs by review status: " + ", ".join(f"{k} {v}" for k, v in d.review.items()),
        highlight=False,
    )
    if d.arrivals:
        months = Table(title="Records by month of arrival and source kind")
        months.add_column("month", no_wrap=True)
        for kind in d.kinds:
            months.add_column(kind, justify="right")
        for m in d.arrivals:
            months.add_row(m.month, *(str(m.kinds[k]) for k in d.kinds))
        out.print(months)


def _print_status(status: source_service.RegistryStatus) -> None:
    out.print(
        "Registry: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in asdict(status).items()),
        highlight=False,
    )


@records_app.command("search")
def records_search(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            help="Names in any script or romanisation; every word must match (Ковальчук, "
            "Kovalchuk and Kowaltschuk find each other)."
        ),
    ] = "",
    birth: Annotated[
        str, typer.Option(help="Birth year, month or day: 2012, 2012-03, 14.03.2012.")
    ] = "",
    place: Annotated[str, typer.Option(help="Birth or last known place.")] = "",
    source: Annotated[
        str | None, typer.Option(help="Only this source.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many records (up to 100).")] = 50,
    user: UserOption = None,
) -> None:
    """Find records: the same search as the web page and the API (kintrace.services.records)."""
    query = SearchQuery(name=name, birth=birth, place=place, source_name=source, limit=limit)
    if query.empty:
        raise fail("Give a name, --birth, --place or --source to search for.")
    reported = (RegistryError, AccountError, SearchError)
    with opened_store(ctx, reported=reported) as store:
        # A list imported by a command that stopped before indexing it (decision 0420).
        if import_service.index_names(store):
            out.print("the name index was behind: brought up to date", highlight=False)
        with store.session(write=True) as session:
            actor = acting(session, user, action="records.search")
            result = record_service.search(session, actor, query)
    more = " (more match: narrow the search)" if result.truncated else ""
    if out.width < NARROW_CONSOLE:
        # a table would leave the name a few letters wide beside the whole SOURCE:ID: one
        # block per record instead, the id whole on its own line and the name under it
        out.print(f"{len(result.hits)} record(s){more}", markup=False)
        for hit in result.hits:
            born = [hit.sex or "", hit.birth_date or ""]
            if hit.age is not None:
                born.append(f"age {hit.age}")
            out.print(f"{hit.source}:{hit.record_id}  (version {hit.version})", markup=False,
                      no_wrap=True, overflow="ignore", crop=False, highlight=False)  # fmt: skip
            out.print(
                "  " + " · ".join([hit.name, *(b for b in born if b)]),
                markup=False,
                highlight=False,
            )
        return
    table = Table(title=f"{len(result.hits)} record(s){more}")
    for column in ("record", "version", "name", "sex", "birth date", "age"):
        whole = column in ("record", "birth date")
        table.add_column(column, no_wrap=whole, overflow="fold")
    for hit in result.hits:
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
    user: UserOption = None,
) -> None:
    """Show a record with every version, oldest first, and where each came from (any agency's,
    or in a user's place their agency's; the read is written to the audit log)."""
    reported = (RegistryError, AccountError)
    with opened_store(ctx, reported=reported) as store, store.session(write=True) as session:
        actor = acting(session, user, action="records.show")
        view = record_service.history(session, actor, ref)
    out.print(
        Text.assemble(
            (f"{view.source}:{view.record_id}", "bold"),
            f" (current version {view.current_version})",
        )
    )
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
    user: UserOption = None,
) -> None:
    """List held-back rows: file, row number, column and reason (every agency's, or in a user's
    place their agency's; the read is written to the audit log)."""
    reported = (RegistryError, AccountError)
    with opened_store(ctx, reported=reported) as store, store.session(write=True) as session:
        actor = acting(session, user, action="quarantine.list")
        entries = quarantine_service.entries(
            session, actor, include_resolved=all_rows, file_name=file, limit=limit
        )
    table = Table(
        title=f"{len(entries)} quarantined row(s)" + (" (incl. resolved)" if all_rows else "")
    )
    for column in ("id", "file", "row", "record", "column", "reason", "resolved"):
        whole = column in ("id", "row", "record")
        table.add_column(column, no_wrap=whole, overflow="fold")
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
    user: UserOption = None,
) -> None:
    """Write held-back rows as a records file to correct and import again (every agency's, or
    in a user's place their agency's; audited)."""
    reported = (RegistryError, AccountError)
    with opened_store(ctx, reported=reported) as store, store.session(write=True) as session:
        actor = acting(session, user, action="quarantine.export")
        entries = quarantine_service.entries(
            session, actor, include_resolved=all_rows, file_name=file, shown_in="export"
        )
    try:
        with out_file.open("w", encoding="utf-8", newline="") as handle:
            count = quarantine_service.export_quarantine(entries, handle, raw=raw)
    except OSError as exc:
        raise fail(f"cannot write {out_file}: {exc.strerror}.") from None
    out.print(f"{count} quarantined row(s) written to {out_file}.", highlight=False)


@audit_app.command("checkpoint")
def audit_checkpoint_command(
    ctx: typer.Context,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also write the checkpoint to this file (JSON): keep copies away from the "
            "data directory, where whoever can rewrite the database cannot reach them.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Sign the audit log's head (entries, last hash, time, key id) and store the checkpoint;
    `audit verify` then finds entries deleted at the end or a chain recomputed."""
    with _store(ctx) as store:
        try:
            made = checkpoints.checkpoint(store)
        except (SigningKeyError, OSError) as exc:
            raise fail(f"no checkpoint written: {exc}") from None
    if out_file is not None:
        try:
            out_file.write_text(made.to_json() + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(
                f"the checkpoint is stored, but {out_file} could not be written: {exc.strerror}."
            ) from None
    out.print(
        f"audit checkpoint {made.id}: {made.entries} entries, head {made.head_hash[:16]}, "
        f"key {made.key_id}, at {made.at}"
        + (f"; written to {out_file}" if out_file is not None else "")
        + ".",
        highlight=False,
        soft_wrap=True,
    )


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="Hold the log against this checkpoint file (a copy kept elsewhere) instead "
            "of the latest stored one.",
            show_default=False,
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The public key (PEM, `kintrace signing-key --out`) the checkpoint must be "
            "signed with (default: the data directory's key).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Recompute the audit chain (and each import's versions, each custody event); report the
    first broken entry; then check the log still holds what the signed checkpoint vouched for."""
    with _store(ctx) as store:
        try:
            result = checkpoints.verify(
                store, checkpoint_file=checkpoint, public_key_file=public_key
            )
        except checkpoints.CheckpointError as exc:
            raise fail(str(exc)) from None
    if not result.ok:
        where = f" at entry {result.broken_id}" if result.broken_id is not None else ""
        raise fail(f"audit log broken{where}: {result.problem}.")
    held = result.checkpoint
    anchor = (
        f"; it holds the {held.entries} entries the checkpoint of {held.at} signed "
        f"(key {held.key_id}, {result.checkpoint_from})"
        if held is not None
        else "; no signed checkpoint yet (`kintrace audit checkpoint` writes one)"
    )
    out.print(
        f"audit log intact: {result.entries} entries verified"
        + (f", {result.custody_events} custody events" if result.custody_events else "")
        + anchor
        + ".",
        highlight=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("import", help=IMPORT_HELP)(import_command)
    app.add_typer(sources_app, name="sources")
    app.command("status")(status_command)
    app.add_typer(records_app, name="records")
    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(audit_app, name="audit")
