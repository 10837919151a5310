"""The web tests' synthetic agencies, users and review data, for the command line's tests."""

from __future__ import annotations

from tests.integration.web.conftest import linked, review_data, seeded

__all__ = ["linked", "review_data", "seeded"]
