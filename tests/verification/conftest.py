from __future__ import annotations

import pytest

from participation.accounts.models import Role
from participation.verification import services
from participation.verification.models import Action, Channel, Level
from tests import factories


@pytest.fixture
def counter_department(db, settings):
    department = factories.DepartmentFactory(code="shimin")
    settings.VERIFICATION_COUNTER_DEPARTMENTS = ["shimin"]
    return department


@pytest.fixture
def counter_official(db, counter_department):
    user = factories.UserFactory(real_name="Kazu Counter")
    return factories.grant(user, Role.OFFICIAL, department=counter_department)


@pytest.fixture
def issue(admin_user):
    """issue(n=1, days=30, **kw) → the clear codes of a new batch."""

    def make(n=1, *, actor=None, days=30, channel=Channel.COUNTER, area=None):
        batch = services.codes_issue(
            actor=actor or admin_user, count=n, channel=channel, days=days, area=area
        )
        return batch.clear_codes

    return make


@pytest.fixture
def require(admin_user):
    """require(process, action=SUPPORT, level=CONFIRMED): a requirement."""

    def make(process, action=Action.SUPPORT, level=Level.CONFIRMED):
        return services.requirement_set(
            actor=admin_user, process=process, action=action, level=level
        )

    return make


def fresh(user):
    """The same person, as a new request would load them (no cached standing)."""
    return type(user).objects.get(pk=user.pk)
