"""No personal data leaves through the API: no e-mail address in any response,
whoever asks (anonymous, a resident's token, an official's session)."""

from __future__ import annotations

import re

import pytest

from participation.accounts.models import User
from participation.moderation import services as moderation
from responses import services as responses
from responses.transitions import Decision
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@pytest.fixture
def everything(proposal, resident2, facilitator, official, admin_user, department):
    comment = factories.CommentFactory(proposal=proposal, author=resident2)
    factories.CommentFactory(proposal=proposal, parent=comment, depth=1)
    factories.SupportFactory(proposal=proposal, user=resident2)
    entry = responses.tracker_forward(actor=admin_user, proposal=proposal)
    responses.tracker_assign(actor=admin_user, entry=entry, department=department)
    responses.response_publish(
        actor=official,
        entry=entry,
        decision=Decision.ACCEPTED,
        body="ご提案ありがとうございます。来年度の予算で日よけを設置します。",
    )
    responses.progress_post(
        actor=official,
        entry=entry,
        status="in_progress",
        percent=20,
        body="設計を始めました。設計を始めました。",
    )
    moderation.content_hide(
        actor=facilitator, target=comment, reason_code="spam", reason="宣伝"
    )
    return proposal, comment


def _urls(proposal, comment, department):
    return [
        "/api/v1/",
        "/api/v1/processes/",
        f"/api/v1/processes/{proposal.process.slug}/",
        f"/api/v1/processes/{proposal.process.slug}/moderation-log/",
        "/api/v1/categories/",
        "/api/v1/areas/",
        "/api/v1/departments/",
        f"/api/v1/departments/{department.code}/",
        f"/api/v1/departments/{department.code}/scorecard/",
        "/api/v1/scorecards/",
        "/api/v1/proposals/",
        f"/api/v1/proposals/{proposal.pk}/",
        f"/api/v1/proposals/{proposal.pk}/comments/",
        f"/api/v1/proposals/{proposal.pk}/tracker/",
        f"/api/v1/proposals/{proposal.pk}/response/",
        f"/api/v1/proposals/{proposal.pk}/progress/",
        f"/api/v1/comments/{comment.pk}/",
        "/api/v1/tracker/",
        "/api/v1/me/",
    ]


def _assert_no_email(client, urls):
    emails = set(User.objects.values_list("email", flat=True))
    for url in urls:
        response = client.get(url)
        text = response.content.decode()
        assert response.status_code in (200, 401), url
        assert not EMAIL_RE.search(text), url
        assert not any(email in text for email in emails), url


def test_no_email_for_anonymous(api, everything, department):
    _assert_no_email(api, _urls(*everything, department))


def test_no_email_for_a_token(token_client, everything, resident, department):
    _assert_no_email(token_client(resident, ["read"]), _urls(*everything, department))


def test_no_email_for_staff_sessions(
    session_client, everything, facilitator, official, department
):
    for user in (facilitator, official):
        _assert_no_email(session_client(user), _urls(*everything, department))
