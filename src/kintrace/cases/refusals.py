"""Why the case rules refuse a move, an assignment or a verdict: each refusal written once, here.

Each refusal is a template in English with `{placeholders}` for the values that explain it (the
facet, the states, a role). The rules (`transitions`, `assignment`, `verdicts`) write their
refusals by filling these in; the web reads the same templates to show a refusal in the
reader's language (`kintrace.web.problems`, decisions 0414 and 0909), translating the states,
roles and `PHRASES` inside it word by word. A move's refusal starts with `{facet} '{from}' ->
'{to}'` (`from` is a Python keyword: fill it in with `move(...)`). Pure: no I/O.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for the web's catalogue (`pybabel extract -k N_`); it is translated where
    it is shown. The pure core imports nothing beside it, so the marker is its own."""
    return message


# --- a facet's move (kintrace.cases.transitions) ---

NOT_A_STATE = N_(
    "Refused {facet} '{from}' -> '{to}': '{to}' is not a {facet} state; expected one of: "
    "{expected}."
)
NOT_ALLOWED = N_(
    "Refused {facet} '{from}' -> '{to}': not an allowed transition. From '{from}' the "
    "{facet} may move to: {allowed}."
)
ROLE_MAY_NOT_MOVE = N_(
    "Refused {facet} '{from}' -> '{to}': the role '{role}' may not make this transition; "
    "roles that may: {roles}."
)
CASE_CLOSED = N_(
    "Refused {facet} '{from}' -> '{to}': the case is closed; an admin must reopen it first "
    "(return 'closed' -> 'not_started')."
)
#: `needs` lists NEEDS' phrases, joined by ", and ".
NEEDS_MORE = N_("Refused {facet} '{from}' -> '{to}': it needs {needs}.")
DATE_IN_FUTURE = N_(
    "Refused {facet} '{from}' -> '{to}': the date given is in the future; give the date the "
    "child was known to be there."
)
#: `unmet` lists PRECONDITIONS' phrases, joined by "; ".
UNMET = N_("Refused {facet} '{from}' -> '{to}': {unmet}.")

#: What a move needs, by the name its rule gives it.
NEEDS = {
    "note": N_("a note saying why (--note)"),
    "place": N_("the place (--place)"),
    "on": N_("the date the child was known to be there (--on YYYY-MM-DD)"),
    "reason": N_("the reason for closing (--reason)"),
}
IDENTITY_NOT_VERIFIED = N_("the child's identity must be verified first")
WHEREABOUTS_NOT_KNOWN = N_("the child's whereabouts must be known first")
PRECONDITIONS = (IDENTITY_NOT_VERIFIED, WHEREABOUTS_NOT_KNOWN)

# --- an assignment (kintrace.cases.assignment) ---

NO_SUCH_USER = N_(
    "Refused assignment: there is no user '{name}'; give the user name of an existing caseworker."
)
NOT_A_CASE_ROLE = N_(
    "Refused assignment: the user '{name}' has the role '{role}'; a case can be assigned "
    "only to a caseworker or an admin."
)
ROLE_MAY_NOT_ASSIGN = N_(
    "Refused assignment: the role '{role}' may not assign cases; roles that may: admin, caseworker."
)
ASSIGNED_TO_ANOTHER = N_(
    "Refused assignment: the case is assigned to another caseworker; only they or an admin "
    "may hand it over."
)

# --- a move or an assignment as typed in a form (kintrace.services.cases) ---

NOT_A_FACET = N_("Refused: '{facet}' is not a facet; expected identity, whereabouts or return.")
NOT_A_DECISION_NUMBER = N_("Expected a decision number (digits only), or leave it empty.")
NO_SUCH_COLLEAGUE = N_(
    "Refused assignment: there is no user '{name}' in your agency; choose a caseworker from the "
    "list."
)

# --- a verdict on a pair (kintrace.cases.verdicts) ---

ONE_RECORD_TWICE = N_("Refused: {record} was given twice; a decision needs two different records.")

DIFFERENT_NEEDS_A_NOTE = N_(
    "Refused 'different': the model scored this pair {probability}, at or above the "
    "auto-link threshold {threshold}; say why they are different children in a note "
    "(--note)."
)
SAME_TWICE = N_(
    "Refused 'same': you gave the first confirmation of this pair; the two-person rule needs "
    "a second, different reviewer to confirm it."
)

#: Every refusal, whole, for the web's matching.
REFUSALS = (
    NOT_A_STATE,
    NOT_ALLOWED,
    ROLE_MAY_NOT_MOVE,
    CASE_CLOSED,
    NEEDS_MORE,
    DATE_IN_FUTURE,
    UNMET,
    NO_SUCH_USER,
    NOT_A_CASE_ROLE,
    ROLE_MAY_NOT_ASSIGN,
    ASSIGNED_TO_ANOTHER,
    NOT_A_FACET,
    NOT_A_DECISION_NUMBER,
    NO_SUCH_COLLEAGUE,
    ONE_RECORD_TWICE,
    DIFFERENT_NEEDS_A_NOTE,
    SAME_TWICE,
)
#: The phrases a move's refusal lists, each translated on its own.
PHRASES = (*NEEDS.values(), *PRECONDITIONS)


def move(template: str, *, facet: str, source: str, to: str, **values: object) -> str:
    """A move's refusal: `template` filled in with the move (`facet` from `source` to `to`)."""
    return template.format(facet=facet, to=to, **{"from": source}, **values)
