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
NOT_A_DATE = N_(
    "Expected a date as YYYY-MM-DD (for example 2026-10-01); the date given is not one."
)

#: Every refusal, for the web's matching.
REFUSALS = (
    CLAIM_LAPSED,
    HELD_BY_ANOTHER,
    ROLE_MAY_NOT_DECIDE,
    ALREADY_SETTLED,
    NOT_A_SAME_VERDICT,
    NOT_A_CONFIRMED_LINK,
    NOT_IN_THE_CASE,
    ALREADY_FOLLOWED,
    ROLE_MAY_NOT_OPEN,
    NOT_A_DATE,
)
