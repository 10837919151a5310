"""Pure rules for people's verdicts on pairs of records.

A pair's state is never stored as a fact of its own: it is the replay of the verdicts given on
it, in order, minus the ones undone. That keeps every verdict (nothing is deleted; an undo is a
new decision that supersedes one) and makes the state of a pair reproducible from the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from kintrace.cases import refusals
from kintrace.cases.errors import DecisionRefused


class Verdict(StrEnum):
    SAME = "same"  # same child
    DIFFERENT = "different"  # different children
    UNSURE = "unsure"  # cannot tell


class PairStatus(StrEnum):
    PENDING = "pending"  # in the queue, no verdict yet
    AWAITING_SECOND = "awaiting_second"  # one reviewer said same; the two-person rule wants another
    CONFIRMED = "confirmed"  # must-link
    REJECTED = "rejected"  # cannot-link
    UNSURE = "unsure"  # nobody could tell; out of the queue (decide it again by hand)


QUEUED: frozenset[PairStatus] = frozenset({PairStatus.PENDING, PairStatus.AWAITING_SECOND})
QUEUED_STATUSES: tuple[str, ...] = tuple(sorted(s.value for s in QUEUED))


class RecordKey(NamedTuple):
    source: str
    record_id: str

    def __str__(self) -> str:
        return f"{self.source}:{self.record_id}"


def parse_record_key(text: str) -> RecordKey:
    """`SOURCE:ID` -> RecordKey. The source name has no colon; the record id may."""
    source, sep, record_id = text.strip().partition(":")
    if not sep or not source.strip() or not record_id.strip():
        raise ValueError(
            f"expected a record as SOURCE:ID (for example family-reports:FR-0001), got {text!r}"
        )
    return RecordKey(source.strip(), record_id.strip())


def ordered_pair(a: RecordKey, b: RecordKey) -> tuple[RecordKey, RecordKey]:
    """The pair in its one stored order (smaller key left), so A-B and B-A are one pair."""
    if a == b:
        raise DecisionRefused(refusals.ONE_RECORD_TWICE.format(record=a))
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class ReviewPolicy:
    """How verdicts are checked. Defaults are conservative; the bureau can change them.

    `auto_link_threshold`: rejecting a pair the model scored at or above it needs a reason.
    `two_person_rule`: confirming a link between a family report and a record from the other
    side (`other_side_kinds`: camp lists, adoption listings, and partner lists, which come
    through mediators from the other side) needs two different reviewers.
    `review_floor`: the lower end of the review band, used to rank the queue.
    `lease_seconds`: how long a claimed pair stays with its reviewer before it returns to the
    queue (a reviewer who closes the laptop does not hold a pair for ever).
    `spot_check_rate`: the share of automatic links also put in the queue, after every pending
    pair, for a person to check: it catches false automatic links and gives labels from outside
    the review band (0 by default: the bureau decides the extra work).
    """

    auto_link_threshold: float = 0.95
    review_floor: float = 0.5
    two_person_rule: bool = True
    # Source kinds as the registry spells them, and as the demo data spells them.
    family_kinds: frozenset[str] = frozenset({"family", "family_report"})
    other_side_kinds: frozenset[str] = frozenset(
        {"camp", "camp_list", "adoption", "adoption_listing", "partner", "partner_list", "answer"}
    )
    lease_seconds: int = 900
    spot_check_rate: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 < self.review_floor <= self.auto_link_threshold <= 1.0:
            raise ValueError(
                f"review policy: got review floor {self.review_floor} and auto-link threshold "
                f"{self.auto_link_threshold}; expected 0 < review floor <= auto-link <= 1"
            )
        if self.lease_seconds <= 0:
            raise ValueError(
                f"review policy: lease_seconds must be positive, got {self.lease_seconds}"
            )
        if not 0.0 <= self.spot_check_rate <= 1.0:
            raise ValueError(
                f"review policy: spot_check_rate is a share between 0 and 1, "
                f"got {self.spot_check_rate}"
            )

    def spot_checked(self, left: RecordKey, right: RecordKey) -> bool:
        """Is this automatic link one of the sample people check? The choice hangs on the
        pair alone (a hash), so each link run samples the same links."""
        if self.spot_check_rate <= 0.0:
            return False
        digest = hashlib.sha256(f"{left}|{right}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.spot_check_rate

    def needs_two_people(self, kind_l: str | None, kind_r: str | None) -> bool:
        if not self.two_person_rule:
            return False
        kinds = {kind_l or "", kind_r or ""}
        return bool(kinds & self.family_kinds) and bool(kinds & self.other_side_kinds)


def check_reason(
    verdict: Verdict, *, probability: float | None, note: str, policy: ReviewPolicy
) -> None:
    """A 'different' verdict on a pair the model would have linked on its own needs a reason."""
    if (
        verdict is Verdict.DIFFERENT
        and probability is not None
        and probability >= policy.auto_link_threshold
        and not note.strip()
    ):
        raise DecisionRefused(
            refusals.DIFFERENT_NEEDS_A_NOTE.format(
                probability=f"{probability:.3f}", threshold=f"{policy.auto_link_threshold:.3f}"
            )
        )


@dataclass(frozen=True)
class PairState:
    status: PairStatus = PairStatus.PENDING
    first_reviewer: str | None = None  # who gave the first 'same' under the two-person rule


def apply_verdict(
    state: PairState, verdict: Verdict, *, reviewer: str, two_people: bool
) -> PairState:
    """The pair's state after `reviewer` gives `verdict`.

    Under the two-person rule a first 'same' waits for a second, different reviewer; a
    'different' or 'unsure' from the second reviewer settles the pair (a disagreement never
    confirms a link: a false match sends a family another child's news).
    """
    if verdict is Verdict.SAME:
        if state.status is PairStatus.CONFIRMED:
            return state  # a further confirmation changes nothing
        if not two_people:
            return PairState(PairStatus.CONFIRMED)
        if state.status is PairStatus.AWAITING_SECOND:
            if state.first_reviewer == reviewer:
                raise DecisionRefused(refusals.SAME_TWICE)
            return PairState(PairStatus.CONFIRMED, state.first_reviewer)
        return PairState(PairStatus.AWAITING_SECOND, reviewer)
    if verdict is Verdict.DIFFERENT:
        return PairState(PairStatus.REJECTED)
    return PairState(PairStatus.UNSURE)


@dataclass(frozen=True)
class VerdictFact:
    """One kept verdict, as the replay needs it."""

    verdict: Verdict
    reviewer: str
    undone: bool = False


def replay(facts: Iterable[VerdictFact], *, two_people: bool) -> PairState:
    """The pair's state from its verdicts in order, skipping undone ones.

    Verdicts that would now be refused (the same reviewer twice after an undo in between) are
    skipped rather than raised: the log is history, not a request.
    """
    state = PairState()
    for fact in facts:
        if fact.undone:
            continue
        try:
            state = apply_verdict(
                state, fact.verdict, reviewer=fact.reviewer, two_people=two_people
            )
        except DecisionRefused:
            continue
    return state


SPOT_CHECK_PRIORITY = -2.0  # below every pending pair (their priorities are 0 to 2)


def review_priority(
    probability: float | None, *, policy: ReviewPolicy, touches_open_case: bool
) -> float:
    """Higher first: pairs touching an open case, then the ones closest to the middle of the band.

    Closeness is 1 at the middle of [review_floor, auto_link_threshold] and 0 at its edges, so
    the pairs a person's verdict changes most come first.
    """
    closeness = 0.0
    if probability is not None:
        low, high = policy.review_floor, policy.auto_link_threshold
        half = max((high - low) / 2, 1e-9)
        closeness = max(0.0, 1.0 - abs(probability - (low + high) / 2) / half)
    return closeness + (1.0 if touches_open_case else 0.0)
