"""Why the review and case services refuse a verdict, a claim or a case: each refusal written
once, here (the case rules' own are in `kintrace.cases.refusals`).

Templates in English with `{placeholders}` for the values; the services fill them in, the web
reads them (through `kintrace.services.reasons`) to show a refusal in the reader's language
(`kintrace.web.problems`, decisions 0414 and 0909). Pure: no I/O.
"""

from __future__ import annotations

from kintrace.messages import N_

# --- a verdict on a pair (kintrace.review.decisions) ---

CLAIM_LAPSED = N_(
    "Refused: your claim on {left} / {right} is no longer valid (token {token}, current "
    "{current}): the lease ran out and the pair went back to the queue. Take the next pair "
    "with `kintrace review next`."
)
HELD_BY_ANOTHER = N_(
    "Refused: another reviewer holds {left} / {right} until {until} UTC; take another pair or wait."
)
ROLE_MAY_NOT_DECIDE = N_(
    "Refused: the role '{role}' may not decide pairs; roles that may: {roles}."
)
ALREADY_SETTLED = N_(
    "Refused: this pair is already {status}; changing a settled decision needs a note "
    "saying why (--note), or undo it with `kintrace review undo`."
)

ROLE_MAY_NOT_REVIEW = N_(
    "Refused: the role '{role}' may not review pairs; roles that may: {roles}."
)

# --- undoing a verdict (kintrace.review.decisions) ---

NOTHING_TO_UNDO = N_("Refused undo: '{reviewer}' has no decision left to undo.")
NO_VERDICT_TO_UNDO = N_(
    "Refused undo: there is no verdict with id {decision}; list decisions with "
    "`kintrace review decisions`."
)
ALREADY_UNDONE = N_("Refused undo: decision {decision} is already undone.")
NOT_YOURS_TO_UNDO = N_(
    "Refused undo: decision {decision} was made by another reviewer; only they or an admin may "
    "undo it."
)

# --- a case (kintrace.review.casework) ---

NOT_A_SAME_VERDICT = N_(
    "Refused: decision {decision} is not a 'same child' verdict; give the id of a confirmed "
    "decision (`kintrace review decisions`)."
)
NOT_A_CONFIRMED_LINK = N_(
    "Refused: decision {decision} does not stand as a confirmed link (it was undone, or it "
    "still waits for a second reviewer)."
)
NOT_IN_THE_CASE = N_(
    "Refused: decision {decision} is about records that are not part of case {case}."
)
ALREADY_FOLLOWED = N_(
    "Refused: case {case} already follows {record}; see `kintrace cases show {case}`."
)
ROLE_MAY_NOT_OPEN = N_(
    "Refused: the role '{role}' may not open cases; roles that may: admin, caseworker."
)
ROLE_MAY_NOT_READ_CASES = N_(
    "Refused: the role '{role}' may not read cases (they name children); analysts see aggregate "
    "figures only."
)
NO_SUCH_PERSON = N_(
    "There is no person {person}; persons come from `kintrace link` (`kintrace export clusters` "
    "lists them)."
)
NOT_A_DATE = N_(
    "Expected a date as YYYY-MM-DD (for example 2026-10-01); the date given is not one."
)

#: Every refusal, for the web's matching.
REFUSALS = (
    CLAIM_LAPSED,
    HELD_BY_ANOTHER,
    ROLE_MAY_NOT_DECIDE,
    ALREADY_SETTLED,
    ROLE_MAY_NOT_REVIEW,
    NOTHING_TO_UNDO,
    NO_VERDICT_TO_UNDO,
    ALREADY_UNDONE,
    NOT_YOURS_TO_UNDO,
    NOT_A_SAME_VERDICT,
    NOT_A_CONFIRMED_LINK,
    NOT_IN_THE_CASE,
    ALREADY_FOLLOWED,
    ROLE_MAY_NOT_OPEN,
    ROLE_MAY_NOT_READ_CASES,
    NO_SUCH_PERSON,
    NOT_A_DATE,
)
