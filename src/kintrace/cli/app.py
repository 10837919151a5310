"""Root of the `kintrace` command. Each area registers its commands from its own module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kintrace import __version__
from kintrace.cli.settings import remember_settings

app = typer.Typer(
    name="kintrace",
    help=(
        "Kintrace: register lists of children separated by war, link them across scripts and "
        "spellings, review matches and follow each child's case."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kintrace {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="KINTRACE_HOME",
            help="Data directory (default ./kintrace-data).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Kintrace command line."""
    remember_settings(ctx, home)


def _register_all() -> None:
    # Imported here, not at module top, so that `kintrace.cli.app` stays cheap to import
    # and each area owns its own module.
    from kintrace.cli import (
        audit,
        demo,
        evidence,
        exchange,
        figures,
        keys,
        linkage,
        names,
        registry,
        review,
        web,
    )

    for module in (
        registry,
        audit,
        demo,
        names,
        linkage,
        review,
        web,
        keys,
        evidence,
        figures,
        exchange,
    ):
        module.register(app)


_register_all()


def main() -> None:
    app()
