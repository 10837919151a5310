"""Request dependencies: the database session, who is asking, and the policy gate.

`guard` runs on every route (routers declare it): it finds the identity (session cookie or API
token), applies the policy table, checks CSRF on state-changing requests and picks the language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from kintrace.accounts import sessions, tokens
from kintrace.accounts.users import User, get_user
from kintrace.web import i18n
from kintrace.web.options import WebOptions
from kintrace.web.policy import Gate, access_for
from kintrace.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    is_https,
    new_token,
    same_origin,
    tokens_match,
)


class NotFound(Exception):
    """Answered with 404: unknown, out of role or out of the user's agency alike."""


class SignInRequired(Exception):
    """Pages redirect to the sign-in form; the API answers 401."""


class CsrfFailed(Exception):
    """A state-changing request without the right token: answered with 403."""


@dataclass
class Identity:
    user: User | None = None
    session: sessions.WebSession | None = None
    via_token: bool = False

    @property
    def signed_in(self) -> bool:
        return self.user is not None and (self.via_token or self.session_stage == "full")

    @property
    def session_stage(self) -> str | None:
        return self.session.stage if self.session else None


def now_utc() -> datetime:
    return datetime.now(UTC)


def options_of(request: Request) -> WebOptions:
    return request.app.state.options


def cookie_names(request: Request) -> tuple[str, str]:
    """(session cookie, anonymous CSRF cookie). `__Host-` needs Secure, so only over HTTPS."""
    if secure_cookies(request):
        return "__Host-kt_session", "__Host-kt_csrf"
    return "kt_session", "kt_csrf"


def secure_cookies(request: Request) -> bool:
    opts = options_of(request)
    if opts.secure_cookies is not None:
        return opts.secure_cookies
    return is_https(request, trust_proxy=opts.trust_proxy_headers)


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the route returns without an error.

    State-changing requests take SQLite's write lock up front (no failure half-way); a route may
    commit early to release it (the web import does, as the registry's import takes it itself).
    """
    state = request.app.state
    factory = state.read_sessions if request.method in SAFE_METHODS else state.write_sessions
    db: Session = factory()
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


# scope="function": commit before the response is sent, so a redirect never outruns it.
DbDep = Annotated[Session, Depends(get_db, scope="function")]


def _identify(request: Request, db: Session, now: datetime) -> Identity:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and request.url.path.startswith("/api/"):
        user_id = tokens.user_for_token(db, auth[7:].strip(), now=now)
        user = get_user(db, user_id) if user_id is not None else None
        if user is None or user.disabled:
            raise SignInRequired()
        return Identity(user=user, via_token=True)
    session_cookie, _ = cookie_names(request)
    session = sessions.load_session(db, request.cookies.get(session_cookie), now=now)
    if session is None:
        return Identity()
    user = get_user(db, session.user_id)
    if user is None or user.disabled:
        sessions.end_session(db, request.cookies.get(session_cookie))
        return Identity()
    return Identity(user=user, session=session)


async def _check_csrf(request: Request, identity: Identity) -> None:
    if request.method in SAFE_METHODS or identity.via_token:
        return
    if not same_origin(request):
        raise CsrfFailed()
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not tokens_match(request.state.csrf_token, given):
        raise CsrfFailed()


async def guard(request: Request, db: DbDep) -> Identity:
    """The one gate every route passes. Unknown routes are denied (404)."""
    now = now_utc()
    route = request.scope.get("route")
    access = access_for(getattr(route, "name", None))
    identity = _identify(request, db, now)
    request.state.identity = identity
    _, csrf_cookie = cookie_names(request)
    if identity.session is not None:
        request.state.csrf_token = identity.session.csrf_token
    else:
        existing = request.cookies.get(csrf_cookie)
        request.state.csrf_token = existing or new_token()
        request.state.set_csrf_cookie = existing is None
    opts = options_of(request)
    preference = identity.user.language if identity.user else None
    request.state.lang = i18n.pick_language(
        preference=preference,
        cookie=request.cookies.get("kt_lang"),
        accept=request.headers.get("accept-language"),
        default=opts.default_language,
    )
    if access is None:
        raise NotFound()
    if access.gate is Gate.PENDING:
        if identity.session_stage != "password":
            raise SignInRequired()
    elif access.gate is Gate.ROLES:
        if not identity.signed_in:
            raise SignInRequired()
        assert identity.user is not None
        if not access.allows(identity.user.role):
            raise NotFound()
    await _check_csrf(request, identity)
    return identity


IdentityDep = Annotated[Identity, Depends(guard)]


def current_user(identity: IdentityDep) -> User:
    if identity.user is None:  # pragma: no cover - the guard already refused
        raise SignInRequired()
    return identity.user


UserDep = Annotated[User, Depends(current_user)]
