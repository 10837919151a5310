"""Passwords (argon2id), TOTP codes and recovery codes: pure functions, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from kintrace.accounts import passwords, totp
from kintrace.accounts.errors import AccountError
from kintrace.accounts.roles import Role
from kintrace.web.policy import NAME_READERS, POLICY, Gate

NOW = datetime(2026, 11, 29, 8, 0, 0, tzinfo=UTC)


def test_password_hash_is_argon2id_and_verifies() -> None:
    stored = passwords.hash_password("a long synthetic passphrase")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "a long synthetic passphrase")
    assert not passwords.verify_password(stored, "a long synthetic passphrasE")


def test_missing_user_costs_a_hash_and_says_no() -> None:
    assert passwords.verify_password(None, "kintrace-dummy-password-for-timing") is False


@pytest.mark.parametrize("bad", ["short", "x" * 11, "y" * 1025])
def test_password_policy_refuses_with_a_reason(bad: str) -> None:
    with pytest.raises(AccountError, match="characters"):
        passwords.hash_password(bad)


def test_totp_accepts_one_step_of_clock_drift_and_refuses_replay() -> None:
    secret = pyotp.random_base32()
    now_code = pyotp.TOTP(secret).at(NOW)
    step = totp.matching_step(secret, now_code, now=NOW, last_step=None)
    assert step == int(NOW.timestamp()) // 30
    assert totp.matching_step(secret, now_code, now=NOW, last_step=step) is None  # replay
    late = NOW + timedelta(seconds=30)
    assert totp.matching_step(secret, now_code, now=late, last_step=None) == step  # drift
    assert (
        totp.matching_step(secret, now_code, now=NOW + timedelta(minutes=2), last_step=None) is None
    )
    assert totp.matching_step(secret, "12345", now=NOW, last_step=None) is None


def test_recovery_codes_are_distinct_and_hash_the_same_however_typed() -> None:
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == totp.RECOVERY_CODES
    code = codes[0]
    assert totp.recovery_code_hash(code) == totp.recovery_code_hash(code.upper().replace("-", " "))


def test_qr_code_is_inline_svg_without_style_attributes() -> None:
    svg = totp.qr_svg(totp.provisioning_uri(pyotp.random_base32(), username="synthetic-user"))
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg
    assert "style=" not in svg  # the CSP forbids inline styles


def test_the_analyst_reads_no_names_and_signing_in_is_public() -> None:
    assert Role.ANALYST not in NAME_READERS.roles
    for name in ("search", "record", "person", "api_search", "api_record", "api_person"):
        assert POLICY[name] == NAME_READERS, name
    assert POLICY["sign_in"].gate is Gate.PUBLIC
    assert POLICY["second_factor"].gate is Gate.PENDING


@pytest.mark.parametrize(
    ("field", "values", "expected", "why"),
    [
        ("family_name", ["Ковальчук", "Kovalchuk"], "equivalent", "same surname across scripts"),
        ("given_name", ["Олександр", "Александр"], "equivalent", "Ukrainian/Russian forms"),
        ("given_name", ["Олександр", "Марія"], "different", "different children"),
        ("birth_date", ["2012-03-14", "2012-03-14"], "same", "same day"),
        ("birth_date", ["2012-03-14", "2012"], "partial", "year only on one side"),
        ("birth_date", ["2012-03-14", "2013-03-14"], "different", "another year"),
        ("birth_place", ["Херсон", None], "missing", "one record only has the field"),
        ("family_name", ["Ковальчук", "Ковальчук", None], "same", "a record lacks it"),
        ("patronymic", ["Сергіївна", "Serhiivna"], "equivalent", "issue 12 finding 5"),
    ],
)
def test_field_agreement_on_the_person_page(field, values, expected, why) -> None:  # type: ignore[no-untyped-def]
    from kintrace.services.persons import agreement

    assert agreement(values, field=field).state == expected, why
