"""The app factory: `create_app(settings)` wires the store, the routers, templates and headers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from kintrace.config import Settings
from kintrace.store.engine import WRITE_OPTION, Store, open_store
from kintrace.store.web_tables import SYNTHETIC_DEMO_FLAG, instance_flags
from kintrace.web import i18n
from kintrace.web.deps import CsrfFailed, NotFound, SignInRequired
from kintrace.web.linkjobs import link_jobs_for
from kintrace.web.options import WebOptions
from kintrace.web.rendering import make_environment, render
from kintrace.web.security import SecurityHeaders
from kintrace.web.workspace import search_index


def create_app(
    settings: Settings, *, options: WebOptions | None = None, store: Store | None = None
) -> FastAPI:
    """Build the web app for one registry. Opens (and migrates) the store unless one is given."""
    from importlib import resources

    from kintrace.web.routes import ROUTERS

    opts = options or WebOptions()
    store = store or open_store(settings)
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
    app.state.read_sessions = sessionmaker(store.engine, expire_on_commit=False)
    app.state.write_sessions = sessionmaker(
        store.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
    )
    app.state.translations = i18n.load_translations()
    app.state.jinja = make_environment()
    app.state.link_jobs = link_jobs_for(store, settings)  # link runs after web imports
    with store.session(write=True) as db:  # lists imported since the last start: searchable now
        search_index.refresh(db)
    demo = _read_demo_flag(store)
    app.state.demo_flag = lambda: demo

    app.add_middleware(SecurityHeaders, trust_proxy=opts.trust_proxy_headers)
    static_dir = str(resources.files("kintrace.web") / "static")
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_error_handlers(app)
    return app


def _read_demo_flag(store: Store) -> bool:
    with store.session() as db:
        value = db.execute(
            select(instance_flags.c.value).where(instance_flags.c.key == SYNTHETIC_DEMO_FLAG)
        ).scalar_one_or_none()
    return value == "1"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") and request.url.path != "/api/docs"


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
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return render(
            request, "error.html", {"status": exc.status_code}, status_code=exc.status_code
        )

    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
