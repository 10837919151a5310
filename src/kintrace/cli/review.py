"""CLI commands for review decisions and cases: `kintrace review ...` and `kintrace cases ...`.

A few lines per command over `kintrace.services.review` and `.cases` (the services the web's
review and case pages call); refusals and bad input are printed
as one clear message and exit with status 1, never a stack trace.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from kintrace.cases import (
    Change,
    Facet,
    RecordKey,
    ReviewPolicy,
    Verdict,
    WorkflowRefused,
    parse_record_key,
)
from kintrace.cli.command import UserOption, acting, fail, opened_store
from kintrace.cli.output import literal_console
from kintrace.cli.settings import settings_from
from kintrace.services import cases, review
from kintrace.services.cases import CaseNotFound, CaseSheet, CaseView
from kintrace.services.context import COLLISIONS, Store, StoreError, collision_name
from kintrace.services.errors import AccountError
from kintrace.services.review import PairNotFound, PairView, QueueItem, Reviewer

out = literal_console()
err = literal_console(stderr=True)

review_app = typer.Typer(
    help="Review pairs the model could not decide: claim one, give a verdict, undo.",
    no_args_is_help=True,
)
model_app = typer.Typer(
    help="The linkage model and what reviewers' decisions teach it.", no_args_is_help=True
)
cases_app = typer.Typer(
    help="Cases: one per sought child, with identity, whereabouts and return facets.",
    no_args_is_help=True,
)

AsUser = UserOption


class VerdictChoice(StrEnum):
    same = "same"
    different = "different"
    unsure = "unsure"


class FacetChoice(StrEnum):
    identity = "identity"
    whereabouts = "whereabouts"
    ret = "return"


@contextmanager
def _store(ctx: typer.Context) -> Iterator[tuple[Store, ReviewPolicy]]:
    try:
        policy = review.load_policy(settings_from(ctx).home)
    except (StoreError, WorkflowRefused) as exc:
        raise fail(str(exc)) from None
    with opened_store(ctx, reported=(WorkflowRefused, AccountError)) as store:
        try:
            yield store, policy
        except COLLISIONS as exc:
            # Another reviewer's change collided with this one (same pair created at the same
            # moment, a lock wait that timed out): nothing was written; trying again is safe.
            raise fail(
                f"Another change to the same data happened at the same moment "
                f"({collision_name(exc)}); nothing was changed. Run the command again."
            ) from None
        except PairNotFound:
            raise fail(
                "No such pair among the records you may see: check both SOURCE:ID."
            ) from None
        except CaseNotFound as exc:
            raise fail(str(exc) or "No such case.") from None


def _actor(store: Store, name: str | None, action: str) -> Reviewer:
    """Who works (decision 0424): the user named (--user/--as, KINTRACE_USER) with their role
    and agency, allowed `action` only if the web allows it to their role; nobody named, the
    operator, on every agency's pairs and cases."""
    with store.session() as session:
        return review.command_reviewer(acting(session, name, action=action))


def _key(text: str) -> RecordKey:
    try:
        return parse_record_key(text)
    except ValueError as exc:
        raise fail(str(exc)) from None


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- review


_AGREEMENT_STYLE = {
    "same": "green",
    "equivalent": "cyan",
    "close": "yellow",
    "partial": "yellow",
    "different": "red",
}


def _print_pair(view: PairView, item: QueueItem | None) -> None:
    # the two SOURCE:IDs whole on their own lines, for `kintrace review decide`: as column
    # headers they were folded in two on an 80-column terminal (issue 12, finding 8)
    out.print("Pair to review (SYNTHETIC if demo data)", markup=False)
    for number, side in ((1, view.left), (2, view.right)):
        out.print(f"  record {number}: {side.key} ({side.kind})", markup=False, highlight=False,
                  no_wrap=True, overflow="ignore", crop=False)  # fmt: skip
    table = Table(show_lines=False)
    table.add_column("field")
    table.add_column("record 1", overflow="fold")
    table.add_column("record 2", overflow="fold")
    table.add_column("agreement", overflow="fold")
    for name in review.SHOWN:
        if name not in view.left.fields and name not in view.right.fields:
            continue
        found = view.agreement.get(name)
        style = _AGREEMENT_STYLE.get(found.state, "") if found else ""
        label = found.label if found else ""
        table.add_row(
            Text(name, style=style),
            view.left.fields.get(name, ""),
            view.right.fields.get(name, ""),
            Text(label, style=style),
        )
        if name in view.left.latin or name in view.right.latin:
            table.add_row(
                "  latin",
                view.left.latin.get(name, ""),
                view.right.latin.get(name, ""),
                "",
                style="dim",
            )
    out.print(table)
    out.print(
        "agreement: [green]same[/], [cyan]same in another spelling[/], "
        "[yellow]close spelling or partly[/], [red]different[/]",
        markup=True,
    )
    if view.probability is not None:
        out.print(f"model: probability {view.probability:.4f}, match weight {view.weight:+.2f}")
        for comparison, weight in view.weights.items():
            colour = "green" if weight > 0 else "red" if weight < 0 else "white"
            out.print(Text.assemble(f"  {comparison:<24} ", (f"{weight:+.2f}", colour)))
    else:
        out.print("model: this pair was not scored by the last link run")
    if view.others:
        out.print("other candidates of either record:")
        for c in view.others:
            out.print(f"  {c.left} ~ {c.right}  {c.probability:.3f}  {c.status}")
    if item is not None and item.spot_check:
        out.print(
            "spot check: the model linked this pair on its own; say whether it is right "
            "(rejecting it needs --note)."
        )
    if item is not None:
        until = f"{item.lease_expires_at:%H:%M} UTC" if item.lease_expires_at else "?"
        waiting = " (second confirmation wanted)" if item.first_reviewer else ""
        out.print(f"claimed by you until {until}, token {item.token}{waiting}")
    out.print(
        f"decide with: kintrace review decide {view.left.key} {view.right.key} "
        "same|different|unsure [--note TEXT]"
    )


@review_app.command("next")
def next_command(ctx: typer.Context, as_user: AsUser = None) -> None:
    """Claim the most valuable waiting pair (or the one you hold) and show it."""
    with _store(ctx) as (store, policy):
        actor = _actor(store, as_user, "review.work")
        with store.session(write=True) as session:
            review.sync(session, policy=policy, now=_now())
        with store.session(write=True) as session:
            item = review.claim_next(session, actor, policy=policy, now=_now())
        if item is None:
            out.print("No pair is waiting for you. Run `kintrace link` to score new records.")
            return
        with store.session(write=True) as session:
            view = review.show_pair(session, actor, left=item.left, right=item.right)
        _print_pair(view, item)


@review_app.command("skip")
def skip_command(ctx: typer.Context, as_user: AsUser = None) -> None:
    """Give the pair you hold back to the queue without a verdict."""
    with _store(ctx) as (store, _policy):
        actor = _actor(store, as_user, "review.work")
        with store.session(write=True) as session:
            held = review.skip(session, actor, now=_now())
        if held is None:
            out.print("You hold no pair.")
            return
    out.print(f"{held.left} ~ {held.right} is back in the queue.")


@review_app.command("show")
def show_command(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="First record, SOURCE:ID.")],
    right: Annotated[str, typer.Argument(help="Second record, SOURCE:ID.")],
    as_user: AsUser = None,
) -> None:
    """Show a pair side by side without claiming it."""
    a, b = _key(left), _key(right)
    with _store(ctx) as (store, _policy):
        actor = _actor(store, as_user, "review.read")
        with store.session(write=True) as session:
            view = review.show_pair(session, actor, left=a, right=b)
        _print_pair(view, None)


@review_app.command("decide")
def decide_command(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="First record, SOURCE:ID.")],
    right: Annotated[str, typer.Argument(help="Second record, SOURCE:ID.")],
    verdict: Annotated[
        VerdictChoice, typer.Argument(help="same (one child), different, or unsure.")
    ],
    note: Annotated[
        str, typer.Option(help="Why; required to reject a pair above the auto-link threshold.")
    ] = "",
    as_user: AsUser = None,
) -> None:
    """Give a verdict on a pair (the one you claimed, or any two records)."""
    a, b = _key(left), _key(right)
    with _store(ctx) as (store, policy):
        actor = _actor(store, as_user, "review.work")
        with store.session(write=True) as session:
            result = review.decide_pair(
                session,
                actor,
                left=a,
                right=b,
                verdict=Verdict(verdict.value),
                note=note,
                policy=policy,
                now=_now(),
            )
    out.print(
        f"decision {result.decision_id}: {result.left} ~ {result.right} -> {result.status.value}"
    )
    if result.status.value == "awaiting_second":
        out.print("the two-person rule applies: a second reviewer must confirm this pair.")


@review_app.command("undo")
def undo_command(
    ctx: typer.Context,
    decision_id: Annotated[
        int | None,
        typer.Argument(help="Decision to undo (default: your latest).", show_default=False),
    ] = None,
    note: Annotated[str, typer.Option(help="Why the decision is undone.")] = "",
    as_user: AsUser = None,
) -> None:
    """Undo a decision: a new decision supersedes it; nothing is deleted."""
    with _store(ctx) as (store, policy):
        actor = _actor(store, as_user, "review.work")
        with store.session(write=True) as session:
            result = review.undo(
                session, actor, decision_id=decision_id, note=note, policy=policy, now=_now()
            )
    out.print(
        f"decision {result.decision_id} undoes an earlier one: "
        f"{result.left} ~ {result.right} -> {result.status.value}"
    )


@review_app.command("decisions")
def decisions_command(
    ctx: typer.Context,
    mine: Annotated[bool, typer.Option("--mine", help="Only my decisions.")] = False,
    record: Annotated[
        str | None, typer.Option(help="Only decisions touching SOURCE:ID.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
    as_user: AsUser = None,
) -> None:
    """List decisions, newest first (undone ones marked)."""
    key = _key(record) if record else None
    with _store(ctx) as (store, _policy):
        actor = _actor(store, as_user, "review.read")
        with store.session() as session:
            rows = review.decisions_of(session, actor, mine=mine, key=key, limit=limit)
    table = Table()
    for column in ("id", "when (UTC)", "reviewer", "pair", "verdict", "pair after", "undone"):
        table.add_column(column)
    for r in rows:
        verdict = f"undo of {r.undoes_id}" if r.undoes_id else r.verdict
        table.add_row(
            str(r.id),
            f"{r.decided_at:%Y-%m-%d %H:%M}",
            r.reviewer,
            f"{r.left} ~ {r.right}",
            verdict,
            r.status_after,
            "yes" if r.undone else "",
        )
    out.print(table)


@review_app.command("status")
def status_command(ctx: typer.Context, as_user: AsUser = None) -> None:
    """How many pairs wait, and how many are confirmed, rejected or unsure (in a user's place,
    the pairs whose two records are their agency's, as the web counts them)."""
    with _store(ctx) as (store, policy):
        actor = _actor(store, as_user, "review.status")
        with store.session(write=True) as session:
            counts = review.queue_status(session, policy=policy, now=_now())
            if not actor.every_agency:
                counts = review.counts(session, actor)
    for status, n in counts.items():
        out.print(f"{status:<16} {n}")


# ---------------------------------------------------------------- cases


def _print_case(view: CaseView) -> None:
    s = view.state
    out.print(
        Text.assemble(
            (f"case {view.id}", "bold"),
            f" follows {view.subject}; assigned to {view.assignee or 'nobody'}",
        )
    )
    out.print(f"  identity     {s.identity.value}")
    where = s.whereabouts.value
    if s.place:
        where += f" ({s.place}, {s.place_date})"
    out.print(f"  whereabouts  {where}")
    stage = s.return_stage.value + (f" ({s.closed_reason})" if s.closed_reason else "")
    out.print(f"  return       {stage}")


@cases_app.command("open")
def open_command(
    ctx: typer.Context,
    subject: Annotated[
        str | None,
        typer.Argument(
            help="The record the case follows, SOURCE:ID (usually a family's report).",
            show_default=False,
        ),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(help="Open the case on a person (its family report).", show_default=False),
    ] = None,
    assign: Annotated[
        str | None, typer.Option(help="Caseworker to assign.", show_default=False)
    ] = None,
    note: Annotated[str, typer.Option(help="A note on the timeline.")] = "",
    as_user: AsUser = None,
) -> None:
    """Open a case for a sought child."""
    if (subject is None) == (person is None):
        raise fail("Give a record (SOURCE:ID) or --person PERSON_ID: one of them, not both.")
    key = _key(subject) if subject else None
    with _store(ctx) as (store, policy):
        actor = _actor(store, as_user, "cases.open")
        with store.session(write=True) as session:
            view = cases.open_case(
                session,
                actor,
                subject=key,
                person_id=person,
                now=_now(),
                policy=policy,
                assignee=assign,
                note=note,
            )
    _print_case(view)


@cases_app.command("list")
def list_command(
    ctx: typer.Context,
    mine: Annotated[bool, typer.Option("--mine", help="Only cases assigned to me.")] = False,
    stalled: Annotated[
        int | None,
        typer.Option(help="Only cases without progress for this many days.", show_default=False),
    ] = None,
    new: Annotated[
        bool, typer.Option("--new", help="Only cases with records new since I last looked.")
    ] = False,
    closed: Annotated[bool, typer.Option("--closed", help="Include closed cases.")] = False,
    as_user: AsUser = None,
) -> None:
    """List cases, optionally one of the work lists."""
    if stalled is not None and stalled < 0:
        raise fail(f"--stalled takes a number of days, 0 or more; got {stalled}.")
    with _store(ctx) as (store, _policy):
        actor = _actor(store, as_user, "cases.read")
        with store.session() as session:
            lines = cases.list_page(
                session,
                actor,
                now=_now(),
                mine=mine,
                stalled_days=stalled,
                new_records=new,
                include_closed=closed,
            )
            names = cases.names_of(session, [line.case.subject for line in lines])
    for line in lines:
        # one block per case, names first; the SOURCE:ID on a line of its own, never cut or
        # wrapped by the table's layout, ready to copy into the next command
        c = line.case
        name = names.get(c.subject)
        out.print(
            Text.assemble((f"case {c.id}", "bold"), f"  {name.line() if name else '(no name)'}"),
            soft_wrap=True,
            highlight=False,
        )
        out.print(f"    {c.subject}", soft_wrap=True, highlight=False, markup=False)
        facts = [
            c.assignee or "unassigned",
            f"identity {c.state.identity.value}",
            f"whereabouts {c.state.whereabouts.value}",
            f"return {c.state.return_stage.value}",
            f"last progress {c.last_progress_at:%Y-%m-%d}",
        ]
        if line.new_records:
            facts.append("new records: " + ", ".join(map(str, line.new_records)))
        out.print("    " + " · ".join(facts), soft_wrap=True, highlight=False, markup=False)
    out.print(f"{len(lines)} case(s)")


@cases_app.command("show")
def show_case_command(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(help="Case number.")],
    as_user: AsUser = None,
) -> None:
    """Show a case: its facets, the records behind it and its timeline."""
    with _store(ctx) as (store, _policy):
        actor = _actor(store, as_user, "cases.read")
        with store.session(write=True) as session:
            sheet: CaseSheet = cases.show(session, actor, case_id=case_id, now=_now())
    view, records, events, behind = sheet.case, sheet.records, sheet.events, sheet.decisions
    _print_case(view)
    out.print("records:")
    labels = {
        "subject": "the case's record",
        "confirmed": "confirmed by reviewers",
        "linked": "linked automatically, not confirmed",
    }
    for r in records:
        since = f", {r.joined_at:%Y-%m-%d}" if r.joined_at else ""
        out.print(f"  {r.key}  ({labels[r.how]}{since})")
    if behind:
        out.print("decisions on the case's record:")
        for d in behind:
            out.print(
                f"  {d.id}: {d.left} ~ {d.right} {d.verdict} by {d.reviewer} -> {d.status_after}"
                + (" (undone)" if d.undone else "")
            )
    out.print("timeline:")
    for e in events:
        what = e.kind
        if e.kind == "transition":
            what = f"{e.facet}: {e.from_state} -> {e.to_state}"
        elif e.kind == "assigned":
            what = f"assigned: {e.from_state or 'nobody'} -> {e.to_state}"
        extra = "".join(f" {k}={v}" for k, v in e.details.items())
        basis = f" (decision {e.decision_id})" if e.decision_id else ""
        note = f" — {e.note}" if e.note else ""
        out.print(f"  {e.at:%Y-%m-%d %H:%M} {e.actor}: {what}{extra}{basis}{note}")


@cases_app.command("set")
def set_command(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(help="Case number.")],
    facet: Annotated[FacetChoice, typer.Argument(help="identity, whereabouts or return.")],
    state: Annotated[
        str, typer.Argument(help="New state, e.g. verified, known, requested, closed.")
    ],
    note: Annotated[str, typer.Option(help="Why (required for verification and steps back).")] = "",
    place: Annotated[
        str | None, typer.Option(help="Where the child is (whereabouts known).", show_default=False)
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(help="Date the child was known to be there, YYYY-MM-DD.", show_default=False),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help="Why the case is closed.", show_default=False)
    ] = None,
    decision: Annotated[
        int | None,
        typer.Option(help="Id of the confirmed decision the change rests on.", show_default=False),
    ] = None,
    as_user: AsUser = None,
) -> None:
    """Move one facet of a case; forbidden moves are refused with what is allowed."""
    with _store(ctx) as (store, policy):
        day = cases.parse_day(on) if on else None
        change = Change(
            Facet(facet.value),
            state.strip().lower(),
            note=note,
            place=place,
            on=day,
            reason=reason,
            decision_id=decision,
        )
        actor = _actor(store, as_user, "cases.move")
        with store.session(write=True) as session:
            view = cases.set_facet(
                session, actor, case_id=case_id, change=change, now=_now(), policy=policy
            )
    _print_case(view)


@cases_app.command("assign")
def assign_command(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(help="Case number.")],
    user: Annotated[str, typer.Argument(help="Caseworker to assign.")],
    as_user: AsUser = None,
) -> None:
    """Assign a case to a caseworker."""
    with _store(ctx) as (store, _policy):
        actor = _actor(store, as_user, "cases.open")
        with store.session(write=True) as session:
            view = cases.assign(session, actor, case_id=case_id, assignee=user, now=_now())
    _print_case(view)


# ---------------------------------------------------------------- model


@model_app.command("retrain")
def retrain_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the figures; write no model.")
    ] = False,
    as_user: AsUser = None,
) -> None:
    """Re-estimate the model from confirmed and rejected pairs; print accuracy before and after."""
    with _store(ctx) as (store, policy):
        actor = _actor(store, as_user, "model.retrain")
        with err.status("retraining") as status:
            report = review.retrain(
                store,
                actor,
                policy=policy,
                home=settings_from(ctx).home,
                now=_now(),
                save=not dry_run,
                progress=lambda msg: status.update(msg),
            )
    table = Table(title=f"Labelled pairs: {report.labels} ({report.matches} confirmed)")
    for column in ("model", "accuracy", "precision", "recall", "F1", "log-loss"):
        table.add_column(column, justify="right" if column != "model" else "left")
    rows = (
        ("before", report.before),
        ("after", report.after_in_sample),
        ("before, cross-validated", report.before_cross_validated),
        ("after, cross-validated", report.after_cross_validated),
    )
    for label, f in rows:
        table.add_row(
            label,
            f"{f.accuracy:.3f}",
            f"{f.precision:.3f}",
            f"{f.recall:.3f}",
            f"{f.f1:.3f}",
            f"{f.log_loss:.4f}",
        )
    out.print(table)
    if not report.changed:
        out.print(
            "No update improves the model on the decisions (cross-validated) without changing "
            "which pairs it links on its own: the model stays as it is."
        )
        return
    strength = report.chosen.prior_strength
    out.print(
        f"update: m blended with the current model weighing {strength:g} pairs, "
        f"prior shifted {report.chosen.shift:+g} bits"
        if strength != float("inf")
        else f"update: prior shifted {report.chosen.shift:+g} bits"
    )
    if report.path is not None:
        out.print(f"model written to {report.path}")
        out.print(f"rescore the registry with it: kintrace link --model {report.path}")
    elif dry_run:
        out.print("--dry-run: no model written.")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(review_app, name="review")
    app.add_typer(cases_app, name="cases")
    app.add_typer(model_app, name="model")
