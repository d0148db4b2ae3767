"""Drafts, return comments and internal data are never public: tried through every
door a resident, a feed reader or a data user has (pages, API, search, feeds, open
data, e-mails and notifications to residents, websockets)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from participation.notifications.live import USER
from participation.notifications.models import Notification
from portal.search import selectors as search
from responses import services
from responses.transitions import Decision

pytestmark = pytest.mark.django_db

SECRET = "内部検討メモ機密テキスト"
COMMENT = "差し戻し機密コメントです"


@pytest.fixture
def secret_draft(
    assigned, author, approver, live_events, django_capture_on_commit_callbacks
):
    """A draft with a secret text, submitted, then returned with a secret comment
    (what each write schedules on commit is run: broadcasts, e-mail tasks)."""
    live_events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.draft_start(actor=author, entry=assigned)
        draft = services.draft_save(
            actor=author,
            draft=draft,
            version=draft.version,
            decision=Decision.ACCEPTED,
            body=f"ご提案ありがとうございます。{SECRET}。来年度の予算で対応します。",
            cost_estimate=987_654_321,
        )
        draft = services.draft_submit(actor=author, draft=draft, version=draft.version)
        return services.draft_return(
            actor=approver, draft=draft, version=draft.version, comment=COMMENT
        )


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _hides(text: str) -> None:
    assert SECRET not in text
    assert COMMENT not in text
    assert "987654321" not in text and "987,654,321" not in text


def test_the_proposal_page_never_shows_a_draft(client, secret_draft, assigned):
    _hides(_text(client.get(reverse("proposals:detail", args=[assigned.proposal_id]))))


def test_the_proposal_page_of_its_author_shows_no_draft(
    client, secret_draft, assigned, resident
):
    client.force_login(resident)
    _hides(_text(client.get(reverse("proposals:detail", args=[assigned.proposal_id]))))


def test_the_tracker_document_never_shows_a_draft(client, secret_draft, assigned):
    _hides(_text(client.get(reverse("responses:json", args=[assigned.proposal_id]))))


def test_the_tracker_page_never_shows_a_draft(client, secret_draft):
    _hides(_text(client.get(reverse("responses:tracker"))))


def test_the_api_never_shows_a_draft(client, secret_draft, assigned):
    for path in (
        f"/api/v1/proposals/{assigned.proposal_id}/",
        f"/api/v1/proposals/{assigned.proposal_id}/tracker/",
        "/api/v1/tracker/",
    ):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        _hides(_text(response))


def test_search_never_finds_a_draft(client, secret_draft):
    assert list(search.search(SECRET)) == []
    assert list(search.search(COMMENT)) == []
    _hides(_text(client.get("/search/", {"q": "内部検討メモ"})))


def test_feeds_never_show_a_draft(client, secret_draft, department):
    for path in (
        reverse("responses:feed"),
        reverse("responses:feed_department", args=[department.code]),
    ):
        _hides(_text(client.get(path)))


def test_open_data_never_shows_a_draft(client, secret_draft):
    for path in ("/opendata/tracker.csv", "/opendata/responses.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        _hides(_text(response))


def test_residents_hear_nothing_of_a_draft(
    assigned, author, approver, resident, supporter
):
    before = Notification.objects.filter(recipient__in=[resident, supporter]).count()
    draft = services.draft_start(actor=author, entry=assigned)
    draft = services.draft_save(
        actor=author,
        draft=draft,
        version=draft.version,
        decision=Decision.ACCEPTED,
        body=f"ご提案ありがとうございます。{SECRET}。来年度の予算で対応します。",
    )
    draft = services.draft_submit(actor=author, draft=draft, version=draft.version)
    services.draft_return(
        actor=approver, draft=draft, version=draft.version, comment=COMMENT
    )
    after = Notification.objects.filter(recipient__in=[resident, supporter])
    assert after.count() == before
    for notice in after:
        _hides(str(notice.data))


def test_officials_notices_of_a_draft_link_to_the_staff_page(secret_draft, author):
    notice = Notification.objects.get(recipient=author, kind="draft.returned")
    assert notice.url.startswith("/staff/drafts/")


def test_no_websocket_hears_of_a_draft(secret_draft, live_events, author, approver):
    """Only the bells of the officials told move (a count, no text): nothing goes
    to the proposal's or the tracker's groups."""
    bells = {USER.name(author.pk), USER.name(approver.pk)}
    assert live_events
    assert {group for group, _type, _payload in live_events} <= bells
    for _group, _type, payload in live_events:
        _hides(str(payload))


def test_a_resident_is_refused_the_draft_page(client, secret_draft, resident):
    client.force_login(resident)
    response = client.get(reverse("drafts:detail", args=[secret_draft.pk]))
    assert response.status_code == 403
    _hides(_text(response))


def test_an_anonymous_visitor_is_sent_to_log_in(client, secret_draft):
    response = client.get(reverse("drafts:detail", args=[secret_draft.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_autosave_refuses_a_resident(client, secret_draft, resident):
    client.force_login(resident)
    response = client.post(
        reverse("drafts:autosave", args=[secret_draft.pk]),
        {"version": secret_draft.version, "body": "乗っ取り"},
    )
    assert response.status_code == 403
    secret_draft.refresh_from_db()
    assert "乗っ取り" not in secret_draft.body
