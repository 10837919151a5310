"""How the web app runs: cookies, time-outs, limits, demo banner. Built at the edge, passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from kintrace.services.signin import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class WebOptions:
    """`secure_cookies`: None decides per request (HTTPS, or a proxy saying so, means Secure and
    `__Host-` cookies; plain HTTP is refused except on loopback). See docs/security.md.

    `max_upload_bytes` bounds an uploaded file's request, `max_form_bytes` every other body (a
    form or a JSON document); both are checked before the body is read. `busy_timeout_ms` is how
    long a request waits for the database's writer before it is answered 503 with Retry-After.
    `db_connections` is how many database connections the server keeps open: one per request
    thread (the thread pool runs at most 40 requests at once, anyio's default), so a busy minute
    never opens new ones (decision 0425).
    """

    secure_cookies: bool | None = None
    trust_proxy_headers: bool = False  # honour X-Forwarded-Proto from a TLS-terminating proxy
    limits: Limits = field(default_factory=lambda: DEFAULT_LIMITS)
    default_language: str = "uk"
    max_upload_bytes: int = 50 * 1024 * 1024
    max_form_bytes: int = 1024 * 1024
    busy_timeout_ms: int = 5_000
    db_connections: int = 40
