"""Case pages and API: work lists, one case (facets, records, decisions, timeline), the moves
the user's role allows, assignment, opening a case on a record.

Routes hold no rules: `kintrace.services.cases` scopes to the agency and calls the same
services as `kintrace cases ...`; refusals come back with the service's message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from kintrace.cases import WorkflowRefused
from kintrace.services import cases as case_service
from kintrace.services import children
from kintrace.services import evidence as evidence_service
from kintrace.services import exchange as exchange_service
from kintrace.services.accounts import of_user
from kintrace.services.cases import CaseNotFound, CaseView
from kintrace.services.evidence import Target
from kintrace.web.deps import DbDep, NotFound, UserDep, guard, now_utc
from kintrace.web.inputs import Id, IdField, count_from_text, id_from_text
from kintrace.web.rendering import render
from kintrace.web.routes.review import policy_of, reviewer

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)
api = APIRouter(prefix="/api/v1/cases", dependencies=[Depends(guard)], tags=["cases"])

Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=4000)]


@contextmanager
def _service_errors_as_http() -> Iterator[None]:
    """A case the user may not see: 404; a refusal: 409 with the service's message."""
    try:
        yield
    except CaseNotFound:
        raise NotFound() from None
    except WorkflowRefused as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None


def _days(text: str) -> int | None:
    return count_from_text(text, low=1, high=99_999)


@router.get("/cases", name="cases")
def cases_page(
    request: Request,
    db: DbDep,
    user: UserDep,
    mine: str = "",
    stalled: str = "",
    new: str = "",
    closed: str = "",
) -> Response:
    lines = case_service.list_page(
        db,
        reviewer(user),
        now=now_utc(),
        mine=bool(mine),
        stalled_days=_days(stalled),
        new_records=bool(new),
        include_closed=bool(closed),
    )
    filters = {
        "mine": bool(mine),
        "stalled": _days(stalled),
        "new": bool(new),
        "closed": bool(closed),
    }
    names = children.names(
        db, of_user(user), [line.case.subject for line in lines], shown_on="cases"
    )
    return render(request, "cases.html", {"lines": lines, "filters": filters, "names": names})


@router.post("/cases", name="case_open")
def case_open(
    request: Request, db: DbDep, user: UserDep, record_pk: Annotated[str, Form(max_length=12)]
) -> Response:
    pk = id_from_text(record_pk)
    if pk is None:
        raise NotFound()
    with _service_errors_as_http():
        case = case_service.open_for_record(
            db, reviewer(user), record_pk=pk, policy=policy_of(request), now=now_utc()
        )
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _case_response(
    request: Request, db: DbDep, user: UserDep, case_id: int, **extra: Any
) -> Response:
    page = case_service.case_page(db, reviewer(user), case_id=case_id, now=now_utc())
    status = 422 if extra.get("error") else 200
    evidence = evidence_service.items_on(db, of_user(user), Target.case(case_id))
    context = {
        "page": page,
        # names first (issue 12, finding 3): the child's name on the case's heading and records
        "names": children.names(db, of_user(user), [r.key for r in page.records], shown_on="case"),
        "evidence": evidence,
        "exchange": exchange_service.case_history(db, of_user(user), case_id),
        "evidence_action": f"/cases/{case_id}/evidence",
        **extra,
    }
    return render(request, "case.html", context, status_code=status)


@router.get("/cases/{case_id}", name="case")
def case_page(request: Request, db: DbDep, user: UserDep, case_id: Id) -> Response:
    return _case_response(request, db, user, case_id)


@router.post("/cases/{case_id}/transition", name="case_transition")
def case_transition(
    request: Request,
    db: DbDep,
    user: UserDep,
    case_id: Id,
    facet: Annotated[str, Form(max_length=20)] = "",
    to: Annotated[str, Form(max_length=20)] = "",
    note: Long = "",
    place: Short = "",
    on: Annotated[str, Form(max_length=20)] = "",
    reason: Long = "",
    decision_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        case_service.transition(
            db,
            reviewer(user),
            case_id=case_id,
            facet=facet,
            to=to,
            note=note,
            place=place,
            on=on,
            reason=reason,
            decision_id=decision_id,
            policy=policy_of(request),
            now=now_utc(),
        )
    except CaseNotFound:
        raise NotFound() from None
    except WorkflowRefused as exc:
        db.rollback()
        return _case_response(request, db, user, case_id, error=str(exc))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/assign", name="case_assign")
def case_assign(
    request: Request,
    db: DbDep,
    user: UserDep,
    case_id: Id,
    assignee: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        case_service.assign(db, reviewer(user), case_id=case_id, assignee=assignee, now=now_utc())
    except CaseNotFound:
        raise NotFound() from None
    except WorkflowRefused as exc:
        db.rollback()
        return _case_response(request, db, user, case_id, error=str(exc))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


# ---------------------------------------------------------------- JSON API


class TransitionBody(BaseModel):
    facet: str = Field(..., description="identity | whereabouts | return")
    to: str = Field(..., max_length=20)
    note: str = Field("", max_length=4000)
    place: str = Field("", max_length=200)
    on: str = Field("", max_length=20, description="YYYY-MM-DD")
    reason: str = Field("", max_length=4000)
    decision_id: IdField | None = None


class AssignBody(BaseModel):
    assignee: str = Field(..., max_length=64)


class OpenBody(BaseModel):
    record_pk: IdField


def _case_json(case: CaseView) -> dict[str, Any]:
    state = case.state
    return jsonable_encoder(
        {
            "id": case.id,
            "subject": str(case.subject),
            "opened_at": case.opened_at,
            "opened_by": case.opened_by,
            "assignee": case.assignee,
            "identity": state.identity.value,
            "whereabouts": state.whereabouts.value,
            "place": state.place,
            "place_date": state.place_date,
            "return": state.return_stage.value,
            "closed_reason": state.closed_reason,
            "last_progress_at": case.last_progress_at,
        }
    )


@api.get("", name="api_cases")
def api_cases(
    db: DbDep,
    user: UserDep,
    mine: bool = False,
    stalled: Annotated[int | None, Query(ge=1, le=99_999)] = None,
    new: bool = False,
    closed: bool = False,
) -> list[dict[str, Any]]:
    lines = case_service.list_page(
        db,
        reviewer(user),
        now=now_utc(),
        mine=mine,
        stalled_days=stalled,
        new_records=new,
        include_closed=closed,
    )
    return [
        _case_json(line.case) | {"new_records": [str(k) for k in line.new_records]}
        for line in lines
    ]


@api.post("", name="api_case_open")
def api_case_open(request: Request, body: OpenBody, db: DbDep, user: UserDep) -> dict[str, Any]:
    with _service_errors_as_http():
        case = case_service.open_for_record(
            db, reviewer(user), record_pk=body.record_pk, policy=policy_of(request), now=now_utc()
        )
    return _case_json(case)


@api.get("/{case_id}", name="api_case")
def api_case(db: DbDep, user: UserDep, case_id: Id) -> dict[str, Any]:
    """The case, its records (of your agency), decisions and timeline (audited)."""
    page = case_service.case_page(db, reviewer(user), case_id=case_id, now=now_utc())
    return _case_json(page.case) | jsonable_encoder(
        {
            "records": [{"key": str(r.key), "how": r.how, "record_pk": r.pk} for r in page.records],
            "decisions": [
                {
                    "id": d.id,
                    "left": str(d.left),
                    "right": str(d.right),
                    "verdict": d.verdict,
                    "reviewer": d.reviewer,
                    "decided_at": d.decided_at,
                    "undone": d.undone,
                }
                for d in page.decisions
            ],
            "timeline": [
                {
                    "at": e.event.at,
                    "kind": e.kind,
                    "actor": e.actor,
                    "facet": e.event.facet,
                    "from": e.event.from_state,
                    "to": e.event.to_state,
                }
                for e in page.timeline
                if e.event is not None
            ],
            "allowed": [
                {"facet": m.facet.value, "to": m.target, "needs": sorted(m.needs)}
                for m in page.moves
            ],
        }
    )


@api.post("/{case_id}/transition", name="api_case_transition")
def api_case_transition(
    request: Request, body: TransitionBody, db: DbDep, user: UserDep, case_id: Id
) -> dict[str, Any]:
    with _service_errors_as_http():
        case = case_service.transition(
            db,
            reviewer(user),
            case_id=case_id,
            facet=body.facet,
            to=body.to,
            note=body.note,
            place=body.place,
            on=body.on,
            reason=body.reason,
            decision_id=str(body.decision_id or ""),
            policy=policy_of(request),
            now=now_utc(),
        )
    return _case_json(case)


@api.post("/{case_id}/assign", name="api_case_assign")
def api_case_assign(body: AssignBody, db: DbDep, user: UserDep, case_id: Id) -> dict[str, Any]:
    with _service_errors_as_http():
        case = case_service.assign(
            db, reviewer(user), case_id=case_id, assignee=body.assignee, now=now_utc()
        )
    return _case_json(case)
