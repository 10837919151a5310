"""Liveness: no database, no session. Also the benchmark's peer route."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from kintrace.web.deps import guard

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/health", name="health")
async def health() -> PlainTextResponse:
    """On the event loop, without a thread or a query: it answers while every thread waits."""
    return PlainTextResponse("ok")
