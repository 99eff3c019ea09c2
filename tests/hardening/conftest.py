"""Hypothesis settings of the hardening tests (few examples, derandomized for stable CI),
the tables a refused command must leave untouched, and a spy on the refusals."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from commands.dispatcher import Dispatcher

settings.register_profile(
    "grappe-hardening", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HARDENING = settings.get_profile("grappe-hardening")

WORK_TABLES = ("audit", "people", "identities", "enterprises", "enterprise_skills", "skills",
               "skill_synonyms", "resources", "channels", "cooperative", "claims",
               "message_refs", "requests", "request_skills", "consultations", "answers",
               "bookings", "booking_series", "polls", "poll_options", "poll_invitees",
               "poll_votes", "digest_settings")
INCIDENT = "un incident s’est produit"


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The refusals the dispatcher gives, in order (a spy on its one refusal path)."""
    seen: list[str] = []
    original = Dispatcher._refuse

    def spy(self: Dispatcher, ctx, exc) -> None:  # type: ignore[no-untyped-def]
        seen.append(exc.message)
        original(self, ctx, exc)

    monkeypatch.setattr(Dispatcher, "_refuse", spy)
    return seen
