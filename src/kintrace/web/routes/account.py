"""The user's own account: language, API tokens (the agency's users: routes/admin.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from kintrace.services import accounts
from kintrace.web.deps import DbDep, NotFound, UserDep, guard, now_utc
from kintrace.web.inputs import Id
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/account", name="account")
def account(request: Request, db: DbDep, user: UserDep) -> Response:
    return render(request, "account.html", {"tokens": accounts.list_tokens(db, user)})


@router.post("/account/tokens", name="token_create")
def token_create(
    request: Request,
    db: DbDep,
    user: UserDep,
    label: Annotated[str, Form(max_length=100)] = "script",
) -> Response:
    token = accounts.create_token(db, user, label=label, now=now_utc())
    return render(
        request, "account.html", {"tokens": accounts.list_tokens(db, user), "new_token": token}
    )


@router.post("/account/tokens/{token_id}/revoke", name="token_revoke")
def token_revoke(request: Request, db: DbDep, user: UserDep, token_id: Id) -> Response:
    if not accounts.revoke_token(db, user, token_id=token_id, now=now_utc()):
        raise NotFound()
    return render(request, "account.html", {"tokens": accounts.list_tokens(db, user)})
