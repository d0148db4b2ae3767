from __future__ import annotations

import pytest
from django.core.cache import cache

from participation.accounts.models import Role
from tests import factories

# A real SMTP server (aiosmtpd) and the worker run for real, for every test folder.
pytest_plugins = ["tests.mail"]


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


@pytest.fixture
def threads_db(transactional_db, tmp_path):
    """A committed test database that threads with connections of their own share.

    PostgreSQL: the test database itself. SQLite: the in-memory test database
    shares one cache between connections and answers a second writer "table is
    locked" at once instead of waiting its turn, so the test runs on a file copy
    (WAL, ``BEGIN IMMEDIATE``, as in production) and the in-memory one is put back.
    """
    import sqlite3

    from django.db import connections

    conn = connections["default"]
    if conn.vendor != "sqlite" or not conn.is_in_memory_db():
        yield
        return
    conn.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    copy = sqlite3.connect(path)
    conn.connection.backup(copy)
    copy.close()
    memory, name = conn.connection, conn.settings_dict["NAME"]
    conn.settings_dict["NAME"] = str(path)
    conn.connection = None
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = name
        conn.connection = memory
