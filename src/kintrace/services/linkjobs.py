"""Link runs after an import, in the background: one at a time, each followed by its job's state
(issue 12, finding 4). The web's uploads use them (the import page and the JSON API follow the
job); any caller that must not wait for the run (a server, an API) can.

An upload returns as soon as its rows are in; the link run that scores them takes longer (a
minute on a large registry), so it runs on a worker thread, never on the caller's event loop, and
the thread hands the run itself to a child process, so that its CPU does not slow the requests
(decision 0422). Requests
that arrive while a run is queued join it (one incremental run links every list that came in);
a request during a run queues the next one. Across processes (a second web worker, a
`kintrace import` at the same time) the registry's link lock makes runs wait for each other
(`kintrace.services.linkruns`). A run interrupted by a restart leaves the previous results intact;
the next import links what it missed.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kintrace.services.context import Store

log = logging.getLogger(__name__)
#: Finished jobs kept for their status pages.
KEEP_JOBS = 200

Say = Callable[[str], None]
Runner = Callable[["LinkJob", Say], Any]


@dataclass(frozen=True)
class LinkJob:
    """One background link run as its followers see it (figures only, no names)."""

    id: int
    requested_by: str
    requested_at: datetime
    batches: tuple[int, ...] = ()
    state: str = "queued"  # queued | running | done | not-linked | failed
    stage: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "not-linked", "failed")

    def seconds(self, now: datetime | None = None) -> int:
        start = self.started_at or self.requested_at
        end = self.finished_at or now or datetime.now(UTC)
        return max(0, int((end - start).total_seconds()))


class LinkJobs:
    """A process's queue of link runs (one worker thread while there is work)."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self._lock = threading.Lock()
        self._jobs: dict[int, LinkJob] = {}
        self._queue: deque[int] = deque()
        self._worker: threading.Thread | None = None
        self._next = 1

    def request(self, *, actor: str, batch_id: int | None = None) -> LinkJob:
        """A link run for newly imported rows: the queued one if any (it will see them too),
        else a new one after the run in progress."""
        with self._lock:
            for job_id in self._queue:
                job = self._jobs[job_id]
                if batch_id is not None:
                    job = self._jobs[job_id] = replace(job, batches=(*job.batches, batch_id))
                return job
            job = LinkJob(
                id=self._next,
                requested_by=actor,
                requested_at=datetime.now(UTC),
                batches=(batch_id,) if batch_id is not None else (),
            )
            self._next += 1
            self._jobs[job.id] = job
            self._queue.append(job.id)
            self._forget_old()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="kintrace-link-jobs", daemon=True
                )
                self._worker.start()
            return job

    def after_import(self, *, actor: str, report: Mapping[str, Any]) -> LinkJob | None:
        """The link run that follows an import (`kintrace.services.imports` report): requested
        when the import changed the registry, else None (nothing new to link)."""
        if not report.get("changed"):
            return None
        return self.request(actor=actor, batch_id=report.get("batch_id"))

    def get(self, job_id: int) -> LinkJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def wait(self, job_id: int, timeout: float) -> LinkJob | None:
        """Block until the job has finished or `timeout` seconds passed (tests, the API)."""
        deadline = datetime.now(UTC).timestamp() + timeout
        while True:
            job = self.get(job_id)
            if job is None or job.finished or datetime.now(UTC).timestamp() > deadline:
                return job
            time.sleep(0.1)

    def _update(self, job_id: int, **changes: Any) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._worker = None
                    return
                job_id = self._queue.popleft()
                job = self._jobs[job_id] = replace(
                    self._jobs[job_id], state="running", started_at=datetime.now(UTC)
                )
            self._run(job)

    def _run(self, job: LinkJob) -> None:
        from kintrace.services.linkruns import LinkInputError

        try:
            outcome = self._runner(job, lambda stage: self._update(job.id, stage=stage))
        except LinkInputError as exc:
            self._update(
                job.id, state="not-linked", message=str(exc), finished_at=datetime.now(UTC)
            )
            return
        except Exception as exc:  # the worker must outlive any failure of one run
            log.error("link job %s failed: %s", job.id, type(exc).__name__)
            self._update(
                job.id,
                state="failed",
                message=f"{type(exc).__name__}: the link run stopped; the imported records are "
                "kept. Run it again with `kintrace link`, or import again.",
                finished_at=datetime.now(UTC),
            )
            return
        report = outcome.report
        self._update(
            job.id,
            state="done",
            stage="",
            finished_at=datetime.now(UTC),
            figures={
                "run_id": report.run_id,
                "mode": report.mode,
                "records_new": report.records_new,
                "pairs_auto": report.pairs_auto,
                "pairs_pending": report.pairs_pending,
                "queued": outcome.queued,
                "persons": report.persons,
            },
        )

    def _forget_old(self) -> None:
        finished = [i for i, j in self._jobs.items() if j.finished]
        for job_id in finished[: max(0, len(finished) - KEEP_JOBS)]:
            del self._jobs[job_id]


def _link_in_child(settings: Any, actor: str, conn: Any) -> None:
    """The child process's work: open the registry, link it as `actor`, send stages and the
    run's outcome (figures only), or the error's kind and, for LinkInputError, its message (no
    personal data)."""
    from kintrace.services.context import open_store
    from kintrace.services.linkruns import LinkInputError, link_registry

    def tell(message: tuple[str, Any]) -> None:
        # The parent may be gone (the server stopped): the run still finishes and is stored,
        # only nobody is left to hear about it.
        with contextlib.suppress(OSError):
            conn.send(message)

    try:
        store = open_store(settings)
        try:
            outcome = link_registry(store, actor=actor, progress=lambda s: tell(("stage", s)))
        finally:
            store.close()
        tell(("done", outcome))
    except LinkInputError as exc:
        tell(("not-linked", str(exc)))
    except BaseException as exc:  # reported to the parent, which logs the kind only
        tell(("failed", type(exc).__name__))
    finally:
        conn.close()


def run_in_child_process(settings: Any, actor: str, say: Say) -> Any:
    """One link run in a process of its own (spawned: a fresh interpreter). Scoring and
    clustering take seconds to minutes of CPU; in the server's own process they would hold the
    interpreter against the request threads (on PostgreSQL under bench/load_bench.py, read p95
    100-400 ms with the run beside the requests against 50-90 ms without: docs/security.md).
    Returns the run's LinkOutcome; raises LinkInputError with the child's message, RuntimeError
    when the child failed."""
    import multiprocessing

    from kintrace.services.linkruns import LinkInputError

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(
        target=_link_in_child, args=(settings, actor, send), name="kintrace-link-run", daemon=True
    )
    child.start()
    send.close()
    result: tuple[str, Any] | None = None
    try:
        while True:
            try:
                kind, value = receive.recv()
            except EOFError:
                break
            if kind == "stage":
                say(value)
            else:
                result = (kind, value)
    finally:
        receive.close()
        child.join()
    if result is None:
        raise RuntimeError(f"the link process ended without a result (exit code {child.exitcode})")
    kind, value = result
    if kind == "done":
        return value
    if kind == "not-linked":
        raise LinkInputError(value)
    raise RuntimeError(f"the link process failed: {value}")


def link_jobs_for(store: Store) -> LinkJobs:
    """The link jobs of a process serving `store` (the web app makes one at start):
    `kintrace.services.linkruns.link_registry` on this store's registry (the same run as
    `kintrace link` after an import: policy and engine set up by the service), each in a child
    process of its own (`run_in_child_process`)."""
    settings = store.settings

    def run(job: LinkJob, say: Say) -> Any:
        return run_in_child_process(settings, job.requested_by, say)

    return LinkJobs(run)
