"""Request body limits, enforced while the body arrives and before any of it is parsed.

A body announced larger than its limit (Content-Length) is refused with 413 at once, without
reading it; a body sent without a length is counted and refused at the first byte past the
limit. Uploads have their own, larger limit (`WebOptions.max_upload_bytes`); every other body is
a form or a JSON document and gets `WebOptions.max_form_bytes`. Starlette's limiter does the
counting; this chooses the limit by route.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fastapi import APIRouter
from starlette.middleware.body_limit import RequestBodyLimitResponder
from starlette.types import ASGIApp, Receive, Scope, Send

#: Routes that take a file: they get the upload limit, and declare no body parameters so the
#: guard answers an unauthenticated upload before its file is read (see kintrace.web.deps).
UPLOAD_ROUTES = frozenset(
    {
        "import_upload",
        "api_import",
        "evidence_add_record",
        "evidence_add_person",
        "evidence_add_case",
    }
)


def upload_paths(routers: Iterable[APIRouter]) -> set[str]:
    """The paths of the upload routes (FastAPI keeps included routers nested: walk them)."""
    return {
        path
        for router in routers
        for route in router.routes
        if getattr(route, "name", None) in UPLOAD_ROUTES and (path := getattr(route, "path", ""))
    }


class BodyLimits:
    def __init__(self, app: ASGIApp, *, default: int, by_path: Mapping[str, int]) -> None:
        self.app = app
        self.default = default
        self.by_path = dict(by_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope.get("path", ""), self.default)
        await RequestBodyLimitResponder(self.app, limit)(scope, receive, send)
