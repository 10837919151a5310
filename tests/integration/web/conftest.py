"""A web app over a real store with synthetic records in two agencies, and signed-in clients.

All names below are synthetic test data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from kintrace.accounts import users
from kintrace.accounts.roles import Role
from kintrace.config import Settings
from kintrace.registry import scope
from kintrace.registry.importer import import_file
from kintrace.store.engine import Store
from kintrace.store.registry_tables import Source
from kintrace.web.app import create_app
from kintrace.web.options import WebOptions
from support.seed import (
    add_link_pair,
    add_link_run,
    add_linked_records,
    add_review_item,
    add_user_with_totp,
    minimal_model,
    write_records_csv,
)

PASSWORD = "correct horse battery staple"
LOOPBACK = ("127.0.0.1", 50000)
SYNTHETIC_ROWS = [  # (source, record_id, given, family, birth_date, birth_place)
    ("list-a", "a1", "Олександр", "Ковальчук", "2012-03-14", "Херсон"),
    ("list-a", "a2", "Марія", "Шевченко", "2010-07-01", "Маріуполь"),
    ("list-r", "r1", "Александр", "Ковальчук", "2012-03-14", "Херсон"),
    ("list-r", "r2", "Дарья", "Бондаренко", "2011", "Мелитополь"),
]
PARTNER_ROWS = [("list-p", "p1", "Oleksandr", "Kovalchuk", "2012-03-14", "Kherson")]


_HASHES: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _hash_each_password_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id costs about half a second here; the fixtures give many users one password, so
    hash it once per run (verification stays real)."""
    from kintrace.accounts import passwords

    real = passwords.hash_password

    def cached(password: str) -> str:
        if password not in _HASHES:
            _HASHES[password] = real(password)
        return _HASHES[password]

    monkeypatch.setattr(passwords, "hash_password", cached)


@pytest.fixture
def seeded(sqlite_store: Store, tmp_path: Path) -> dict[str, int]:
    """Records of the home agency (list-a, list-r) and of a partner agency (list-p)."""
    return seed_agencies(sqlite_store, tmp_path)


def seed_agencies(store: Store, tmp_path: Path) -> dict[str, int]:
    """`seeded` on any store (the tests that run on both backends call it themselves)."""
    import_file(store, write_records_csv(tmp_path / "home.csv", SYNTHETIC_ROWS), actor="test")
    import_file(store, write_records_csv(tmp_path / "partner.csv", PARTNER_ROWS), actor="test")
    now = datetime.now(UTC)
    with store.session(write=True) as db:
        partner = users.ensure_agency(db, code="partner", name="Partner", now=now)
        partner_source = db.query(Source).filter(Source.name == "list-p").one()
        scope.assign_source(db, source_id=partner_source.id, agency_id=partner)
        for role in Role:
            add_user_with_totp(
                db,
                username=f"u-{role.value}",
                password=PASSWORD,
                role=role,
                secret=secret_of(f"u-{role.value}"),
                at=now,
            )
        add_user_with_totp(
            db,
            username="u-partner",
            password=PASSWORD,
            role=Role.CASEWORKER,
            secret=secret_of("u-partner"),
            at=now,
            agency_id=partner,
        )
    return {"partner_agency": partner}


def secret_of(username: str) -> str:
    import base64
    import hashlib

    return base64.b32encode(hashlib.sha256(username.encode()).digest()[:20]).decode()


@pytest.fixture
def app(sqlite_settings: Settings, sqlite_store: Store, seeded: dict[str, int]):  # type: ignore[no-untyped-def]
    return create_app(sqlite_settings, store=sqlite_store, options=WebOptions())


@pytest.fixture
def client_factory(app) -> Iterator[Callable[[], TestClient]]:  # type: ignore[no-untyped-def]
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, base_url="http://127.0.0.1", client=LOOPBACK)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def csrf_of(client: TestClient, path: str = "/sign-in") -> str:
    import re

    html = client.get(path).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def upload(
    client: TestClient,
    csrf: str,
    name: str,
    body: bytes,
    *,
    source: str = "",
    **choices: object,
) -> tuple[object, object]:
    """Upload a file, then import it from its mapping step with `choices` (form fields of the
    mapping step, e.g. header_row="3"; by default the columns as recognised). Returns the two
    responses (the mapping step, the import)."""
    import re

    first = client.post(
        "/import",
        data={"csrf_token": csrf, "source": source},
        files={"file": (name, body, "text/csv")},
    )
    match = re.search(r'action="(/import/[0-9a-f]{32})"', first.text)
    if match is None:
        return first, first
    form = {"csrf_token": csrf, "source": source, "action": "import", "link": "1", **choices}
    return first, client.post(match.group(1), data=form)


def sign_in(client: TestClient, username: str, *, code: str | None = None) -> None:
    token = csrf_of(client)
    r = client.post(
        "/sign-in",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    token = csrf_of(client, "/sign-in/code")
    code = code or pyotp.TOTP(secret_of(username)).now()
    r = client.post(
        "/sign-in/code", data={"code": code, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/", r.text[:500]


@pytest.fixture
def signed_in(client_factory) -> Callable[[str], TestClient]:  # type: ignore[no-untyped-def]
    def make(username: str) -> TestClient:
        client = client_factory()
        sign_in(client, username)
        return client

    return make


@pytest.fixture
def linked(sqlite_store: Store, seeded: dict[str, int]) -> str:
    """Person P1 = list-a/a1 + list-r/r1 (home) + list-p/p1 (partner), as a link run would."""
    now = datetime.now(UTC)
    with sqlite_store.session(write=True) as db:
        run = add_link_run(db, at=now)
        add_linked_records(
            db,
            run_id=run,
            members=[("list-a", "a1", "P1"), ("list-r", "r1", "P1"), ("list-p", "p1", "P1")],
        )
        a1, r1 = ("list-a", "a1"), ("list-r", "r1")
        add_link_pair(
            db, run_id=run, left=a1, right=r1, probability=0.987, weight=6.3, status="auto"
        )
        add_review_item(db, left=a1, right=r1, probability=0.987, status="confirmed", at=now)
    return "P1"


TEST_MODEL = minimal_model(("given_name", "birth_date"))


@pytest.fixture
def review_data(sqlite_store: Store, seeded: dict[str, int], tmp_path: Path) -> dict[str, int]:
    """A pending pair and an open case in each agency, as a link run and a caseworker would
    leave them. Home: list-a:a2 ~ list-r:r2, case on list-a:a2. Partner: list-p:p1 ~ list-p:p2,
    case on list-p:p1. Also a pair that spans the agencies (list-a:a1 ~ list-p:p1)."""
    import json

    from kintrace.cases import RecordKey, Role
    from kintrace.review import casework
    from kintrace.review.actors import Actor
    from kintrace.review.policy import default_policy

    import_file(
        sqlite_store,
        write_records_csv(
            tmp_path / "partner2.csv",
            [("list-p", "p2", "Oleksandr", "Kovalchuk", "2012", "Kherson")],
        ),
        actor="test",
        agency_id=seeded["partner_agency"],
    )
    now = datetime.now(UTC)
    pairs = {
        "item": ("list-a", "a2", "list-r", "r2"),
        "partner_item": ("list-p", "p1", "list-p", "p2"),
        "cross_item": ("list-a", "a1", "list-p", "p1"),
    }
    found: dict[str, int] = {}
    with sqlite_store.session(write=True) as db:
        run = add_link_run(db, at=now, model_json=json.dumps(TEST_MODEL))
        for name, (sl, rl, sr, rr) in pairs.items():
            add_link_pair(
                db,
                run_id=run,
                left=(sl, rl),
                right=(sr, rr),
                probability=0.8,
                weight=2.0,
                status="pending",
                weights=json.dumps({"given_name": 6.49, "birth_date": -3.31}),
                rule="0301-thresholds",
            )
            found[name] = add_review_item(
                db,
                left=(sl, rl),
                right=(sr, rr),
                probability=0.8,
                status="pending",
                at=now,
                match_weight=2.0,
                priority=1.0,
                fencing_token=0,
            )
        admin = Actor("test-admin", Role.ADMIN)
        found["case"] = casework.open_case(
            db, actor=admin, subject=RecordKey("list-a", "a2"), now=now, policy=default_policy()
        ).id
        found["partner_case"] = casework.open_case(
            db,
            actor=admin,
            subject=RecordKey("list-p", "p1"),
            now=now,
            policy=default_policy(),
            agency_id=seeded["partner_agency"],
        ).id
    # the sync of a claim must not withdraw these pairs: the run above is already synced
    from kintrace.review import queue

    with sqlite_store.session(write=True) as db:
        queue.sync_from_links(db, policy=default_policy(), now=now)
    return found
