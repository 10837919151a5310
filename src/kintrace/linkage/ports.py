"""What a link run needs from outside the linkage area, declared here so that linkage imports
none of it.

Reviewers' verdicts bind the clustering: a confirmed pair is a must-link, a rejected pair a
cannot-link. The review area owns the decisions; whoever starts a run hands over a function that
reads them (`kintrace.review.decisions.constraints` is one). So the model layer never reaches up
into people's decisions: they are given to it. An import-linter contract keeps it so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

from sqlalchemy.orm import Session

Key = tuple[str, str]  # (source, record_id)
KeyPair = tuple[Key, Key]


class VerdictPairs(Protocol):
    """Pairs of record keys that reviewers decided: one child (`must_link`) or two
    (`cannot_link`)."""

    @property
    def must_link(self) -> Collection[KeyPair]: ...

    @property
    def cannot_link(self) -> Collection[KeyPair]: ...


#: Reads the reviewers' verdicts inside the run's reading transaction.
ReviewerVerdicts = Callable[[Session], VerdictPairs]


def verdict_constraints(
    verdicts: ReviewerVerdicts, session: Session
) -> tuple[list[KeyPair], list[KeyPair]]:
    """(must-link, cannot-link) as plain (source, record_id) tuples, sorted."""
    found = verdicts(session)
    must = [((a[0], a[1]), (b[0], b[1])) for a, b in found.must_link]
    cannot = [((a[0], a[1]), (b[0], b[1])) for a, b in found.cannot_link]
    return sorted(must), sorted(cannot)
