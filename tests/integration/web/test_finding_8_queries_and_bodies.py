"""Issue 11, finding 8: what tests/integration/web/test_load_and_limits.py leaves open - the
probe's malformed values in a query string, a body that is not UTF-8 or holds a lone surrogate
(a form or a JSON document, not a file), and a 16 MiB form field, signed in or not. Each gets a
4xx with the security headers, never a 500. Synthetic values only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.integration.web.conftest import LOOPBACK, csrf_of, sign_in

from kintrace.web.security import CSP

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
SIXTEEN_MIB = 16 * 1024 * 1024


@pytest.fixture
def browser(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A signed-in admin whose client sees a 500 as a response, as a browser would."""
    client = TestClient(
        app, base_url="http://127.0.0.1", client=LOOPBACK, raise_server_exceptions=False
    )
    sign_in(client, "u-admin")
    yield client
    client.close()


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    client = TestClient(
        app, base_url="http://127.0.0.1", client=LOOPBACK, raise_server_exceptions=False
    )
    yield client
    client.close()


def _api_token(client: TestClient) -> dict[str, str]:
    import re

    token = csrf_of(client, "/account")
    page = client.post("/account/tokens", data={"label": "probe", "csrf_token": token}).text
    found = re.search(r'<code class="token">(kt_[^<]+)</code>', page)
    assert found is not None
    return {"Authorization": f"Bearer {found.group(1)}"}


def _refused(response, low: int = 400, high: int = 499) -> bool:  # type: ignore[no-untyped-def]
    return (
        low <= response.status_code <= high
        and response.headers.get("content-security-policy") == CSP
    )


@pytest.mark.parametrize(
    "query",
    [
        "page=%C2%B2",  # superscript two
        "page=1e30",
        "page=99999999999999999999999999",
        "since=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
        "record=%FF%FE",  # not UTF-8
        "person=P%00",
    ],
    ids=["superscript", "1e30", "huge", "surrogate", "not-utf8", "nul"],
)
def test_finding8_malformed_query_values_get_4xx(browser: TestClient, query: str) -> None:
    r = browser.get(f"/audit?{query}")
    assert r.status_code != 500 and r.status_code < 500, (query, r.status_code)
    assert r.headers["content-security-policy"] == CSP
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    "query",
    ["stalled=%C2%B2", "stalled=1e30", "stalled=%ED%A0%80", "mine=%FF"],
    ids=["superscript", "1e30", "surrogate", "not-utf8"],
)
def test_finding8_malformed_query_values_get_4xx_from_the_api(
    browser: TestClient, query: str
) -> None:
    r = browser.get(f"/api/v1/cases?{query}", headers=_api_token(browser))
    assert _refused(r), (query, r.status_code, r.text[:200])


@pytest.mark.parametrize(
    "body",
    [
        b"name=%FF%FE&csrf_token=",  # percent-encoded bytes that are not UTF-8
        b"name=\xff\xfe&csrf_token=",  # raw bytes that are not UTF-8
        b"name=%ED%A0%80&csrf_token=",  # a lone surrogate, UTF-8 encoded
    ],
    ids=["percent", "raw", "surrogate"],
)
def test_finding8_a_form_that_is_not_utf8_is_read_with_replacement_never_a_500(
    browser: TestClient, body: bytes
) -> None:
    """Form fields are decoded as browsers encode them, bad bytes as U+FFFD (Starlette): the
    search runs on what is left and finds nothing; nothing breaks."""
    token = csrf_of(browser, "/search")
    r = browser.post("/search", content=body + token.encode(), headers=FORM)
    assert r.status_code == 200 and r.headers["content-security-policy"] == CSP
    assert "Traceback" not in r.text


def test_finding8_a_late_bad_byte_in_a_long_form_field_gets_4xx(browser: TestClient) -> None:
    token = csrf_of(browser, "/search")
    body = b"name=" + b"a" * 200_000 + b"\xff&csrf_token=" + token.encode()
    r = browser.post("/search", content=body, headers=FORM)
    assert _refused(r), (r.status_code, r.text[:200])


@pytest.mark.parametrize(
    "body",
    [b'{"name":"\xff\xfe"}', b'{"name":"' + b"a" * 200_000 + b'\xff"}', b'{"name":"\xed\xa0\x80"}'],
    ids=["not-utf8", "late", "surrogate-bytes"],
)
def test_finding8_json_that_is_not_utf8_gets_4xx(browser: TestClient, body: bytes) -> None:
    r = browser.post("/api/v1/search", content=body, headers=_api_token(browser) | JSON)
    assert _refused(r), (r.status_code, r.text[:200])


def test_finding8_a_16_mib_form_field_is_refused_signed_in_or_not(
    browser: TestClient, anonymous: TestClient
) -> None:
    token = csrf_of(browser, "/search")
    field = b"x" * SIXTEEN_MIB
    r = browser.post(
        "/search", content=b"name=" + field + b"&csrf_token=" + token.encode(), headers=FORM
    )
    assert r.status_code == 413 and r.headers["content-security-policy"] == CSP
    api = browser.post(
        "/api/v1/search",
        content=b'{"name":"' + field + b'"}',
        headers=_api_token(browser) | JSON,
    )
    assert api.status_code == 413 and api.headers["content-security-policy"] == CSP
    before = csrf_of(anonymous)
    sign_in_form = b"username=" + field + b"&password=x&csrf_token=" + before.encode()
    r = anonymous.post("/sign-in", content=sign_in_form, headers=FORM)
    assert r.status_code == 413 and r.headers["content-security-policy"] == CSP
