"""Load benchmark: simulated signed-in users against `kintrace serve`, on SQLite and PostgreSQL.

Usage: nice .venv/bin/python bench/load_bench.py [--users 32] [--seconds 60] [--children 2000]
           [--backend both|sqlite|postgresql] [--think 1.0] [--quick]

For each backend it builds a registry of its own with the real commands (`kintrace demo-data
--children N`, `kintrace import --manifest`, `kintrace link`), adds synthetic accounts with known
TOTP keys and API tokens, starts `kintrace serve` in a subprocess and signs every browser user in
through the real sign-in (password, then the current TOTP code). Then, for `--seconds`:
  caseworkers  search (POST /search), record pages, person pages, the dashboard
  reviewers    the queue, claim the next pair (POST /review/next), its page, a verdict
  API users    /api/v1/search, /api/v1/records/N, /api/v1/persons/P with a bearer token
  one upload   a caseworker uploads a 300-row file a third of the way through (POST /import),
               then imports it from the mapping step (POST /import/<token>); the link run that
               follows runs in the server's background (--no-link: imported without it)
  health       GET /health every 50 ms throughout, from a client of its own: the peer
Each user pauses --think seconds on average (uniformly 0.5x to 1.5x) between actions: a person
reads a page for several seconds, so this is several times the pace of real work. Before the
clock starts, each caseworker opens two pages, each API client makes one call and the first users
one action each (templates compiled, name tables loaded, tokens used before, as on a server that
has been up a while).

Prints per request type: count, throughput, p50/p95/p99/max and errors (any status but the
expected one, or no answer within 30 s), and each p95 as a multiple of /health's p50 measured
idle before the load (the machine is shared: compare ratios between runs). Acceptance (issue 11):
0 errors, p95 <= 300 ms for every read, /health p99 <= 100 ms throughout. Exit status 1 if not.

PostgreSQL: KINTRACE_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test); the
bench works in a schema of its own, dropped at the end. Every name and record is synthetic.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # support.seed, .pg

PASSWORD = "synthetic load bench passphrase"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
READS = (
    "search",
    "record",
    "person",
    "dashboard",
    "review queue",
    "pair page",
    "api search",
    "api record",
    "api person",
)
WRITES = ("claim", "decide", "upload", "import")
EXPECTED = {"claim": (200, 303), "decide": (303,)}  # 200 for everything else


@dataclass(frozen=True)
class Account:
    username: str
    role: str  # caseworker | reviewer | api
    secret: str
    token: str | None = None


@dataclass
class Registry:
    """What the simulated users work on (ids only; names for searches are synthetic)."""

    home: Path
    env: dict[str, str]
    accounts: list[Account]
    record_pks: list[int]
    person_ids: list[str]
    surnames: list[str]
    given: list[str]


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: The upload's link run as its status page ends: done / not linked / failed / unfinished.
    link_run: str | None = None

    def add(self, kind: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if problem is not None:
                self.errors[kind].append(problem)


# ---------------------------------------------------------------- the registry


def _kintrace(*args: str, env: dict[str, str]) -> None:
    command = [str(Path(sys.executable).with_name("kintrace")), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(args[:3])} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )


def _secret(username: str) -> str:
    return base64.b32encode(hashlib.sha256(username.encode()).digest()[:20]).decode()


def _roles(users: int) -> list[str]:
    reviewers = max(1, users // 8)
    api = max(1, users // 16)
    return ["reviewer"] * reviewers + ["api"] * api + ["caseworker"] * (users - reviewers - api)


def build_registry(home: Path, *, database_url: str | None, children: int, users: int) -> Registry:
    env = {**os.environ, "KINTRACE_HOME": str(home)}
    if database_url:
        env["KINTRACE_DATABASE_URL"] = database_url
    lists = home / "demo-lists"
    started = time.perf_counter()
    _kintrace("demo-data", "--children", str(children), "--seed", "7", "--out", str(lists), env=env)
    _kintrace("--home", str(home), "import", "--manifest", str(lists / "sources.json"), env=env)
    _kintrace("--home", str(home), "link", env=env)
    print(f"  registry: demo-data, import, link in {time.perf_counter() - started:.0f} s")
    return _add_accounts(home, env=env, database_url=database_url, users=users)


def _add_accounts(
    home: Path, *, env: dict[str, str], database_url: str | None, users: int
) -> Registry:
    from sqlalchemy import select

    from kintrace.accounts import passwords, tokens
    from kintrace.accounts.demo import mark_synthetic
    from kintrace.accounts.roles import Role
    from kintrace.config import load_settings
    from kintrace.store.engine import open_store
    from kintrace.store.linkage_tables import linked_records
    from kintrace.store.registry_tables import Record, RecordVersion
    from support.seed import add_user_with_totp

    real_hash = passwords.hash_password
    one_hash = real_hash(PASSWORD)  # argon2 once for all synthetic accounts; sign-in verifies
    passwords.hash_password = lambda _password: one_hash  # type: ignore[assignment]
    store = open_store(load_settings(home, database_url=database_url, env={}))
    now = datetime.now(UTC)
    accounts: list[Account] = []
    try:
        with store.session(write=True) as db:
            mark_synthetic(db)
            for number, role in enumerate(_roles(users)):
                username = f"load-{role}-{number:02d}"
                user = add_user_with_totp(
                    db,
                    username=username,
                    password=PASSWORD,
                    role=Role.REVIEWER if role == "reviewer" else Role.CASEWORKER,
                    secret=_secret(username),
                    at=now,
                )
                token = None
                if role == "api":
                    token = tokens.create_token(db, user_id=user.id, label="load", now=now)
                accounts.append(Account(username, role, _secret(username), token))
        with store.session() as db:
            pks = list(db.execute(select(Record.id)).scalars())
            persons = sorted(set(db.execute(select(linked_records.c.person_id)).scalars()))
            names = db.execute(
                select(RecordVersion.given_name, RecordVersion.family_name).limit(2000)
            ).all()
    finally:
        store.close()
        passwords.hash_password = real_hash  # type: ignore[assignment]
    return Registry(
        home=home,
        env=env,
        accounts=accounts,
        record_pks=pks,
        person_ids=persons,
        surnames=sorted({f for _, f in names if f}),
        given=sorted({g for g, _ in names if g}),
    )


# ---------------------------------------------------------------- the server and the users


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(registry: Registry) -> Iterator[str]:
    port = _free_port()
    log = (registry.home / "serve.log").open("w")
    command = [str(Path(sys.executable).with_name("kintrace")), "--home", str(registry.home)]
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port)], env=registry.env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"the server did not start; see {registry.home / 'serve.log'}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in(base: str, account: Account) -> tuple[httpx.Client, str]:
    """A browser session through the real sign-in: password, then the TOTP code of now."""
    client = httpx.Client(base_url=base, timeout=30)
    token = _csrf(client.get("/sign-in").text)
    data = {"username": account.username, "password": PASSWORD, "csrf_token": token}
    r = client.post("/sign-in", data=data)
    if r.status_code != 303:
        raise RuntimeError(f"sign-in of {account.username}: {r.status_code}")
    token = _csrf(client.get("/sign-in/code").text)
    code = pyotp.TOTP(account.secret).now()
    r = client.post("/sign-in/code", data={"code": code, "csrf_token": token})
    if r.status_code != 303:
        raise RuntimeError(f"second factor of {account.username}: {r.status_code}")
    return client, _csrf(client.get("/").text)


class User:
    """One simulated person (or script): picks an action, times it, pauses, until the deadline."""

    def __init__(
        self, account: Account, client: httpx.Client, csrf: str, *, registry: Registry, seed: int
    ) -> None:
        self.account = account
        self.client = client
        self.csrf = csrf
        self.registry = registry
        self.rng = random.Random(seed)
        self.upload_at: float | None = None

    def timed(
        self, results: Results, kind: str, call: Callable[[], httpx.Response]
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = call()
        except httpx.HTTPError as exc:
            results.add(kind, time.perf_counter() - started, type(exc).__name__)
            return None
        elapsed = time.perf_counter() - started
        ok = response.status_code in EXPECTED.get(kind, (200,))
        results.add(kind, elapsed, None if ok else str(response.status_code))
        return response

    def name_query(self) -> dict[str, str]:
        rng, reg = self.rng, self.registry
        family = rng.choice(reg.surnames)
        roll = rng.random()
        if roll < 0.5:
            return {"name": f"{rng.choice(reg.given)} {family}"}
        if roll < 0.8:
            return {"name": family}
        return {"name": family, "birth": str(rng.randint(2006, 2021))}

    def act(self, results: Results) -> None:
        rng, reg = self.rng, self.registry
        role = self.account.role
        if role == "api":
            kind = rng.choices(["api search", "api record", "api person"], [4, 3, 3])[0]
            calls = {
                "api search": lambda: self.client.post("/api/v1/search", json=self.name_query()),
                "api record": lambda: self.client.get(
                    f"/api/v1/records/{rng.choice(reg.record_pks)}"
                ),
                "api person": lambda: self.client.get(
                    f"/api/v1/persons/{rng.choice(reg.person_ids)}"
                ),
            }
            self.timed(results, kind, calls[kind])
        elif role == "reviewer":
            self.review(results)
        else:
            kind = rng.choices(["search", "record", "person", "dashboard"], [4, 3, 2, 1])[0]
            calls = {
                "search": lambda: self.client.post(
                    "/search", data={**self.name_query(), "csrf_token": self.csrf}
                ),
                "record": lambda: self.client.get(f"/records/{rng.choice(reg.record_pks)}"),
                "person": lambda: self.client.get(f"/persons/{rng.choice(reg.person_ids)}"),
                "dashboard": lambda: self.client.get("/"),
            }
            self.timed(results, kind, calls[kind])

    def review(self, results: Results) -> None:
        """The queue now and then; else claim the next pair, read it, pause, give a verdict."""
        if self.rng.random() < 0.2:
            self.timed(results, "review queue", lambda: self.client.get("/review"))
            return
        claim = self.timed(
            results,
            "claim",
            lambda: self.client.post("/review/next", data={"csrf_token": self.csrf}),
        )
        if claim is None or claim.status_code != 303:
            return  # the queue is empty (200) or the claim failed (counted)
        path = claim.headers["location"]
        page = self.timed(results, "pair page", lambda: self.client.get(path))
        if page is None or page.status_code != 200:
            return
        token = re.search(r'name="token" value="(\d+)"', page.text)
        self.pause()
        verdict = self.rng.choices(["same", "different", "unsure"], [5, 4, 1])[0]
        data = {
            "verdict": verdict,
            "note": "SYNTHETIC load bench verdict",
            "token": token.group(1) if token else "",
            "csrf_token": self.csrf,
        }
        self.timed(results, "decide", lambda: self.client.post(f"{path}/decide", data=data))

    def upload(self, results: Results) -> None:
        rng = self.rng
        rows = [["source", "record_id", "given_name", "family_name", "birth_date", "notes"]]
        tag = uuid.uuid4().hex[:8]
        for n in range(300):
            birth = f"{rng.randint(2006, 2021)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            given, family = rng.choice(self.registry.given), rng.choice(self.registry.surnames)
            rows.append([f"load-upload-{tag}", f"U{n:05d}", given, family, birth, "SYNTHETIC"])
        path = self.registry.home / f"load-upload-{tag}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        body = path.read_bytes()
        staged = self.timed(
            results,
            "upload",
            lambda: self.client.post(
                "/import",
                data={"csrf_token": self.csrf},
                files={"file": (path.name, body, "text/csv")},
            ),
        )
        step = re.search(r'action="(/import/[0-9a-f]{32})"', staged.text) if staged else None
        if step is None:
            return  # counted as an error above
        self.pause()  # the user looks at the mapping step
        form = {"csrf_token": self.csrf, "action": "import", "link": "1" if self.link else ""}
        done = self.timed(results, "import", lambda: self.client.post(step.group(1), data=form))
        job = re.search(r"/import/link/(\d+)", done.text) if done is not None else None
        self.link_job = job.group(1) if job else None

    link = True
    link_job: str | None = None

    def follow_link_run(self, results: Results, *, patience: float = 300) -> None:
        """After the load: how the upload's link run ended (its status page, polled)."""
        if self.link_job is None:
            results.link_run = "not started" if self.link else None
            return
        started = time.monotonic()
        while time.monotonic() - started < patience:
            page = self.client.get(f"/import/link/{self.link_job}").text
            section = page.split('id="link-job"', 1)[-1].split("</section>", 1)[0]
            for marker, state in (
                ('class="linked"', "done"),
                ('class="notice"', "not linked"),
                ('role="alert"', "failed"),
            ):
                if marker in section:
                    waited = time.monotonic() - started
                    results.link_run = f"{state} ({waited:.0f} s after the load)"
                    return
            time.sleep(1)
        results.link_run = f"unfinished after {patience:.0f} s"

    def pause(self) -> None:
        time.sleep(self.think * self.rng.uniform(0.5, 1.5))

    think = 1.0

    def run(self, results: Results, deadline: float) -> None:
        time.sleep(self.rng.uniform(0, self.think))  # users do not start in step
        while time.monotonic() < deadline:
            if self.upload_at is not None and time.monotonic() >= self.upload_at:
                self.upload_at = None
                self.upload(results)
            else:
                self.act(results)
            self.pause()


def warm_up(users: list[User]) -> None:
    """Each kind of page once, not timed: a server that has been up a while has compiled its
    templates and loaded the name tables, and each API client has used its token before (its
    first use writes the token's last-used time)."""
    scratch = Results()
    for user in users:
        if user.account.role == "caseworker":
            for _ in range(2):
                user.act(scratch)
        elif user.account.token:
            user.act(scratch)
    for user in users[:3]:
        user.act(scratch)


def watch_health(base: str, results: Results, stop: threading.Event) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                ok = client.get("/health").status_code == 200
                results.add("health", time.perf_counter() - started, None if ok else "status")
            except httpx.HTTPError as exc:
                results.add("health", time.perf_counter() - started, type(exc).__name__)
            stop.wait(0.05)


def idle_health(base: str) -> float:
    """/health's median on the idle server: the peer the other figures are divided by."""
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(60):
            started = time.perf_counter()
            client.get("/health")
            times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def run_load(
    registry: Registry, *, seconds: float, think: float, link: bool
) -> tuple[Results, float, float]:
    User.think = think
    User.link = link
    with serving(registry) as base:
        peer = idle_health(base)
        users: list[User] = []
        for number, account in enumerate(registry.accounts):
            if account.token:
                client = httpx.Client(
                    base_url=base,
                    timeout=30,
                    headers={"Authorization": f"Bearer {account.token}"},
                )
                users.append(User(account, client, "", registry=registry, seed=number))
            else:
                client, csrf = sign_in(base, account)
                users.append(User(account, client, csrf, registry=registry, seed=number))
        warm_up(users)
        results = Results()
        started = time.monotonic()
        deadline = started + seconds
        uploader = next(u for u in users if u.account.role == "caseworker")
        uploader.upload_at = started + seconds / 3
        stop = threading.Event()
        health = threading.Thread(target=watch_health, args=(base, results, stop), daemon=True)
        health.start()
        threads = [threading.Thread(target=u.run, args=(results, deadline)) for u in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        stop.set()
        health.join()
        uploader.follow_link_run(results)
        for user in users:
            user.client.close()
    return results, elapsed, peer


# ---------------------------------------------------------------- figures


def _percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(q * len(sorted_ms)) - 1))]


def report(label: str, results: Results, *, elapsed: float, peer: float) -> bool:
    peer_ms = peer * 1000
    print(f"\n{label}: {elapsed:.0f} s; idle /health p50 {peer_ms:.1f} ms (the peer)")
    print(
        f"{'request':<13}{'n':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'errors':>8}{'p95/peer':>10}"
    )
    worst_read, total_errors, health_p99 = 0.0, 0, 0.0
    for kind in (*READS, *WRITES, "health"):
        times = results.times.get(kind)
        if not times:
            continue
        ms = sorted(t * 1000 for t in times)
        p50, p95, p99 = (_percentile(ms, q) for q in (0.5, 0.95, 0.99))
        errors = results.errors.get(kind, [])
        total_errors += len(errors)
        if kind in READS:
            worst_read = max(worst_read, p95)
        if kind == "health":
            health_p99 = p99
        print(
            f"{kind:<13}{len(ms):>6}{len(ms) / elapsed:>8.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{ms[-1]:>9.1f}{len(errors):>8}{p95 / peer_ms:>9.1f}x"
        )
        if errors:
            print(f"{'':<13}errors: {sorted(set(errors))[:6]}")
    reads = sum(len(results.times.get(k, [])) for k in READS)
    print(f"reads {reads / elapsed:.1f}/s in all")
    if results.link_run is not None:
        print(f"the upload's link run (in the server's background): {results.link_run}")
    linked = results.link_run is None or results.link_run.startswith("done")
    ok = total_errors == 0 and worst_read <= 300 and health_p99 <= 100 and linked
    print(
        f"acceptance: errors {total_errors} (0), worst read p95 {worst_read:.0f} ms (<= 300), "
        f"/health p99 {health_p99:.0f} ms (<= 100): {'PASS' if ok else 'FAIL'}"
    )
    return ok


# ---------------------------------------------------------------- backends


def pg_schema() -> AbstractContextManager[str]:
    """A URL whose connections use a fresh PostgreSQL schema, dropped afterwards."""
    from support.pg import scratch_schema

    admin_url = os.environ.get("KINTRACE_TEST_PG_URL") or DEFAULT_PG_URL
    return scratch_schema(admin_url, prefix="kt_load_")


def bench_backend(backend: str, args: argparse.Namespace) -> bool:
    print(f"\n== {backend}")
    with tempfile.TemporaryDirectory(prefix=f"kintrace-load-{backend}-") as tmp:
        home = Path(tmp)
        if backend == "postgresql":
            with pg_schema() as url:
                registry = build_registry(
                    home, database_url=url, children=args.children, users=args.users
                )
                results, elapsed, peer = run_load(
                    registry, seconds=args.seconds, think=args.think, link=args.link
                )
        else:
            registry = build_registry(
                home, database_url=None, children=args.children, users=args.users
            )
            results, elapsed, peer = run_load(
                registry, seconds=args.seconds, think=args.think, link=args.link
            )
        counts = defaultdict(int)
        for account in registry.accounts:
            counts[account.role] += 1
        label = (
            f"{backend}, {args.users} users ({counts['caseworker']} caseworkers, "
            f"{counts['reviewer']} reviewers, {counts['api']} API), "
            f"{len(registry.record_pks)} records, think {args.think:g} s"
        )
        return report(label, results, elapsed=elapsed, peer=peer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--children", type=int, default=2000, help="synthetic children to generate")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between actions, s")
    parser.add_argument(
        "--no-link",
        dest="link",
        action="store_false",
        help="import the upload without the link run that follows it",
    )
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 4 users, 5 s, 200 children, SQLite"
    )
    args = parser.parse_args()
    if args.quick:
        args.users, args.seconds, args.children, args.backend = 4, 5.0, 200, "sqlite"
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print(
        f"load bench: {args.users} users, {args.seconds:g} s, {args.children} synthetic children, "
        f"think {args.think:g} s; every name is synthetic"
    )
    passed = [bench_backend(backend, args) for backend in backends]
    return 0 if all(passed) else 1


if __name__ == "__main__":
    raise SystemExit(main())
