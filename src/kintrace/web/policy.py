"""Who may use which route: one table, consulted by every request (deny when a route is missing).

The role sets are `kintrace.services.access`'s, which the command line checks for the same
actions (decision 0424). Denied by role or out of the user's agency, the answer is 404, never
403: a user learns nothing about what exists outside their remit. The route × role test walks
every route in the app against this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kintrace.services import access
from kintrace.services.accounts import Role


class Gate(Enum):
    PUBLIC = "public"  # anyone, signed in or not
    PENDING = "pending"  # password checked, second factor (or its enrolment) awaited
    ROLES = "roles"  # a fully signed-in user with one of the listed roles


@dataclass(frozen=True)
class Access:
    gate: Gate
    roles: frozenset[Role] = frozenset()

    def allows(self, role: Role) -> bool:
        return self.gate is Gate.PUBLIC or (self.gate is Gate.ROLES and role in self.roles)


def _roles(roles: frozenset[Role]) -> Access:
    """A gate for signed-in users of `roles`: the role sets of `kintrace.services.access`, which
    the command line checks for the same actions (decision 0424)."""
    return Access(Gate.ROLES, roles)


PUBLIC = Access(Gate.PUBLIC)
PENDING = Access(Gate.PENDING)
EVERYONE = _roles(access.EVERYONE)
NAME_READERS = _roles(access.NAME_READERS)  # everyone but the analyst (figures only)
IMPORTERS = _roles(access.IMPORTERS)
ADMINS = _roles(access.ADMINS)
DECIDERS = _roles(access.DECIDERS)  # kintrace.cases.DECIDING_ROLES
CASEWORK = _roles(access.CASEWORK)  # kintrace.cases.CASE_ROLES
CASE_MOVERS = _roles(access.CASE_MOVERS)  # the transition table decides which move
EVIDENCE_ADDERS = _roles(access.EVIDENCE_ADDERS)
INVESTIGATORS = _roles(access.INVESTIGATORS)  # original evidence files, with EXIF/GPS

POLICY: dict[str, Access] = {
    # public: assets, health, signing in, the language of the sign-in page
    "static": PUBLIC,
    "health": PUBLIC,
    "sign_in_form": PUBLIC,
    "sign_in": PUBLIC,
    "set_language": PUBLIC,
    # between the password and the second factor
    "second_factor_form": PENDING,
    "second_factor": PENDING,
    "enrol_form": PENDING,
    "enrol_confirm": PENDING,
    # any signed-in user
    "sign_out": EVERYONE,
    "dashboard": EVERYONE,
    "sources": EVERYONE,
    "account": EVERYONE,
    "token_create": EVERYONE,
    "token_revoke": EVERYONE,
    "api_docs": EVERYONE,
    "help_formats": EVERYONE,
    "help_formats_text": EVERYONE,
    "openapi": EVERYONE,
    "api_dashboard": EVERYONE,
    "api_sources": EVERYONE,
    # names of children
    "search_form": NAME_READERS,
    "search": NAME_READERS,
    "record": NAME_READERS,
    "person": NAME_READERS,
    "api_search": NAME_READERS,
    "api_record": NAME_READERS,
    "api_person": NAME_READERS,
    # bringing lists in and correcting rejected rows
    "import_form": IMPORTERS,
    "import_upload": IMPORTERS,
    "import_map": IMPORTERS,
    "import_link_status": IMPORTERS,
    "api_link_job": IMPORTERS,
    "quarantine": IMPORTERS,
    "quarantine_fix": IMPORTERS,
    "api_import": IMPORTERS,
    "api_quarantine": IMPORTERS,
    # the review queue: figures for everyone, pairs for those who read names, verdicts
    "api_review_status": EVERYONE,
    "review_queue": DECIDERS,
    "review_claim": DECIDERS,
    "review_pair": NAME_READERS,
    "review_decide": DECIDERS,
    "review_release": DECIDERS,
    "api_review_next": DECIDERS,
    "api_review_pair": NAME_READERS,
    "api_review_decide": DECIDERS,
    # cases
    "cases": NAME_READERS,
    "case": NAME_READERS,
    "case_open": CASEWORK,
    "case_transition": CASE_MOVERS,
    "case_assign": CASEWORK,
    "api_cases": NAME_READERS,
    "api_case": NAME_READERS,
    "api_case_open": CASEWORK,
    "api_case_transition": CASE_MOVERS,
    "api_case_assign": CASEWORK,
    # evidence: uploads on record, person and case pages; custody pages; copies; originals
    "evidence_add_record": EVIDENCE_ADDERS,
    "evidence_add_person": EVIDENCE_ADDERS,
    "evidence_add_case": EVIDENCE_ADDERS,
    "evidence_item": NAME_READERS,
    "evidence_copy": NAME_READERS,
    "evidence_original": INVESTIGATORS,
    # list exchange (issue 13): requests and their reconciliation (names in discrepancies)
    "exchange_requests": NAME_READERS,
    "exchange_request": NAME_READERS,
    # published figures (issue 15): counts that passed disclosure control, no names
    "figures": EVERYONE,
    "figures_file": EVERYONE,
    # the agency's accounts and its audit log (kintrace.services.users / .audit)
    "users": ADMINS,
    "users_add": ADMINS,
    "user_disable": ADMINS,
    "user_reset": ADMINS,
    "user_role": ADMINS,
    "user_agency": ADMINS,
    "audit": ADMINS,
}


def access_for(route_name: str | None) -> Access | None:
    return POLICY.get(route_name or "")
