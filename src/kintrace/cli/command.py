"""What every command of the CLI needs around its work: the store, who acts, a clear failure.

Each area module (registry, linkage, review) opens the store through `opened_store`, finds who
acts with `acting` (one rule for every command, decision 0424: the user named by `UserOption`,
`--user USER` or `--as USER`, or KINTRACE_USER; nobody named, the installation's operator), and
reports an error a user can hit with `fail`: one line on stderr and exit status 1, never a stack
trace.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.text import Text

from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services.accounts import Actor, command_actor
from kintrace.services.accounts import operator as operator_of
from kintrace.services.context import Session, Store, StoreError, open_store

_err = literal_console(stderr=True)

#: Who a command acts as, the same option on every command that reads or changes children's
#: data: `--user USER` or its alias `--as USER`, or KINTRACE_USER for a whole shell session.
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        "--as",
        envvar="KINTRACE_USER",
        help="Act in this user's place (or set KINTRACE_USER): their role and their agency's "
        "records, as on the web. Without it: the installation's operator, every agency.",
        show_default=False,
    ),
]


def fail(message: str) -> typer.Exit:
    """Print `message` as an error on stderr; return the exit (status 1) to raise."""
    _err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    return typer.Exit(1)


@contextmanager
def opened_store(
    ctx: typer.Context, *, reported: tuple[type[Exception], ...] = ()
) -> Iterator[Store]:
    """The store of the command's settings, closed afterwards. A StoreError (opening or
    during the work) or one of `reported` ends the command with its message (`fail`)."""
    caught: tuple[type[Exception], ...] = (StoreError, *reported)
    try:
        store = open_store(settings_from(ctx))
    except StoreError as exc:
        raise fail(str(exc)) from None
    try:
        yield store
    except caught as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


def login_name() -> str | None:
    """The operating-system login of whoever runs the command, if it can be found."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def cli_actor() -> str:
    """The audit log's actor for a command: "cli:LOGIN", or "cli" without a login."""
    name = login_name()
    return "cli" if name is None else f"cli:{name}"


def acting(db: Session, named: str | None, *, action: str | None = None) -> Actor:
    """Who this command acts as (`kintrace.services.accounts.command_actor`): the user `named`
    (the command's UserOption, which also reads KINTRACE_USER), allowed `action` only if the
    web allows it to their role; nobody named, the installation's operator."""
    return command_actor(db, login_name(), named, action=action)


def operator() -> Actor:
    """The installation's operator, for the commands that work on the installation itself and
    name no user (link, users, exchange, the custodial evidence commands)."""
    return operator_of(login_name())
