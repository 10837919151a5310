"""Account services on SQLite and PostgreSQL: users, second factor, sessions, throttling, tokens,
and the search index and a signed-in search through the app on each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from tests.integration.web.conftest import LOOPBACK, SYNTHETIC_ROWS, sign_in

from kintrace.accounts import sessions, throttle, tokens, users
from kintrace.accounts.errors import AccountError, SignInFailed, Throttled
from kintrace.accounts.roles import Role
from kintrace.config import Settings
from kintrace.registry.importer import import_file
from kintrace.store.engine import Store
from kintrace.web.app import create_app
from support.seed import write_records_csv

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


def _add(db, name: str = "u-one", role: Role = Role.CASEWORKER) -> users.User:  # type: ignore[no-untyped-def]
    return users.add_user(db, username=name, password=PASSWORD, role=role, agency_id=1, now=NOW)


def test_a_second_agency_can_be_created(store: Store) -> None:
    """Migration 0003 inserts the home agency with id 1; on PostgreSQL the next agency was given
    id 1 again and failed on the primary key (migration 0014w moves the sequence on)."""
    with store.session(write=True) as db:
        partner = users.ensure_agency(db, code="partner", name="Partner", now=NOW)
        third = users.ensure_agency(db, code="third", name="Third", now=NOW)
    assert 1 < partner < third


def test_user_lifecycle(store: Store) -> None:
    with store.session(write=True) as db:
        user = _add(db)
        assert users.check_password(db, username="U-One ", password=PASSWORD).id == user.id
        with pytest.raises(SignInFailed):
            users.check_password(db, username="u-one", password="wrong wrong wrong")
        with pytest.raises(AccountError, match="already exists"):
            _add(db)
        token, _ = sessions.start_session(db, user_id=user.id, stage="full", now=NOW)
        users.set_disabled(db, "u-one", disabled=True)
        assert sessions.load_session(db, token, now=NOW) is None  # disabling ends sessions
        with pytest.raises(SignInFailed):
            users.check_password(db, username="u-one", password=PASSWORD)


def test_enrolment_recovery_codes_and_reset(store: Store) -> None:
    with store.session(write=True) as db:
        user = _add(db)
        secret = users.begin_enrolment(db, user.id)
        with pytest.raises(AccountError, match="does not match"):
            users.confirm_enrolment(db, user_id=user.id, code="000000", now=NOW)
        codes = users.confirm_enrolment(
            db, user_id=user.id, code=pyotp.TOTP(secret).at(NOW), now=NOW
        )
        users.check_second_factor(db, user_id=user.id, code=codes[0], now=NOW)
        with pytest.raises(SignInFailed):  # a recovery code works once
            users.check_second_factor(db, user_id=user.id, code=codes[0], now=NOW)
        later = NOW + timedelta(minutes=1)
        users.check_second_factor(db, user_id=user.id, code=pyotp.TOTP(secret).at(later), now=later)
        users.reset_user(db, "u-one", password="another long passphrase", now=NOW)
        assert not users.get_user_by_name(db, "u-one").totp_enrolled
        with pytest.raises(SignInFailed):
            users.check_second_factor(db, user_id=user.id, code=codes[1], now=NOW)


def test_session_idle_and_absolute_time_outs(store: Store) -> None:
    with store.session(write=True) as db:
        user = _add(db)
        token, _ = sessions.start_session(db, user_id=user.id, stage="full", now=NOW)
        t = NOW
        for _ in range(8):  # active every 25 minutes: the idle limit (30) is never reached
            t += timedelta(minutes=25)
            assert sessions.load_session(db, token, now=t) is not None
        assert sessions.load_session(db, token, now=NOW + timedelta(hours=10, minutes=1)) is None
        token, _ = sessions.start_session(db, user_id=user.id, stage="full", now=NOW)
        assert sessions.load_session(db, token, now=NOW + timedelta(minutes=31)) is None
        pending, _ = sessions.start_session(db, user_id=user.id, stage="password", now=NOW)
        assert sessions.load_session(db, pending, now=NOW + timedelta(minutes=6)) is None


def test_throttle_blocks_then_the_window_passes(store: Store) -> None:
    limits = throttle.Limits(per_account=3, per_address=10)
    key = throttle.account_key("someone")
    with store.session(write=True) as db:
        for _ in range(3):
            throttle.check(db, [key], now=NOW)
            throttle.record_failure(db, {key: 3}, now=NOW, limits=limits)
        with pytest.raises(Throttled) as blocked:
            throttle.check(db, [key], now=NOW + timedelta(minutes=1))
        assert 0 < blocked.value.retry_after_s <= 15 * 60
        throttle.check(db, [key], now=NOW + timedelta(minutes=16))


def test_api_tokens(store: Store) -> None:
    with store.session(write=True) as db:
        user = _add(db)
        token = tokens.create_token(db, user_id=user.id, label="script", now=NOW)
        assert tokens.user_for_token(db, token, now=NOW) is None  # no second factor yet
        users.set_totp_secret_for_demo(db, user_id=user.id, secret=pyotp.random_base32())
        assert tokens.user_for_token(db, token, now=NOW) == user.id
        token_id = tokens.list_tokens(db, user.id)[0]["id"]
        assert tokens.revoke_token(db, user_id=user.id, token_id=token_id, now=NOW)
        assert tokens.user_for_token(db, token, now=NOW) is None


def test_api_tokens_do_not_outlive_users_reset_or_disable(store: Store) -> None:
    """Issue 11, finding 5: a token worked again once its user, reset, enrolled again."""
    with store.session(write=True) as db:
        user = _add(db)
        users.set_totp_secret_for_demo(db, user_id=user.id, secret=pyotp.random_base32())
        token = tokens.create_token(db, user_id=user.id, label="script", now=NOW)
        assert tokens.user_for_token(db, token, now=NOW) == user.id
        users.reset_user(db, "u-one", password="another long passphrase", now=NOW)
        users.set_totp_secret_for_demo(db, user_id=user.id, secret=pyotp.random_base32())
        assert tokens.user_for_token(db, token, now=NOW) is None  # enrolled again: still dead
        second = tokens.create_token(db, user_id=user.id, label="new script", now=NOW)
        assert tokens.user_for_token(db, second, now=NOW) == user.id
        users.set_disabled(db, "u-one", disabled=True)
        users.set_disabled(db, "u-one", disabled=False)
        assert tokens.user_for_token(db, second, now=NOW) is None  # enabled again: still dead
        assert all(t["revoked_at"] is not None for t in tokens.list_tokens(db, user.id))


def test_search_through_the_app_on_each_backend(settings: Settings, store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_file(store, write_records_csv(tmp_path / "rows.csv", SYNTHETIC_ROWS), actor="test")
    with store.session(write=True) as db:
        user = _add(db, "u-caseworker")
        from tests.integration.web.conftest import secret_of

        users.set_totp_secret_for_demo(db, user_id=user.id, secret=secret_of("u-caseworker"))
        users.set_language(db, user.id, "en")
    app = create_app(settings, store=store)
    with TestClient(app, base_url="http://127.0.0.1", client=LOOPBACK) as client:
        sign_in(client, "u-caseworker")
        r = client.post(
            "/api/v1/search", json={"name": "Sasha Kovalchuk"}, headers={"X-CSRF-Token": "x"}
        )
        assert r.status_code == 403  # the browser session needs its CSRF token for the API too
        import re

        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
        r = client.post(
            "/api/v1/search", json={"name": "Sasha Kovalchuk"}, headers={"X-CSRF-Token": token}
        )
        assert {h["record_id"] for h in r.json()["hits"]} == {"a1", "r1"}
