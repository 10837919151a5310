"""The person page: every record linked to one person, side by side, with agreement shown."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kintrace.services import audit as audit_service
from kintrace.services import evidence, persons
from kintrace.services.accounts import of_user
from kintrace.services.evidence import Target
from kintrace.web.deps import DbDep, UserDep, guard
from kintrace.web.rendering import render

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)


@router.get("/persons/{person_id}", name="person")
def person(request: Request, db: DbDep, user: UserDep, person_id: str) -> Response:
    actor = of_user(user)
    view = persons.read(db, actor, person_id)
    readers = None  # "who read this child": for those who may read the audit log
    if audit_service.may_read(actor):
        readers = audit_service.readers_of_person(db, actor, person_id)
    return render(
        request,
        "person.html",
        {
            "person": view,
            "evidence": evidence.items_on(db, of_user(user), Target.person(person_id)),
            "evidence_action": f"/persons/{person_id}/evidence",
            "readers": readers,
        },
    )
