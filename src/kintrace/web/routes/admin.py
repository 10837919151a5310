"""The administrator's pages: the audit log (`/audit`) and the agency's users (`/users`).

Both only parse, call a service (kintrace.services.audit, kintrace.services.users: the same
functions as `kintrace audit list` and `kintrace users ...`) and render.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from kintrace.services import audit as audit_service
from kintrace.services import users as user_admin
from kintrace.services.accounts import Role, of_user
from kintrace.web import i18n
from kintrace.web.deps import DbDep, UserDep, guard, now_utc
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)

Text = Annotated[str, Query(max_length=100)]
UserName = Annotated[str, Form(max_length=64)]


@router.get("/audit", name="audit")
def audit_page(
    request: Request,
    db: DbDep,
    user: UserDep,
    person: Text = "",
    record: Text = "",
    who: Text = "",
    action: Text = "",
    since: Text = "",
    until: Text = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """Entries of the agency, newest first, 50 a page; filters travel in the address (ids and
    user names only: the log holds no child's name)."""
    form = {
        "person": person,
        "record": record,
        "who": who,
        "action": action,
        "since": since,
        "until": until,
    }
    context: dict[str, Any] = {"form": form, "result": None, "error": None}
    actor = of_user(user)
    try:
        filters = audit_service.AuditFilter(
            person=person,
            record=record,
            user=who,
            action=action,
            since=audit_service.parse_day(since),
            until=audit_service.parse_day(until),
        )
        context["result"] = audit_service.list_entries(
            db, actor, filters, page=page, zone=request.app.state.zone
        )
    except audit_service.AuditQueryError as exc:
        context["error"] = str(exc)
    context["actions"] = audit_service.known_actions(db, actor)
    used = {k: v for k, v in form.items() if v}
    result = context["result"]
    if result is not None:
        context["prev_page"] = "/audit?" + urlencode(used | {"page": result.page - 1})
        context["next_page"] = "/audit?" + urlencode(used | {"page": result.page + 1})
    status = 400 if context["error"] else 200
    return render(request, "audit.html", context, status_code=status)


def _users_page(
    request: Request,
    db: DbDep,
    user: UserDep,
    *,
    notice: str | None = None,
    error: user_admin.UserAdminError | None = None,
    password: user_admin.NewPassword | None = None,
) -> Response:
    actor = of_user(user)
    gettext = i18n.gettext_for(request.app.state.translations, request.state.lang)
    context = {
        "people": user_admin.list_users(db, actor),
        "agencies": user_admin.agencies(db, actor),
        "roles": [r.value for r in Role],
        "notice": notice,
        "error": gettext(error.message).format(**error.params) if error else None,
        "new_password": password,
    }
    return render(request, "users.html", context, status_code=400 if error else 200)


@router.get("/users", name="users")
def users_page(request: Request, db: DbDep, user: UserDep) -> Response:
    return _users_page(request, db, user)


@router.post("/users", name="users_add")
def users_add(
    request: Request,
    db: DbDep,
    user: UserDep,
    username: UserName = "",
    role: Annotated[str, Form(max_length=32)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=8)] = "uk",
) -> Response:
    try:
        made = user_admin.add(
            db,
            of_user(user),
            username=username,
            role=role,
            display_name=display_name,
            language=language,
            now=now_utc(),
        )
    except user_admin.UserAdminError as exc:
        return _users_page(request, db, user, error=exc)
    return _users_page(request, db, user, password=made)


@router.post("/users/{username}/disable", name="user_disable")
def user_disable(
    request: Request,
    db: DbDep,
    user: UserDep,
    username: str,
    enable: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    try:
        changed = user_admin.set_disabled(
            db, of_user(user), username, disabled=enable != "1", now=now_utc()
        )
    except user_admin.UserAdminError as exc:
        return _users_page(request, db, user, error=exc)
    return _users_page(request, db, user, notice=changed.username)


@router.post("/users/{username}/reset", name="user_reset")
def user_reset(request: Request, db: DbDep, user: UserDep, username: str) -> Response:
    try:
        made = user_admin.reset(db, of_user(user), username, now=now_utc())
    except user_admin.UserAdminError as exc:
        return _users_page(request, db, user, error=exc)
    return _users_page(request, db, user, password=made)


@router.post("/users/{username}/role", name="user_role")
def user_role(
    request: Request,
    db: DbDep,
    user: UserDep,
    username: str,
    role: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    try:
        changed = user_admin.change_role(db, of_user(user), username, role, now=now_utc())
    except user_admin.UserAdminError as exc:
        return _users_page(request, db, user, error=exc)
    return _users_page(request, db, user, notice=changed.username)


@router.post("/users/{username}/agency", name="user_agency")
def user_agency(
    request: Request,
    db: DbDep,
    user: UserDep,
    username: str,
    agency: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        changed = user_admin.change_agency(db, of_user(user), username, agency, now=now_utc())
    except user_admin.UserAdminError as exc:
        return _users_page(request, db, user, error=exc)
    return _users_page(request, db, user, notice=changed.username)
