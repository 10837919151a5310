"""Review pages and API: the queue, claiming the next pair, the pair page, verdicts.

Routes hold no rules: they parse, call `kintrace.services.review` (the same service as
`kintrace review ...`; it scopes to the agency) and render. Addresses carry queue ids only,
never a name.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from kintrace.cases import ReviewPolicy, Verdict, WorkflowRefused
from kintrace.services import children, review
from kintrace.services.accounts import User, of_user
from kintrace.web.deps import DbDep, UserDep, guard, now_utc
from kintrace.web.inputs import MAX_ID, Id, count_from_text
from kintrace.web.rendering import render
from kintrace.web.waterfall import waterfall

router = APIRouter(dependencies=[Depends(guard)], include_in_schema=False)
api = APIRouter(prefix="/api/v1/review", dependencies=[Depends(guard)], tags=["review"])

VERDICTS = tuple(v.value for v in Verdict)


def _token(text: str) -> int:
    """The fencing token a form sent; -1 (matches no claim) when it is not a number."""
    value = count_from_text(text)
    return -1 if value is None else value


def policy_of(request: Request) -> ReviewPolicy:
    """The bureau's review policy (`<home>/review-policy.toml`), read on every request so an
    edit applies without a restart."""
    try:
        return review.load_policy(request.app.state.settings.home)
    except WorkflowRefused as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from None


def reviewer(user: User) -> review.Reviewer:
    """The signed-in user as a reviewer: their role, their agency's pairs and cases."""
    return review.reviewer_of(of_user(user))


def _queue_context(db: DbDep, user: UserDep, *, page: int = 1) -> dict[str, Any]:
    shown = review.queue_page(db, reviewer(user), page=page)
    keys = [k for item in shown.waiting for k in (item.left, item.right)]
    return {
        "counts": shown.counts,
        "held": review.held(db, reviewer(user), now=now_utc()),
        "waiting": shown.waiting,
        "names": children.names(db, of_user(user), keys, shown_on="review"),
        "page": shown.page,
        "pages": shown.pages,
    }


@router.get("/review", name="review_queue")
def review_queue(request: Request, db: DbDep, user: UserDep, page: int = 1) -> Response:
    """Every waiting pair of the agency, best first; the queue is first brought up to date with
    the last link run, so its pairs are listed before anyone claims one (finding 2)."""
    review.bring_up_to_date(db, request.app.state.store, policy=policy_of(request))
    return render(request, "review_queue.html", _queue_context(db, user, page=page))


@router.post("/review/next", name="review_claim")
def review_claim(request: Request, db: DbDep, user: UserDep) -> Response:
    item = review.claim(db, reviewer(user), policy=policy_of(request), now=now_utc())
    if item is None:
        context = _queue_context(db, user) | {"empty": True}
        return render(request, "review_queue.html", context)
    return RedirectResponse(f"/review/pairs/{item.id}", status_code=303)


def _pair_response(
    request: Request, db: DbDep, user: UserDep, item_id: int, **extra: Any
) -> Response:
    page = review.pair_page(
        db, reviewer(user), item_id=item_id, policy=policy_of(request), now=now_utc()
    )
    status = 422 if extra.get("error") else 200
    return render(
        request,
        "review_pair.html",
        {
            "page": page,
            "names": review.candidate_names(db, reviewer(user), page),
            "page_bars": waterfall(page.prior, page.steps),
            "verdicts": VERDICTS,
            **extra,
        },
        status_code=status,
    )


@router.get("/review/pairs/{item_id}", name="review_pair")
def review_pair(request: Request, db: DbDep, user: UserDep, item_id: Id) -> Response:
    return _pair_response(request, db, user, item_id)


@router.post("/review/pairs/{item_id}/decide", name="review_decide")
def review_decide(
    request: Request,
    db: DbDep,
    user: UserDep,
    item_id: Id,
    verdict: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    token: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        if verdict not in VERDICTS:
            raise WorkflowRefused(
                "Choose a verdict: same child, different children, or cannot tell."
            )
        result = review.decide(
            db,
            reviewer(user),
            item_id=item_id,
            verdict=verdict,
            note=note,
            token=count_from_text(token),
            policy=policy_of(request),
            now=now_utc(),
        )
    except WorkflowRefused as exc:
        db.rollback()
        return _pair_response(request, db, user, item_id, error=str(exc), note=note)
    return RedirectResponse(f"/review?decided={result.decision_id}", status_code=303)


@router.post("/review/pairs/{item_id}/release", name="review_release")
def review_release(
    db: DbDep, user: UserDep, item_id: Id, token: Annotated[str, Form(max_length=12)] = ""
) -> Response:
    review.release(
        db,
        reviewer(user),
        item_id=item_id,
        token=_token(token),
        now=now_utc(),
    )
    return RedirectResponse("/review", status_code=303)


# ---------------------------------------------------------------- JSON API


class VerdictBody(BaseModel):
    verdict: str = Field(..., description="same | different | unsure")
    note: str = Field(
        "",
        max_length=4000,
        description="Why; required to reject above the "
        "auto-link threshold and to change a settled pair",
    )
    token: int | None = Field(
        None, ge=0, le=MAX_ID, description="The fencing token from /review/next"
    )


def _item_json(item: Any) -> dict[str, Any]:
    data = jsonable_encoder(asdict(item))
    data["left"], data["right"] = str(item.left), str(item.right)
    return data


@api.get("/status", name="api_review_status")
def api_review_status(db: DbDep, user: UserDep) -> dict[str, int]:
    """Pairs of the agency by review status (figures only)."""
    return review.counts(db, reviewer(user))


@api.post("/next", name="api_review_next")
def api_review_next(request: Request, db: DbDep, user: UserDep) -> dict[str, Any]:
    """Claim the best waiting pair (or the one you hold); `item` is null when none waits."""
    item = review.claim(db, reviewer(user), policy=policy_of(request), now=now_utc())
    return {"item": _item_json(item) if item is not None else None}


@api.get("/pairs/{item_id}", name="api_review_pair")
def api_review_pair(request: Request, db: DbDep, user: UserDep, item_id: Id) -> dict[str, Any]:
    """Both records, agreement, weights (audited as a read)."""
    page = review.pair_page(
        db, reviewer(user), item_id=item_id, policy=policy_of(request), now=now_utc()
    )
    view = page.view
    return jsonable_encoder(
        {
            "item": _item_json(page.item),
            **{
                side: {"key": str(r.key), "kind": r.kind, "fields": r.fields, "latin": r.latin}
                for side, r in (("left", view.left), ("right", view.right))
            },
            "agreement": {f: a.state for f, a in view.agreement.items()},
            "agreement_labels": {f: a.label for f, a in view.agreement.items()},
            "probability": view.probability,
            "match_weight": view.weight,
            "prior_weight": page.prior,
            "steps": [asdict(s) for s in page.steps],
            "two_person_rule": page.two_people,
            "confirmations": page.confirmations,
            "others": [
                {
                    "left": str(c.left),
                    "right": str(c.right),
                    "probability": c.probability,
                    "status": c.status,
                }
                for c in page.others
            ],
        }
    )


@api.post("/pairs/{item_id}/decide", name="api_review_decide")
def api_review_decide(
    request: Request, body: VerdictBody, db: DbDep, user: UserDep, item_id: Id
) -> dict[str, Any]:
    if body.verdict not in VERDICTS:
        raise HTTPException(422, f"verdict must be one of {', '.join(VERDICTS)}")
    try:
        result = review.decide(
            db,
            reviewer(user),
            item_id=item_id,
            verdict=body.verdict,
            note=body.note,
            token=body.token,
            policy=policy_of(request),
            now=now_utc(),
        )
    except WorkflowRefused as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return {"decision_id": result.decision_id, "status": result.status.value}
