"""`kintrace figures`: publish counts with disclosure control, list and check releases (issue 15).

Each command parses, calls `kintrace.services.figures` and prints; docs/figures.md explains the
rules and the release files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from kintrace.cli.command import UserOption, acting, fail, opened_store
from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services import figures as figure_service
from kintrace.services.errors import AccountError, SigningKeyError

app = typer.Typer(
    help="Published figures: counts of children with disclosure control (docs/figures.md).",
    no_args_is_help=True,
)
out = literal_console()


def _empty_or_new(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise fail(f"{directory} exists and is not an empty directory: give a new one.")


@app.command("release")
def release_command(
    ctx: typer.Context,
    out_dir: Annotated[
        Path, typer.Option("--out", help="New or empty directory for the release files.")
    ],
    k: Annotated[
        int, typer.Option("--k", help="Counts of 1..k children are withheld.", min=1)
    ] = 10,
    rounding: Annotated[
        int,
        typer.Option("--round", help="Round published counts to a multiple of 5 or 10 (1: not)."),
    ] = 1,
    user: UserOption = None,
) -> None:
    """Count the registry's children (persons of the last link run) in the fixed table set,
    withhold every small or derivable count, and write CSV, XLSX, SVG charts, data.json and a
    signed manifest.json to --out. The release is kept in the registry and audited."""
    if rounding not in (1, 5, 10):
        raise fail(f"--round {rounding}: expected 1 (no rounding), 5 or 10.")
    _empty_or_new(out_dir)
    home = settings_from(ctx).home
    reported = (figure_service.FiguresError, AccountError, SigningKeyError)
    with opened_store(ctx, reported=reported) as store:
        with store.session() as session:
            actor = acting(session, user)
        result = figure_service.release(store, actor, home=home, k=k, rounding=rounding)
    try:
        figure_service.write_out(out_dir, result.files)
    except OSError as exc:
        raise fail(
            f"release {result.release_id} is kept in the registry but its files could not be "
            f"written to {out_dir} ({type(exc).__name__}); write them with "
            f"`kintrace figures get {result.release_id} --out NEW_DIR`."
        ) from None
    out.print(f"release {result.release_id} written to {out_dir}")
    out.print(
        f"tables published: {', '.join(result.tables_published) or 'none'}; "
        f"withheld counts: {result.withheld_counts}"
        + (
            f" (narrowest interval an attacker can reach: {result.narrowest_interval:g})"
            if result.narrowest_interval is not None
            else ""
        )
    )
    for name, reason in result.omitted.items():
        out.print(f"left out: {name}: {reason}")
    out.print(
        f"read {result.seconds_reading:.1f} s, disclosure control {result.seconds_protecting:.1f} s"
    )
    out.print(f"check it with: kintrace figures verify {out_dir}")


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Every release kept in the registry, newest first."""
    with opened_store(ctx) as store, store.session() as session:
        actor = acting(session, None)
        releases = figure_service.list_releases(session, actor)
    if not releases:
        out.print("no release yet: `kintrace figures release --out DIR` makes one")
        return
    table = Table(title=f"{len(releases)} release(s)")
    for column in ("release", "created (UTC)", "by", "k", "round", "link run", "tables", "key"):
        table.add_column(column)
    for r in releases:
        table.add_row(
            str(r.release_id),
            r.created_at,
            r.actor,
            str(r.k),
            str(r.rounding),
            "" if r.link_run_id is None else str(r.link_run_id),
            f"{r.tables_published} (+{r.tables_omitted} left out)",
            r.key_id,
        )
    out.print(table)


@app.command("get")
def get_command(
    ctx: typer.Context,
    release_id: Annotated[
        int, typer.Argument(help="The release number (`kintrace figures list`).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="New or empty directory.")],
) -> None:
    """Write a kept release's files again, byte for byte as signed."""
    _empty_or_new(out_dir)
    with opened_store(ctx) as store, store.session() as session:
        actor = acting(session, None)
        try:
            files = figure_service.files_of(session, actor, release_id)
        except figure_service.ReleaseNotFound:
            raise fail(f"no release {release_id}: see `kintrace figures list`") from None
    try:
        figure_service.write_out(out_dir, files)
    except OSError as exc:
        raise fail(f"cannot write to {out_dir} ({type(exc).__name__})") from None
    out.print(f"release {release_id} written to {out_dir}")


@app.command("verify")
def verify_command(
    directory: Annotated[Path, typer.Argument(help="A release directory.")],
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            help="The registry's public key (PEM, from `kintrace signing-key --out`); without "
            "it the copy in the release is used, which proves integrity but not the signer.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a release: every file's SHA-256 against manifest.json, and the Ed25519 signature."""
    try:
        pem = key.read_bytes() if key is not None else None
    except OSError as exc:
        raise fail(f"cannot read the key {key} ({type(exc).__name__})") from None
    problems = figure_service.verify(directory, public_key_pem=pem)
    if problems:
        for p in problems:
            out.print(Text(p, style="red"), highlight=False)
        raise typer.Exit(1)
    whose = "the given key" if key is not None else "the key in the release (compare its key id)"
    out.print(f"release whole and signed by {whose}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="figures")
