"""The app factory: `create_app(settings)` wires the store, the routers, templates and headers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from kintrace.config import Settings
from kintrace.services import accounts, records
from kintrace.services.context import (
    DeferredAuditWriter,
    DriverError,
    Store,
    StoreBusy,
    database_busy,
    open_store,
    sessions_for,
)
from kintrace.services.errors import NOT_FOUND
from kintrace.services.indexjobs import index_catch_up_for
from kintrace.services.linkjobs import link_jobs_for
from kintrace.timezones import zone_named
from kintrace.web import i18n
from kintrace.web.deps import CsrfFailed, NotFound, SignInRequired
from kintrace.web.limits import BodyLimits, upload_paths
from kintrace.web.options import WebOptions
from kintrace.web.rendering import make_environment, render
from kintrace.web.security import SecurityHeaders, add_security_headers, is_https

_log = logging.getLogger(__name__)


def create_app(
    settings: Settings, *, options: WebOptions | None = None, store: Store | None = None
) -> FastAPI:
    """Build the web app for one registry. Opens (and migrates) the store unless one is given."""
    from importlib import resources

    from kintrace.web.routes import ROUTERS

    opts = options or WebOptions()
    store = store or open_store(settings, connections=opts.db_connections)
    store.limit_waits(opts.busy_timeout_ms)  # a short wait, then 503 with Retry-After
    app = FastAPI(
        title="Kintrace",
        version="1",
        docs_url=None,  # the docs are served behind sign-in by routes/apidocs.py
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.options = opts
    app.state.store = store
    sessions = sessions_for(store)
    app.state.read_sessions = sessions.read
    app.state.write_sessions = sessions.write
    app.state.audit_writer = DeferredAuditWriter(sessions.write.begin)  # reads' entries
    app.state.translations = i18n.load_translations()
    app.state.zone = zone_named(settings.time_zone)
    app.state.jinja = make_environment(app.state.zone)
    app.state.link_jobs = link_jobs_for(store)  # link runs after web imports
    records.catch_up_index(store)  # lists imported since the last start: searchable now
    app.state.index_catch_up = index_catch_up_for(store)  # when a search finds it behind
    with store.session() as db:
        demo = accounts.synthetic_demo(db)
    app.state.demo_flag = lambda: demo

    static_dir = str(resources.files("kintrace.web") / "static")
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    for router in ROUTERS:
        app.include_router(router)
    uploads = dict.fromkeys(upload_paths(ROUTERS), opts.max_upload_bytes)
    app.add_middleware(BodyLimits, default=opts.max_form_bytes, by_path=uploads)
    app.add_middleware(SecurityHeaders, trust_proxy=opts.trust_proxy_headers)  # outermost
    _add_error_handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") and request.url.path != "/api/docs"


#: What an error page says beyond its status (the API answers with the exception's detail).
_PAGE_MESSAGES = {
    400: i18n.N_(
        "The form or the address was not as expected. Go back, check what was typed and try again."
    ),
    413: i18n.N_(
        "The file or the form is larger than this server accepts. Split the file into smaller "
        "files, or ask the administrator about the limit."
    ),
    503: i18n.N_(
        "The database is busy with another task, an import for example. Nothing was changed: "
        "try again in a few seconds."
    ),
}


def _plain(value: Any) -> Any:
    """A value safe to send back in JSON: text that is not valid Unicode (a lone surrogate sent
    as a JSON escape) is replaced, never echoed."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _error_page(
    request: Request, status: int, *, headers: Mapping[str, str] | None = None
) -> Response:
    response = render(
        request,
        "error.html",
        {"status": status, "message": _PAGE_MESSAGES.get(status)},
        status_code=status,
    )
    response.headers.update(headers or {})
    return response


def _add_error_handlers(app: FastAPI) -> None:
    async def not_found(request: Request, _exc: Any) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return render(request, "error.html", {"status": 404}, status_code=404)

    async def sign_in_required(request: Request, _exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "Sign in first, or send 'Authorization: Bearer <token>'."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": "/sign-in"})
        return RedirectResponse("/sign-in", status_code=303)

    async def csrf_failed(request: Request, _exc: Exception) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "Missing or wrong CSRF token: reload the page and try again."},
                status_code=403,
            )
        return render(request, "error.html", {"status": 403}, status_code=403)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return await not_found(request, exc)
        if _wants_json(request):
            detail = exc.detail
            if exc.status_code == 413:
                detail = _TOO_LARGE.format(mib=_limit_mib(request))
            return JSONResponse(
                {"detail": detail}, status_code=exc.status_code, headers=exc.headers
            )
        return _error_page(request, exc.status_code, headers=exc.headers)

    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A parameter of the wrong form: 404 for an address (an id that cannot exist is not
        found, like any other), else 422 (API) or 400 (pages) saying which field. The value
        sent is never echoed."""
        errors = exc.errors()
        if any(e.get("loc", ("",))[0] == "path" for e in errors):
            return await not_found(request, exc)
        if _wants_json(request):
            detail = [
                {
                    "loc": _plain(list(e.get("loc", ()))),
                    "msg": _plain(e.get("msg", "")),
                    "type": e.get("type", ""),
                }
                for e in errors
            ]
            return JSONResponse({"detail": detail}, status_code=422)
        return _error_page(request, 400)

    async def busy(request: Request, exc: Exception) -> Response:
        retry = exc.retry_after_s if isinstance(exc, StoreBusy) else _retry_after_s(request)
        if not database_busy(exc):
            return await server_error(request, exc)
        headers = {"Retry-After": str(retry)}
        if _wants_json(request):
            message = (
                "The database is busy with another task (an import, for example). Nothing was "
                f"changed; try again in {retry} s."
            )
            return JSONResponse({"detail": message}, status_code=503, headers=headers)
        return _error_page(request, 503, headers=headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        """The 500 answer. Starlette calls it outside every middleware, so it adds the security
        headers itself; the error is logged without the request's data."""
        _log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        response: Response
        try:
            if _wants_json(request):
                response = JSONResponse({"detail": "Internal error."}, status_code=500)
            else:
                response = render(request, "error.html", {"status": 500}, status_code=500)
        except Exception:  # the page itself failed: a plain answer, still with the headers
            response = PlainTextResponse("Internal error.", status_code=500)
        https = is_https(request, trust_proxy=request.app.state.options.trust_proxy_headers)
        add_security_headers(
            MutableHeaders(raw=response.raw_headers), path=request.url.path, https=https
        )
        return response

    app.add_exception_handler(NotFound, not_found)
    for error in NOT_FOUND:  # a service's "no such thing for this user": 404, as if absent
        app.add_exception_handler(error, not_found)
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(StoreBusy, busy)
    app.add_exception_handler(DriverError, busy)
    app.add_exception_handler(Exception, server_error)


_TOO_LARGE = (
    "The request is larger than this server accepts ({mib} MiB here). Split the file into "
    "smaller files, or ask the administrator to raise the limit."
)


def _limit_mib(request: Request) -> str:
    from kintrace.web.routes import ROUTERS

    opts: WebOptions = request.app.state.options
    uploads = upload_paths(ROUTERS)
    limit = opts.max_upload_bytes if request.url.path in uploads else opts.max_form_bytes
    return f"{limit / (1 << 20):g}"


def _retry_after_s(request: Request) -> int:
    return max(1, round(request.app.state.options.busy_timeout_ms / 1000))
