"""Signing in (password, then a TOTP or recovery code; enrolment on first sign-in), signing out,
and the language of the interface."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kintrace.services import accounts, signin
from kintrace.services.errors import AccountError, SignInFailed, Throttled
from kintrace.web import i18n
from kintrace.web.deps import (
    DbDep,
    IdentityDep,
    cookie_names,
    guard,
    now_utc,
    options_of,
    secure_cookies,
    writing,
)
from kintrace.web.rendering import render
from kintrace.web.security import is_https, is_loopback

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _minutes(exc: Throttled) -> int:
    return max(1, (exc.retry_after_s + 59) // 60)


def _throttle_keys(request: Request, username: str, limits: signin.Limits) -> dict[str, int]:
    """The sign-in throttle's keys (the account, the client's address) with their limits."""
    return signin.attempt_keys(username, _client(request), limits)


def _transport_ok(request: Request) -> bool:
    """Plain HTTP is accepted only on loopback (the demo); elsewhere TLS is required."""
    opts = options_of(request)
    return is_https(request, trust_proxy=opts.trust_proxy_headers) or is_loopback(request)


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    name, csrf_cookie = cookie_names(request)
    response.set_cookie(
        name, token, httponly=True, samesite="strict", secure=secure_cookies(request), path="/"
    )
    response.delete_cookie(csrf_cookie, path="/")


@router.get("/sign-in", name="sign_in_form")
def sign_in_form(request: Request, identity: IdentityDep) -> Response:
    if identity.signed_in:
        return RedirectResponse("/", status_code=303)
    return render(request, "sign_in.html", {"transport_ok": _transport_ok(request)})


@router.post("/sign-in", name="sign_in")
def sign_in(
    request: Request,
    db: DbDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The password step. The attempt is counted first (a short write), the password checked in
    the read transaction (argon2 holds no lock), the session written in a short write again."""
    if not _transport_ok(request):
        return render(request, "sign_in.html", {"transport_ok": False}, status_code=400)
    now = now_utc()
    limits = options_of(request).limits
    keys = _throttle_keys(request, username, limits)
    try:
        with writing(request) as w:
            signin.reserve_attempt(w, keys, now=now, limits=limits)
        user = signin.check_password(db, username=username, password=password)
    except Throttled as exc:
        return render(
            request,
            "sign_in.html",
            {"error": "throttled", "wait_minutes": _minutes(exc), "transport_ok": True},
            status_code=429,
        )
    except SignInFailed:  # already counted by reserve
        return render(
            request, "sign_in.html", {"error": "failed", "transport_ok": True}, status_code=401
        )
    with writing(request) as w:
        previous = request.cookies.get(cookie_names(request)[0])
        token = signin.start_password_stage(
            w, user, keys=keys, previous=previous, now=now, limits=limits
        )
    target = "/sign-in/code" if user.totp_enrolled else "/sign-in/enrol"
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(request, response, token)
    return response


@router.get("/sign-in/code", name="second_factor_form")
def second_factor_form(request: Request, identity: IdentityDep) -> Response:
    assert identity.user is not None
    if not identity.user.totp_enrolled:
        return RedirectResponse("/sign-in/enrol", status_code=303)
    return render(request, "second_factor.html")


def _promote(request: Request, db: DbDep, user_id: int, response: Response) -> None:
    """Replace the password-stage session by a new full one: the cookie value changes."""
    previous = request.cookies.get(cookie_names(request)[0])
    token = signin.promote(db, user_id, previous=previous, now=now_utc())
    _set_session_cookie(request, response, token)


@router.post("/sign-in/code", name="second_factor")
def second_factor(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assert identity.user is not None
    user = identity.user
    now = now_utc()
    limits = options_of(request).limits
    keys = _throttle_keys(request, user.username, limits)
    try:
        signin.check_code(db, user, code=code, keys=keys, now=now, limits=limits)
    except Throttled as exc:
        return render(
            request,
            "second_factor.html",
            {"error": "throttled", "wait_minutes": _minutes(exc)},
            status_code=429,
        )
    except SignInFailed:
        return render(request, "second_factor.html", {"error": "failed"}, status_code=401)
    response = RedirectResponse("/", status_code=303)
    _promote(request, db, user.id, response)
    return response


def _enrolment(db: DbDep, user: signin.User) -> dict[str, str]:
    """The enrolment page's QR code and secret: the pending secret, or a new one."""
    shown = signin.enrolment(db, user)
    return {"qr_svg": shown.qr_svg, "secret": shown.secret}


@router.get("/sign-in/enrol", name="enrol_form")
def enrol_form(request: Request, db: DbDep, identity: IdentityDep) -> Response:
    assert identity.user is not None
    user = identity.user
    if user.totp_enrolled:
        return RedirectResponse("/sign-in/code", status_code=303)
    return render(request, "enrol.html", _enrolment(db, user))


@router.post("/sign-in/enrol", name="enrol_confirm")
def enrol_confirm(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assert identity.user is not None
    user = identity.user
    try:
        codes = accounts.confirm_enrolment(db, user, code=code, now=now_utc())
    except AccountError as exc:
        return render(
            request, "enrol.html", {**_enrolment(db, user), "error": str(exc)}, status_code=400
        )
    response = render(request, "recovery_codes.html", {"codes": codes})
    _promote(request, db, user.id, response)
    return response


@router.post("/sign-out", name="sign_out")
def sign_out(request: Request, db: DbDep) -> Response:
    signin.sign_out(db, request.cookies.get(cookie_names(request)[0]))
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(cookie_names(request)[0], path="/")
    return response


@router.post("/language", name="set_language")
def set_language(
    request: Request,
    db: DbDep,
    identity: IdentityDep,
    language: Annotated[str, Form(max_length=8)] = "uk",
    back: Annotated[str, Form(max_length=300)] = "/",
) -> Response:
    if language not in i18n.LANGUAGES:
        language = options_of(request).default_language
    if identity.signed_in and identity.user is not None:
        signin.set_language(db, identity.user, language)
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        "kt_lang",
        language,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/",
        max_age=365 * 86400,
    )
    return response
