"""The user's own account: language, API tokens (the agency's users: routes/admin.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from kintrace.accounts import tokens
from kintrace.web.deps import DbDep, NotFound, UserDep, guard, now_utc
from kintrace.web.inputs import Id
from kintrace.web.rendering import render
from kintrace.web.workspace import trail

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/account", name="account")
def account(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(request, "account.html", {"tokens": tokens.list_tokens(db, user.id)})


@router.post("/account/tokens", name="token_create")
def token_create(
    request: Request,
    db: DbDep,
    user: UserDep,
    label: Annotated[str, Form(max_length=100)] = "script",
) -> Response:
    token = tokens.create_token(db, user_id=user.id, label=label or "script", now=now_utc())
    trail.record(
        db,
        actor=user.username,
        action="accounts.token_created",
        entity_type="user",
        entity_id=user.id,
    )
    return render(
        request, "account.html", {"tokens": tokens.list_tokens(db, user.id), "new_token": token}
    )


@router.post("/account/tokens/{token_id}/revoke", name="token_revoke")
def token_revoke(request: Request, db: DbDep, user: UserDep, token_id: Id) -> Response:
    if not tokens.revoke_token(db, user_id=user.id, token_id=token_id, now=now_utc()):
        raise NotFound()
    trail.record(
        db,
        actor=user.username,
        action="accounts.token_revoked",
        entity_type="user",
        entity_id=user.id,
        details={"token_id": token_id},
    )
    return render(request, "account.html", {"tokens": tokens.list_tokens(db, user.id)})
