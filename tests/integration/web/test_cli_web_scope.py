"""The command line and the web show an agency the same things (issue 17): each divergence found
while moving the CLI behind kintrace.services has a test here. All names are synthetic.
"""

from __future__ import annotations

import re

from typer.testing import CliRunner

from kintrace.cli.app import app as cli_app
from kintrace.config import Settings

_SOURCE = re.compile(r"\blist-[a-z]\b")


def _cli(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli_app,
        ["--home", str(settings.home), *args],
        env={"KINTRACE_DATABASE_URL": "", "COLUMNS": "220"},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_kintrace_sources_lists_the_agencys_sources_like_the_web_page(
    seeded: dict[str, int], signed_in, sqlite_settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    """`kintrace sources` listed every agency's sources; the web page lists the agency's."""
    for user, expected in (("u-partner", {"list-p"}), ("u-caseworker", {"list-a", "list-r"})):
        web = set(_SOURCE.findall(signed_in(user).get("/sources").text))
        code, output = _cli(sqlite_settings, "sources", "--user", user)
        assert code == 0, output
        assert set(_SOURCE.findall(output)) == web == expected
    code, output = _cli(sqlite_settings, "sources")  # the operator: the home agency's
    assert code == 0, output
    assert set(_SOURCE.findall(output)) == {"list-a", "list-r"}
    assert "Registry: 3 sources" in output  # the installation's totals stay whole
