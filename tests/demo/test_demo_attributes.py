"""The demo's attributes (demo/attributes.py): /stats/ shows several age bands with
some withheld, and the demo resident sees "For you" on the home page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from participation.accounts.models import User
from participation.attributes.models import ResidentAttributes
from portal.opendata.groups import participation_by_group


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_most_demo_residents_gave_attributes():
    assert ResidentAttributes.objects.count() >= 25


def test_stats_show_several_age_bands_and_withhold_some():
    cache.clear()
    age = next(t for t in participation_by_group() if t.grouping.key == "age_band")
    shown = [r for r in age.rows if r.given and r.participants]
    withheld = [r for r in age.rows if "participants" in r.withheld]
    assert len(shown) >= 3
    assert withheld
    assert age.given is not None


def test_demo_resident_sees_for_you_on_the_home_page(client):
    client.force_login(User.objects.get(email="resident@example.org"))
    html = client.get("/").content.decode()
    assert "For you" in html
    assert "Because you chose:" in html
