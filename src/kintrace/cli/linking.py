"""The link run that follows `kintrace import` (issue 12, finding 4): the same service as
`kintrace link` (`kintrace.services.linkruns.link_registry`), with a progress bar and one summary
line. Linking that cannot run yet (a registry of one record) is said, not failed: the lists are
imported either way. A registry too small to train a model is linked with the shipped one, and
the summary says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from kintrace.cli.command import cli_actor, fail
from kintrace.cli.output import literal_console
from kintrace.services import linkruns
from kintrace.services.context import Store

out = literal_console()
err = literal_console(stderr=True)


def link_after_import(ctx: typer.Context, store: Store) -> None:
    """Link the new records and fill the review queue; print what happened."""
    try:
        with link_progress() as say:
            outcome = linkruns.link_registry(store, actor=cli_actor(), progress=say)
    except linkruns.LinkInputError as exc:
        out.print(
            Text.assemble(("Not linked yet:", "yellow"), " ", str(exc)),
            highlight=False,
            soft_wrap=True,
        )
        return
    except (linkruns.EngineError, linkruns.WorkflowRefused) as exc:
        raise fail(
            f"the lists are imported, and linking them failed: {exc} Run `kintrace link` when "
            "that is corrected."
        ) from None
    except Exception as exc:  # the import is done: a failing link run must not hide that
        raise fail(
            f"the lists are imported, and the link run after them stopped "
            f"({type(exc).__name__}: {str(exc)[:300]}). The previous link results are kept; "
            "run `kintrace link` to try again."
        ) from None
    report = outcome.report
    if report.mode == "nothing-new":
        out.print("Linked: nothing new to link.", highlight=False)
        return
    out.print(
        f"Linked (run {report.run_id}, {report.mode}): {report.records_new} new or changed "
        f"records, {report.pairs_auto} pairs linked, {report.pairs_pending} waiting for review "
        f"({outcome.queued} new in the review queue: `kintrace review next`, or the web "
        "review queue).",
        highlight=False,
        soft_wrap=True,
    )
    if report.model_origin == "shipped":
        out.print(
            f"  scored with the model shipped with Kintrace, {report.model_label}: the registry "
            "cannot train its own yet (`kintrace link --full` says why).",
            highlight=False,
            soft_wrap=True,
        )
    for warning in report.warnings:
        out.print(
            Text.assemble(("warning:", "bold yellow"), " ", warning),
            highlight=False,
            soft_wrap=True,
        )


@contextmanager
def link_progress() -> Iterator[Callable[[str], None]]:
    """A Rich progress bar showing the link run's stage and the time it has taken."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("linking", total=None)
        yield lambda message: bar.update(task, description=f"linking: {message}")
