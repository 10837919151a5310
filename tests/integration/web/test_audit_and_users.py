"""Issue 12, finding 6: the audit page, "who read this child" and user administration on the
web, through the same services as `kintrace audit list` and `kintrace users ...`.

All names are synthetic test data.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select
from tests.integration.web.conftest import PASSWORD, csrf_of, secret_of, sign_in
from typer.testing import CliRunner

from kintrace.accounts import tokens, users
from kintrace.accounts.actors import Actor, command_line
from kintrace.accounts.roles import Role
from kintrace.cli.app import app as cli_app
from kintrace.services import audit as audit_service
from kintrace.services import users as user_admin
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from support.seed import add_user_with_totp


def _cells(html: str, text: str) -> list[str]:
    """The entries whose sentence names `text` as who acted, or as its action (an action the
    page has no sentence for reads "WHO: action (...)"); decision 0450."""
    sentences = re.findall(r'<td data-label="[^"]*" class="sentence">(.*?)</td>', html, re.S)
    return [s for s in sentences if f"<strong>{text}</strong>" in s or f": {text} (" in s]


@pytest.fixture
def partner_admin(sqlite_store: Store, seeded: dict[str, int]) -> str:
    with sqlite_store.session(write=True) as db:
        add_user_with_totp(
            db,
            username="u-partner-admin",
            password=PASSWORD,
            role=Role.ADMIN,
            secret=secret_of("u-partner-admin"),
            at=datetime.now(UTC),
            agency_id=seeded["partner_agency"],
        )
    return "u-partner-admin"


def _actions(store: Store) -> list[tuple[str, str, str, str]]:
    with store.session() as db:
        rows = db.execute(
            select(
                AuditEntry.actor, AuditEntry.action, AuditEntry.entity_type, AuditEntry.entity_id
            ).order_by(AuditEntry.id)
        ).all()
    return [tuple(r) for r in rows]


def test_who_read_this_child_on_the_person_page(signed_in, linked: str, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    reader = signed_in("u-caseworker")
    assert reader.get("/records/1").status_code == 200
    assert reader.get(f"/persons/{linked}").status_code == 200
    assert "Who read this child" not in reader.get(f"/persons/{linked}").text  # admins only
    admin = signed_in("u-admin")
    admin.cookies.set("kt_lang", "en")
    page = admin.get(f"/persons/{linked}").text
    section = page.split('id="readers"', 1)[1]
    assert "u-caseworker" in section and "record page" in section and "person page" in section
    assert ("u-admin", "audit.read", "person", linked) in _actions(sqlite_store)


def test_audit_page_filters_pages_and_is_itself_audited(
    signed_in, linked: str, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    reader = signed_in("u-reviewer")
    for _ in range(3):
        assert reader.get("/records/1").status_code == 200
    admin = signed_in("u-admin")
    page = admin.get("/audit", params={"who": "u-reviewer", "action": "records.read"})
    assert page.status_code == 200
    assert len(_cells(page.text, "u-reviewer")) == 3
    assert "u-caseworker" not in page.text
    by_record = admin.get("/audit", params={"record": "list-a:a1"}).text
    assert "u-reviewer" in by_record
    by_other = admin.get("/audit", params={"record": "list-a:a2"}).text
    assert not _cells(by_other, "u-reviewer")
    later = admin.get("/audit", params={"since": "2999-01-01"}).text
    assert not _cells(later, "u-reviewer")
    bad = admin.get("/audit", params={"since": "05.03.2026"})
    assert bad.status_code == 400 and 'class="error"' in bad.text
    reads = [a for a in _actions(sqlite_store) if a[1] == "audit.read"]
    assert len(reads) >= 4 and all(a[0] == "u-admin" for a in reads)


def test_audit_pages_of_fifty(sqlite_store, signed_in) -> None:  # type: ignore[no-untyped-def]
    from kintrace import audit

    with sqlite_store.session(write=True) as db:
        for i in range(120):
            audit.append(db, actor="u-reviewer", action="test.filler", entity_type="x", entity_id=i)
    admin = signed_in("u-admin")
    first = admin.get("/audit", params={"action": "test.filler"}).text
    assert "1 / 3" in first and 'rel="next"' in first and len(_cells(first, "test.filler")) == 50
    match = re.search(r'href="(/audit\?[^"]+)" rel="next"', first)
    assert match is not None
    last = admin.get(match.group(1).replace("&amp;", "&").replace("page=2", "page=3")).text
    assert len(_cells(last, "test.filler")) == 20 and 'rel="prev"' in last


def test_audit_is_agency_scoped(signed_in, linked: str, partner_admin: str) -> None:  # type: ignore[no-untyped-def]
    signed_in("u-reviewer").get("/records/1")
    signed_in("u-partner").get(f"/persons/{linked}")
    home = signed_in("u-admin").get("/audit").text
    partner_client = signed_in(partner_admin)
    partner = partner_client.get("/audit").text
    assert _cells(home, "u-reviewer") and not _cells(home, "u-partner")
    assert _cells(partner, "u-partner") and not _cells(partner, "u-reviewer")
    assert not _cells(partner, "test")  # imports by no web user are the home agency's
    # a home person's record named from the partner agency is "no such record"
    refused = partner_client.get("/audit", params={"record": "list-a:a1"})
    assert refused.status_code == 400


def test_only_admins_and_the_operator_read_the_audit(sqlite_store, seeded) -> None:  # type: ignore[no-untyped-def]
    with sqlite_store.session(write=True) as db:
        with pytest.raises(audit_service.AuditDenied):
            audit_service.list_entries(
                db, Actor("r", role=Role.REVIEWER), audit_service.AuditFilter()
            )
        operator = audit_service.list_entries(
            db, command_line("cli:op"), audit_service.AuditFilter()
        )
    assert operator.total >= 2  # the imports of both agencies


def test_cli_audit_list_is_the_same_service(
    tmp_path: Path, sqlite_settings, sqlite_store, signed_in, linked
) -> None:  # type: ignore[no-untyped-def]
    signed_in("u-reviewer").get("/records/1")
    runner = CliRunner()
    result = runner.invoke(
        cli_app,
        [
            "--home",
            str(sqlite_settings.home),
            "audit",
            "list",
            "--user",
            "u-reviewer",
            "--action",
            "records.read",
        ],
        env={"KINTRACE_DATABASE_URL": sqlite_settings.database_url, "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "records.read" in result.output and "u-reviewer" in result.output
    assert "Europe/Kyiv" in result.output
    refused = runner.invoke(
        cli_app,
        ["--home", str(sqlite_settings.home), "audit", "list", "--as", "u-caseworker"],
        env={"KINTRACE_DATABASE_URL": sqlite_settings.database_url},
    )
    assert refused.exit_code == 1 and "administrator" in refused.output
    assert any(a[1] == "audit.read" and a[0].startswith("cli") for a in _actions(sqlite_store))


def _post(client, path: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_of(client, "/users"), **form})


def test_users_page_add_role_disable_reset(signed_in, client_factory, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    admin = signed_in("u-admin")
    admin.cookies.set("kt_lang", "en")
    added = _post(admin, "/users", username="synthetic.new", role="reviewer", display_name="New")
    assert added.status_code == 200
    password = re.search(r'<code class="token">([^<]+)</code>', added.text)
    assert password is not None
    with sqlite_store.session() as db:
        user = users.get_user_by_name(db, "synthetic.new")
        assert user.role is Role.REVIEWER and user.agency_id == 1
    assert _post(admin, "/users/synthetic.new/role", role="caseworker").status_code == 200
    # the target's token is revoked on disable, as `kintrace users disable` does
    with sqlite_store.session(write=True) as db:
        tokens.create_token(db, user_id=user.id, label="script", now=datetime.now(UTC))
    assert _post(admin, "/users/synthetic.new/disable").status_code == 200
    with sqlite_store.session() as db:
        changed = users.get_user_by_name(db, "synthetic.new")
        assert changed.role is Role.CASEWORKER and changed.disabled
        made = tokens.list_tokens(db, user.id)
        assert made and all(t["revoked_at"] is not None for t in made)
    assert _post(admin, "/users/synthetic.new/disable", enable="1").status_code == 200
    reset = _post(admin, "/users/synthetic.new/reset")
    assert reset.status_code == 200 and '<code class="token">' in reset.text
    actions = [a[1] for a in _actions(sqlite_store) if a[0] == "u-admin"]
    for expected in (
        "accounts.user_added",
        "accounts.role_changed",
        "accounts.user_disabled",
        "accounts.user_enabled",
        "accounts.user_reset",
    ):
        assert expected in actions
    assert password.group(1) not in str(_actions(sqlite_store))


def test_users_page_refuses_what_the_rules_refuse(
    signed_in, partner_admin: str, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    admin = signed_in("u-admin")
    admin.cookies.set("kt_lang", "en")
    own = _post(admin, "/users/u-admin/disable")
    assert own.status_code == 400 and "your own account" in own.text
    bad = _post(admin, "/users", username="Ab cd", role="reviewer")
    assert bad.status_code == 400 and "not allowed" in bad.text
    partner = signed_in(partner_admin)
    page = partner.get("/users").text
    assert "u-reviewer" not in page and "u-partner" in page
    foreign = _post(partner, "/users/u-reviewer/disable")
    assert foreign.status_code == 400
    moved = _post(partner, "/users/u-partner/agency", agency="home")
    assert moved.status_code == 400
    with sqlite_store.session() as db:
        assert not users.get_user_by_name(db, "u-reviewer").disabled
        assert users.get_user_by_name(db, "u-partner").agency_code == "partner"


def test_home_admin_moves_a_user_and_their_sessions_end(
    signed_in, client_factory, sqlite_store
) -> None:  # type: ignore[no-untyped-def]
    moved_user = signed_in("u-investigator")
    assert moved_user.get("/records/1").status_code == 200
    admin = signed_in("u-admin")
    assert _post(admin, "/users/u-investigator/agency", agency="partner").status_code == 200
    assert moved_user.get("/records/1", follow_redirects=False).status_code == 303  # signed out
    again = client_factory()
    next_step = int(datetime.now(UTC).timestamp()) + 30  # the first sign-in used this step's code
    sign_in(again, "u-investigator", code=pyotp.TOTP(secret_of("u-investigator")).at(next_step))
    assert again.get("/records/1").status_code == 404  # a home record, now another agency's
    with sqlite_store.session() as db:
        assert users.get_user_by_name(db, "u-investigator").agency_code == "partner"


def test_cli_users_use_the_same_service(tmp_path: Path) -> None:
    runner = CliRunner()
    home = tmp_path / "home"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli_app, ["--home", str(home), "users", *args])

    assert run("add", "synthetic.two", "--role", "analyst").exit_code == 0
    assert (
        run(
            "add", "synthetic.p", "--role", "admin", "--agency", "p2", "--agency-name", "P2"
        ).exit_code
        == 0
    )
    role = run("role", "synthetic.two", "reviewer")
    assert role.exit_code == 0 and "reviewer" in role.output
    moved = run("agency", "synthetic.two", "p2")
    assert moved.exit_code == 0 and "p2" in moved.output
    nowhere = run("agency", "synthetic.two", "nowhere")
    assert nowhere.exit_code == 1 and "Traceback" not in nowhere.output


def test_the_service_keeps_admins_in_their_agency(sqlite_store, seeded) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    partner_admin = Actor("u-x", agency_id=seeded["partner_agency"], role=Role.ADMIN)
    with sqlite_store.session(write=True) as db:
        with pytest.raises(user_admin.UserAdminError):
            user_admin.add(db, partner_admin, username="x2", role="admin", agency="home", now=now)
        made = user_admin.add(db, partner_admin, username="x2", role="admin", now=now)
        assert made.user.agency_id == seeded["partner_agency"]
        with pytest.raises(user_admin.UserAdminError):
            user_admin.change_role(
                db, Actor("u-caseworker", role=Role.CASEWORKER), "x2", "analyst", now=now
            )


def test_the_audit_page_shows_kyiv_time(signed_in, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    signed_in("u-reviewer").get("/records/1")
    with sqlite_store.session() as db:
        at = db.execute(
            select(AuditEntry.at).where(AuditEntry.action == "records.read")
        ).scalar_one()
    utc = datetime.fromisoformat(at.replace("Z", "+00:00"))
    kyiv = utc.astimezone(ZoneInfo("Europe/Kyiv")).strftime("%Y-%m-%d %H:%M:%S")
    page = signed_in("u-admin").get("/audit", params={"action": "records.read"}).text
    assert f">{kyiv}</time>" in page  # the UTC instant stays only in the datetime attribute
    assert "Europe/Kyiv" in page
