"""Fixtures for moderation tests: content by a separate author, and one user per
role of the role × action matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from participation.accounts.models import Role
from participation.live import broadcast
from participation.moderation.models import Block
from tests import factories

ROLES = [
    "anonymous",
    "unverified",
    "resident",
    "blocked",
    "facilitator",
    "other_facilitator",
    "official",
    "admin",
]
MODERATORS = {"facilitator", "admin"}


@pytest.fixture
def author(db):
    return factories.UserFactory(real_name="Taro Author")


@pytest.fixture
def comment(db, proposal, author):
    return factories.CommentFactory(
        proposal=proposal, author=author, body="This is a rude comment."
    )


@pytest.fixture
def other_process(db):
    return factories.ProcessFactory()


@pytest.fixture
def other_facilitator(db, other_process):
    user = factories.UserFactory(real_name="Oto Otherfacilitator")
    return factories.grant(user, Role.FACILITATOR, process=other_process)


@pytest.fixture
def blocked_resident(db):
    user = factories.UserFactory(real_name="Bun Blocked")
    Block.objects.create(
        user=user, reason="Insults", ends_at=timezone.now() + timedelta(days=7)
    )
    return user


@pytest.fixture
def residents(db):
    """Three more verified residents, to report together."""
    return [factories.UserFactory(real_name=f"Reporter {i}") for i in range(3)]


@pytest.fixture
def actor_for(request, unverified, resident2, facilitator, official, admin_user):
    """``actor_for(role)`` → a user (or AnonymousUser) in that role."""

    def _actor(role: str):
        if role == "anonymous":
            return AnonymousUser()
        if role == "blocked":
            return request.getfixturevalue("blocked_resident")
        if role == "other_facilitator":
            return request.getfixturevalue("other_facilitator")
        return {
            "unverified": unverified,
            "resident": resident2,
            "facilitator": facilitator,
            "official": official,
            "admin": admin_user,
        }[role]

    return _actor


@pytest.fixture
def live_events(monkeypatch):
    """Record live broadcasts instead of delivering them."""
    events: list[tuple[str, str, dict]] = []
    monkeypatch.setattr(
        broadcast,
        "_deliver_each",
        lambda groups, event_type, payload: events.extend(
            (group, event_type, payload) for group in groups
        ),
    )
    return events


def sent(events, group: str, event_type: str, **payload) -> bool:
    """Whether ``events`` holds a broadcast to ``group`` of ``event_type`` whose
    payload includes ``payload``."""
    return any(
        g == group and t == event_type and payload.items() <= p.items()
        for g, t, p in events
    )
