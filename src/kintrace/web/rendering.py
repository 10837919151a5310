"""Jinja2 pages: one environment per app, the per-request context (language, user, CSRF, banner).

Templates call `_()` for every visible string; the English text is the message id and
`locale/<lang>/LC_MESSAGES/messages.po` holds the translations.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import partial
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kintrace.timezones import DEFAULT_TIME_ZONE, local_text, zone_named
from kintrace.web import i18n
from kintrace.web.problems import problem_filter
from kintrace.web.security import CSRF_FIELD
from kintrace.web.vocabulary import EVIDENCE_KIND_LABELS


def make_environment(zone: tzinfo | None = None) -> Environment:
    """Templates, with the filters `localtime` ("2026-03-05 14:07") and `localdate` that write a
    time (stored in UTC) in the deployment's time zone (`Settings.time_zone`)."""
    path = str(resources.files("kintrace.web") / "templates")
    env = Environment(
        loader=FileSystemLoader(path),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    zone = zone or zone_named(DEFAULT_TIME_ZONE)
    env.filters["localtime"] = partial(_local, zone=zone)
    env.filters["localdate"] = partial(_local, zone=zone, fmt="%Y-%m-%d")
    env.globals["time_zone"] = str(zone)
    env.globals["evidence_kinds"] = EVIDENCE_KIND_LABELS
    env.filters["problem"] = problem_filter
    return env


def _local(value: Any, fmt: str = "%Y-%m-%d %H:%M", *, zone: tzinfo) -> str:
    return local_text(value, zone, fmt)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    app_state = request.app.state
    lang = getattr(request.state, "lang", app_state.options.default_language)
    gettext = i18n.gettext_for(app_state.translations, lang)
    identity = getattr(request.state, "identity", None)
    ctx: dict[str, Any] = {
        "request": request,
        "_": gettext,
        "lang": lang,
        "languages": i18n.LANGUAGE_NAMES,
        "user": identity.user if identity and identity.signed_in else None,
        "csrf_field": CSRF_FIELD,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "demo": app_state.demo_flag(),
        "path": request.url.path,
    }
    ctx.update(context or {})
    html = app_state.jinja.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code)
    set_csrf_cookie(request, response)
    return response


def set_csrf_cookie(request: Request, response: Any) -> None:
    """Give an anonymous visitor the double-submit CSRF cookie the sign-in form needs."""
    from kintrace.web.deps import cookie_names, secure_cookies

    if getattr(request.state, "set_csrf_cookie", False):
        _, name = cookie_names(request)
        response.set_cookie(
            name,
            request.state.csrf_token,
            httponly=True,
            samesite="strict",
            secure=secure_cookies(request),
            path="/",
        )
