from __future__ import annotations

import pytest
from django.core.cache import cache

from participation.accounts.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English messages unless they ask for Japanese explicitly."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def process(db):
    return factories.ProcessFactory()


@pytest.fixture
def resident(db):
    return factories.UserFactory(real_name="Hanako Sato")


@pytest.fixture
def resident2(db):
    return factories.UserFactory(real_name="Jiro Suzuki")


@pytest.fixture
def unverified(db):
    return factories.UserFactory(verified=False, real_name="Unverified Person")


@pytest.fixture
def department(db):
    return factories.DepartmentFactory()


@pytest.fixture
def facilitator(db, process):
    user = factories.UserFactory(real_name="Fumi Facilitator")
    return factories.grant(user, Role.FACILITATOR, process=process)


@pytest.fixture
def official(db, department):
    user = factories.UserFactory(real_name="Kenji Official")
    return factories.grant(user, Role.OFFICIAL, department=department)


@pytest.fixture
def admin_user(db):
    user = factories.UserFactory(real_name="Aki Admin")
    return factories.grant(user, Role.ADMIN)


@pytest.fixture
def proposal(db, process, resident):
    return factories.ProposalFactory(process=process, author=resident)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
