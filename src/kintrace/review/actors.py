"""Who is acting: a user name and the role that decides what they may do.

The web app knows its signed-in user; who a command acts as is decided once, by
`kintrace.services.accounts.command_actor` (decision 0424). Here a name is looked up in the
accounts table (`role_of`: the role of a case's assignee); on a registry that has no accounts
yet (one office, command line only) any name acts as admin, since whoever can run the command
can open the database anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kintrace.cases import Role, WorkflowRefused
from kintrace.store.web_tables import users


@dataclass(frozen=True)
class Actor:
    name: str
    role: Role


class UnknownActor(WorkflowRefused):
    """The named user does not exist or is disabled."""


def actor_named(session: Session, name: str) -> Actor:
    """The actor for user `name`, with the role the accounts table gives them."""
    name = name.strip().lower()
    if not name:
        raise UnknownActor("No user given: name yourself with --as USER or KINTRACE_USER.")
    row = session.execute(
        select(users.c.role, users.c.disabled).where(users.c.username == name)
    ).first()
    if row is None:
        if not session.scalar(select(func.count()).select_from(users)):
            return Actor(name, Role.ADMIN)
        raise UnknownActor(
            f"There is no user '{name}'. List users with `kintrace users list`, "
            "and name yourself with --as USER or, for the whole session, "
            "export KINTRACE_USER=USER (README, 'The command line')."
        )
    if row.disabled:
        raise UnknownActor(f"The user '{name}' is disabled; an admin can re-enable it.")
    return Actor(name, Role(row.role))


def role_of(session: Session, name: str) -> Role | None:
    """The role of user `name`, or None if there is no such enabled user."""
    try:
        return actor_named(session, name).role
    except UnknownActor:
        return None
