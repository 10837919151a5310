"""CLI commands for the web area: `serve`, and `users add|list|disable|reset|demo`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services import accounts
from kintrace.services.accounts import command_line
from kintrace.services.context import Store, StoreError, open_store

#: The audit log's actor of the account commands (the operator of the installation).
_OPERATOR = command_line("cli")

console = literal_console()
users_app = typer.Typer(help="Accounts of the web workspace.", no_args_is_help=True)


def _store(ctx: typer.Context) -> Store:

    try:
        return open_store(settings_from(ctx))
    except StoreError as exc:
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(1) from None


def _fail(message: str) -> None:
    console.print(Text(message, style="red"))
    raise typer.Exit(1)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    behind_tls_proxy: Annotated[
        bool,
        typer.Option(help="Trust X-Forwarded-Proto from a TLS-terminating proxy in front."),
    ] = False,
) -> None:
    """Serve the web workspace (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from kintrace.web.app import create_app
    from kintrace.web.options import WebOptions

    settings = settings_from(ctx)
    if host not in ("127.0.0.1", "localhost", "::1") and not behind_tls_proxy:
        console.print(
            "[yellow]Listening beyond loopback without --behind-tls-proxy: browsers must reach "
            "this server over HTTPS, or sign-in is refused.[/yellow]",
            markup=True,
        )
    try:
        app = create_app(settings, options=WebOptions(trust_proxy_headers=behind_tls_proxy))
    except StoreError as exc:
        _fail(str(exc))
    console.print(f"Kintrace web workspace on http://{host}:{port}  (Ctrl+C stops it)")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=behind_tls_proxy,
        server_header=False,
    )


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name: a-z, digits, '.', '_', '-'.")],
    role: Annotated[str, typer.Option(help="admin, caseworker, reviewer, analyst, investigator")],
    agency: Annotated[
        str, typer.Option(help="Agency code (created if --agency-name is given).")
    ] = "home",
    agency_name: Annotated[
        str | None, typer.Option(help="Create the agency with this name.")
    ] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    language: Annotated[str, typer.Option(help="uk or en.")] = "uk",
) -> None:
    """Add a user with a generated password (printed once); the second factor is set up at the
    first sign-in. The same rules as the web's users page (kintrace.services.users)."""
    from kintrace.services import users as user_admin

    def work(db, actor):
        return user_admin.add(
            db,
            actor,
            username=username,
            role=role,
            agency=agency,
            agency_name=agency_name,
            display_name=name,
            language=language,
            now=datetime.now(UTC),
        )

    made = _admin(ctx, work)
    user = made.user
    console.print(
        Text.assemble(
            "User ", (user.username, "bold"), f" ({user.role.value}, {user.agency_code})."
        )
    )
    console.print(Text.assemble("Password (shown once): ", (made.password, "bold")))


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List the users, their role, agency, second factor and status."""
    from kintrace.services import users as user_admin

    people = _admin(ctx, user_admin.list_users, write=False)
    table = Table("user", "role", "agency", "second factor", "status")
    for p in people:
        status = "disabled" if p.disabled else "active"
        factor = "yes" if p.totp_enrolled else "not yet"
        table.add_row(p.username, p.role.value, p.agency_code, factor, status)
    console.print(table)


@users_app.command("disable")
def users_disable(
    ctx: typer.Context,
    username: str,
    enable: Annotated[bool, typer.Option("--enable", help="Enable again instead.")] = False,
) -> None:
    """Disable a user (their sessions end at once, their API tokens are revoked), or enable
    them again."""
    from kintrace.services import users as user_admin

    user = _admin(
        ctx,
        lambda db, actor: user_admin.set_disabled(
            db, actor, username, disabled=not enable, now=datetime.now(UTC)
        ),
    )
    console.print(f"{user.username}: {'active' if enable else 'disabled'}.")


@users_app.command("reset")
def users_reset(ctx: typer.Context, username: str) -> None:
    """New password (printed once), second factor removed (set up again at next sign-in),
    sessions ended, API tokens revoked. For a lost phone or a forgotten password."""
    from kintrace.services import users as user_admin

    made = _admin(
        ctx, lambda db, actor: user_admin.reset(db, actor, username, now=datetime.now(UTC))
    )
    console.print(
        Text.assemble(f"{made.user.username}: new password (shown once): ", (made.password, "bold"))
    )
    console.print("The second factor is set up again at the next sign-in.")


@users_app.command("role")
def users_role(
    ctx: typer.Context,
    username: str,
    role: Annotated[str, typer.Argument(help="admin, caseworker, reviewer, analyst, investigator")],
) -> None:
    """Give a user another role (from their next request on, API tokens included)."""
    from kintrace.services import users as user_admin

    user = _admin(
        ctx,
        lambda db, actor: user_admin.change_role(db, actor, username, role, now=datetime.now(UTC)),
    )
    console.print(f"{user.username}: {user.role.value}.")


@users_app.command("agency")
def users_agency(
    ctx: typer.Context,
    username: str,
    agency: Annotated[str, typer.Argument(help="The code of the agency to move the user to.")],
) -> None:
    """Move a user to another agency: they see its records from then on; their sessions end and
    their API tokens are revoked."""
    from kintrace.services import users as user_admin

    user = _admin(
        ctx,
        lambda db, actor: user_admin.change_agency(
            db, actor, username, agency, now=datetime.now(UTC)
        ),
    )
    console.print(f"{user.username}: agency {user.agency_code}.")


def _admin(ctx: typer.Context, work, *, write: bool = True):
    """Run `work(db, actor)` as the command line's operator; a refusal ends with its message."""
    from kintrace.cli.command import operator

    store = _store(ctx)
    try:
        with store.session(write=write) as db:
            return work(db, operator())
    except accounts.AccountError as exc:
        _fail(str(exc))
    finally:
        store.close()


@users_app.command("demo")
def users_demo(ctx: typer.Context) -> None:
    """Create the demo accounts (one per role, and one in a second agency), mark the registry as
    SYNTHETIC DEMO DATA and print the accounts with their TOTP keys. Demo only."""
    store = _store(ctx)
    try:
        with store.session(write=True) as db:
            made = accounts.create_demo_accounts(db, _OPERATOR, now=datetime.now(UTC))
    finally:
        store.close()
    console.print(
        "[bold]Demo accounts[/bold] (synthetic data only; never use them on real data)",
        markup=True,
    )
    console.print(f"password for every account: {made[0].password}")
    for a in made:
        line = f"  {a.username:<20} {a.role:<13} agency {a.agency:<8} TOTP key {a.totp_secret}"
        console.print(line, soft_wrap=True)
    console.print(
        "Current code for a demo account: `kintrace users demo-code demo-admin` "
        "(or add the key to an authenticator app)."
    )


@users_app.command("demo-code")
def users_demo_code(ctx: typer.Context, username: str) -> None:
    """Print the current TOTP code of a demo account (only on a registry marked as demo)."""
    store = _store(ctx)
    try:
        with store.session() as db:
            code = accounts.demo_code(db, username=username, now=datetime.now(UTC))
    except accounts.DemoOnly as exc:
        _fail(str(exc))
    finally:
        store.close()
    console.print(code)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
