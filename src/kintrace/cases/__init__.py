"""The case workflow and the rules for verdicts on pairs: pure, no I/O, no framework.

A case follows one sought child along three separate facets (identity, whereabouts, return);
`transitions` holds the table of allowed moves and who may make them. `verdicts` holds the rules
for people's decisions on pairs of records (same / different / cannot tell, the two-person rule).
Services in `kintrace.review` persist and audit what these functions allow.
"""

from kintrace.cases.assignment import check_assignment
from kintrace.cases.errors import (
    AssignmentRefused,
    DecisionRefused,
    TransitionRefused,
    WorkflowRefused,
)
from kintrace.cases.facets import (
    CaseState,
    Change,
    Facet,
    Identity,
    ReturnStage,
    Whereabouts,
)
from kintrace.cases.roles import CASE_READERS, CASE_ROLES, DECIDING_ROLES, Role, parse_role
from kintrace.cases.transitions import RULES, allowed_moves, apply, check
from kintrace.cases.verdicts import (
    QUEUED,
    QUEUED_STATUSES,
    SPOT_CHECK_PRIORITY,
    PairState,
    PairStatus,
    RecordKey,
    ReviewPolicy,
    Verdict,
    VerdictFact,
    apply_verdict,
    check_reason,
    ordered_pair,
    parse_record_key,
    replay,
    review_priority,
)

__all__ = [
    "CASE_READERS",
    "CASE_ROLES",
    "DECIDING_ROLES",
    "QUEUED",
    "QUEUED_STATUSES",
    "RULES",
    "SPOT_CHECK_PRIORITY",
    "AssignmentRefused",
    "CaseState",
    "Change",
    "DecisionRefused",
    "Facet",
    "Identity",
    "PairState",
    "PairStatus",
    "RecordKey",
    "ReturnStage",
    "ReviewPolicy",
    "Role",
    "TransitionRefused",
    "Verdict",
    "VerdictFact",
    "Whereabouts",
    "WorkflowRefused",
    "allowed_moves",
    "apply",
    "apply_verdict",
    "check",
    "check_assignment",
    "check_reason",
    "ordered_pair",
    "parse_record_key",
    "parse_role",
    "replay",
    "review_priority",
]
