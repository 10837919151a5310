"""Demo accounts: one per role in the home agency, one caseworker in a partner agency (to show
that agencies do not see each other's records). Fixed TOTP keys, printed with the synthetic data.

Also sets the instance flag that puts the SYNTHETIC DEMO DATA banner on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from kintrace.accounts import users
from kintrace.accounts.errors import AccountError
from kintrace.accounts.roles import Role
from kintrace.store.web_tables import HOME_AGENCY_ID, SYNTHETIC_DEMO_FLAG, instance_flags

DEMO_PASSWORD = "demo-password-synthetic"
PARTNER_AGENCY = "partner"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency: str
    password: str
    totp_secret: str


def _secret(username: str) -> str:
    """A fixed key per demo user, so the printed keys stay valid across demo runs."""
    import base64
    import hashlib

    digest = hashlib.sha256(f"kintrace-demo-{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def mark_synthetic(db: Session) -> None:
    db.execute(delete(instance_flags).where(instance_flags.c.key == SYNTHETIC_DEMO_FLAG))
    db.execute(insert(instance_flags).values(key=SYNTHETIC_DEMO_FLAG, value="1"))


def create_demo_accounts(db: Session, *, now: datetime) -> list[DemoAccount]:
    """Create (or keep) the demo accounts; idempotent."""
    mark_synthetic(db)
    partner = users.ensure_agency(db, code=PARTNER_AGENCY, name="Partner agency (demo)", now=now)
    plan = [(f"demo-{role.value}", role, HOME_AGENCY_ID, "home") for role in Role]
    plan.append(("demo-partner", Role.CASEWORKER, partner, PARTNER_AGENCY))
    result = []
    for username, role, agency_id, agency_code in plan:
        try:
            user = users.get_user_by_name(db, username)
        except AccountError:
            user = users.add_user(
                db,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                agency_id=agency_id,
                now=now,
                language="uk",
            )
        secret = _secret(username)
        users.set_totp_secret_for_demo(db, user_id=user.id, secret=secret)
        result.append(DemoAccount(username, role.value, agency_code, DEMO_PASSWORD, secret))
    return result


class DemoOnly(ValueError):
    """A demo convenience asked for outside a demo registry or for a non-demo account."""


def is_synthetic(db: Session) -> bool:
    """Whether `kintrace users demo` marked this registry as synthetic demo data."""
    flag = db.execute(
        select(instance_flags.c.value).where(instance_flags.c.key == SYNTHETIC_DEMO_FLAG)
    ).scalar_one_or_none()
    return flag == "1"


def current_code(db: Session, *, username: str, now: datetime) -> str:
    """The TOTP code of a demo account now; refused unless the registry is a demo."""
    import pyotp

    names = {f"demo-{role.value}" for role in Role} | {"demo-partner"}
    if not is_synthetic(db) or username not in names:
        raise DemoOnly(
            "Codes are printed only for the demo accounts of a demo registry "
            f"({', '.join(sorted(names))}); real accounts use an authenticator app."
        )
    return pyotp.TOTP(_secret(username)).at(now)
