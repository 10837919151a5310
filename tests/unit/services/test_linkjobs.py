"""Background link runs after imports (issue 12, finding 4; the web's uploads use them): one at
a time, requests during a queued run join it, a request during a run queues the next, failures
are reported, never raised."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from kintrace.linkage.service import LinkInputError
from kintrace.services.linkjobs import LinkJob, LinkJobs


@dataclass(frozen=True)
class _Report:
    run_id: int = 1
    mode: str = "incremental"
    records_new: int = 2
    pairs_auto: int = 1
    pairs_pending: int = 1
    persons: int = 3


@dataclass(frozen=True)
class _Outcome:
    report: _Report
    queued: int = 1


class GatedRunner:
    """Runs block until released; records how many run at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Semaphore(0)
        self.running = 0
        self.most = 0
        self.calls: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, job: LinkJob, say) -> _Outcome:  # type: ignore[no-untyped-def]
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.calls.append(job.id)
        say("scoring")
        self.started.release()
        self.release.wait(60)
        with self._lock:
            self.running -= 1
        return _Outcome(_Report(run_id=job.id))


def test_requests_queue_and_join_never_run_two_at_once() -> None:
    runner = GatedRunner()
    jobs = LinkJobs(runner)
    first = jobs.request(actor="a", batch_id=1)
    assert runner.started.acquire(timeout=60)
    running = jobs.get(first.id)
    assert running is not None and running.state == "running" and running.stage == "scoring"
    second = jobs.request(actor="b", batch_id=2)  # queued behind the run in progress
    third = jobs.request(actor="c", batch_id=3)  # joins the queued one: it will see both lists
    assert third.id == second.id and jobs.get(second.id).batches == (2, 3)  # type: ignore[union-attr]
    runner.release.set()
    done = jobs.wait(second.id, timeout=60)
    assert done is not None and done.state == "done" and done.figures["run_id"] == second.id
    assert jobs.get(first.id).state == "done"  # type: ignore[union-attr]
    assert runner.calls == [first.id, second.id] and runner.most == 1


@pytest.mark.parametrize(
    ("error", "state", "words"),
    [
        (LinkInputError("The registry has 3 records; training needs at least 50."), "not-linked",
         "at least 50"),
        (RuntimeError("boom"), "failed", "imported records are kept"),
    ],
)  # fmt: skip
def test_a_run_that_cannot_link_is_reported(error: Exception, state: str, words: str) -> None:
    def runner(job: LinkJob, say) -> None:  # type: ignore[no-untyped-def]
        raise error

    jobs = LinkJobs(runner)
    job = jobs.wait(jobs.request(actor="a").id, timeout=60)
    assert job is not None and job.state == state and words in (job.message or "")
    again = jobs.wait(jobs.request(actor="a").id, timeout=60)  # the worker outlived it
    assert again is not None and again.state == state


def test_an_import_that_changed_nothing_asks_for_no_run() -> None:
    runner = GatedRunner()
    jobs = LinkJobs(runner)
    assert jobs.after_import(actor="a", report={"changed": False, "batch_id": 4}) is None
    job = jobs.after_import(actor="a", report={"changed": True, "batch_id": 5})
    assert job is not None and job.batches == (5,) and job.requested_by == "a"
    runner.release.set()
    done = jobs.wait(job.id, timeout=60)
    assert done is not None and done.state == "done" and runner.calls == [job.id]
