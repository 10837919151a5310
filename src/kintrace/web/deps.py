"""Request dependencies: who is asking, the policy gate, the route's database session.

A request passes three steps, in this order (decision 0402):
1. `identify` finds the identity (session cookie or API token) in a short read transaction of its
   own, in the thread pool: no query ever runs on the event loop, where one waiting for the
   database would hold up every other request, /health included.
2. `guard` applies the policy table, so a request that may not be here is answered before its
   body is read (upload routes declare no body parameters, or FastAPI would read the file
   first); then it reads the form for the CSRF check and picks the language.
3. `get_db` gives the route its transaction, begun at the route's first query: after the body
   was read, so a slow client never holds the write lock. Routes that change something take the
   write lock up front; reads collect their audit entries and write them in a short transaction
   of their own before the page is sent (`kintrace.services.context.defer_audit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from kintrace.services import signin
from kintrace.services.context import (
    DriverError,
    Session,
    StoreBusy,
    defer_audit,
    take_deferred_audit,
)
from kintrace.services.signin import User
from kintrace.web import i18n
from kintrace.web.inputs import bad_text
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

#: POST routes that change nothing but the audit log: a search travels in a POST body so names
#: stay out of addresses and logs; signing in checks the password (argon2, a good part of a
#: second) outside any write and writes its session in a short transaction of its own.
_READING_POSTS = frozenset({"search", "api_search", "sign_in"})
#: GET routes that write: the enrolment page stores the secret it shows until it is confirmed; a
#: case page notes who saw it when (the "new records since last seen" work list); showing an
#: evidence item's working copy is a custody event (and makes the copy on first use).
_WRITING_GETS = frozenset({"enrol_form", "case", "api_case", "evidence_copy"})
#: Routes that need no identity and no database (liveness).
_NO_IDENTITY = frozenset({"health"})


class NotFound(Exception):
    """Answered with 404: unknown, out of role or out of the user's agency alike. The services'
    not-found errors (`kintrace.services.errors.NOT_FOUND`) are answered the same way."""


class SignInRequired(Exception):
    """Pages redirect to the sign-in form; the API answers 401."""


class CsrfFailed(Exception):
    """A state-changing request without the right token: answered with 403."""


@dataclass
class Identity:
    user: User | None = None
    session: signin.WebSession | None = None
    via_token: bool = False
    #: Writes identification found due (a session's last_seen_at, a token's last use).
    upkeep: list[Callable[[Session], None]] = field(default_factory=list, repr=False)

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


def route_name(request: Request) -> str | None:
    return getattr(request.scope.get("route"), "name", None)


def route_writes(request: Request) -> bool:
    """Whether the route changes data (its transaction takes the write lock when it begins)."""
    name = route_name(request)
    if request.method in SAFE_METHODS:
        return name in _WRITING_GETS
    return name not in _READING_POSTS


def get_db(request: Request) -> Iterator[Session]:
    """The route's transaction, committed when the route returns without an error.

    A writing route takes SQLite's write lock when its first query runs (no failure half-way);
    it may commit early to release it (the web import does, as the registry's import takes it
    itself). A reading route's audit entries are written after its read, in a short write
    transaction shared with the other requests reading at the time (`DeferredWriter`), before
    the response leaves: nothing is shown without its audit entry.
    """
    state = request.app.state
    writes = route_writes(request)
    db: Session = (state.write_sessions if writes else state.read_sessions)()
    if not writes:
        defer_audit(db)
    try:
        yield db
        db.commit()
        # With those of the other requests reading now: one write transaction (decision 0421).
        state.audit_writer.write(take_deferred_audit(db))
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


# scope="function": commit before the response is sent, so a redirect never outruns it.
DbDep = Annotated[Session, Depends(get_db, scope="function")]


@contextmanager
def writing(request: Request) -> Iterator[Session]:
    """A short write transaction of a reading route (signing in writes its session so)."""
    with request.app.state.write_sessions.begin() as db:
        yield db


def _find_identity(request: Request, db: Session, now: datetime) -> Identity:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and request.url.path.startswith("/api/"):
        found = signin.find_by_token(db, auth[7:].strip(), now=now)
        if found.user is None:
            raise SignInRequired()
        identity = Identity(user=found.user, via_token=True)
    else:
        session_cookie, _ = cookie_names(request)
        found = signin.find_by_session(db, request.cookies.get(session_cookie), now=now)
        if found.user is None:
            return Identity()  # disabling ends the sessions; a leftover is not honoured
        identity = Identity(user=found.user, session=found.session)
    if found.upkeep is not None:
        identity.upkeep.append(found.upkeep)
    return identity


def _identify_in_thread(request: Request) -> Identity:
    now = now_utc()
    with request.app.state.read_sessions.begin() as db:
        identity = _find_identity(request, db, now)
    if identity.upkeep:
        try:
            with writing(request) as db:
                for write in identity.upkeep:
                    write(db)
        except (StoreBusy, DriverError):
            pass  # bookkeeping only, not worth a refusal: a later request writes it
    return identity


async def identify(request: Request) -> Identity:
    """Who is asking, found in the thread pool (see the module's docstring)."""
    if route_name(request) in _NO_IDENTITY:
        return Identity()
    return await run_in_threadpool(_identify_in_thread, request)


async def read_form(request: Request) -> FormData:
    """The request's form (read once, then cached by Starlette); a form that cannot be parsed is
    answered 400, a body over the size limit 413 (BodyLimits)."""
    try:
        return await request.form()
    except HTTPException:
        raise
    except Exception:
        raise HTTPException(
            status_code=400,
            detail="The form could not be read: send it as application/x-www-form-urlencoded "
            "or multipart/form-data, as the page does.",
        ) from None


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_BAD_TEXT = (
    "A value holds something that cannot be stored: a NUL character, a lone surrogate (such as "
    "\\ud800 in JSON) or a number beyond 9223372036854775807. Send valid UTF-8 text."
)


async def _check_values(request: Request) -> None:
    """Refuse text the databases cannot store, wherever the request carries it (see inputs)."""
    values: list[object] = list(request.path_params.values())
    values.extend(v for item in request.query_params.multi_items() for v in item)
    if request.method not in SAFE_METHODS:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(_FORM_TYPES):
            form = await read_form(request)
            values.extend(v for item in form.multi_items() for v in item if isinstance(v, str))
        elif "json" in content_type:
            try:
                values.append(await request.json())
            except HTTPException:
                raise
            except Exception:
                raise HTTPException(422, "The body is not valid JSON.") from None
    if bad_text(values):
        api = request.url.path.startswith("/api/")
        raise HTTPException(status_code=422 if api else 400, detail=_BAD_TEXT)


async def _check_csrf(request: Request, identity: Identity) -> None:
    if request.method in SAFE_METHODS or identity.via_token:
        return
    if not same_origin(request):
        raise CsrfFailed()
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(_FORM_TYPES):
            value = (await read_form(request)).get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not tokens_match(request.state.csrf_token, given):
        raise CsrfFailed()


async def guard(request: Request, identity: Annotated[Identity, Depends(identify)]) -> Identity:
    """The one gate every route passes. Unknown routes are denied (404). No database here."""
    access = access_for(route_name(request))
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
    await _check_values(request)
    return identity


IdentityDep = Annotated[Identity, Depends(guard)]


async def current_user(identity: IdentityDep) -> User:
    if identity.user is None:  # pragma: no cover - the guard already refused
        raise SignInRequired()
    return identity.user


UserDep = Annotated[User, Depends(current_user)]


async def form_after_guard(request: Request, identity: IdentityDep) -> FormData:
    """The form of a route that declares no form parameters, read only after the guard let the
    request through (uploads: sign-in is checked before the file is read)."""
    return await read_form(request)


FormDep = Annotated[FormData, Depends(form_after_guard)]
