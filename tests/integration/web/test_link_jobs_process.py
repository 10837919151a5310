"""The web's link runs happen in a child process (the requests keep the interpreter): a child
that cannot open the registry is reported as a failed run, never raised into the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from kintrace.config import Settings
from kintrace.services.linkjobs import LinkJobs, run_in_child_process


def test_a_child_that_fails_is_reported_as_a_failed_run(tmp_path: Path) -> None:
    # Port 1 on loopback: nothing listens there, so the child's store cannot connect.
    settings = Settings(
        home=tmp_path, database_url="postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    )
    stages: list[str] = []
    with pytest.raises(RuntimeError, match="the link process failed"):
        run_in_child_process(settings, "caseworker", stages.append)

    jobs = LinkJobs(lambda job, say: run_in_child_process(settings, job.requested_by, say))
    job = jobs.wait(jobs.request(actor="caseworker").id, timeout=120)
    assert job is not None and job.state == "failed"
    assert "imported records are kept" in (job.message or "")
