"""CLI commands for linkage: link, explain, export links / clusters.

A few lines each over the services in kintrace.linkage; errors a user can fix are one clear
message and exit status 1, never a stack trace.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table
from rich.text import Text

from kintrace.cli.command import UserOption, acting, cli_actor, fail, opened_store
from kintrace.cli.output import literal_console
from kintrace.services import linkruns
from kintrace.services.accounts import Actor
from kintrace.services.context import Store
from kintrace.services.errors import AccountError
from kintrace.services.linkruns import Thresholds

out = literal_console()
err = literal_console(stderr=True)
export_app = typer.Typer(
    help="Write links or persons as CSV, with the children's names (docs/formats.md).",
    no_args_is_help=True,
)

LINK_HELP = (
    "Link every imported record: score pairs with the model, store them, resolve persons.\n\n"
    "The first run trains the model; later runs score only new or changed records against the "
    "registry with the saved model. [bold]--full[/] retrains and rescores everything. A registry "
    "too small or uniform to train a model is linked with the model shipped with Kintrace; the "
    "summary names the model and why (docs/linkage.md). Pairs at "
    "or above the auto-link threshold are linked; pairs from the review floor up to it wait for "
    "review (pending). An interrupted run leaves the previous results as they were."
)


def _store(ctx: typer.Context) -> AbstractContextManager[Store]:
    reported = (linkruns.LinkInputError, linkruns.EngineError, ValueError, AccountError)
    return opened_store(ctx, reported=reported)


def _actor(store: Store, user: str | None, action: str) -> Actor:
    """Who acts (decision 0424): the user named, in their place, or the operator."""
    with store.session() as db:
        return acting(db, user, action=action)


def _ref(text: str) -> tuple[str, str]:
    source, sep, record_id = text.partition(":")
    if not sep or not source or not record_id:
        raise fail(f"'{text}' is not a record reference: write SOURCE:RECORD_ID.")
    return source, record_id


def _read_model(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise fail(f"--model {path}: no such file.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(f"--model {path}: not a saved model ({type(exc).__name__}).") from None
    if not isinstance(data, dict) or "comparisons" not in data:
        raise fail(
            f"--model {path}: not a saved linkage model (no comparisons); use a file written by "
            "`kintrace model retrain` or saved with a link run."
        )
    return data


def link_command(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Retrain and rescore everything.")] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (default) or spark.", show_default=True)
    ] = "duckdb",
    auto_link: Annotated[
        float, typer.Option("--auto-link", help="Probability at or above which pairs link.")
    ] = Thresholds().auto_link,
    review_floor: Annotated[
        float, typer.Option("--review-floor", help="Probability from which pairs go to review.")
    ] = Thresholds().review_floor,
    unambiguous_link: Annotated[
        float,
        typer.Option(
            "--unambiguous-link",
            help="Probability from which a pending pair with no rival candidate links (1 = off).",
        ),
    ] = Thresholds().unambiguous_link,
    renamed_adoption_links: Annotated[
        bool,
        typer.Option(
            "--renamed-adoption-links/--no-renamed-adoption-links",
            help="Let the unambiguous rule link a renamed adoption-listing record whose given "
            "name, full birth date and sex agree (decision 0312), or one under a new first name "
            "with nothing else against it (decision 0359); off: always left for review.",
        ),
    ] = Thresholds().link_renamed_adoption,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="DuckDB memory limit, e.g. 6GB.")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="Rescore everything with this saved model instead of training one, e.g. "
            "one written by `kintrace model retrain` (implies --full).",
            show_default=False,
        ),
    ] = None,
) -> None:
    if engine not in linkruns.ENGINES:
        raise fail(f"--engine {engine!r} is not known; use duckdb or spark.")
    try:
        thresholds = Thresholds(
            auto_link=auto_link,
            review_floor=review_floor,
            unambiguous_link=unambiguous_link,
            link_renamed_adoption=renamed_adoption_links,
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    request = linkruns.LinkRequest(
        full=full,
        engine=engine,
        memory_limit=memory_limit,
        thresholds=thresholds,
        model=_read_model(model) if model is not None else None,
    )
    from kintrace.cli.linking import link_progress

    with _store(ctx) as store, link_progress() as say:
        outcome = linkruns.link_registry(store, actor=cli_actor(), request=request, progress=say)
    report = outcome.report
    if report.mode == "nothing-new":
        out.print(
            f"Nothing new to link: {report.records_total} records, {report.persons} persons. "
            "Use --full to retrain and rescore everything."
        )
        _print_warnings(report.warnings)
        return
    table = Table(title=f"link run {report.run_id} ({report.mode}, {engine})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for label, value in (
        ("records", report.records_total),
        ("new or changed records", report.records_new),
        ("pairs scored", report.pairs_scored),
        ("auto-linked pairs", report.pairs_auto),
        ("pairs pending review", report.pairs_pending),
        ("persons", report.persons),
        ("links refused (cannot-links, identity conflicts)", report.refused_by_constraints),
        ("pairs new in the review queue", outcome.queued),
        ("seconds", f"{report.seconds:.1f}"),
    ):
        table.add_row(label, str(value))
    out.print(table)
    _print_model(report)
    _print_warnings(report.warnings)


def _print_model(report: Any) -> None:
    """Which model scored the run, and why the shipped one when it was (docs/linkage.md)."""
    origin = report.model_origin
    of_run = "" if report.mode == "full" else f" (the model of run {report.model_run_id})"
    if origin == "shipped":
        out.print(
            Text.assemble(
                ("model:", "bold yellow"),
                f" the model shipped with Kintrace, {report.model_label}{of_run}: this "
                "registry cannot train its own yet",
            ),
            highlight=False,
        )
        for reason in report.model_reasons:
            out.print(f"  - {reason}", highlight=False)
        out.print(f"  {report.model_about}", highlight=False)
        out.print(
            "  (docs/linkage.md, 'When the registry cannot train a model'; once it can, "
            "kintrace link --full trains one on it)",
            highlight=False,
        )
    elif origin == "given":
        out.print(f"model: given with --model{of_run}", highlight=False)
    else:
        out.print(f"model: trained on this registry{of_run}", highlight=False)
        if report.floored:
            out.print(
                f"  {len(report.floored)} estimate(s) raised to their floor (too little data "
                "to estimate them; docs/linkage.md, 'Floors')",
                highlight=False,
            )


def _print_warnings(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        out.print(
            Text.assemble(("warning:", "bold yellow"), " ", warning),
            highlight=False,
            soft_wrap=True,
        )


def explain_command(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(metavar="SOURCE:ID", help="First record.")],
    right: Annotated[str, typer.Argument(metavar="SOURCE:ID", help="Second record.")],
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the waterfall chart to this file.")
    ] = None,
    user: UserOption = None,
) -> None:
    """Why two records are (or are not) one child: each comparison's level and weight."""
    from kintrace.services import linkage

    a, b = _ref(left), _ref(right)
    with _store(ctx) as store:
        explanation = linkage.explain(store, _actor(store, user, "pair.explain"), a, b)
    table = Table(title=f"{left}  vs  {right}")
    table.add_column("comparison")
    table.add_column("level")
    table.add_column("weight", justify="right")
    table.add_row(
        "prior", "how rare a match is among all pairs", f"{explanation.prior_weight:+.2f}"
    )
    for step in explanation.steps:
        table.add_row(step.comparison, step.level, f"{step.match_weight:+.2f}")
    table.add_row("total", "match weight", f"{explanation.match_weight:+.2f}")
    out.print(table)
    if explanation.agreement:
        fields = Table(title="fields (as on the pair and person pages)")
        fields.add_column("field")
        fields.add_column("agreement", overflow="fold")
        for name, found in explanation.agreement.items():
            fields.add_row(name, found.label)
        out.print(fields)
    status = explanation.stored_status or "not stored (below the review floor or not blocked)"
    if explanation.stored_rule:
        status += f", set by rule {explanation.stored_rule}"
    out.print(f"match probability {explanation.match_probability:.4f}; status: {status}")
    for note in explanation.notes:
        out.print(f"note: {note}")
    if html is not None:
        try:
            html.write_text(linkage.waterfall_html(explanation), encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {html}: {exc.strerror}") from None
        out.print(f"waterfall written to {html}")


RAW_HELP = (
    "Write cells unchanged, for programs. Without it, a cell that would start a spreadsheet "
    "formula (= + - @ or a tab) gets a leading ' (docs/formats.md)."
)


EXCEL_HELP = (
    "Start the file with a UTF-8 byte order mark, so Excel opens Cyrillic names correctly "
    "(programs reading UTF-8 may need to skip it)."
)


def _export(
    ctx: typer.Context,
    out_path: Path,
    which: Literal["links", "clusters"],
    *,
    raw: bool,
    excel: bool = False,
    user: str | None = None,
) -> None:
    from kintrace.services import linkage

    with _store(ctx) as store:
        actor = _actor(store, user, "export")
        try:
            encoding = "utf-8-sig" if excel else "utf-8"
            with out_path.open("w", encoding=encoding, newline="") as handle:
                count = linkage.export(store, actor, which, handle, raw=raw)
        except OSError as exc:
            raise fail(f"cannot write {out_path}: {exc.strerror}") from None
    out.print(f"{count} rows written to {out_path}")


@export_app.command("links")
def export_links_command(
    ctx: typer.Context,
    out_path: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    raw: Annotated[bool, typer.Option("--raw", help=RAW_HELP)] = False,
    excel: Annotated[bool, typer.Option("--excel", help=EXCEL_HELP)] = False,
    user: UserOption = None,
) -> None:
    """Scored pairs: both records' ids, probability, weight, status, then both children's
    names (as written and in Latin letters) and birth dates."""
    _export(ctx, out_path, "links", raw=raw, excel=excel, user=user)


@export_app.command("clusters")
def export_clusters_command(
    ctx: typer.Context,
    out_path: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    raw: Annotated[bool, typer.Option("--raw", help=RAW_HELP)] = False,
    excel: Annotated[bool, typer.Option("--excel", help=EXCEL_HELP)] = False,
    user: UserOption = None,
) -> None:
    """Every record with the person it is resolved to: source, record_id, person_id, then the
    child's name as written, in Latin letters, and birth date."""
    _export(ctx, out_path, "clusters", raw=raw, excel=excel, user=user)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("link", help=LINK_HELP)(link_command)
    app.command("explain")(explain_command)
    app.add_typer(export_app, name="export")
