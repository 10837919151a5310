"""`kintrace exchange ...`: partners and agreements, requests to a partner, answers imported and
reconciled. Each command parses, calls one service of `kintrace.services.exchange` and prints.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kintrace.accounts.actors import command_line
from kintrace.cli.command import cli_actor, fail, opened_store
from kintrace.cli.settings import settings_from
from kintrace.exchange.errors import ExchangeError
from kintrace.services import exchange as service

app = typer.Typer(
    help="Lists of sought children exchanged with a mediator or counterpart (docs/exchange.md).",
    no_args_is_help=True,
)
partner_app = typer.Typer(
    help="Partners: a mediator's or counterpart's keys.", no_args_is_help=True
)
agreement_app = typer.Typer(
    help="Data-sharing agreements: purpose, fields, expiry, onward sharing.", no_args_is_help=True
)
app.add_typer(partner_app, name="partner")
app.add_typer(agreement_app, name="agreement")
out = Console()

_REPORTED = (ExchangeError,)


def _today() -> date:
    return datetime.now(UTC).date()


@app.command("identity")
def identity_cmd(ctx: typer.Context) -> None:
    """Print our age recipient (public key): partners encrypt their answers to it. The secret
    half stays in the data directory (keys/age-identity.txt, 0600)."""
    try:
        typer.echo(service.our_recipient(settings_from(ctx).home))
    except (ExchangeError, OSError) as exc:
        raise fail(str(exc)) from None


@partner_app.command("add")
def partner_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Short name of the partner.")],
    age_recipient: Annotated[
        str, typer.Option("--age-recipient", help="The partner's age public key (age1...).")
    ],
    verify_key: Annotated[
        Path | None,
        typer.Option(
            "--verify-key",
            help="The partner's Ed25519 public key (PEM); its answers must then be signed.",
        ),
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help="ru | uk | en: the partner's headers and script.")
    ] = "ru",
) -> None:
    """Add a partner by its public keys."""
    pem = None
    if verify_key is not None:
        try:
            pem = verify_key.read_bytes()
        except OSError as exc:
            raise fail(f"{verify_key} cannot be read ({exc.strerror}).") from None
    with opened_store(ctx, reported=_REPORTED) as store, store.session(write=True) as db:
        added = service.add_partner(
            db,
            command_line(cli_actor()),
            name=name,
            age_recipient=age_recipient,
            language=language,
            verify_key_pem=pem,
        )
    signed = f"answers signed by key {added.verify_key_id}" if added.verify_key_id else "unsigned"
    out.print(f"partner {added.name} ({added.language}; {signed})", highlight=False)


@partner_app.command("list")
def partner_list(ctx: typer.Context) -> None:
    """The partners, with their age recipients."""
    with opened_store(ctx, reported=_REPORTED) as store, store.session() as db:
        found = service.list_partners(db, command_line(cli_actor()))
    table = Table("partner", "language", "age recipient", "verify key")
    for p in found:
        table.add_row(p.name, p.language, p.age_recipient, p.verify_key_id or "-")
    out.print(table)


@agreement_app.command("add")
def agreement_add(
    ctx: typer.Context,
    partner: Annotated[str, typer.Argument(help="The partner's name.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why lists go to this partner.")],
    fields: Annotated[
        str,
        typer.Option(
            "--fields",
            help="Comma-separated: family_name, given_name, patronymic, sex, birth_date, "
            "birth_place, last_known_place, parents.",
        ),
    ],
    expires: Annotated[str, typer.Option("--expires", help="Last day in force (YYYY-MM-DD).")],
    allow_onward_sharing: Annotated[
        bool,
        typer.Option("--allow-onward-sharing", help="Lift the onward-sharing ban (default: ban)."),
    ] = False,
) -> None:
    """Record a data-sharing agreement with a partner. Requests outside it are refused."""
    try:
        expires_on = date.fromisoformat(expires)
    except ValueError:
        raise fail(f"--expires {expires[:20]!r} is not a date: use YYYY-MM-DD.") from None
    with opened_store(ctx, reported=_REPORTED) as store, store.session(write=True) as db:
        added = service.add_agreement(
            db,
            command_line(cli_actor()),
            partner_name=partner,
            purpose=purpose,
            fields=service.parse_fields(fields),
            expires_on=expires_on,
            onward_sharing_banned=not allow_onward_sharing,
            today=_today(),
        )
    out.print(
        f"agreement {added.id} with {partner}: {', '.join(added.fields)}; in force until "
        f"{added.expires_on.isoformat()}; onward sharing "
        f"{'banned' if added.onward_sharing_banned else 'allowed'}",
        highlight=False,
    )


@agreement_app.command("list")
def agreement_list(
    ctx: typer.Context, partner: Annotated[str, typer.Argument(help="The partner's name.")]
) -> None:
    """A partner's agreements."""
    today = _today()
    with opened_store(ctx, reported=_REPORTED) as store, store.session() as db:
        found = service.agreements(db, command_line(cli_actor()), partner)
    table = Table("#", "purpose", "fields", "until", "onward sharing", "in force")
    for a in found:
        table.add_row(
            str(a.id),
            a.purpose,
            ", ".join(a.fields),
            a.expires_on.isoformat(),
            "banned" if a.onward_sharing_banned else "allowed",
            "yes" if a.in_force(today) else "no",
        )
    out.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="exchange")
