"""CSRF, throttling, IDOR across agencies, headers, session rotation, API tokens."""

from __future__ import annotations

import re

import pyotp
from tests.integration.web.conftest import PASSWORD, csrf_of, secret_of, sign_in

from kintrace.web.security import CSP


def test_state_changing_requests_need_the_csrf_token(signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    assert client.post("/search", data={"name": "x"}).status_code == 403
    assert client.post("/search", data={"name": "x", "csrf_token": "forged"}).status_code == 403
    r = client.post("/search", data={"name": "x"}, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    token = csrf_of(client, "/search")
    assert client.post("/search", data={"name": "x", "csrf_token": token}).status_code == 200
    r = client.post(
        "/search",
        data={"name": "x", "csrf_token": token},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403


def test_sign_in_form_itself_needs_the_csrf_token(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory()
    r = client.post(
        "/sign-in", data={"username": "u-admin", "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 403


def test_wrong_user_and_wrong_password_get_the_same_answer(client_factory) -> None:  # type: ignore[no-untyped-def]
    answers = []
    for username, password in (("nobody-here", PASSWORD), ("u-admin", "wrong password!")):
        client = client_factory()
        token = csrf_of(client)
        r = client.post(
            "/sign-in", data={"username": username, "password": password, "csrf_token": token}
        )
        answers.append((r.status_code, re.sub(r"[A-Za-z0-9_-]{40,}", "TOKEN", r.text)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401


def test_throttling_per_account_blocks_even_the_right_password(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory()
    token = csrf_of(client)
    for _ in range(5):
        r = client.post(
            "/sign-in",
            data={"username": "u-admin", "password": "not it at all", "csrf_token": token},
        )
        assert r.status_code == 401
    r = client.post(
        "/sign-in", data={"username": "u-admin", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 429
    other = client_factory()  # another account from the same address is still let in
    sign_in(other, "u-reviewer")


def test_throttling_per_address(app, client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory()
    token = csrf_of(client)
    for i in range(20):
        r = client.post(
            "/sign-in", data={"username": f"guess-{i}", "password": "x" * 12, "csrf_token": token}
        )
        assert r.status_code == 401
    r = client.post(
        "/sign-in", data={"username": "u-reviewer", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 429


def test_second_factor_is_required_and_a_code_works_once(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory()
    token = csrf_of(client)
    client.post("/sign-in", data={"username": "u-admin", "password": PASSWORD, "csrf_token": token})
    assert client.get("/", follow_redirects=False).status_code == 303  # not signed in yet
    token = csrf_of(client, "/sign-in/code")
    r = client.post("/sign-in/code", data={"code": "000000", "csrf_token": token})
    assert r.status_code == 401
    code = pyotp.TOTP(secret_of("u-admin")).now()
    session_before = dict(client.cookies)
    r = client.post(
        "/sign-in/code", data={"code": code, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert dict(client.cookies)["kt_session"] != session_before["kt_session"]  # rotated
    replay = client_factory()
    token = csrf_of(replay)
    replay.post("/sign-in", data={"username": "u-admin", "password": PASSWORD, "csrf_token": token})
    token = csrf_of(replay, "/sign-in/code")
    r = replay.post("/sign-in/code", data={"code": code, "csrf_token": token})
    assert r.status_code == 401


def test_idor_other_agency_records_answer_404(signed_in, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from kintrace.store.registry_tables import Record, Source

    with sqlite_store.session() as db:
        rows = db.execute(select(Record.id, Source.name).join(Source)).all()
    home_ids = [pk for pk, source in rows if source != "list-p"]
    partner_ids = [pk for pk, source in rows if source == "list-p"]
    partner = signed_in("u-partner")
    home = signed_in("u-caseworker")
    for pk in home_ids:
        assert partner.get(f"/records/{pk}").status_code == 404
        assert partner.get(f"/api/v1/records/{pk}").status_code == 404
        assert home.get(f"/records/{pk}").status_code == 200
    for pk in partner_ids:
        assert home.get(f"/records/{pk}").status_code == 404
        assert partner.get(f"/records/{pk}").status_code == 200
    unknown = max(pk for pk, _ in rows) + 100
    missing_path, foreign_path = f"/records/{unknown}", f"/records/{partner_ids[0]}"
    missing = home.get(missing_path).text.replace(missing_path, "ID")
    foreign = home.get(foreign_path).text.replace(foreign_path, "ID")
    assert missing == foreign  # "not yours" looks exactly like "does not exist"


def test_security_headers_on_every_kind_of_response(client_factory, signed_in) -> None:  # type: ignore[no-untyped-def]
    anonymous = client_factory()
    client = signed_in("u-admin")
    for r in (
        anonymous.get("/sign-in"),
        anonymous.get("/static/kintrace.css"),
        anonymous.get("/no-such-page"),
        client.get("/"),
        client.get("/records/1"),
        client.get("/api/v1/dashboard"),
    ):
        assert r.headers["content-security-policy"] == CSP
        assert "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in r.headers  # plain HTTP here
    assert client.get("/records/1").headers["cache-control"] == "no-store"


def test_hsts_and_host_prefixed_cookies_over_https(app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://kintrace.example", client=REMOTE) as client:
        r = client.get("/sign-in")
        assert r.headers["strict-transport-security"].startswith("max-age=")
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("__Host-kt_csrf=") and "Secure" in cookie
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_api_token_acts_for_its_user_and_can_be_revoked(signed_in, client_factory) -> None:  # type: ignore[no-untyped-def]
    browser = signed_in("u-investigator")
    token = csrf_of(browser, "/account")
    page = browser.post("/account/tokens", data={"label": "script", "csrf_token": token}).text
    api_token = re.search(r'<code class="token">(kt_[^<]+)</code>', page).group(1)
    script = client_factory()
    headers = {"Authorization": f"Bearer {api_token}"}
    r = script.post("/api/v1/search", json={"name": "Oleksandr Kovalchuk"}, headers=headers)
    assert r.status_code == 200
    assert {h["source"] for h in r.json()["hits"]} == {"list-a", "list-r"}
    assert script.get("/api/openapi.json", headers=headers).status_code == 200
    token_id = re.search(r"/account/tokens/(\d+)/revoke", page).group(1)
    browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert script.get("/api/v1/dashboard", headers=headers).status_code == 401


REMOTE = ("203.0.113.7", 40000)  # a documentation address: not loopback


def test_plain_http_from_another_machine_cannot_sign_in(app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="http://kintrace.example", client=REMOTE) as client:
        page = client.get("/sign-in")
        assert 'name="password"' not in page.text  # no form to type a password into
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = client.post(
            "/sign-in",
            data={"username": "u-admin", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 400 and "set-cookie" not in {k.lower() for k in r.headers}
