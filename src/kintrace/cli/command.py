"""What every command of the CLI needs around its work: the store, who acts, a clear failure.

Each area module (registry, linkage, review) opens the store through `opened_store`, names the
acting user with `cli_actor` or `login_name`, and reports an error a user can hit with `fail`:
one line on stderr and exit status 1, never a stack trace.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.text import Text

from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services.context import Store, StoreError, open_store

_err = literal_console(stderr=True)


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
