"""The three facets of a case, kept apart on purpose.

Knowing who a child is does not mean knowing where the child is, and knowing where a child is
does not mean the child is on the way home; a single status field would force one of those
facts to hide another. Each facet moves on its own, under the rules in `transitions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Facet(StrEnum):
    IDENTITY = "identity"
    WHEREABOUTS = "whereabouts"
    RETURN = "return"


class Identity(StrEnum):
    REPORTED = "reported"  # a family or agency reports the child missing; no match confirmed
    VERIFIED = "verified"  # a person confirmed which records are this child


class Whereabouts(StrEnum):
    UNKNOWN = "unknown"
    KNOWN = "known"  # with a place and the date the child was known to be there


class ReturnStage(StrEnum):
    NOT_STARTED = "not_started"
    REQUESTED = "requested"
    IN_NEGOTIATION = "in_negotiation"
    IN_PROGRESS = "in_progress"
    RETURNED = "returned"
    CLOSED = "closed"  # always with a reason


FACET_STATES: dict[Facet, tuple[str, ...]] = {
    Facet.IDENTITY: tuple(s.value for s in Identity),
    Facet.WHEREABOUTS: tuple(s.value for s in Whereabouts),
    Facet.RETURN: tuple(s.value for s in ReturnStage),
}


@dataclass(frozen=True)
class CaseState:
    """Where one case stands on each facet. The default is a freshly opened case."""

    identity: Identity = Identity.REPORTED
    whereabouts: Whereabouts = Whereabouts.UNKNOWN
    place: str | None = None  # only when whereabouts is known
    place_date: date | None = None  # the date the child was known to be at `place`
    return_stage: ReturnStage = ReturnStage.NOT_STARTED
    closed_reason: str | None = None  # only when the return facet is closed

    def state_of(self, facet: Facet) -> str:
        if facet is Facet.IDENTITY:
            return self.identity.value
        if facet is Facet.WHEREABOUTS:
            return self.whereabouts.value
        return self.return_stage.value


@dataclass(frozen=True)
class Change:
    """A person's request to move one facet of a case.

    `note` says why (required for every step back and for verification: the evidence);
    `place` and `on` locate the child (whereabouts known); `reason` closes a case.
    `decision_id` names a confirmed review decision the change rests on, if any.
    """

    facet: Facet
    to: str
    note: str = ""
    place: str | None = None
    on: date | None = None
    reason: str | None = None
    decision_id: int | None = None
