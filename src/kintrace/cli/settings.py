"""The settings of a command: read once by the root callback (from `--home` and the
environment), then taken from the Typer context by each command.

This module imports no command module, so the root app (`kintrace.cli.app`, which registers
every command) and the command modules both import it without an import circle.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kintrace.config import LimitsError, Settings, load_settings


def remember_settings(ctx: typer.Context, home: Path | None) -> Settings:
    """Read the settings for this invocation and keep them on the root context; a setting that
    cannot be read ends the command with its message."""
    try:
        settings = load_settings(home)
    except LimitsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    ctx.obj = settings
    return settings


def settings_from(ctx: typer.Context) -> Settings:
    """The settings the root callback read; commands take them from the context."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Settings):  # pragma: no cover - only when a command is called bare
        obj = load_settings()
    return obj
