"""`kintrace evidence ...`: add files as evidence, show an item's custody log, check fixity,
put and lift legal holds, build court bundles. Each command parses, calls one service of
`kintrace.services.evidence` (the operator as the custodian, every agency's items) and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from kintrace.cli.command import UserOption, acting, fail, opened_store, operator
from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services import evidence
from kintrace.services.accounts import Actor
from kintrace.services.errors import AccountError, EvidenceError, SigningKeyError
from kintrace.services.evidence import Description, Kind, PlanLine, Target

app = typer.Typer(
    help="Evidence files with a chain of custody, fixity checks, court bundles.",
    no_args_is_help=True,
)
out = literal_console()

_REPORTED = (EvidenceError, AccountError)


def _operator() -> Actor:
    """The installation's operator: the custodial commands (verify, hold, release, erase,
    retention, bundle) are theirs and take no user (decision 0424)."""
    return operator()


def _targets(record: list[str], person: list[str], case: list[int]) -> list[Target]:
    try:
        return [
            *(Target.record(r) for r in record),
            *(Target.person(p) for p in person),
            *(Target.case(c) for c in case),
        ]
    except EvidenceError as exc:
        raise fail(str(exc)) from None


def _bytes_progress(total: int) -> Progress:
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        transient=True,
        disable=total < (8 << 20),
    )


@app.command("add")
def add(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files to keep as evidence.")],
    kind: Annotated[
        str, typer.Option("--kind", help="document|photo|video|audio|testimony|capture")
    ],
    record: Annotated[
        list[str], typer.Option("--record", help="Link to a record: SOURCE:ID (repeatable).")
    ] = [],  # noqa: B006 - Typer reads the default
    person: Annotated[
        list[str], typer.Option("--person", help="Link to a person id (repeatable).")
    ] = [],  # noqa: B006
    case: Annotated[
        list[int], typer.Option("--case", help="Link to a case number (repeatable).")
    ] = [],  # noqa: B006
    collected_by: Annotated[str, typer.Option(help="Who collected the file.")] = "",
    collected_on: Annotated[str, typer.Option(help="When it was collected (YYYY-MM-DD).")] = "",
    description: Annotated[str, typer.Option(help="What the file shows.")] = "",
    user: UserOption = None,
) -> None:
    """Keep files as evidence: hashed (SHA-256, SHA-512) while copied into the data directory,
    read-only, linked to records, persons or cases. The same bytes twice are one item."""
    try:
        evidence_kind = Kind.parse(kind)
    except EvidenceError as exc:
        raise fail(str(exc)) from None
    targets = _targets(record, person, case)
    if not targets:
        raise fail("Link the files to something: --record SOURCE:ID, --person P or --case N.")
    if collected_on and not _is_day(collected_on):
        raise fail(f"--collected-on {collected_on[:20]!r} is not a date: use YYYY-MM-DD.")
    for path in files:
        if not path.is_file():
            raise fail(f"{path} is not a readable file.")
    file_store = evidence.files_of(settings_from(ctx))
    with opened_store(ctx, reported=_REPORTED) as db_store:
        with db_store.session() as db:  # before any file is copied
            actor = acting(db, user, action="evidence.add")
            evidence.check_targets(db, actor, targets)
        for path in files:
            about = Description(
                kind=evidence_kind,
                file_name=path.name,
                collected_by=collected_by or None,
                collected_on=collected_on or None,
                description=description or None,
            )
            size = path.stat().st_size
            try:
                with _bytes_progress(size) as bar, path.open("rb") as stream:
                    task = bar.add_task(path.name[:40], total=size)

                    def advance(n: int, bar: Progress = bar, task: TaskID = task) -> None:
                        bar.advance(task, n)

                    stored = evidence.ingest(file_store, stream, about=about, progress=advance)
            except EvidenceError as exc:
                raise fail(f"{path.name}: {exc}") from None
            except OSError as exc:
                raise fail(f"{path.name}: cannot be read ({exc.strerror}).") from None
            with db_store.session(write=True) as db:
                added = evidence.add(db, actor, stored, about=about, targets=targets)
            state = "new item" if added.new_item else "already kept"
            links = ", ".join(t.label() for t in added.new_links) or "no new link"
            out.print(
                f"item {added.item.id}  {added.item.sha256}  {added.item.media_type}  "
                f"{added.item.size:,} bytes  ({state}; linked: {links})",
                highlight=False,
            )


def _is_day(text: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


@app.command("log")
def log(
    ctx: typer.Context,
    item: Annotated[int, typer.Argument(help="The item's number.")],
    user: UserOption = None,
) -> None:
    """The custody log of one item: every ingest, link, view, download, derivation, export,
    fixity check and hold, with who, in which role, why, when (UTC) and the file's hash then."""
    with opened_store(ctx, reported=_REPORTED) as db_store, db_store.session() as db:
        events = evidence.events(db, acting(db, user, action="evidence.read"), item)
    table = Table("#", "at (UTC)", "event", "actor", "role", "purpose", "sha256", "details")
    for event in events:
        details = ", ".join(f"{k}={v}" for k, v in sorted(event.details.items()))
        table.add_row(
            str(event.id),
            event.at,
            event.event,
            event.actor,
            event.role,
            event.purpose,
            event.sha256[:16] + ("…" if event.sha256 else ""),
            details,
        )
    out.print(table)


@app.command("verify")
def verify(
    ctx: typer.Context,
    items: Annotated[list[int], typer.Argument(help="Items to check.")] = [],  # noqa: B006
    all_items: Annotated[bool, typer.Option("--all", help="Check every item.")] = False,
) -> None:
    """Re-hash originals (fixity) and check the custody chain; any mismatch is a custody event
    and the exit status is 1."""
    if not items and not all_items:
        raise fail("Name the items to check, or give --all.")
    file_store = evidence.files_of(settings_from(ctx))
    with opened_store(ctx, reported=_REPORTED) as db_store:
        checked = evidence.verify(db_store, file_store, _operator(), None if all_items else items)
    results, chain = checked.results, checked.chain
    bad = [r for r in results if not r.ok]
    for result in bad:
        found = result.found[:16] + "…" if result.found else "nothing"
        out.print(
            Text.assemble(
                ("MISMATCH", "bold red"),
                f" item {result.item_id}: {result.problem} "
                f"(expected {result.expected[:16]}…, found {found})",
            ),
            highlight=False,
        )
    if not chain.ok:
        out.print(
            Text.assemble(
                ("BROKEN", "bold red"), f" custody log at event {chain.broken_id}: {chain.problem}"
            ),
            highlight=False,
        )
    out.print(
        f"{len(results) - len(bad)} of {len(results)} originals intact; custody log of "
        f"{chain.events} events {'intact' if chain.ok else 'broken'}.",
        highlight=False,
    )
    if bad or not chain.ok:
        raise typer.Exit(1)


@app.command("bundle")
def bundle(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The bundle to write (a .zip).")],
    case: Annotated[int | None, typer.Option("--case", help="The case's number.")] = None,
    person: Annotated[str | None, typer.Option("--person", help="The person's id.")] = None,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why the bundle is made (in the custody log).")
    ] = "court bundle",
) -> None:
    """Write a court bundle: the originals, a signed manifest of every file's SHA-256, the
    custody excerpt, the records with every version and where it came from, an HTML summary
    and a verify.py that checks it all with Python's standard library alone. With
    KINTRACE_TSA_URL set, the manifest is also time-stamped (RFC 3161)."""
    import os

    if (case is None) == (person is None):
        raise fail("Give one of --case N or --person P.")
    if not purpose.strip():
        raise fail("--purpose must say why the bundle is made.")
    file_store = evidence.files_of(settings_from(ctx))
    reported = (*_REPORTED, SigningKeyError, OSError)
    with opened_store(ctx, reported=reported) as db_store:
        report = evidence.bundle(
            db_store,
            file_store,
            _operator(),
            case=case,
            person=person,
            out=out,
            purpose=purpose.strip(),
            tsa_url=os.environ.get("KINTRACE_TSA_URL", ""),
        )
    out.chmod(0o600)
    zip_sha256 = _file_sha256(out)
    stamped = "time-stamped by the TSA; " if report.timestamped else ""
    typer.echo(
        f"{report.path}: {report.items} items, {report.records} records, "
        f"{report.custody_events} custody events; manifest SHA-256 {report.manifest_sha256}, "
        f"{stamped}signed with key {report.key_id}; SHA-256 of the zip {zip_sha256}. Check "
        f"it with: python verify.py {out.name}"
    )


def _file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@app.command("hold")
def hold(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", help="The order or request behind it.")],
    record: Annotated[str | None, typer.Option("--record", help="SOURCE:ID")] = None,
    person: Annotated[str | None, typer.Option("--person", help="A person id.")] = None,
    case: Annotated[int | None, typer.Option("--case", help="A case number.")] = None,
    item: Annotated[int | None, typer.Option("--item", help="An evidence item.")] = None,
) -> None:
    """Place a legal hold on a record, person, case or item: nothing it reaches is erased or
    expires until the hold is released."""
    given = [
        (t, str(v))
        for t, v in (("record", record), ("person", person), ("case", case), ("item", item))
        if v is not None
    ]
    if len(given) != 1:
        raise fail("Give exactly one of --record, --person, --case, --item.")
    (target_type, target_id) = given[0]
    with opened_store(ctx, reported=_REPORTED) as db_store, db_store.session(write=True) as db:
        placed = evidence.place_hold(
            db, _operator(), target_type=target_type, target_id=target_id, reason=reason
        )
    typer.echo(f"legal hold {placed.id} on {placed.target_type} {placed.target_id}")


@app.command("release")
def release(
    ctx: typer.Context, hold_id: Annotated[int, typer.Argument(help="The hold's number.")]
) -> None:
    """Release a legal hold."""
    with opened_store(ctx, reported=_REPORTED) as db_store, db_store.session(write=True) as db:
        released = evidence.release_hold(db, _operator(), hold_id)
    typer.echo(f"legal hold {released.id} released")


@app.command("holds")
def holds(ctx: typer.Context) -> None:
    """The legal holds in force."""
    with opened_store(ctx, reported=_REPORTED) as db_store, db_store.session() as db:
        found = evidence.active_holds(db)
    table = Table("#", "on", "reason", "placed by", "placed at (UTC)")
    for h in found:
        table.add_row(
            str(h.id), f"{h.target_type} {h.target_id}", h.reason, h.placed_by, h.placed_at
        )
    out.print(table)


@app.command("erase")
def erase(
    ctx: typer.Context,
    item: Annotated[int, typer.Argument(help="The item's number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is erased.")],
) -> None:
    """Erase an item: its file, working copies and descriptive fields go, its hashes and custody
    log stay (the tombstone). Refused under a legal hold."""
    file_store = evidence.files_of(settings_from(ctx))
    with opened_store(ctx, reported=_REPORTED) as db_store:
        evidence.erase(db_store, file_store, _operator(), item, reason=reason)
    typer.echo(f"item {item} erased; its hashes and custody log remain")


retention_app = typer.Typer(
    help="Retention of evidence per source: rules, what would go, erasure.",
    no_args_is_help=True,
)


@retention_app.command("set")
def retention_set(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The source's name.")],
    keep_days: Annotated[int, typer.Option("--keep-days", help="Days kept after receipt.")],
) -> None:
    """Keep a source's evidence KEEP_DAYS days after it was received."""
    with opened_store(ctx, reported=_REPORTED) as db_store, db_store.session(write=True) as db:
        evidence.set_retention(db, _operator(), source=source, keep_days=keep_days)
    typer.echo(f"evidence of {source} is kept {keep_days} days after receipt")


@retention_app.command("plan")
def retention_plan(ctx: typer.Context) -> None:
    """What `kintrace retention apply` would erase now and why, and what a legal hold keeps."""
    with opened_store(ctx, reported=_REPORTED) as db_store, db_store.session() as db:
        lines = evidence.retention_plan(db)
    _print_plan(lines)


@retention_app.command("apply")
def retention_apply(ctx: typer.Context) -> None:
    """Erase every item whose retention has passed and that no legal hold reaches."""
    file_store = evidence.files_of(settings_from(ctx))
    with opened_store(ctx, reported=_REPORTED) as db_store:
        lines = evidence.apply_retention(db_store, file_store, _operator())
    _print_plan(lines, done=True)


def _print_plan(lines: list[PlanLine], *, done: bool = False) -> None:
    erased = "erased" if done else "would be erased"
    for line in lines:
        if line.action == "held":
            holds = ", ".join(map(str, line.holds))
            out.print(f"item {line.item_id}: kept, under legal hold {holds} ({line.why})")
        else:
            out.print(f"item {line.item_id}: {erased} ({line.why})", highlight=False)
    count = sum(1 for line in lines if line.action == "erase")
    held = len(lines) - count
    out.print(f"{count} item(s) {erased}; {held} expired but held.", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="evidence")
    root.add_typer(retention_app, name="retention")
