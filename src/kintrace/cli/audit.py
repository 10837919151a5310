"""`kintrace audit list`: the audit log read through the same service as the web's audit page
(kintrace.services.audit), filters, paging, agency scope and its own audit entry included."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kintrace.cli.command import acting, opened_store
from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services import audit as audit_service
from kintrace.services.errors import AccountError
from kintrace.timezones import local_text, zone_named

out = literal_console()


def audit_list(
    ctx: typer.Context,
    person: Annotated[str, typer.Option(help="Reads and changes of this person's records.")] = "",
    record: Annotated[
        str, typer.Option(help="Of this record: its number or SOURCE:ID.", metavar="RECORD")
    ] = "",
    user: Annotated[
        str, typer.Option("--user", help="Made by this user (also from the command line).")
    ] = "",
    action: Annotated[
        str, typer.Option(help='This action, or a prefix ending in "." (records.).')
    ] = "",
    since: Annotated[str, typer.Option(help="From this day on (YYYY-MM-DD, local time).")] = "",
    until: Annotated[str, typer.Option(help="Up to this day, included (YYYY-MM-DD).")] = "",
    page: Annotated[int, typer.Option(help="Page, newest entries first.", min=1)] = 1,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="KINTRACE_USER",
            help="Read in this admin's place (or set KINTRACE_USER): their agency's entries "
            "only. Here --user is the filter above, so the user who reads is named with --as.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """List audit log entries, newest first (50 a page), as the web's audit page does; times in
    KINTRACE_TIME_ZONE (Europe/Kyiv by default). Reading the log is itself audited."""
    zone = zone_named(settings_from(ctx).time_zone)
    reported = (AccountError, audit_service.AuditQueryError, audit_service.AuditDenied)
    with opened_store(ctx, reported=reported) as store, store.session(write=True) as session:
        filters = audit_service.AuditFilter(
            person=person,
            record=record,
            user=user,
            action=action,
            since=audit_service.parse_day(since),
            until=audit_service.parse_day(until),
        )
        actor = acting(session, as_user)
        result = audit_service.list_entries(session, actor, filters, page=page, zone=zone)
    entries = "entry" if result.total == 1 else "entries"
    title = f"{result.total} {entries}, page {result.page} of {result.pages}"
    table = Table(title=title)
    for column in ("id", f"time ({zone})", "who", "action", "on", "details"):
        table.add_column(column, no_wrap=column in ("id", "action"), overflow="fold")
    for row in result.rows:
        table.add_row(
            str(row.id),
            local_text(row.at, zone, "%Y-%m-%d %H:%M:%S"),
            row.actor,
            row.action,
            f"{row.entity_type} {row.entity_id}",
            row.details_text,
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    """`audit list` joins `audit verify` (kintrace.cli.registry)."""
    from kintrace.cli.registry import audit_app

    audit_app.command("list")(audit_list)
