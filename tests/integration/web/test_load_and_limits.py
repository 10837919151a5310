"""Issue 11, findings 2, 3 and 8, and token use (finding 5's sibling): requests that wait for the
database or for their body hold nothing up; reads never fail on a concurrent write; a busy
database answers 503 with Retry-After; limits apply before sign-in completes; malformed values get
4xx, never 500; error pages carry the security headers.

Several tests run a real server (tests/support/live.py): the event loop, a slow client and
concurrent connections do not exist under TestClient. Every name and record here is synthetic.
"""

from __future__ import annotations

import concurrent.futures
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text
from tests.integration.web.conftest import (
    LOOPBACK,
    PASSWORD,
    csrf_of,
    secret_of,
    seed_agencies,
    sign_in,
    upload,
)

from kintrace.accounts import tokens, users
from kintrace.accounts.roles import Role
from kintrace.config import Settings
from kintrace.registry.importer import import_file
from kintrace.store.engine import WRITE_OPTION, Store
from kintrace.store.registry_tables import Record, Source
from kintrace.store.web_tables import api_tokens
from kintrace.web.app import create_app
from kintrace.web.options import WebOptions
from kintrace.web.routes import ROUTERS
from kintrace.web.security import CSP
from support.live import SlowRequest, serving
from support.seed import (
    add_link_run,
    add_linked_records,
    add_user_with_totp,
    write_records_csv,
)

FORM = "application/x-www-form-urlencoded"


def _cookie_header(client: httpx.Client) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def _live_client(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=10)
    sign_in(client, username)  # type: ignore[arg-type]
    return client


@pytest.fixture
def live(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with serving(app) as base:
        yield base


def _api_token(store: Store, username: str) -> str:
    with store.session(write=True) as db:
        user = users.get_user_by_name(db, username)
        assert user is not None
        return tokens.create_token(db, user_id=user.id, label="test", now=datetime.now(UTC))


def _write_lock_is_free(store: Store) -> bool:
    """Whether another process could take the write lock now (waiting at most half a second)."""
    probe = sqlite3.connect(store.settings.home / "kintrace.db", timeout=0.5, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


# ---------------------------------------------------------------- finding 2


def test_finding2_a_post_waiting_for_its_body_freezes_nothing(live: str) -> None:
    """A POST whose body has not arrived yet must not stop another POST, nor /health: the
    database is never touched on the event loop, and no transaction is open while a body
    streams in."""
    waiting = _live_client(live, "u-reviewer")
    other = _live_client(live, "u-caseworker")
    body = f"csrf_token={csrf_of(waiting, '/review')}".encode()  # type: ignore[arg-type]
    slow = SlowRequest(
        live,
        "POST",
        "/review/next",
        headers={"Cookie": _cookie_header(waiting), "Content-Type": FORM},
        body=body,
        send_now=5,
    )
    try:
        time.sleep(0.3)  # the server has the head and waits for the rest
        token = csrf_of(other, "/account")  # type: ignore[arg-type]
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            write = pool.submit(other.post, "/account/tokens", data={"csrf_token": token})
            time.sleep(0.2)
            assert httpx.get(f"{live}/health", timeout=10).status_code == 200
            assert write.result(timeout=10).status_code == 200
        slow.finish()
        assert slow.status() in (200, 303)
    finally:
        slow.close()


def test_finding2_a_read_survives_a_write_committed_while_it_reads(
    signed_in, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A record page read while another request commits a write: on SQLite the read transaction
    could not become the audit entry's write any more ('database is locked', a 500). The entry
    is written after the read, in a transaction of its own."""
    from kintrace.registry import record_view as records

    client = signed_in("u-caseworker")
    real = records.load_record

    def load_then_someone_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        view = real(*args, **kwargs)
        with sqlite_store.session(write=True) as other:  # any other request's write
            other.execute(
                text("INSERT INTO instance_flags (key, value) VALUES (:k, 'x')"),
                {"k": f"probe-{uuid.uuid4().hex}"},
            )
        return view

    monkeypatch.setattr(records, "load_record", load_then_someone_writes)
    before = _audit_count(sqlite_store, "records.read")
    assert client.get("/records/1").status_code == 200
    assert client.get("/api/v1/records/1").status_code == 200
    assert _audit_count(sqlite_store, "records.read") == before + 2  # each read still audited


def test_load_a_search_after_an_import_survives_a_write_committed_while_it_reads(
    app, signed_in, sqlite_store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The load bench's 503s on POST /search (issue 11 acceptance): a list came in and the
    search brought the name index up to date inside its read transaction; another request
    committing meanwhile (the link run, an audit entry) made that write fail with 'database is
    locked'. Search never writes the index now: it answers from the index as it is, says so, and
    the app catches the index up beside it; the next search finds the new list."""
    client = signed_in("u-caseworker")
    bearer = {"Authorization": f"Bearer {_api_token(sqlite_store, 'u-caseworker')}"}
    new_list = [("list-new", "n1", "Ярина", "Тимошенко", "2013-05-02", "Херсон")]
    import_file(sqlite_store, write_records_csv(tmp_path / "new.csv", new_list), actor="test")
    someone_wrote: list[str] = []

    def write_once_the_search_reads(conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        reading = not conn.get_execution_options().get(WRITE_OPTION, False)
        if reading and "import_batches" in statement and not someone_wrote:
            someone_wrote.append(statement)
            with sqlite_store.session(write=True) as other:  # any other request's write
                other.execute(
                    text("INSERT INTO instance_flags (key, value) VALUES (:k, 'x')"),
                    {"k": f"probe-{uuid.uuid4().hex}"},
                )

    before = _audit_count(sqlite_store, "records.search")
    event.listen(sqlite_store.engine, "after_cursor_execute", write_once_the_search_reads)
    try:
        first = client.post("/api/v1/search", json={"name": "Тимошенко"}, headers=bearer)
    finally:
        event.remove(sqlite_store.engine, "after_cursor_execute", write_once_the_search_reads)
    assert someone_wrote, "the search did not read the import batches"
    assert first.status_code == 200, first.text[:300]
    assert first.json()["index_behind"] is True
    assert _audit_count(sqlite_store, "records.search") == before + 1
    assert app.state.index_catch_up.wait(60)
    again = client.post("/api/v1/search", json={"name": "Тимошенко"}, headers=bearer)
    assert again.status_code == 200
    assert again.json()["index_behind"] is False
    assert [h["record_id"] for h in again.json()["hits"]] == ["n1"]
    token = csrf_of(client, "/search")
    page = client.post("/search", data={"name": "Тимошенко", "csrf_token": token})
    assert page.status_code == 200 and "Тимошенко" in page.text


def _audit_count(store: Store, action: str) -> int:
    with store.session() as db:
        return int(
            db.execute(
                text("SELECT count(*) FROM audit_log WHERE action = :a"), {"a": action}
            ).scalar_one()
        )


def test_finding2_concurrent_reads_and_token_calls_never_fail(
    live: str, sqlite_store: Store
) -> None:
    """Eight users at once on record pages, searches and the API (the probe found four or five
    500s in six concurrent record reads)."""
    now = datetime.now(UTC)
    with sqlite_store.session(write=True) as db:
        for i in range(4):
            add_user_with_totp(
                db,
                username=f"u-load-{i}",
                password=PASSWORD,
                role=Role.CASEWORKER,
                secret=secret_of(f"u-load-{i}"),
                at=now,
            )
    browsers = [_live_client(live, f"u-load-{i}") for i in range(4)]
    bearer = [
        httpx.Client(
            base_url=live,
            timeout=20,
            headers={"Authorization": f"Bearer {_api_token(sqlite_store, f'u-load-{i}')}"},
        )
        for i in range(4)
    ]
    tokens_csrf = [csrf_of(c, "/search") for c in browsers]  # type: ignore[arg-type]

    def browse(i: int) -> list[int]:
        client, codes = browsers[i], []
        for n in range(12):
            codes.append(client.get(f"/records/{1 + n % 4}").status_code)
            r = client.post("/search", data={"name": "Kovalchuk", "csrf_token": tokens_csrf[i]})
            codes.append(r.status_code)
        return codes

    def call_api(i: int) -> list[int]:
        client, codes = bearer[i], []
        for n in range(12):
            codes.append(client.get(f"/api/v1/records/{1 + n % 4}").status_code)
            codes.append(client.post("/api/v1/search", json={"name": "Kovalchuk"}).status_code)
        return codes

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        jobs = [pool.submit(browse, i) for i in range(4)] + [
            pool.submit(call_api, i) for i in range(4)
        ]
        codes = [c for job in jobs for c in job.result(timeout=120)]
    assert set(codes) == {200}, sorted(set(codes))


def test_finding2_a_busy_database_answers_503_with_retry_after(
    sqlite_settings: Settings, sqlite_store: Store, seeded: dict[str, int]
) -> None:
    """Another process holds the write lock: writes and audited reads wait a short time, then
    answer 503 with Retry-After (not 30 s and a 500); pages without a write still answer."""
    app = create_app(sqlite_settings, store=sqlite_store, options=WebOptions(busy_timeout_ms=300))
    client = TestClient(app, base_url="http://127.0.0.1", client=LOOPBACK)
    sign_in(client, "u-caseworker")
    token = csrf_of(client, "/account")
    bearer = _api_token(sqlite_store, "u-caseworker")
    blocker = sqlite3.connect(sqlite_settings.home / "kintrace.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        write = client.post("/account/tokens", data={"csrf_token": token})
        read = client.get("/records/1")
        api = client.get("/api/v1/records/1", headers={"Authorization": f"Bearer {bearer}"})
        for r in (write, read, api):
            assert r.status_code == 503, r.text[:300]
            assert int(r.headers["retry-after"]) >= 1
            assert r.headers["content-security-policy"] == CSP
        assert "try again" in api.json()["detail"]
        assert client.get("/").status_code == 200  # the dashboard writes nothing
        assert client.get("/health").status_code == 200
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert client.get("/records/1").status_code == 200
    client.close()


def test_finding2_reading_routes_write_only_their_audit_entry_afterwards(
    app, signed_in, review_data, sqlite_store: Store
) -> None:  # type: ignore[no-untyped-def]
    """No statement of a reading route writes inside its read transaction (on SQLite such a write
    fails as soon as another writer committed meanwhile)."""
    from tests.integration.web.test_policy import _url

    from kintrace.web.deps import _WRITING_GETS

    written: list[str] = []

    def watch(conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        verb = statement.lstrip().split(" ", 1)[0].upper()
        writer = conn.get_execution_options().get(WRITE_OPTION, False)
        if verb in ("INSERT", "UPDATE", "DELETE") and not writer:
            written.append(statement.split("\n", 1)[0][:80])

    event.listen(sqlite_store.engine, "before_cursor_execute", watch)
    try:
        for username in ("u-admin", "u-caseworker", "u-reviewer"):
            client = signed_in(username)
            for router in ROUTERS:
                for route in router.routes:
                    if not isinstance(route, APIRoute) or "GET" not in route.methods:
                        continue
                    if route.name in _WRITING_GETS:
                        continue
                    assert client.get(_url(route)).status_code < 500, route.path
    finally:
        event.remove(sqlite_store.engine, "before_cursor_execute", watch)
    assert written == []


# ---------------------------------------------------------------- findings 2 and 3 on both backends


@pytest.fixture
def any_live(settings: Settings, store: Store, tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """A real server over the seeded store of the parametrised backend (SQLite, PostgreSQL)."""
    seed_agencies(store, tmp_path)
    with serving(create_app(settings, store=store, options=WebOptions())) as base:
        yield base, store


class _HealthWatch:
    """GET /health every 50 ms from a client of its own while the block runs; `worst` is the
    slowest answer in seconds (a failed or missing answer counts as 60 s)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.times: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get("/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.times.append(time.perf_counter() - started if ok else 60.0)
                self.stop.wait(0.05)

    def __enter__(self) -> _HealthWatch:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        deadline = time.monotonic() + 60
        while len(self.times) < 2 and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.01)  # at least two answers, even when the block was quick
        self.stop.set()
        self.thread.join(70)

    @property
    def worst(self) -> float:
        return max(self.times, default=60.0)


# Generous bounds: the machines these run on are shared and loaded. What the findings saw was
# 30 s (the busy time-out) for a request and 29.6 s for /health.
REQUEST_BOUND_S = 10.0
HEALTH_BOUND_S = 2.0


def test_finding2_two_sign_ins_at_once_freeze_nothing(any_live: tuple[str, Store]) -> None:
    """Two anonymous POSTs to the sign-in page at once: the probe saw 30 s, a 403 and a 500, and
    /health took 29.6 s. Both must sign in, quickly, and /health must stay fast meanwhile."""
    base, _store = any_live
    barrier = threading.Barrier(2)

    def attempt(username: str) -> tuple[int, float]:
        with httpx.Client(base_url=base, timeout=60) as client:
            token = csrf_of(client)  # type: ignore[arg-type]
            data = {"username": username, "password": PASSWORD, "csrf_token": token}
            barrier.wait()
            started = time.perf_counter()
            status = client.post("/sign-in", data=data).status_code
            return status, time.perf_counter() - started

    with _HealthWatch(base) as health, concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(attempt, ["u-admin", "u-caseworker"]))
    assert [status for status, _ in answers] == [303, 303]
    assert max(seconds for _, seconds in answers) < REQUEST_BOUND_S, answers
    assert health.worst < HEALTH_BOUND_S, health.worst


def test_finding2_six_concurrent_record_pages_never_fail(any_live: tuple[str, Store]) -> None:
    """Six users opening record pages at the same moment, several times over (the probe: four
    or five 500s, 'database is locked', from the read audit and the token's last use)."""
    base, store = any_live
    now = datetime.now(UTC)
    with store.session(write=True) as db:
        for i in range(6):
            add_user_with_totp(
                db,
                username=f"u-six-{i}",
                password=PASSWORD,
                role=Role.CASEWORKER,
                secret=secret_of(f"u-six-{i}"),
                at=now,
            )
        pks = list(
            db.execute(
                select(Record.id)
                .join(Source, Source.id == Record.source_id)
                .where(Source.name.in_(["list-a", "list-r"]))
                .order_by(Record.id)
            ).scalars()
        )
    assert len(pks) == 4
    # three browsers and three API clients (the API wrote the token's last use every time)
    clients = [_live_client(base, f"u-six-{i}") for i in range(3)]
    clients += [
        httpx.Client(
            base_url=base,
            timeout=60,
            headers={"Authorization": f"Bearer {_api_token(store, f'u-six-{i}')}"},
        )
        for i in range(3, 6)
    ]
    barrier = threading.Barrier(6)

    def read(i: int) -> list[tuple[int, float]]:
        prefix = "" if i < 3 else "/api/v1"
        answers = []
        for round_ in range(5):
            barrier.wait()
            started = time.perf_counter()
            status = clients[i].get(f"{prefix}/records/{pks[(i + round_) % 4]}").status_code
            answers.append((status, time.perf_counter() - started))
        return answers

    try:
        with _HealthWatch(base) as health, concurrent.futures.ThreadPoolExecutor(6) as pool:
            answers = [a for job in pool.map(read, range(6)) for a in job]
    finally:
        for client in clients:
            client.close()
    assert {status for status, _ in answers} == {200}, sorted(answers)
    assert max(seconds for _, seconds in answers) < REQUEST_BOUND_S
    assert health.worst < HEALTH_BOUND_S, health.worst
    with store.session() as db:  # each page read is still audited
        reads = db.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'records.read'")
        ).scalar_one()
    assert reads == 30


@pytest.mark.parametrize("path", ["/review/next", "/sign-out", "/quarantine/999"])
def test_finding3_a_slow_request_body_keeps_no_writer_out(
    any_live: tuple[str, Store], path: str
) -> None:
    """While a client sends its form slowly to a writing route, another user's write goes
    through at once, and /health answers (on SQLite the lock itself is checked below)."""
    base, _store = any_live
    slowpoke = _live_client(base, "u-reviewer")
    other = _live_client(base, "u-caseworker")
    body = f"csrf_token={csrf_of(slowpoke, '/review')}&f_x=y".encode()  # type: ignore[arg-type]
    slow = SlowRequest(
        base,
        "POST",
        path,
        headers={"Cookie": _cookie_header(slowpoke), "Content-Type": FORM},
        body=body,
        send_now=3,
    )
    try:
        time.sleep(0.3)  # the server has the head and three bytes, and waits
        token = csrf_of(other, "/account")  # type: ignore[arg-type]
        with _HealthWatch(base) as health:
            started = time.perf_counter()
            write = other.post("/account/tokens", data={"csrf_token": token})
            waited = time.perf_counter() - started
        assert write.status_code == 200
        assert waited < REQUEST_BOUND_S, waited
        assert health.worst < HEALTH_BOUND_S, health.worst
        slow.finish()
        assert slow.status() in (200, 303, 404), path
    finally:
        slow.close()
        slowpoke.close()
        other.close()


# ---------------------------------------------------------------- finding 3


def test_finding3_a_slow_request_body_holds_no_write_lock(live: str, sqlite_store: Store) -> None:
    """A client sending its form one byte at a time (to /review/next, /sign-out, a quarantine
    correction) keeps no other writer out: the transaction begins after the body is read."""
    client = _live_client(live, "u-reviewer")
    for path in ("/review/next", "/sign-out", "/quarantine/999"):
        body = f"csrf_token={csrf_of(client, '/review')}&f_x=y".encode()  # type: ignore[arg-type]
        slow = SlowRequest(
            live,
            "POST",
            path,
            headers={"Cookie": _cookie_header(client), "Content-Type": FORM},
            body=body,
            send_now=3,
        )
        try:
            time.sleep(0.3)
            assert _write_lock_is_free(sqlite_store), path
            slow.finish()
            assert slow.status() in (200, 303, 404), path
        finally:
            slow.close()
        if path == "/sign-out":
            client = _live_client(live, "u-admin")


def test_finding3_the_web_import_reads_its_file_before_taking_the_write_lock(
    signed_in, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from kintrace.services import imports

    real = imports._source_names
    seen: list[bool] = []

    def reading(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(_write_lock_is_free(sqlite_store))
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "_source_names", reading)
    client = signed_in("u-caseworker")
    body = "source,record_id,given_name,family_name\nupload-s,s1,Іван,Петренко\n".encode()
    _, r = upload(client, csrf_of(client, "/import"), "synthetic.csv", body, link="")
    assert r.status_code == 200, r.text[-300:]  # type: ignore[attr-defined]
    assert seen == [True]


# ---------------------------------------------------------------- finding 5 (token use)


def test_finding5_token_use_is_not_a_write_per_request(client_factory, sqlite_store: Store) -> None:  # type: ignore[no-untyped-def]
    token = _api_token(sqlite_store, "u-caseworker")
    client = client_factory()
    headers = {"Authorization": f"Bearer {token}"}

    def last_used() -> datetime | None:
        with sqlite_store.session() as db:
            return db.execute(select(api_tokens.c.last_used_at)).scalar_one()

    assert last_used() is None
    assert client.get("/api/v1/dashboard", headers=headers).status_code == 200
    first = last_used()
    assert first is not None  # the first use is written
    for _ in range(3):
        assert client.get("/api/v1/dashboard", headers=headers).status_code == 200
    assert last_used() == first  # then not again within tokens.LAST_USED_EVERY


# ---------------------------------------------------------------- finding 8


def test_finding8_an_upload_is_refused_before_its_body_is_read(
    live: str, sqlite_store: Store
) -> None:
    """Without sign-in an upload gets its 401 (API) or 303 to the sign-in page at once, and one
    over the size limit its 413 at once, before the file is sent."""
    multipart = {"Content-Type": "multipart/form-data; boundary=x"}
    bearer = {"Authorization": f"Bearer {_api_token(sqlite_store, 'u-caseworker')}"}
    cases = [
        ("/api/v1/imports", multipart, 40 << 20, 401),
        ("/import", multipart, 40 << 20, 303),
        ("/api/v1/imports", multipart | bearer, 200 << 20, 413),
    ]
    for path, headers, length, expected in cases:
        start = b"--x\r\nContent-Disposition: form-data; name=file; filename=a.csv\r\n\r\n"
        slow = SlowRequest(
            live,
            "POST",
            path,
            headers=headers,
            body=start,
            send_now=len(start),
            content_length=length,
        )
        try:
            assert slow.status(timeout=10) == expected, path
        finally:
            slow.close()


@pytest.fixture
def quiet_client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client that sees a 500 as a response, as a browser would."""
    client = TestClient(
        app, base_url="http://127.0.0.1", client=LOOPBACK, raise_server_exceptions=False
    )
    sign_in(client, "u-admin")
    yield client
    client.close()


def test_finding8_malformed_values_get_4xx_never_500(
    quiet_client: TestClient, sqlite_store: Store, review_data
) -> None:  # type: ignore[no-untyped-def]
    client = quiet_client
    token = csrf_of(client, "/search")
    bearer = {"Authorization": f"Bearer {_api_token(sqlite_store, 'u-admin')}"}
    json_headers = bearer | {"Content-Type": "application/json"}
    cases = [
        # (why, response, expected status)
        (
            "superscript digit as a source",
            client.post("/search", data={"name": "x", "source_id": "²", "csrf_token": token}),
            400,
        ),
        (
            "1e30 as a source in JSON",
            client.post(
                "/api/v1/search", content=b'{"name":"x","source_id":1e30}', headers=json_headers
            ),
            422,
        ),
        (
            "a lone surrogate in JSON",
            client.post("/api/v1/search", content=b'{"name":"\\ud800"}', headers=json_headers),
            422,
        ),
        (
            "a lone surrogate as a JSON key",
            client.post("/api/v1/search", content=b'{"\\udfff":1}', headers=json_headers),
            422,
        ),
        (
            "NUL in a form",
            client.post("/search", data={"name": "a\x00b", "csrf_token": token}),
            400,
        ),
        ("an id beyond the databases' range", client.get("/records/99999999999999999999"), 404),
        ("a float as an id", client.get("/api/v1/records/1e30", headers=bearer), 404),
        ("NUL in a person id", client.get("/persons/P%00"), 400),
        (
            "a huge number of days",
            client.get("/api/v1/cases?stalled=99999999999999999999", headers=bearer),
            422,
        ),
        (
            "superscript digits as a record to open a case on",
            client.post("/cases", data={"record_pk": "²", "csrf_token": token}),
            404,
        ),
        (
            "superscript digits as a decision",
            client.post(
                f"/cases/{review_data['case']}/transition",
                data={"facet": "identity", "to": "x", "decision_id": "²", "csrf_token": token},
            ),
            422,
        ),
        (
            "a fencing token beyond the range",
            client.post(
                f"/api/v1/review/pairs/{review_data['item']}/decide",
                json={"verdict": "same", "token": 10**30},
                headers=bearer,
            ),
            422,
        ),
    ]
    wrong = [(why, r.status_code) for why, r, expected in cases if r.status_code != expected]
    assert wrong == []
    for _why, r, _expected in cases:
        assert r.headers["content-security-policy"] == CSP
    assert "lone surrogate" in cases[2][1].json()["detail"]


def test_finding8_a_server_error_page_carries_the_security_headers(
    quiet_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kintrace.services import dashboard

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("synthetic failure")

    monkeypatch.setattr(dashboard, "figures", broken)
    for path in ("/", "/api/v1/dashboard"):
        r = quiet_client.get(path)
        assert r.status_code == 500
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cache-control"] == "no-store"
        assert "synthetic failure" not in r.text


def _late_bad_byte(path: Path) -> Path:
    rows = ["source,record_id,given_name,family_name"]
    rows += [f"upload-u,r{i},Іван,Петренко" for i in range(40_000)]  # > the 1 MiB sample
    path.write_bytes(("\n".join(rows) + "\n").encode() + b"upload-u,bad,\xff\xfe,x\n")
    return path


def _huge_field(path: Path) -> Path:
    head = "source,record_id,given_name,notes\nupload-h,h1,Іван,"
    path.write_bytes(head.encode() + b"x" * (16 * 1024 * 1024 + 10) + b"\n")
    return path


def _million_columns(path: Path) -> Path:
    """1,000,000 columns in one row (the probe's record page was 91 MB): cut at the row limit
    while it is read, before it is split into cells."""
    head = "source,record_id,given_name,family_name\nupload-m,m1,Іван,Петренко,"
    path.write_bytes(head.encode() + b"x," * 1_000_000 + b"\n")
    return path


def _too_many_columns(path: Path) -> Path:
    """A row of 600 short cells: within the row limit, over the column limit (500)."""
    head = "source,record_id,given_name,family_name\nupload-c,c1,Іван,Петренко,"
    path.write_bytes(head.encode() + b"x," * 600 + b"\n")
    return path


@pytest.mark.parametrize("make", [_late_bad_byte, _huge_field, _million_columns, _too_many_columns])
def test_finding8_an_unreadable_upload_is_refused_as_on_the_command_line(
    signed_in, sqlite_store: Store, tmp_path: Path, make
) -> None:  # type: ignore[no-untyped-def]
    from markupsafe import escape

    from kintrace.registry.errors import ImportRefused
    from kintrace.registry.readers import open_reader

    path = make(tmp_path / "synthetic.csv")
    with pytest.raises(ImportRefused) as refused:  # what `kintrace import` prints
        reader = open_reader(path, limits=sqlite_store.settings.import_limits)
        try:
            list(reader.rows())
        finally:
            reader.close()
    cli_message = str(refused.value).split(": ", 1)[1]  # after the file's name
    limit = {_million_columns: "MAX_ROW_CHARS", _too_many_columns: "MAX_COLUMNS"}.get(make)
    assert limit is None or f"KINTRACE_IMPORT_{limit}" in cli_message
    client = signed_in("u-caseworker")
    data = path.read_bytes()
    _, page = upload(client, csrf_of(client, "/import"), "synthetic.csv", data, link="")
    bearer = {"Authorization": f"Bearer {_api_token(sqlite_store, 'u-caseworker')}"}
    api = client.post(
        "/api/v1/imports", files={"file": ("synthetic.csv", data, "text/csv")}, headers=bearer
    )
    assert page.status_code == 400 and str(escape(cli_message)) in page.text  # type: ignore[attr-defined]
    assert api.status_code == 422 and api.json()["detail"].endswith(cli_message)


def test_sign_in_attempts_sent_at_once_are_each_counted(live: str) -> None:
    """The password is checked outside the write (argon2 is slow); attempts sent together must
    still be counted one by one: five failures block the account."""
    barrier = threading.Barrier(8)

    def attempt(_i: int) -> int:
        client = httpx.Client(base_url=live, timeout=60)
        token = csrf_of(client)  # type: ignore[arg-type]
        barrier.wait()
        data = {"username": "u-admin", "password": "not the password", "csrf_token": token}
        return client.post("/sign-in", data=data).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(attempt, range(8)))
    assert codes == [401] * 5 + [429] * 3


def test_load_the_server_keeps_a_connection_per_request_thread_between_busy_moments(
    settings: Settings,
) -> None:
    """The load bench's PostgreSQL tail (API person p95 765 ms): the server kept 5 connections
    and opened and closed up to 10 more as the load moved, about 200 a minute under the bench,
    each a new server process (20-300 ms under load, then cold catalogue caches). The server's
    store keeps a connection for each request thread it runs at once (decision 0425)."""
    app = create_app(settings, options=WebOptions())  # as `kintrace serve` opens its store
    engine = app.state.store.engine
    opened: list[object] = []
    event.listen(engine, "connect", lambda connection, _record: opened.append(connection))
    busy = 15  # the old pool's limit (5 kept + 10 overflow), so the old code runs this too
    try:
        for _moment in range(2):
            connections = [engine.connect() for _ in range(busy)]
            for connection in connections:
                connection.exec_driver_sql("SELECT 1")
            for connection in connections:
                connection.close()
        assert len(opened) <= busy, f"{len(opened)} connections opened for {busy} at a time"
        assert WebOptions().db_connections >= 40  # anyio's thread pool: 40 requests at once
    finally:
        app.state.store.close()


def test_load_an_api_person_read_costs_the_same_queries_however_many_records(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    """A person's records were read one by one, three queries each (the load bench's API person
    line on PostgreSQL: 13 round trips for three records, each waiting for the database server's
    turn on a loaded machine). One query per table now, whatever the person's size."""
    rows = [
        ("list-q", f"q{i}", "Ірина", f"Синтетична{i}", f"2013-01-0{i}", "Суми") for i in range(1, 6)
    ]
    import_file(store, write_records_csv(tmp_path / "persons.csv", rows), actor="test")
    now = datetime.now(UTC)
    with store.session(write=True) as db:
        run_id = add_link_run(db, at=now, finished=True)
        members = [("list-q", "q1", "PQ1")] + [("list-q", f"q{i}", "PQ4") for i in range(2, 6)]
        add_linked_records(db, run_id=run_id, members=members)
        add_user_with_totp(
            db,
            username="u-api-person",
            password=PASSWORD,
            role=Role.CASEWORKER,
            secret=secret_of("u-api-person"),
            at=now,
        )
    token = _api_token(store, "u-api-person")
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    app = create_app(settings, store=store, options=WebOptions())
    headers = {"Authorization": f"Bearer {token}"}
    counts = {}
    with TestClient(app, base_url="http://127.0.0.1", client=LOOPBACK, headers=headers) as client:
        assert client.get("/api/v1/persons/PQ1").status_code == 200  # the token's first use
        for person, size in (("PQ1", 1), ("PQ4", 4)):
            statements.clear()
            answer = client.get(f"/api/v1/persons/{person}")
            assert answer.status_code == 200 and len(answer.json()["records"]) == size
            counts[person] = len(statements)
    assert counts["PQ1"] == counts["PQ4"], counts
