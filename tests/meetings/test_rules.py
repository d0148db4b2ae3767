"""Role × action matrix for live sessions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from meetings import rules
from meetings.models import SessionStatus
from participation.accounts.models import Role
from participation.moderation.models import Block
from participation.spaces.models import ProcessStatus
from tests import factories
from tests.meetings.conftest import make_opinion

GUEST = rules.Guest(name="ゲスト", key="g" * 32)


@pytest.fixture
def people(db, process, resident, unverified, facilitator, official, admin_user):
    blocked = factories.UserFactory(real_name="Blocked Person")
    Block.objects.create(user=blocked, reason="spam")
    other_facilitator = factories.grant(
        factories.UserFactory(), Role.FACILITATOR, process=factories.ProcessFactory()
    )
    no_mfa = factories.grant(
        factories.UserFactory(), Role.FACILITATOR, process=process, mfa=False
    )
    return {
        "anonymous": AnonymousUser(),
        "resident": resident,
        "unverified": unverified,
        "blocked": blocked,
        "facilitator": facilitator,
        "facilitator_without_mfa": no_mfa,
        "other_facilitator": other_facilitator,
        "official": official,
        "admin": admin_user,
    }


FACILITATE = {
    "anonymous": False,
    "resident": False,
    "unverified": False,
    "blocked": False,
    "facilitator": True,
    "facilitator_without_mfa": False,
    "other_facilitator": False,
    "official": False,
    "admin": True,
}

POST = {
    "anonymous": False,
    "resident": True,
    "unverified": False,
    "blocked": False,
    "facilitator": True,
    "facilitator_without_mfa": True,
    "other_facilitator": True,
    "official": True,
    "admin": True,
}


@pytest.mark.parametrize("who", sorted(FACILITATE))
def test_who_may_facilitate_a_session(people, live_session, who):
    allowed = rules.facilitate_refusal(people[who], live_session) is None
    assert allowed is FACILITATE[who]


@pytest.mark.parametrize("who", sorted(POST))
def test_who_may_post_in_an_open_session(people, live_session, who):
    allowed = rules.opinion_post_refusal(people[who], live_session, None) is None
    assert allowed is POST[who]


@pytest.mark.parametrize(
    "status", [SessionStatus.SCHEDULED, SessionStatus.CLOSED, SessionStatus.CANCELLED]
)
def test_nobody_posts_unless_the_session_is_open(people, live_session, status):
    live_session.status = status
    assert (
        rules.opinion_post_refusal(people["resident"], live_session, None) is not None
    )


def test_guest_with_a_name_may_post_when_guests_are_allowed(live_session):
    live_session.allow_guests = True
    assert rules.opinion_post_refusal(AnonymousUser(), live_session, GUEST) is None


def test_guest_without_a_name_may_not_post(live_session):
    live_session.allow_guests = True
    refusal = rules.opinion_post_refusal(AnonymousUser(), live_session, None)
    assert refusal.code == "guest_name"


def test_sessions_of_a_draft_process_are_only_for_its_facilitators(
    people, live_session
):
    live_session.process.status = ProcessStatus.DRAFT
    assert rules.session_view_refusal(people["resident"], live_session) is not None
    assert rules.session_view_refusal(people["anonymous"], live_session) is not None
    assert rules.session_view_refusal(people["facilitator"], live_session) is None


def test_sessions_of_a_published_process_are_public(people, live_session):
    assert rules.session_view_refusal(people["anonymous"], live_session) is None


def test_only_the_credited_author_decides_a_draft(
    people, live_session, facilitator, resident
):
    from meetings import services

    opinion = make_opinion(live_session, resident)
    draft = services.opinion_draft_proposal(
        actor=facilitator, opinion=opinion, title="t", body="b"
    )
    assert rules.draft_decide_refusal(resident, draft) is None
    assert rules.draft_decide_refusal(people["facilitator"], draft) is not None
    assert rules.draft_decide_refusal(people["anonymous"], draft) is not None


def test_the_projector_perm_names_resolve_for_templates(people, live_session):
    assert people["facilitator"].has_perm("live.facilitate_livesession", live_session)
    assert not people["resident"].has_perm("live.facilitate_livesession", live_session)
