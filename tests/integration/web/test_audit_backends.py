"""The audit reader and user administration on SQLite and PostgreSQL (issue 12, finding 6):
agency scope by user name (LIKE with escaping on both), day filters, a move between agencies.
All data is synthetic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.integration.web.conftest import seed_agencies

from kintrace import audit
from kintrace.accounts import users
from kintrace.accounts.actors import command_line, of_user
from kintrace.accounts.roles import Role
from kintrace.services import audit as audit_service
from kintrace.services import records as record_service
from kintrace.services import users as user_admin
from kintrace.store.engine import Store
from kintrace.timezones import zone_named

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def test_audit_scope_filters_and_user_admin(store: Store, tmp_path: Path) -> None:
    agencies = seed_agencies(store, tmp_path)
    partner = agencies["partner_agency"]
    with store.session(write=True) as db:
        home_admin = of_user(users.get_user_by_name(db, "u-admin"))
        partner_admin = of_user(
            users.add_user(
                db,
                username="p-admin",
                password="x" * 12,
                role=Role.ADMIN,
                agency_id=partner,
                now=NOW,
            )
        )
        record_service.read(db, of_user(users.get_user_by_name(db, "u-reviewer")), 1)
        # a user name with LIKE wildcards must not match others ("u_" would match "u-")
        user_admin.add(db, partner_admin, username="u_", role="caseworker", now=NOW)
        audit.append(db, actor="u_", action="test.mark", entity_type="x", entity_id=1)
        audit.append(
            db, actor="cli:op as u-partner", action="test.mark", entity_type="x", entity_id=2
        )
    with store.session(write=True) as db:
        home = audit_service.list_entries(db, home_admin, audit_service.AuditFilter())
        mine = audit_service.list_entries(db, partner_admin, audit_service.AuditFilter())
        by_record = audit_service.list_entries(
            db, home_admin, audit_service.AuditFilter(record="list-a:a1")
        )
        wildcard = audit_service.list_entries(
            db, partner_admin, audit_service.AuditFilter(user="u_", action="test.")
        )
        past = audit_service.list_entries(
            db,
            command_line("cli:op"),
            audit_service.AuditFilter(until=date(2020, 1, 1)),
            zone=zone_named("Europe/Kyiv"),
        )
    home_actors = {r.actor for r in home.rows}
    assert "u-reviewer" in home_actors and "test" in home_actors
    assert not home_actors & {"u_", "cli:op as u-partner", "p-admin"}
    assert {r.actor for r in mine.rows} >= {"u_", "cli:op as u-partner"}
    assert "u-reviewer" not in {r.actor for r in mine.rows}
    assert [r.action for r in by_record.rows] == ["records.read"]
    assert [r.actor for r in wildcard.rows] == ["u_"]
    assert past.total == 0
    with store.session(write=True) as db:
        moved = user_admin.change_agency(db, home_admin, "u-analyst", "partner", now=NOW)
        assert moved.agency_id == partner
        with pytest.raises(user_admin.UserAdminError):
            user_admin.change_agency(db, partner_admin, "u_", "home", now=NOW)
