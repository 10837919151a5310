"""Every route × every role against the policy table; out of role or scope answers 404."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from tests.integration.web.conftest import csrf_of

from kintrace.accounts.roles import Role
from kintrace.web.deps import guard
from kintrace.web.policy import POLICY, Gate
from kintrace.web.routes import ROUTERS

# Concrete values for path parameters (ids of the home agency's first record and so on).
PARAMS = {
    "record_pk": "1",
    "person_id": "P000001",
    "token_id": "999",
    "row_id": "999",
    "item_id": "1",
    "case_id": "1",
    "token": "0" * 32,  # an upload waiting for its mapping step
    "job_id": "999",  # a background link run
    "evidence_id": "999",  # an evidence item (none exists: 404 for those allowed too)
    "username": "nobody",  # a user to change (none: the users page says so, 400)
    "request_ref": "RQ-NONE",  # an exchange request (none: 404 for those allowed too)
    "release_id": "999",  # a figures release (the file route answers 422 without ?name=)
}
# Routes whose success is a redirect or a page for someone in the middle of signing in.
ANONYMOUS_OK = {"sign_in_form", "sign_in", "set_language", "health"}


def _routes(app) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    """Every API route of the app (FastAPI nests included routers, so walk ROUTERS)."""
    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]


def test_every_router_runs_the_gate() -> None:
    for router in ROUTERS:
        assert any(d.dependency is guard for d in router.dependencies), router


def _url(route: APIRoute, params: dict[str, str] | None = None) -> str:
    values = PARAMS | (params or {})
    return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], route.path)


def test_every_route_is_in_the_policy_table(app) -> None:  # type: ignore[no-untyped-def]
    names = {r.name for r in _routes(app)}
    assert names - set(POLICY) == set(), "a route without a policy entry is denied to everyone"
    assert set(POLICY) - names - {"static"} == set(), "stale policy entries"


@pytest.mark.parametrize("role", list(Role))
def test_route_by_role(app, signed_in, review_data, role: Role) -> None:  # type: ignore[no-untyped-def]
    """Allowed: anything but 401/403/404 (a form posted empty answers 422); denied: 404. The
    review and case routes get the ids of a real pair and case of the user's agency."""
    client = signed_in(f"u-{role.value}")
    params = {"item_id": str(review_data["item"]), "case_id": str(review_data["case"])}
    token = csrf_of(client, "/account")
    # sign-out last: a new sign-in within the same 30 s would need a fresh TOTP code
    for route in sorted(_routes(app), key=lambda r: r.name == "sign_out"):
        access = POLICY[route.name]
        for method in route.methods - {"HEAD"}:
            kwargs = {"headers": {"X-CSRF-Token": token}, "follow_redirects": False}
            if method == "POST" and route.name in ("api_search",):
                kwargs["json"] = {"name": "Ковальчук"}
            r = client.request(method, _url(route, params), **kwargs)
            where = f"{method} {route.path} as {role.value}"
            if access.gate is Gate.PENDING:
                assert r.status_code in (303, 401), where  # no password-stage session
            elif access.allows(role):
                assert r.status_code not in (401, 403, 404) or route.name in (
                    "token_revoke",
                    "quarantine_fix",
                    "import_map",
                    "import_link_status",
                    "api_link_job",
                    "person",
                    "api_person",
                    "sign_in",
                    "evidence_add_person",
                    "evidence_item",
                    "evidence_copy",
                    "evidence_original",
                    "exchange_request",
                ), where  # 404 for the made-up ids above; 401 for sign-in without a password
            else:
                assert r.status_code == 404, where


def test_anonymous_gets_sign_in_or_401(app, client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory()
    for route in _routes(app):
        if route.name in ANONYMOUS_OK:
            continue
        for method in route.methods - {"HEAD"}:
            r = client.request(method, _url(route), follow_redirects=False)
            if route.path.startswith("/api/") and route.name != "api_docs":
                assert r.status_code in (401, 403), f"{method} {route.path}"
            elif method == "GET":
                assert r.status_code == 303 and r.headers["location"] == "/sign-in", route.path
            else:
                assert r.status_code in (303, 403), f"{method} {route.path}"


def test_analyst_never_sees_a_name(signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-analyst")
    for path in ("/", "/sources", "/figures", "/api/v1/dashboard", "/api/v1/sources"):
        r = client.get(path)
        assert r.status_code == 200
        assert "Ковальчук" not in r.text and "Kovalchuk" not in r.text
    assert client.get("/records/1").status_code == 404
    assert client.get("/search").status_code == 404
