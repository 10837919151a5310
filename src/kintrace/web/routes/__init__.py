"""One router per area. Every router runs the policy gate (`deps.guard`) on every route."""

from __future__ import annotations

from fastapi import APIRouter

from kintrace.web.routes import (
    account,
    admin,
    api,
    apidocs,
    auth,
    cases,
    dashboard,
    evidence,
    exchange,
    figures,
    health,
    help,
    imports,
    persons,
    records,
    review,
    search,
    sources,
)

ROUTERS: list[APIRouter] = [
    health.router,
    help.router,
    auth.router,
    account.router,
    admin.router,
    dashboard.router,
    search.router,
    records.router,
    persons.router,
    imports.router,
    review.router,
    cases.router,
    evidence.router,
    exchange.router,
    figures.router,
    sources.router,
    api.router,
    review.api,
    cases.api,
    apidocs.router,
]
