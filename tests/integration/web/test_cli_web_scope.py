"""The command line and the web show an agency the same things (issue 17): each divergence found
while moving the CLI behind kintrace.services has a test here. All names are synthetic.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.web.conftest import LOOPBACK, seed_agencies, sign_in
from typer.testing import CliRunner

from kintrace.accounts.actors import Actor
from kintrace.accounts.roles import Role
from kintrace.cli.app import app as cli_app
from kintrace.config import Settings
from kintrace.services import linkage
from kintrace.services.errors import LinkInputError
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from kintrace.store.registry_tables import Source
from kintrace.web.app import create_app
from kintrace.web.options import WebOptions

_SOURCE = re.compile(r"\blist-[a-z]\b")


def _cli(settings: Settings, *args: str) -> tuple[int, str]:
    url = "" if settings.is_sqlite else settings.database_url
    result = CliRunner().invoke(
        cli_app,
        ["--home", str(settings.home), *args],
        env={"KINTRACE_DATABASE_URL": url, "COLUMNS": "220"},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_kintrace_sources_lists_the_agencys_sources_like_the_web_page(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    """On SQLite and PostgreSQL: `kintrace sources` listed every agency's sources; the web page
    lists the agency's."""
    seed_agencies(store, tmp_path)
    app = create_app(settings, store=store, options=WebOptions())
    for user, expected in (("u-partner", {"list-p"}), ("u-caseworker", {"list-a", "list-r"})):
        client = TestClient(app, base_url="http://127.0.0.1", client=LOOPBACK)
        sign_in(client, user)
        web = set(_SOURCE.findall(client.get("/sources").text))
        client.close()
        code, output = _cli(settings, "sources", "--user", user)
        assert code == 0, output
        assert set(_SOURCE.findall(output)) == web == expected
        assert "Registry:" not in output  # no other agency's figures, as on the web
    code, output = _cli(settings, "sources")  # the operator: every agency's (decision 0424)
    assert code == 0, output
    assert set(_SOURCE.findall(output)) == {"list-a", "list-r", "list-p"}
    assert "Registry: 3 sources" in output  # the operator: the installation's totals


def test_kintrace_status_in_a_users_place_shows_no_installation_totals(
    seeded: dict[str, int], sqlite_settings: Settings
) -> None:
    """`kintrace status --user` printed the whole installation's counts (every agency's sources,
    records, quarantined rows) above the user's agency's dashboard figures; the web's dashboard
    shows the agency's only."""
    code, output = _cli(sqlite_settings, "status", "--user", "u-partner")
    assert code == 0, output
    assert "Registry:" not in output
    assert "Agency: " in output and "1 records" in output, output
    code, output = _cli(sqlite_settings, "status")
    assert code == 0, output
    assert "Registry: 3 sources, 5 records" in output


def _audited(store: Store, action: str) -> list[tuple[str, str]]:
    with store.session() as db:
        rows = db.execute(
            select(AuditEntry.actor, AuditEntry.details).where(AuditEntry.action == action)
        ).all()
    return [(str(a), str(d)) for a, d in rows]


def test_exports_are_audited_and_a_users_export_holds_their_agencys_records(
    linked: str, seeded: dict[str, int], sqlite_store: Store, sqlite_settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """`kintrace export clusters|links` wrote every child's name to a file with no audit entry
    and no actor; through kintrace.services.linkage.export it is audited, and a user's export
    (an Actor with a role) holds their agency's records only."""
    out = tmp_path / "clusters.csv"
    code, output = _cli(sqlite_settings, "export", "clusters", "--out", str(out))
    assert code == 0, output
    operator_rows = {tuple(r[:2]) for r in csv.reader(out.open(encoding="utf-8"))}
    assert {("list-a", "a1"), ("list-r", "r1"), ("list-p", "p1")} <= operator_rows
    assert len(_audited(sqlite_store, "clusters.export")) == 1

    partner = Actor("u-partner", agency_id=seeded["partner_agency"], role=Role.CASEWORKER)
    for which, expected in (("clusters", {("list-p", "p1")}), ("links", set())):
        buffer = io.StringIO()
        count = linkage.export(sqlite_store, partner, which, buffer, raw=False)  # type: ignore[arg-type]
        rows = list(csv.reader(io.StringIO(buffer.getvalue())))[1:]
        assert count == len(rows)
        assert {tuple(r[:2]) for r in rows} == expected  # the home pair a1-r1 is left out
    assert ("u-partner", '{"rows":1}') in _audited(sqlite_store, "clusters.export")
    assert ("u-partner", '{"rows":0}') in _audited(sqlite_store, "links.export")


def test_explain_refuses_a_users_look_at_another_agencys_record(
    linked: str, seeded: dict[str, int], sqlite_store: Store
) -> None:
    """A user (an Actor with a role) gets "no such record" for another agency's record, before
    anything is scored: the same answer as for a record that does not exist."""
    partner = Actor("u-partner", agency_id=seeded["partner_agency"], role=Role.CASEWORKER)
    with pytest.raises(LinkInputError, match="No record list-a:a1"):
        linkage.explain(sqlite_store, partner, ("list-a", "a1"), ("list-p", "p1"))
    assert _audited(sqlite_store, "pair.explain") == []


def _kinds(store: Store) -> dict[str, str]:
    with store.session() as db:
        return {str(n): str(k) for n, k in db.execute(select(Source.name, Source.kind))}


def test_set_kind_in_a_users_place_refuses_another_agencys_source_as_unknown(
    settings: Settings, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite and PostgreSQL: `kintrace sources set-kind SOURCE KIND` with --user (or
    KINTRACE_USER, or `sources --user U set-kind`) changed another agency's source. It is now
    refused with the words and exit status of an unknown source, so the refusal does not reveal
    that the source exists; nothing changes and nothing is audited. The user's own agency's
    source and the operator (no user) still change."""
    seed_agencies(store, tmp_path)
    monkeypatch.delenv("KINTRACE_USER", raising=False)
    code, unknown = _cli(settings, "sources", "set-kind", "list-x", "camp", "--user", "u-partner")
    assert code == 1 and "There is no source 'list-x'" in unknown, unknown
    before = _kinds(store)
    ways = (  # (user, the command line, environment)
        ("u-partner", ["sources", "set-kind", "list-a", "camp", "--user", "u-partner"], {}),
        ("u-partner", ["sources", "--user", "u-partner", "set-kind", "list-a", "camp"], {}),
        ("u-partner", ["sources", "set-kind", "list-a", "camp"], {"KINTRACE_USER": "u-partner"}),
        ("u-caseworker", ["sources", "set-kind", "list-p", "camp", "--user", "u-caseworker"], {}),
    )
    for user, args, env in ways:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code, output = _cli(settings, *args)
        monkeypatch.delenv("KINTRACE_USER", raising=False)
        refused = next(s for s in ("list-a", "list-p") if s in args)
        assert code == 1, (user, output)
        assert output == unknown.replace("list-x", refused), output
    assert _kinds(store) == before
    assert _audited(store, "registry.source.set_kind") == []

    code, output = _cli(settings, "sources", "set-kind", "list-p", "camp", "--user", "u-partner")
    assert code == 0 and "kind unknown -> camp" in output, output
    code, output = _cli(settings, "sources", "set-kind", "list-a", "adoption")  # the operator
    assert code == 0 and "kind unknown -> adoption" in output, output
    code, output = _cli(settings, "sources", "set-kind", "list-p", "registry")  # any agency's
    assert code == 0 and "kind camp -> registry" in output, output
    assert _kinds(store) == {**before, "list-a": "adoption", "list-p": "registry"}
    actors = [a for a, _ in _audited(store, "registry.source.set_kind")]
    assert len(actors) == 3 and actors[0].endswith(" as u-partner"), actors
