"""A real server (`kintrace serve` in a subprocess) over a registry of synthetic records, and
Debian's Chromium driven by Playwright. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from support.seed import minimal_model

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "browser"
PASSWORD = "synthetic e2e passphrase"
REVIEWER_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # test-only key
# two reviewers for the two-person confirmation (test-only keys)
PAIR_REVIEWERS = {
    "e2e-rev-a": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
    "e2e-rev-b": "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
}
# a reviewer of its own for the dashboard and phone test: a TOTP code works once, so a test
# signing in a pair reviewer in the same 30 s step as another test is refused (test-only key)
DASHBOARD_REVIEWER = ("e2e-rev-c", "ONSWG4TFORRXEZLUONSWG4TFORRXEZLU")
MODEL = minimal_model(("given_name", "family_name", "birth_date"))
ROWS = [  # synthetic
    ("family-reports", "f1", "Олександр", "Ковальчук", "2012-03-14", "Херсон"),
    ("camp-list", "c1", "Олександр", "Ковальчук", "2012-03-14", "Херсон"),
    ("adoption-list", "d1", "Александр", "Ковальчук", "2012-03-14", "Херсон"),
    ("camp-list", "c2", "Марія", "Шевченко", "2010-07-01", "Маріуполь"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(home: Path) -> None:
    import json

    from sqlalchemy import update

    from kintrace.accounts.demo import mark_synthetic
    from kintrace.accounts.roles import Role
    from kintrace.cases import RecordKey
    from kintrace.cases import Role as CaseRole
    from kintrace.config import load_settings
    from kintrace.registry.importer import import_file
    from kintrace.review import casework
    from kintrace.review.actors import Actor
    from kintrace.review.policy import default_policy
    from kintrace.store.engine import open_store
    from kintrace.store.registry_tables import Source
    from support.seed import (
        add_link_pair,
        add_link_run,
        add_linked_records,
        add_user_with_totp,
        write_records_csv,
    )

    store = open_store(load_settings(home, env={}))
    import_file(store, write_records_csv(home / "synthetic.csv", ROWS), actor="e2e")
    now = datetime.now(UTC)
    with store.session(write=True) as db:
        mark_synthetic(db)
        add_user_with_totp(
            db,
            username="e2e-caseworker",
            password=PASSWORD,
            role=Role.CASEWORKER,
            secret=None,
            at=now,
        )
        add_user_with_totp(
            db,
            username="e2e-reviewer",
            password=PASSWORD,
            role=Role.REVIEWER,
            secret=REVIEWER_SECRET,
            at=now,
            language="uk",
        )
        for name, secret in (*PAIR_REVIEWERS.items(), DASHBOARD_REVIEWER):
            add_user_with_totp(
                db, username=name, password=PASSWORD, role=Role.REVIEWER, secret=secret, at=now
            )
        # a family's report against a camp list: the two-person rule applies
        for source, kind in (("family-reports", "family"), ("camp-list", "camp")):
            db.execute(update(Source).where(Source.name == source).values(kind=kind))
        run = add_link_run(db, at=now, model_name="e2e", model_json=json.dumps(MODEL))
        add_linked_records(
            db,
            run_id=run,
            members=[
                ("camp-list", "c1", "P000001"),
                ("adoption-list", "d1", "P000001"),
                ("family-reports", "f1", "P000001"),
            ],
        )
        add_link_pair(
            db,
            run_id=run,
            left=("adoption-list", "d1"),
            right=("camp-list", "c1"),
            probability=0.991,
            weight=7.0,
            status="auto",
        )
        for (sl, rl, sr, rr), probability, status in (
            (("adoption-list", "d1", "family-reports", "f1"), 0.995, "auto"),
            (("camp-list", "c1", "family-reports", "f1"), 0.9, "pending"),
        ):
            add_link_pair(
                db,
                run_id=run,
                left=(sl, rl),
                right=(sr, rr),
                probability=probability,
                weight=3.17,
                status=status,
                weights=json.dumps({"given_name": 6.49, "family_name": 6.49, "birth_date": -3.31}),
            )
        casework.open_case(
            db,
            actor=Actor("e2e-admin", CaseRole.ADMIN),
            subject=RecordKey("family-reports", "f1"),
            now=now,
            policy=default_policy(),
        )
    store.close()


@pytest.fixture(scope="session")
def e2e_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registry the server runs on (tests read its audit log)."""
    home = tmp_path_factory.mktemp("e2e-home")
    _seed(home)
    return home


@pytest.fixture(scope="session")
def server(e2e_home: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    home = e2e_home
    port = _free_port()
    kintrace = Path(sys.executable).with_name("kintrace")
    process = subprocess.Popen(
        [str(kintrace), "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a busy shared machine starts it slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            process.kill()
            pytest.fail("the server did not start: " + process.stderr.read().decode()[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
