"""Link runs as the daily work needs them: after an import, one run at a time, and the review
queue filled from the run straight away (issue 12, findings 2 and 4).

`link_registry` is the one entry the web's link jobs, `kintrace link` and the link after
`kintrace import` call: it reads the review policy (`<home>/review-policy.toml`) and sets the
engine's spill directory under the home directory itself, so the web and the CLI cannot
configure a run differently (issue 17).

A list is not found by search alone: its records must be linked and the doubtful pairs put
before reviewers. `link_and_queue` is what the import (web and command line) and `kintrace link`
call: it waits for any link run in progress (the registry's lock, kintrace.store.locks), runs
the link (`kintrace.services.linkage.link`, with the reviewers' verdicts), then brings the review
queue up to date, so every pending pair of the run is listed before anyone claims one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kintrace import audit_checkpoint
from kintrace.cases import ReviewPolicy, WorkflowRefused
from kintrace.linkage.engine import ENGINES, EngineConfig, EngineError
from kintrace.linkage.errors import LinkInputError
from kintrace.linkage.spec import Thresholds
from kintrace.review import queue
from kintrace.review.policy import load_policy
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_runs
from kintrace.store.locks import link_run_lock
from kintrace.store.review_tables import review_sync

if TYPE_CHECKING:  # the linkage service loads Splink and pandas: only a link run pays for them
    from kintrace.services.linkage import LinkOptions, LinkReport

__all__ = [
    "ENGINES",
    "EngineError",
    "LinkInputError",
    "LinkOutcome",
    "LinkRequest",
    "Thresholds",
    "WorkflowRefused",
    "bring_queue_up_to_date",
    "link_and_queue",
    "link_registry",
    "queue_behind",
]

Progress = Callable[[str], None]
WAITING = "waiting for the link run in progress to finish"


@dataclass(frozen=True)
class LinkOutcome:
    """The run's figures and what it added to the review queue."""

    report: LinkReport
    queued: int  # pairs added to the review queue
    withdrawn: int  # waiting pairs the run no longer wants reviewed


@dataclass(frozen=True)
class LinkRequest:
    """What a caller may choose about a link run (`kintrace link`'s options); the defaults are
    the run after an import: incremental, DuckDB, the model's thresholds."""

    full: bool = False
    engine: str = "duckdb"  # one of ENGINES
    memory_limit: str | None = None
    thresholds: Thresholds | None = None
    model: dict[str, Any] | None = None  # a saved model to rescore everything with


def link_registry(
    store: Store,
    *,
    actor: str,
    request: LinkRequest | None = None,
    progress: Progress | None = None,
) -> LinkOutcome:
    """Link the registry as `actor` and fill the review queue, with the review policy of the
    store's home directory (WorkflowRefused when that file is wrong) and the engine spilling
    to `<home>/link-tmp`. Raises LinkInputError (cannot be linked yet) and EngineError."""
    from kintrace.services.linkage import LinkOptions

    request = request or LinkRequest()
    if request.engine not in ENGINES:
        raise EngineError(f"engine {request.engine!r} is not known; use duckdb or spark.")
    home = store.settings.home
    policy = load_policy(home)
    options = LinkOptions(
        full=request.full,
        model=request.model,
        engine=EngineConfig(
            name=request.engine,  # type: ignore[arg-type]
            memory_limit=request.memory_limit,
            temp_dir=home / "link-tmp",
        ),
        thresholds=request.thresholds,
        actor=actor,
    )
    return link_and_queue(store, policy=policy, options=options, progress=progress)


def link_and_queue(
    store: Store,
    *,
    policy: ReviewPolicy,
    options: LinkOptions | None = None,
    progress: Progress | None = None,
) -> LinkOutcome:
    """Link the registry (waiting for a run in progress), then fill the review queue.

    Raises what the linkage service raises (LinkInputError when the registry cannot be linked
    yet, e.g. too few records to train a model).
    """
    from kintrace.services import linkage

    say = progress or (lambda _message: None)
    with link_run_lock(store, waiting=lambda: say(WAITING)):
        report = linkage.link(store, options=options, progress=say)
        say("filling the review queue")
        with store.session(write=True) as session:
            added, _, withdrawn = queue.sync_from_links(session, policy=policy, now=_now())
            # The run's audit entries, vouched for by a signed checkpoint (decision 0415).
            audit_checkpoint.write_after_run(session, store.settings.home)
    return LinkOutcome(report=report, queued=added, withdrawn=withdrawn)


def queue_behind(store: Store) -> bool:
    """True when a link run finished after the review queue was last filled."""
    with store.session() as session:
        last_run = session.scalar(
            select(func.max(link_runs.c.id)).where(link_runs.c.state == "done")
        )
        synced = session.scalar(select(review_sync.c.link_run_id).where(review_sync.c.id == 1))
    return last_run is not None and (synced is None or synced < last_run)


def bring_queue_up_to_date(store: Store, *, policy: ReviewPolicy) -> int:
    """Fill the queue from the last run if it is behind (a run started elsewhere, e.g. an older
    `kintrace link`); returns the pairs added. Cheap when it is not behind: one read."""
    if not queue_behind(store):
        return 0
    with store.session(write=True) as session:
        added, _, _ = queue.sync_from_links(session, policy=policy, now=_now())
    return added


def _now() -> datetime:
    return datetime.now(UTC)
