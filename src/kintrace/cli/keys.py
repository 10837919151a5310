"""`kintrace signing-key`: the installation's public signing key, for whoever checks a signature."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kintrace.cli.command import fail
from kintrace.cli.settings import settings_from
from kintrace.signing import SigningKeyError, load_or_create_signer


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
        signer = load_or_create_signer(settings_from(ctx).home)
    except (SigningKeyError, OSError) as exc:
        raise fail(str(exc)) from None
    pem = signer.public_key_pem()
    if out is not None:
        out.write_bytes(pem)
    typer.echo(f"key id: {signer.key_id}")
    typer.echo(pem.decode("ascii"), nl=False)


def register(app: typer.Typer) -> None:
    app.command("signing-key")(signing_key)
