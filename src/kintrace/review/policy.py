"""The review policy in force: thresholds, the two-person rule and the lease length.

Read from `<home>/review-policy.toml` when it exists, otherwise defaults: the thresholds are the
linkage model's (so "above the auto-link threshold" means what the linker means by it).
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from kintrace.cases import ReviewPolicy, WorkflowRefused
from kintrace.linkage.spec.base import Thresholds

POLICY_FILE = "review-policy.toml"


class PolicyError(WorkflowRefused):
    """The policy file cannot be used."""


def default_policy() -> ReviewPolicy:
    thresholds = Thresholds()
    return ReviewPolicy(
        auto_link_threshold=thresholds.auto_link, review_floor=thresholds.review_floor
    )


def load_policy(home: Path) -> ReviewPolicy:
    """The policy from `<home>/review-policy.toml`, over the defaults."""
    path = home / POLICY_FILE
    policy = default_policy()
    if not path.exists():
        return policy
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"Cannot read {path}: {exc}. Fix the file or remove it.") from None
    known = {f.name: f for f in fields(ReviewPolicy)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise PolicyError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; "
            f"expected some of: {', '.join(sorted(known))}."
        )
    values: dict[str, Any] = {}
    for key, value in data.items():
        current = getattr(policy, key)
        if isinstance(current, frozenset):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise PolicyError(f"{path}: {key} must be a list of strings, got {value!r}.")
            values[key] = frozenset(value)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise PolicyError(f"{path}: {key} must be true or false, got {value!r}.")
            values[key] = value
        else:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise PolicyError(f"{path}: {key} must be a number, got {value!r}.")
            values[key] = type(current)(value)
    try:
        return replace(policy, **values)
    except ValueError as exc:
        raise PolicyError(f"{path}: {exc}") from None
