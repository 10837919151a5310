"""The review and case services (kintrace.services.review / .cases) that the web pages, the API
and `kintrace review|cases` share: a web user's reviewer sees their agency only, whichever
function is asked; the command line's operator sees every agency (decision 0510). On SQLite and
PostgreSQL. All names are synthetic test data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.integration.web.conftest import seed_agencies

from kintrace.accounts.actors import of_user
from kintrace.accounts.users import get_user_by_name
from kintrace.cases import RecordKey, ReviewPolicy, Verdict
from kintrace.services import cases, review
from kintrace.store.engine import Store

POLICY = ReviewPolicy(two_person_rule=False, lease_seconds=300)
HOME_PAIR = (RecordKey("list-a", "a1"), RecordKey("list-r", "r1"))
CROSS_PAIR = (RecordKey("list-a", "a1"), RecordKey("list-p", "p1"))


def _web_reviewer(store: Store, username: str) -> review.Reviewer:
    with store.session() as db:
        return review.reviewer_of(of_user(get_user_by_name(db, username)))


def _decide(store: Store, who: review.Reviewer, pair: tuple[RecordKey, RecordKey]) -> str:
    left, right = pair
    with store.session(write=True) as db:
        result = review.decide_pair(
            db,
            who,
            left=left,
            right=right,
            verdict=Verdict.SAME,
            note="",
            policy=POLICY,
            now=datetime.now(UTC),
        )
    return result.status.value


def test_a_partner_reviewer_cannot_reach_a_home_pair_by_its_keys(
    store: Store, tmp_path: Path
) -> None:
    seed_agencies(store, tmp_path)
    partner = _web_reviewer(store, "u-partner")
    for pair in (HOME_PAIR, CROSS_PAIR):
        with store.session(write=True) as db, pytest.raises(review.PairNotFound):
            review.show_pair(db, partner, left=pair[0], right=pair[1])
        with pytest.raises(review.PairNotFound):
            _decide(store, partner, pair)
    home = _web_reviewer(store, "u-reviewer")
    with pytest.raises(review.PairNotFound):  # a pair spanning two agencies: neither sees it
        _decide(store, home, CROSS_PAIR)
    assert _decide(store, home, HOME_PAIR) == "confirmed"


def test_the_command_line_operator_sees_every_agency(store: Store, tmp_path: Path) -> None:
    """Nobody named: the installation's operator, every agency's pairs; a user named on the
    command line sees their agency's, as on the web (decision 0424)."""
    from kintrace.services.accounts import command_actor

    seed_agencies(store, tmp_path)
    with store.session() as db:
        operator = review.command_reviewer(command_actor(db, "op"))
        named = review.command_reviewer(command_actor(db, "op", "u-reviewer"))
    assert operator.agency_ids is None and named.agency_ids == {named.agency_id}
    assert named.name == "u-reviewer" and operator.name == "cli:op"
    with pytest.raises(review.PairNotFound):
        _decide(store, named, CROSS_PAIR)
    assert _decide(store, operator, CROSS_PAIR) == "confirmed"
    with store.session() as db:
        shown = review.decisions_of(db, operator, key=CROSS_PAIR[0])
        partner_view = review.decisions_of(db, _web_reviewer(store, "u-partner"))
    assert [(d.left, d.right) for d in shown] == [CROSS_PAIR]
    assert partner_view == []  # the home record of the pair is not the partner's


def test_a_partner_caseworker_cannot_open_a_case_on_a_home_record(
    store: Store, tmp_path: Path
) -> None:
    seed_agencies(store, tmp_path)
    partner = _web_reviewer(store, "u-partner")
    now = datetime.now(UTC)
    with store.session(write=True) as db, pytest.raises(cases.CaseNotFound):
        cases.open_case(db, partner, subject=RecordKey("list-a", "a1"), policy=POLICY, now=now)
    with store.session(write=True) as db:
        opened = cases.open_case(
            db, partner, subject=RecordKey("list-p", "p1"), policy=POLICY, now=now
        )
    home = _web_reviewer(store, "u-caseworker")
    with store.session() as db:
        assert [line.case.id for line in cases.list_page(db, partner, now=now)] == [opened.id]
        assert cases.list_page(db, home, now=now) == []
        with pytest.raises(cases.CaseNotFound):
            cases.get(db, home, case_id=opened.id)
