"""One search: the command line, the JSON API and the web page return the same records for the
same query, and a partner agency's user gets the same agency-scoped result from each (issue 17).

All names are synthetic test data.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient
from tests.integration.web.conftest import LOOPBACK, csrf_of, seed_agencies, sign_in
from typer.testing import CliRunner

from kintrace.cli.app import app as cli_app
from kintrace.config import Settings
from kintrace.registry.importer import import_file
from kintrace.store.engine import Store
from kintrace.web.app import create_app
from kintrace.web.options import WebOptions
from support.seed import write_records_csv

#: Another home list, written in German romanisation (source, id, given, family, born, place).
MORE_ROWS = [
    ("list-m", "m1", "Sascha", "Kowaltschuk", "2012-03-14", "Cherson"),
    ("list-m", "m2", "Maria", "Schewtschenko", "2010-07-01", "Mariupol"),
]
QUERIES = [
    "Kovalchuk",  # Latin
    "Ковальчук",  # Cyrillic
    "Kovalchuck",  # misspelt
    "Шевченко",
    "Shevchenco",  # misspelt
    "Bondarenco",  # misspelt, a Russian-language list's record
    "Sasha Kovalchuk",  # a given name's class and a surname
]
_CLI_REF = re.compile(r"\b(list-[a-z]):([a-z]\d+)\b")
_WEB_REF = re.compile(r"<td>(list-[a-z]) · ([a-z]\d+)</td>")

Refs = frozenset[tuple[str, str]]


def _cli(settings: Settings, query: str, user: str | None) -> Refs:
    args = ["--home", str(settings.home), "records", "search", query]
    if user is not None:
        args += ["--user", user]
    url = "" if settings.is_sqlite else settings.database_url
    result = CliRunner().invoke(cli_app, args, env={"KINTRACE_DATABASE_URL": url, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return frozenset(_CLI_REF.findall(result.output))


def _api(client, query: str) -> Refs:  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/search")
    r = client.post("/api/v1/search", json={"name": query}, headers={"x-csrf-token": token})
    assert r.status_code == 200, r.text[:300]
    return frozenset((h["source"], h["record_id"]) for h in r.json()["hits"])


def _web(client, query: str) -> Refs:  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/search")
    r = client.post("/search", data={"name": query, "csrf_token": token})
    assert r.status_code == 200, r.text[:300]
    return frozenset(_WEB_REF.findall(html.unescape(r.text)))


def _signed_in(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, base_url="http://127.0.0.1", client=LOOPBACK)
    sign_in(client, username)
    return client


def test_cli_api_and_web_return_the_same_records_in_each_agency(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    """On SQLite and PostgreSQL: the three doors call one service (kintrace.services.records)."""
    seed_agencies(store, tmp_path)
    import_file(store, write_records_csv(tmp_path / "m.csv", MORE_ROWS), actor="test")
    app = create_app(settings, store=store, options=WebOptions())
    home, partner = _signed_in(app, "u-caseworker"), _signed_in(app, "u-partner")
    seen: dict[str, Refs] = {}
    for query in QUERIES:
        for user, client in (("u-caseworker", home), ("u-partner", partner)):
            web = _web(client, query)
            assert _api(client, query) == web, (query, user)
            assert _cli(settings, query, user) == web, (query, user)
            seen[f"{user} {query}"] = web
        # the operator's own search (nobody named) is every agency's (decision 0424)
        every = seen[f"u-caseworker {query}"] | seen[f"u-partner {query}"]
        assert _cli(settings, query, None) == every, query
    home.close()
    partner.close()
    kovalchuk = {("list-a", "a1"), ("list-r", "r1"), ("list-m", "m1")}
    for query in ("Kovalchuk", "Ковальчук", "Kovalchuck", "Sasha Kovalchuk"):
        assert seen[f"u-caseworker {query}"] == kovalchuk, query
        assert seen[f"u-partner {query}"] == {("list-p", "p1")}, query
    for query in ("Шевченко", "Shevchenco"):
        assert seen[f"u-caseworker {query}"] == {("list-a", "a2"), ("list-m", "m2")}, query
        assert seen[f"u-partner {query}"] == frozenset(), query
    assert seen["u-caseworker Bondarenco"] == {("list-r", "r2")}


def test_the_cli_refuses_an_unknown_user_in_one_line(  # type: ignore[no-untyped-def]
    sqlite_settings: Settings, seeded: dict[str, int]
) -> None:
    args = ["--home", str(sqlite_settings.home), "records", "search", "Kovalchuk"]
    result = CliRunner().invoke(cli_app, [*args, "--user", "nobody"], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "There is no user 'nobody'" in result.output
    assert "KINTRACE_USER" in result.output and "--user USER (or --as USER)" in result.output
    assert "Traceback" not in result.output


def test_records_show_is_scoped_and_audited_like_the_record_page(  # type: ignore[no-untyped-def]
    sqlite_settings: Settings, sqlite_store: Store, seeded: dict[str, int]
) -> None:
    """`kintrace records show` reads through kintrace.services.records.history: another
    agency's record is "not found" in a user's place (as the web's record page answers 404; the
    operator sees every agency's, decision 0424), and the read is in the audit log."""
    from sqlalchemy import select

    from kintrace.store.audit_tables import AuditEntry

    def show(*extra: str) -> tuple[int, str]:
        args = ["--home", str(sqlite_settings.home), "records", "show", "list-p:p1", *extra]
        env = {"KINTRACE_DATABASE_URL": "", "COLUMNS": "200"}
        result = CliRunner().invoke(cli_app, args, env=env)
        return result.exit_code, result.output

    code, output = show()  # the operator: every agency's (decision 0424)
    assert code == 0 and "Kovalchuk" in output
    code, output = show("--user", "u-caseworker")
    assert code == 1 and "no record list-p:p1" in output
    code, output = show("--user", "u-partner")
    assert code == 0 and "Kovalchuk" in output
    with sqlite_store.session() as db:
        reads = db.execute(
            select(AuditEntry.actor).where(AuditEntry.action == "records.read")
        ).all()
    assert [r.actor for r in reads] == [_cli_login(), f"{_cli_login()} as u-partner"]


def _cli_login() -> str:
    from kintrace.cli.command import cli_actor

    return cli_actor()


def test_quarantine_list_is_scoped_and_audited_like_the_quarantine_page(  # type: ignore[no-untyped-def]
    sqlite_settings: Settings, sqlite_store: Store, seeded: dict[str, int], tmp_path: Path
) -> None:
    """`kintrace quarantine list|export` read through kintrace.services.quarantine.entries: the
    partner's held-back row is not the home agency's users' to see (the installation's operator
    sees every agency's, decision 0424); each read is audited."""
    from sqlalchemy import select

    from kintrace.store.audit_tables import AuditEntry

    bad = [("list-p", "p9", "Synthetic", "Heldback", "2012-13-45", "Kherson")]
    path = write_records_csv(tmp_path / "bad.csv", bad)
    import_file(sqlite_store, path, actor="test", agency_id=seeded["partner_agency"])

    def run(*args: str) -> str:
        result = CliRunner().invoke(
            cli_app,
            ["--home", str(sqlite_settings.home), "quarantine", *args],
            env={"KINTRACE_DATABASE_URL": "", "COLUMNS": "200"},
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert "list-p:p9" in run("list")  # the operator: every agency's (decision 0424)
    assert "0 quarantined row(s)" in run("list", "--user", "u-caseworker")
    assert "list-p:p9" in run("list", "--user", "u-partner")
    out = tmp_path / "held.csv"
    assert "1 quarantined row(s) written" in run("export", "--out", str(out), "--user", "u-partner")
    with sqlite_store.session() as db:
        reads = db.execute(
            select(AuditEntry.actor, AuditEntry.details).where(
                AuditEntry.action == "quarantine.read"
            )
        ).all()
    assert [(r.actor.endswith(" as u-partner"), '"export"' in r.details) for r in reads] == [
        (False, False),  # the operator's list
        (True, False),
        (True, True),
    ]


def test_an_80_column_terminal_keeps_ids_and_names_whole(  # type: ignore[no-untyped-def]
    sqlite_settings: Settings, sqlite_store: Store, seeded: dict[str, int], tmp_path: Path
) -> None:
    """Issue 12, finding 8: in a terminal of 80 columns `records search` prints one block per
    record, the SOURCE:ID whole on its own line and the name whole under it (a table there
    left the name four letters wide); from 100 columns on it is a table, ids whole too."""
    long_source = "demo_ua_family_reports_of_a_long_name"
    rows = [(long_source, "UAF-0001043", "Людмила", "Ковальчук", "2009-08-18", "Херсон")]
    import_file(sqlite_store, write_records_csv(tmp_path / "l.csv", rows), actor="test")
    args = ["--home", str(sqlite_settings.home), "records", "search", "Kovalchuk"]
    env = {"KINTRACE_DATABASE_URL": ""}
    narrow = CliRunner().invoke(cli_app, args, env={**env, "COLUMNS": "80"})
    assert narrow.exit_code == 0, narrow.output
    lines = narrow.output.splitlines()
    assert f"{long_source}:UAF-0001043  (version 1)" in lines
    assert "  Ковальчук Людмила · 2009-08-18" in lines
    assert "  Ковальчук Олександр · 2012-03-14" in lines  # list-a:a1
    found = set(_CLI_REF.findall(narrow.output))  # the operator: every agency's records
    assert found == {("list-a", "a1"), ("list-r", "r1"), ("list-p", "p1")}
    wide = CliRunner().invoke(cli_app, args, env={**env, "COLUMNS": "160"})
    assert f"{long_source}:UAF-0001043" in wide.output and "┃ name" in wide.output
