"""OpenAPI schema and a plain, script-free page that lists the API, both behind sign-in.

(FastAPI's Swagger UI loads scripts from a CDN and runs inline code: neither fits the CSP.)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from kintrace.web.deps import UserDep, guard
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


def _schema(request: Request) -> dict[str, Any]:
    return request.app.openapi()


@router.get("/api/openapi.json", name="openapi")
def openapi(request: Request, user: UserDep) -> Response:
    return JSONResponse(_schema(request))


@router.get("/api/docs", name="api_docs")
def api_docs(request: Request, user: UserDep) -> Response:
    schema = _schema(request)
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
        }
        for path, item in schema.get("paths", {}).items()
        for method, op in item.items()
    ]
    return render(request, "api_docs.html", {"operations": operations})
