"""The review policy file: defaults from the linkage thresholds, overrides, clear refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kintrace.linkage.spec.base import Thresholds
from kintrace.review.policy import POLICY_FILE, PolicyError, load_policy


def test_without_a_file_the_thresholds_are_the_linkers(tmp_path: Path) -> None:
    policy = load_policy(tmp_path)
    assert policy.auto_link_threshold == Thresholds().auto_link
    assert policy.review_floor == Thresholds().review_floor
    assert policy.two_person_rule is True


def test_a_file_overrides_what_it_names(tmp_path: Path) -> None:
    (tmp_path / POLICY_FILE).write_text(
        'two_person_rule = false\nlease_seconds = 60\nfamily_kinds = ["fam"]\n'
        "auto_link_threshold = 0.97\n",
        encoding="utf-8",
    )
    policy = load_policy(tmp_path)
    assert (policy.two_person_rule, policy.lease_seconds, policy.family_kinds) == (
        False,
        60,
        frozenset({"fam"}),
    )
    assert policy.auto_link_threshold == 0.97 and policy.review_floor == Thresholds().review_floor


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("two_person = true\n", "unknown setting(s) two_person"),
        ("two_person_rule = 1\n", "must be true or false"),
        ('lease_seconds = "ten"\n', "must be a number"),
        ('family_kinds = "family"\n', "must be a list of strings"),
        ("review_floor = 0.999\nauto_link_threshold = 0.9\n", "review floor <= auto-link"),
        ("lease_seconds = 0\n", "lease_seconds must be positive"),
        ("this is not toml", "Cannot read"),
    ],
)
def test_a_bad_file_is_refused_with_what_was_expected(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / POLICY_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match=re.escape(message)):
        load_policy(tmp_path)
