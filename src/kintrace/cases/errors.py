"""Refusals a person can meet in the case workflow and in review. Messages name states,
transitions and roles, never a child's personal data."""

from __future__ import annotations


class WorkflowRefused(ValueError):
    """A request the rules do not allow; `str(error)` is the message to show as is."""


class TransitionRefused(WorkflowRefused):
    """A case facet change that the transition table, the role or a cross-facet rule forbids."""


class AssignmentRefused(WorkflowRefused):
    """An assignment of a case that the role rules forbid."""


class DecisionRefused(WorkflowRefused):
    """A verdict on a pair that the review rules forbid (missing reason, same reviewer twice...)."""
