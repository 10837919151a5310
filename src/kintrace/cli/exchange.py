"""`kintrace exchange ...`: partners and agreements, requests to a partner, answers imported and
reconciled. Each command parses, calls one service of `kintrace.services.exchange` and prints.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kintrace.cli.command import UserOption, fail, opened_store, operator
from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services import exchange as service
from kintrace.services.errors import ExchangeError

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
answer_app = typer.Typer(help="Answers from a partner.", no_args_is_help=True)
app.add_typer(answer_app, name="answer")
out = literal_console()

_REPORTED = (ExchangeError,)
#: `exchange accept` and `exchange reject`: which proposal, and whose decision it is
ProposalNumber = Annotated[int, typer.Argument(help="The proposal's number.")]
AsCaseworker = UserOption


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
            operator(),
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
        found = service.list_partners(db, operator())
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
            operator(),
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
        found = service.agreements(db, operator(), partner)
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


@app.command("request")
def request_cmd(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The partner's name.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory to write the package to.")],
    cases: Annotated[
        str | None,
        typer.Option(
            "--cases",
            help="Which cases' children: all, return=STATE, whereabouts=STATE, identity=STATE, "
            "ids=1,2,3.",
        ),
    ] = None,
    persons: Annotated[
        Path | None,
        typer.Option("--persons", help="A file of children, one per line: SOURCE:ID or person id."),
    ] = None,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields", help="Send only these of the agreement's fields (comma-separated)."
        ),
    ] = None,
) -> None:
    """Send a list of sought children to a partner: only the agreement's fields, names in the
    partner's script beside the original, CSV and XLSX, signed (Ed25519) and encrypted to the
    partner's age key. Recorded in the ledger and the audit log."""
    lines = None
    if persons is not None:
        try:
            lines = persons.read_text("utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"{persons} cannot be read as UTF-8 text ({type(exc).__name__}).") from None
    wanted = service.parse_fields(fields) if fields else None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"{out_dir} cannot be created ({exc.strerror}).") from None
    home = settings_from(ctx).home
    with opened_store(ctx, reported=_REPORTED) as store, store.session(write=True) as db:
        made = service.send_request(
            db,
            operator(),
            home=home,
            partner_name=to,
            cases=cases,
            child_lines=lines,
            fields=wanted,
            today=_today(),
        )
        target = out_dir / made.package_name
        try:
            target.write_bytes(made.package)
        except OSError as exc:
            raise fail(f"{target} cannot be written ({exc.strerror}); nothing recorded.") from None
    out.print(
        f"request {made.ref} to {made.partner}: {made.children} children, fields "
        f"{', '.join(made.fields)}\n{target}  sha256 {made.package_sha256}\n"
        f"signed by key {made.signer_key_id} (kintrace signing-key prints it); the partner opens "
        f"it with: age -d -i KEY {made.package_name} > {made.ref}.zip",
        highlight=False,
    )


@answer_app.command("import")
def answer_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The answer package (age-encrypted).")],
    request: Annotated[
        str | None, typer.Option("--request", help="The request it answers (RQ-...).")
    ] = None,
) -> None:
    """Import a partner's answer: decrypt, verify the signature (required when the partner has a
    verify key), match rows to the request's children by reference, else by name and birth
    date, map statuses to the vocabulary (unknown ones held), enter the rows in the registry as
    a source of kind `answer`. Cases change only when a caseworker accepts a proposal."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file} cannot be read ({exc.strerror}).") from None
    home = settings_from(ctx).home
    with opened_store(ctx, reported=_REPORTED) as store:
        done = service.import_answer(store, operator(), home=home, data=data, request_ref=request)
    if done.answer_id is None:
        out.print(f"this answer to {done.request} was imported before: nothing changed.")
        return
    signed = f"signed by key {done.signed_by}" if done.signed_by else "unsigned"
    out.print(
        f"answer {done.answer_id} to {done.request} ({signed}): {done.rows} rows; matched by "
        f"reference {done.by_reference}, by name and birth date {done.by_model}; unmatched "
        f"{done.unmatched}; duplicated references {done.duplicates}; statuses held for a "
        f"person {done.held_statuses}; case proposals {done.proposals} (pending); registry "
        f"source {done.source}",
        highlight=False,
    )


@app.command("status")
def status_cmd(
    ctx: typer.Context,
    request: Annotated[
        str | None, typer.Argument(help="A request (RQ-...); without it, every request.")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Unanswered after this many days.")] = 30,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the request's reconciliation (.csv or .xlsx)."),
    ] = None,
) -> None:
    """Reconcile requests with their answers: requested, answered, found, returned, not found,
    unanswered (after D days), discrepancies (birth date, name, place), children answered twice
    differently."""
    actor = operator()
    with opened_store(ctx, reported=_REPORTED) as store, store.session(write=True) as db:
        refs = [request] if request else [r.ref for r in service.list_requests(db, actor)]
        results = [service.reconciliation(db, actor, ref, days=days) for ref in refs]
    table = Table(
        "request",
        "partner",
        "sent (UTC)",
        "requested",
        "answered",
        "found",
        "returned",
        "not found",
        "no answer",
        "held",
        "unanswered",
        f"after {days} d",
        "unmatched rows",
        "discrepancies",
        "answered twice",
    )
    for r in results:
        table.add_row(
            r.request,
            r.partner,
            r.created_at[:16],
            *(
                str(n)
                for n in (
                    r.requested,
                    r.answered,
                    r.found,
                    r.returned,
                    r.not_found,
                    r.no_answer,
                    r.held_statuses,
                    r.unanswered,
                    r.overdue,
                    r.unmatched_rows,
                    len(r.discrepancies),
                    len(r.answered_twice),
                )
            ),
        )
    out.print(table)
    if request and results:
        shown = Table("reference", "field", "sent", "answered")
        for d in results[0].discrepancies:
            shown.add_row(d.child_ref, d.field, d.sent, d.answered)
        if results[0].discrepancies:
            out.print(shown)
    if report is not None:
        if not request:
            raise fail("--report needs a request (RQ-...).")
        try:
            report.write_bytes(service.report_bytes(results[0], xlsx=report.suffix == ".xlsx"))
        except OSError as exc:
            raise fail(f"{report} cannot be written ({exc.strerror}).") from None
        out.print(f"report written to {report}", highlight=False)


@app.command("proposals")
def proposals_cmd(
    ctx: typer.Context,
    request: Annotated[str | None, typer.Argument(help="Only this request's.")] = None,
) -> None:
    """Case updates answers propose, pending a caseworker's decision."""
    with opened_store(ctx, reported=_REPORTED) as store, store.session() as db:
        found = service.pending_proposals(db, operator(), request)
    table = Table("#", "request", "reference", "case", "facet", "to", "place", "status as written")
    for p in found:
        table.add_row(
            str(p.id),
            p.request,
            p.child_ref,
            str(p.case_id),
            p.facet,
            p.to_state,
            p.place or "",
            p.status_text or "",
        )
    out.print(table)


@app.command("held")
def held_cmd(
    ctx: typer.Context,
    request: Annotated[str, typer.Argument(help="The request (RQ-...).")],
) -> None:
    """Answer rows waiting for a person: statuses no rule knows, rows tied to no child,
    references given twice. `exchange classify` and `exchange place` settle them."""
    actor = operator()
    with opened_store(ctx, reported=_REPORTED) as store, store.session(write=True) as db:
        rows = service.held_rows(db, actor, request)
    table = Table(
        "row", "line", "waits for", "reference", "name", "birth date", "status as written"
    )
    for r in rows:
        table.add_row(
            str(r.id),
            str(r.row_number),
            r.waits_for,
            r.child_ref or r.given_ref or "",
            r.name_as_written,
            r.fields.get("birth_date", ""),
            r.status_text or "",
        )
    out.print(table)


@app.command("classify")
def classify_cmd(
    ctx: typer.Context,
    row: Annotated[int, typer.Argument(help="The answer row (`exchange held` lists them).")],
    status: Annotated[
        str,
        typer.Argument(
            help="found | in_care | in_family | returned | not_found | no_answer | other"
        ),
    ],
) -> None:
    """Classify a status no rule knew. A row tied to a child then proposes a case update
    (pending a caseworker's decision, like any other)."""
    with opened_store(ctx, reported=_REPORTED) as store, store.session(write=True) as db:
        made = service.classify_row(db, operator(), row_id=row, status=status)
    out.print(f"answer row {row}: {status}; case proposals {made} (pending)", highlight=False)


@app.command("place")
def place_cmd(
    ctx: typer.Context,
    row: Annotated[int, typer.Argument(help="The answer row (`exchange held` lists them).")],
    reference: Annotated[str, typer.Argument(help="The child's reference in the request (C-...).")],
) -> None:
    """Tie a row no rule could place to a child of its request (a person's judgement, audited).
    With a known status it proposes a case update, pending."""
    with opened_store(ctx, reported=_REPORTED) as store, store.session(write=True) as db:
        made = service.place_row(db, operator(), row_id=row, child_ref=reference)
    out.print(f"answer row {row}: {reference}; case proposals {made} (pending)", highlight=False)


def _decide(ctx: typer.Context, proposal: int, accept: bool, as_user: str | None) -> None:
    from kintrace.cli.command import acting
    from kintrace.services import review
    from kintrace.services.cases import WorkflowRefused
    from kintrace.services.errors import AccountError

    actor = operator()
    try:
        policy = review.load_policy(settings_from(ctx).home)
    except WorkflowRefused as exc:
        raise fail(str(exc)) from None
    with opened_store(ctx, reported=(*_REPORTED, WorkflowRefused, AccountError)) as store:
        with store.session() as db:
            reviewer = review.command_reviewer(acting(db, as_user, action="cases.move"))
        with store.session(write=True) as db:
            done = service.decide_proposal(
                db, actor, proposal_id=proposal, accept=accept, reviewer=reviewer, policy=policy
            )
    out.print(f"proposal {done.id}: {done.state} (case {done.case_id})", highlight=False)


@app.command("accept")
def accept_cmd(
    ctx: typer.Context,
    proposal: ProposalNumber,
    as_user: AsCaseworker = None,
) -> None:
    """Accept a proposal: the case's facet moves (under the transition table and your role)."""
    _decide(ctx, proposal, True, as_user)


@app.command("reject")
def reject_cmd(
    ctx: typer.Context,
    proposal: ProposalNumber,
    as_user: AsCaseworker = None,
) -> None:
    """Reject a proposal: the case is not changed."""
    _decide(ctx, proposal, False, as_user)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="exchange")
