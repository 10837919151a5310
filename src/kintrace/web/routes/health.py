"""Liveness: no database, no session. Also the benchmark's peer route."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from kintrace.web.deps import guard

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/health", name="health")
def health() -> PlainTextResponse:
    return PlainTextResponse("ok")
