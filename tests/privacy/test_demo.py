"""The demo: the terms and privacy pages exist, the README's resident sees who
viewed their data, and no demo account is asked to accept the terms again."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from demo import content
from participation.accounts.models import User
from participation.privacy import services


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.mark.parametrize("url", ["/terms/", "/privacy/"])
def test_policy_pages_exist(client, url):
    assert client.get(url).status_code == 200


def test_resident_sees_an_official_viewed_their_verification(client):
    resident = User.objects.get(email=content.RESIDENT.email)
    client.force_login(resident)
    page = client.get(reverse("accounts:personal_data")).content.decode()
    assert "Staff who viewed your data" in page
    assert "Checking or issuing a residency verification" in page
    assert "Answering an inquiry from the resident" in page


def test_demo_accounts_have_accepted_the_terms():
    for user in User.objects.filter(is_demo=True):
        assert services.policies_to_accept(user) == []
