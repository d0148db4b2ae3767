from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.accounts.models import Role
from tests import factories


@pytest.fixture
def facilitator_site(db):
    user = factories.UserFactory(real_name="Sayo Site-Facilitator")
    return factories.grant(user, Role.FACILITATOR)


@pytest.fixture
def admin_no_mfa(db):
    user = factories.UserFactory(real_name="Nao No-MFA Admin")
    return factories.grant(user, Role.ADMIN, mfa=False)


@pytest.fixture
def later():
    """A time after any cooling-off period."""
    return timezone.now() + timedelta(days=15)
