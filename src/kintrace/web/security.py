"""Security headers on every response, and the CSRF check on every state-changing request."""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "connect-src 'self'"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def is_https(request: HTTPConnection, *, trust_proxy: bool) -> bool:
    if request.url.scheme == "https":
        return True
    return trust_proxy and request.headers.get("x-forwarded-proto", "").lower() == "https"


def is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def add_security_headers(headers: MutableHeaders, *, path: str, https: bool) -> None:
    """CSP without unsafe-inline, frame-ancestors none, nosniff, no referrer, HSTS behind TLS.

    Pages are `no-store` unless they are static assets: almost every page can show a child.
    """
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if https:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if path.startswith("/static/"):
        headers.setdefault("Cache-Control", "public, max-age=3600")
    else:
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"


class SecurityHeaders:
    """Adds the security headers to every response that passes through it (a plain ASGI
    middleware: no task per request, and errors pass through untouched). The 500 page is made
    outside every middleware, so its handler adds them itself (`add_security_headers`)."""

    def __init__(self, app: ASGIApp, *, trust_proxy: bool) -> None:
        self.app = app
        self.trust_proxy = trust_proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = is_https(HTTPConnection(scope), trust_proxy=self.trust_proxy)
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), path=path, https=https)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(request: Request) -> bool:
    """Refuse what the browser says came from another site (defence in depth beside the token).

    Browsers send `Sec-Fetch-Site`; with `Referrer-Policy: no-referrer` Chrome sends
    `Origin: null` on form posts, so a null Origin is left to the token check.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host
