"""`kintrace signing-key`: the installation's public signing key, for whoever checks a signature."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kintrace.cli.command import fail
from kintrace.cli.settings import settings_from
from kintrace.services.errors import SigningKeyError
from kintrace.services.keys import public_signing_key


def signing_key(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the public key (PEM) to this file."),
    ] = None,
) -> None:
    """Print the public half of the Ed25519 key that signs audit checkpoints, bundles, exchange
    packages and figures (created in the data directory on first use). Give it to anyone who must
    check a signature; the private half never leaves the data directory."""
    try:
        key = public_signing_key(settings_from(ctx).home)
    except (SigningKeyError, OSError) as exc:
        raise fail(str(exc)) from None
    if out is not None:
        out.write_bytes(key.pem)
    typer.echo(f"key id: {key.key_id}")
    typer.echo(key.pem.decode("ascii"), nl=False)


def register(app: typer.Typer) -> None:
    app.command("signing-key")(signing_key)
