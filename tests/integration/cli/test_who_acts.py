"""Who the command line acts as: one rule for every command (decision 0424).

A user named with `--user USER` or its alias `--as USER`, or with KINTRACE_USER, is acted for
with their role and their agency's scope, and refused what the web refuses their role; nobody
named is the installation's operator (every agency). Before, KINTRACE_USER was ignored by
`sources`, `status`, `records` and `quarantine`, the option was `--as` on some commands and
`--user` on others, `review`/`cases` in a user's place saw every agency's pairs and cases, and
`sources set-kind` checked the user's agency but not their role. All names are synthetic.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kintrace.cli.app import app as cli_app
from kintrace.cli.command import cli_actor
from kintrace.config import Settings
from kintrace.registry.importer import import_file
from kintrace.store.audit_tables import AuditEntry
from kintrace.store.engine import Store
from kintrace.store.registry_tables import Source
from support.seed import write_records_csv

_REF = re.compile(r"\b(list-[a-z]):([a-z]\d+)\b")
_SOURCE = re.compile(r"\blist-[a-z]\b")


def _kt(settings: Settings, *args: str, user: str | None = None) -> tuple[int, str]:
    env = {"KINTRACE_DATABASE_URL": "", "COLUMNS": "200", "KINTRACE_USER": user}
    result = CliRunner().invoke(cli_app, ["--home", str(settings.home), *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _actors(store: Store, action: str) -> list[str]:
    with store.session() as db:
        rows = db.execute(select(AuditEntry.actor).where(AuditEntry.action == action))
        return [str(a) for (a,) in rows]


def test_kintrace_user_is_honoured_by_sources_status_records_and_quarantine(
    sqlite_settings: Settings, sqlite_store: Store, seeded: dict[str, int], tmp_path: Path
) -> None:
    """KINTRACE_USER=u-partner: each command acts in the partner's place, as `--user` does."""
    held = [("list-p", "p9", "Synthetic", "Heldback", "2012-13-45", "Kherson")]
    import_file(
        sqlite_store,
        write_records_csv(tmp_path / "held.csv", held),
        actor="test",
        agency_id=seeded["partner_agency"],
    )
    code, found = _kt(sqlite_settings, "records", "search", "Kovalchuk", user="u-partner")
    assert code == 0 and set(_REF.findall(found)) == {("list-p", "p1")}, found
    code, shown = _kt(sqlite_settings, "records", "show", "list-a:a1", user="u-partner")
    assert code == 1 and "no record list-a:a1" in shown, shown
    code, listed = _kt(sqlite_settings, "sources", user="u-partner")
    assert code == 0 and set(_SOURCE.findall(listed)) == {"list-p"}, listed
    assert "Registry:" not in listed
    code, status = _kt(sqlite_settings, "status", user="u-partner")
    assert code == 0 and "Registry:" not in status and "Agency: " in status, status
    code, rows = _kt(sqlite_settings, "quarantine", "list", user="u-partner")
    assert code == 0 and "list-p:p9" in rows, rows
    in_place = f"{cli_actor()} as u-partner"
    assert _actors(sqlite_store, "records.search")[-1:] == [in_place]
    assert _actors(sqlite_store, "quarantine.read") == [in_place]


def test_one_option_two_spellings_on_every_command(
    sqlite_settings: Settings, review_data: dict[str, int]
) -> None:
    """`--user` and `--as` are the same option everywhere; a typed one wins over KINTRACE_USER."""
    for spelling in ("--user", "--as"):
        code, found = _kt(sqlite_settings, "records", "search", "Kovalchuk", spelling, "u-partner")
        partners = {("list-p", "p1"), ("list-p", "p2")}  # review_data adds p2
        assert code == 0 and set(_REF.findall(found)) == partners, (spelling, found)
        code, cases = _kt(sqlite_settings, "cases", "list", spelling, "u-partner")
        assert code == 0 and "list-p:p1" in cases and "list-a:a2" not in cases, cases
        code, decisions = _kt(sqlite_settings, "review", "decisions", spelling, "u-reviewer")
        assert code == 0, decisions
    code, found = _kt(
        sqlite_settings,
        "records",
        "search",
        "Kovalchuk",
        "--user",
        "u-caseworker",
        user="u-partner",
    )
    assert code == 0 and ("list-p", "p1") not in set(_REF.findall(found)), found


def test_review_and_cases_in_a_users_place_have_the_webs_agency_scope(
    sqlite_settings: Settings, review_data: dict[str, int]
) -> None:
    """A pair across two agencies is "no such pair" for either agency's reviewer, as on the web
    (decision 0510); the installation's operator (nobody named) still reviews it."""
    cross = ("list-a:a1", "list-p:p1")
    code, refused = _kt(sqlite_settings, "review", "show", *cross, "--as", "u-reviewer")
    assert code == 1 and "No such pair" in refused, refused
    code, shown = _kt(sqlite_settings, "review", "show", *cross)
    assert code == 0 and "list-p:p1" in shown, shown
    code, own = _kt(
        sqlite_settings, "review", "show", "list-a:a2", "list-r:r2", "--as", "u-reviewer"
    )
    assert code == 0, own
    code, cases = _kt(sqlite_settings, "cases", "list", "--as", "u-caseworker")
    assert code == 0 and "list-a:a2" in cases and "list-p:p1" not in cases, cases
    code, counted = _kt(sqlite_settings, "review", "status", "--as", "u-partner")
    assert code == 0 and re.search(r"pending\s+1\b", counted), counted  # the partner's own pair
    code, counted = _kt(sqlite_settings, "review", "status")
    assert code == 0 and re.search(r"pending\s+3\b", counted), counted  # every agency's


@pytest.mark.parametrize(
    ("args", "user", "refused"),
    [
        (("sources", "set-kind", "list-a", "camp"), "u-reviewer", "may not set a source's kind"),
        (("records", "search", "Kovalchuk"), "u-analyst", "may not search records"),
        (("records", "show", "list-a:a1"), "u-analyst", "may not read records"),
        (("quarantine", "list"), "u-reviewer", "may not read held-back rows"),
        (("cases", "list"), "u-analyst", "may not read cases"),
    ],
)
def test_a_user_is_refused_what_the_web_refuses_their_role(
    sqlite_settings: Settings,
    sqlite_store: Store,
    seeded: dict[str, int],
    args: tuple[str, ...],
    user: str,
    refused: str,
) -> None:
    code, output = _kt(sqlite_settings, *args, "--user", user)
    assert code == 1 and refused in output, output
    with sqlite_store.session() as db:
        kinds = dict(db.execute(select(Source.name, Source.kind)).all())
    assert kinds["list-a"] != "camp"
    assert _actors(sqlite_store, "records.search") == []


def test_the_operator_sees_every_agency_and_a_registry_without_accounts_is_unchanged(
    sqlite_settings: Settings, sqlite_store: Store, tmp_path: Path
) -> None:
    """Without accounts (one office on the command line) whoever runs a command acts as the
    operator, under the name given or their login, as documented before decision 0424."""
    rows = [("list-a", "a1", "Oleksandr", "Kovalchuk", "2012-03-14", "Kherson")]
    import_file(sqlite_store, write_records_csv(tmp_path / "a.csv", rows), actor="test")
    code, found = _kt(sqlite_settings, "records", "search", "Kovalchuk")
    assert code == 0 and ("list-a", "a1") in set(_REF.findall(found)), found
    code, opened = _kt(sqlite_settings, "cases", "open", "list-a:a1", "--as", "boss")
    assert code == 0, opened
    code, cases = _kt(sqlite_settings, "cases", "list", user="boss")
    assert code == 0 and "list-a:a1" in cases, cases
    code, cases = _kt(sqlite_settings, "cases", "list")
    assert code == 0 and "list-a:a1" in cases, cases
