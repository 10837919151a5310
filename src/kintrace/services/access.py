"""Which roles may do what: one table for the web's route gate and the command line.

The web's policy table (`kintrace.web.policy`) gives each route one of these role sets; the
command line names the same action (`ACTIONS`) when it resolves who acts
(`kintrace.services.accounts.command_actor`), so a user is allowed the same things from a
terminal as in a browser (decision 0424). The command line's operator (no role: nobody named)
works on the installation and is not limited by role.
"""

from __future__ import annotations

from collections.abc import Iterable

from kintrace.accounts.actors import Actor
from kintrace.accounts.roles import Role
from kintrace.cases import CASE_READERS, CASE_ROLES, DECIDING_ROLES

__all__ = [
    "ACTIONS",
    "ADMINS",
    "CASEWORK",
    "CASE_MOVERS",
    "DECIDERS",
    "EVERYONE",
    "EVIDENCE_ADDERS",
    "IMPORTERS",
    "INVESTIGATORS",
    "NAME_READERS",
    "agency_scope",
    "allowed",
    "refusal",
]


def _roles(roles: Iterable[str]) -> frozenset[Role]:
    """The accounts' roles of a domain role set (`kintrace.cases.roles` names the same roles)."""
    return frozenset(Role(r) for r in roles)


EVERYONE: frozenset[Role] = frozenset(Role)
# Who may see a child's name: everyone but the analyst (aggregate figures only).
NAME_READERS = _roles(CASE_READERS)
# Who brings lists in, corrects held-back rows and says what kind a list is.
IMPORTERS = frozenset({Role.ADMIN, Role.CASEWORKER})
ADMINS = frozenset({Role.ADMIN})
# Who gives verdicts on pairs.
DECIDERS = _roles(DECIDING_ROLES)
# Who opens, assigns and moves cases.
CASEWORK = _roles(CASE_ROLES)
# Who may move a case at all: the investigator records whereabouts (the transition table
# decides which move each role may make).
CASE_MOVERS = frozenset({Role.ADMIN, Role.CASEWORKER, Role.INVESTIGATOR})
# Who adds evidence files: those who import lists or work cases, and investigators.
EVIDENCE_ADDERS = frozenset({Role.ADMIN, Role.CASEWORKER, Role.INVESTIGATOR})
# Who downloads an original evidence file (with its EXIF/GPS): investigators only.
INVESTIGATORS = frozenset({Role.INVESTIGATOR})

#: The command line's actions that read or change children's data: what each does (for a
#: refusal) and the roles the web allows for the same action (the route named beside it). The
#: review and case commands are checked again by the review area itself.
ACTIONS: dict[str, tuple[str, frozenset[Role]]] = {
    "sources": ("list sources", EVERYONE),  # route "sources"
    "status": ("read the dashboard's figures", EVERYONE),  # route "dashboard"
    "import": ("import lists", IMPORTERS),  # routes "import_upload", "api_import"
    "sources.set_kind": ("set a source's kind", IMPORTERS),  # the import form declares it
    "records.search": ("search records", NAME_READERS),  # route "search"
    "records.show": ("read records", NAME_READERS),  # route "record"
    "quarantine.list": ("read held-back rows", IMPORTERS),  # route "quarantine"
    "quarantine.export": ("export held-back rows", IMPORTERS),  # route "quarantine"
    "pair.explain": ("read a pair's weights", NAME_READERS),  # route "review_pair"
    "export": ("export children's names", NAME_READERS),  # what the record pages show
    "review.status": ("count pairs", EVERYONE),  # route "api_review_status"
    "review.work": ("review pairs", DECIDERS),  # routes "review_claim", "review_decide"
    "review.read": ("read pairs and decisions", NAME_READERS),  # route "review_pair"
    "cases.read": ("read cases", NAME_READERS),  # routes "cases", "case"
    "cases.open": ("open cases", CASEWORK),  # routes "case_open", "case_assign"
    "cases.move": ("move cases", CASE_MOVERS),  # route "case_transition"
    "evidence.add": ("add evidence", EVIDENCE_ADDERS),  # routes "evidence_add_*"
    "evidence.read": ("read evidence", NAME_READERS),  # route "evidence_item"
    "audit.read": ("read the audit log", ADMINS),  # route "audit"
    # no page: a new model changes what is linked for every agency
    "model.retrain": ("retrain the model", ADMINS),
}


def allowed(action: str, role: Role | None) -> bool:
    """Whether `role` may do `action` (the operator, role None, may do everything)."""
    return role is None or role in ACTIONS[action][1]


def refusal(action: str, role: Role) -> str:
    """Why `role` may not do `action`, in the words the review area uses for its refusals."""
    what, roles = ACTIONS[action]
    may = ", ".join(r.value for r in Role if r in roles)
    return (
        f"Refused: the role '{role.value}' may not {what}; roles that may: {may} (as on the web)."
    )


def agency_scope(actor: Actor) -> int | None:
    """The agency whose records `actor` sees: their own, or every agency (None) for the command
    line's operator, who holds the database (decisions 0412, 0510, 0901, 0424)."""
    return None if actor.role is None else actor.agency_id
