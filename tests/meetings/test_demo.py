"""demo/live.py: the demo's live sessions, seeded through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from demo import content
from demo.live import OPEN_TITLE, PAST_TITLE, seed_live
from demo.seed import history_is_not_news, seeding_settings
from meetings.models import DraftStatus, LiveSession, SessionStatus
from participation.accounts.models import Role
from tests import factories


@pytest.fixture
def demo_people(db):
    people = {
        p.key: factories.UserFactory(email=p.email, real_name=p.real_name)
        for p in content.PEOPLE
    }
    process = factories.ProcessFactory(slug=content.GREEN)
    factories.grant(people["facilitator"], Role.FACILITATOR, process=process)
    return people


def _seed():
    with seeding_settings(), history_is_not_news():
        seed_live(timezone.now())


def test_seed_holds_a_closed_session_with_minutes_and_an_open_one(demo_people):
    _seed()
    past = LiveSession.objects.get(title=PAST_TITLE)
    live = LiveSession.objects.get(title=OPEN_TITLE)
    assert past.status == SessionStatus.CLOSED and past.summary
    assert past.closed_at < timezone.now() - timezone.timedelta(days=9)
    assert past.opinions.count() == 9
    assert past.opinions.filter(hidden_at__isnull=False).count() == 1
    assert past.opinions.filter(theme__isnull=False).count() == 7
    assert live.status == SessionStatus.OPEN and live.allow_guests
    assert live.opinions.count() == 3


def test_seed_leaves_a_draft_waiting_for_the_demo_resident(demo_people):
    _seed()
    opinion = LiveSession.objects.get(title=PAST_TITLE).opinions.get(
        proposal_draft__isnull=False
    )
    assert opinion.author == demo_people["resident"]
    assert opinion.proposal_draft.status == DraftStatus.PENDING


def test_seeding_twice_changes_nothing(demo_people):
    _seed()
    _seed()
    assert LiveSession.objects.count() == 2


def test_seed_does_nothing_without_the_core_demo(db):
    _seed()
    assert not LiveSession.objects.exists()
