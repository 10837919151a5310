"""Who asks: the actor every application service takes (`kintrace.services`).

An actor is a user name for the audit log, a role (None for the command line's operator, who
works on the installation itself) and the agency whose records the actor may see. Services apply
the agency scope and write the read to the audit log from it, so no caller can forget either.
`user` is the name review and case work is recorded under (leases, verdicts, assignments): the
Kintrace user the actor is or acts for; for the command line's operator their login.
"""

from __future__ import annotations

from dataclasses import dataclass

from kintrace.accounts.roles import Role
from kintrace.accounts.users import User
from kintrace.store.web_tables import HOME_AGENCY_ID


@dataclass(frozen=True)
class Actor:
    name: str
    agency_id: int = HOME_AGENCY_ID
    role: Role | None = None
    user: str | None = None

    @property
    def worker(self) -> str:
        """The name review and case work is recorded under."""
        return self.user or self.name


def of_user(user: User) -> Actor:
    """The actor of a signed-in web or API user: their name, role and agency."""
    return Actor(name=user.username, agency_id=user.agency_id, role=user.role, user=user.username)


def command_line(name: str, user: User | None = None, *, worker: str | None = None) -> Actor:
    """The command line's actor: the operator (no role; `worker` is the name their review and
    case work is recorded under), or acting in `user`'s place (that user's agency and role; the
    audit log names both). Who acts is decided by `kintrace.services.accounts.command_actor`."""
    if user is None:
        return Actor(name=name, user=worker)
    return Actor(
        name=f"{name} as {user.username}",
        agency_id=user.agency_id,
        role=user.role,
        user=user.username,
    )
