"""Pages of live sessions: they work without JavaScript, with the right statuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import (
    DraftStatus,
    LiveSession,
    Opinion,
    SessionStatus,
)
from meetings.rules import GUEST_SESSION_KEY
from participation.live.models import LiveEvent
from participation.spaces.models import ProcessStatus
from tests import factories
from tests.meetings.conftest import make_opinion, make_session


def _url(name, *args):
    return reverse(f"meetings:{name}", args=args)


# --- reading --------------------------------------------------------------------------


def test_session_page_shows_opinions_and_the_live_socket(
    client, live_session, resident
):
    make_opinion(live_session, resident, body="バス停に屋根を")
    page = client.get(_url("session", live_session.pk)).content.decode()
    assert "バス停に屋根を" in page
    assert f'data-live-socket="/ws/live/{live_session.pk}/?view=public"' in page


def test_hidden_opinion_shows_its_placeholder_not_its_text(
    client, live_session, resident, facilitator
):
    opinion = make_opinion(live_session, resident, body="ひみつの暴言")
    services.opinion_hide(
        actor=facilitator, opinion=opinion, reason_code="other", reason="暴言のため"
    )
    page = client.get(_url("session", live_session.pk)).content.decode()
    assert "ひみつの暴言" not in page
    assert "暴言のため" in page


def test_author_can_still_read_their_hidden_opinion(
    login, live_session, resident, facilitator
):
    opinion = make_opinion(live_session, resident, body="自分の意見")
    services.opinion_hide(
        actor=facilitator, opinion=opinion, reason_code="other", reason="確認のため"
    )
    page = login(resident).get(_url("session", live_session.pk)).content.decode()
    assert "自分の意見" in page


def test_closed_session_shows_dated_minutes(
    client, live_session, facilitator, resident
):
    make_opinion(live_session, resident, body="議事録に残る意見")
    services.session_close(
        actor=facilitator, session=live_session, summary="次回も開催"
    )
    page = client.get(_url("session", live_session.pk)).content.decode()
    assert "Minutes of the session of" in page
    assert "議事録に残る意見" in page
    assert "次回も開催" in page
    assert "data-live-socket" not in page


def test_session_in_a_draft_process_is_not_found_for_the_public(client, live_session):
    live_session.process.status = ProcessStatus.DRAFT
    live_session.process.save()
    assert client.get(_url("session", live_session.pk)).status_code == 404


def test_unknown_session_is_not_found(client, db):
    assert client.get(_url("session", 999_999)).status_code == 404


def test_projector_shows_no_controls_and_no_hidden_text(
    login, live_session, facilitator, resident
):
    make_opinion(live_session, resident, body="見える意見")
    hidden = make_opinion(live_session, resident, body="見えない意見")
    services.opinion_hide(
        actor=facilitator, opinion=hidden, reason_code="other", reason="理由あり"
    )
    page = login(facilitator).get(_url("projector", live_session.pk)).content.decode()
    assert "見える意見" in page
    assert "見えない意見" not in page
    assert "<form" not in page
    assert "<svg" in page  # the QR code to join


def test_session_list_query_count_does_not_grow(
    client, process, facilitator, django_assert_num_queries
):
    for n in range(3):
        make_session(process, facilitator, title=f"会{n}", status=SessionStatus.CLOSED)
    client.get(_url("list"))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("list"))
    for n in range(10):
        session = make_session(
            process, facilitator, title=f"追加{n}", status=SessionStatus.CLOSED
        )
        make_opinion(session, facilitator)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(_url("list"))
    assert response.status_code == 200


def test_session_page_query_count_does_not_grow_with_opinions(
    client, live_session, resident, django_assert_num_queries
):
    make_opinion(live_session, resident, body="最初")
    client.get(_url("session", live_session.pk))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("session", live_session.pk))
    for n in range(15):
        make_opinion(live_session, factories.UserFactory(), body=f"意見{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(_url("session", live_session.pk))


# --- running a session ----------------------------------------------------------------


def _session_form(process, **overrides):
    start = timezone.localtime() + timedelta(days=2)
    data = {
        "process": process.pk,
        "title": "商店街の将来を話す会",
        "description": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "市民会館",
        "online_url": "",
    }
    data.update(overrides)
    return data


def test_facilitator_creates_a_session_from_the_form(login, process, facilitator):
    response = login(facilitator).post(_url("create"), _session_form(process))
    session = LiveSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("facilitate", session.pk)


def test_session_form_with_end_before_start_is_refused_with_400(
    login, process, facilitator
):
    start = timezone.localtime() + timedelta(days=2)
    data = _session_form(
        process,
        ends_at=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
    )
    response = login(facilitator).post(_url("create"), data)
    assert response.status_code == 400
    assert "The session must end after it starts." in response.content.decode()
    assert not LiveSession.objects.exists()


def test_resident_cannot_open_the_session_form(login, resident, process):
    assert login(resident).get(_url("create")).status_code == 403


def test_resident_gets_403_on_the_facilitator_page(login, resident, live_session):
    assert login(resident).get(_url("facilitate", live_session.pk)).status_code == 403


def test_facilitator_page_shows_hidden_text_and_tools(
    login, live_session, facilitator, resident
):
    opinion = make_opinion(live_session, resident, body="隠された意見")
    services.opinion_hide(
        actor=facilitator, opinion=opinion, reason_code="other", reason="確認中"
    )
    page = login(facilitator).get(_url("facilitate", live_session.pk)).content.decode()
    assert "隠された意見" in page
    assert _url("opinion_action", live_session.pk, opinion.pk, "unhide") in page


def test_facilitator_opens_and_closes_a_session(login, scheduled_session, facilitator):
    client = login(facilitator)
    client.post(_url("status", scheduled_session.pk, "open"))
    scheduled_session.refresh_from_db()
    assert scheduled_session.status == SessionStatus.OPEN
    response = client.post(
        _url("status", scheduled_session.pk, "close"), {"summary": "まとめ"}
    )
    scheduled_session.refresh_from_db()
    assert scheduled_session.status == SessionStatus.CLOSED
    assert response["Location"] == _url("session", scheduled_session.pk)


def test_resident_cannot_close_a_session(login, live_session, resident):
    response = login(resident).post(_url("status", live_session.pk, "close"))
    assert response.status_code == 403
    live_session.refresh_from_db()
    assert live_session.status == SessionStatus.OPEN


def test_unknown_status_action_is_not_found(login, live_session, facilitator):
    assert (
        login(facilitator).post(_url("status", live_session.pk, "explode")).status_code
        == 404
    )


def test_status_change_needs_post(login, live_session, facilitator):
    assert (
        login(facilitator).get(_url("status", live_session.pk, "close")).status_code
        == 405
    )


def test_facilitator_hides_an_opinion_without_javascript(
    login, live_session, facilitator, resident
):
    opinion = make_opinion(live_session, resident)
    response = login(facilitator).post(
        _url("opinion_action", live_session.pk, opinion.pk, "hide"),
        {"reason_code": "personal_info", "reason": "電話番号"},
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.hidden_reason == "personal_info: 電話番号"


def test_hiding_without_a_reason_changes_nothing(
    login, live_session, facilitator, resident
):
    opinion = make_opinion(live_session, resident)
    login(facilitator).post(
        _url("opinion_action", live_session.pk, opinion.pk, "hide"), {}
    )
    opinion.refresh_from_db()
    assert not opinion.is_hidden


def test_opinion_of_another_session_is_not_found(
    login, live_session, facilitator, resident, process
):
    other = make_session(process, facilitator, title="別の会")
    opinion = make_opinion(other, resident)
    response = login(facilitator).post(
        _url("opinion_action", live_session.pk, opinion.pk, "pin")
    )
    assert response.status_code == 404


def test_facilitator_adds_a_theme_and_assigns_it(
    login, live_session, facilitator, resident
):
    client = login(facilitator)
    client.post(_url("theme_create", live_session.pk), {"name": "交通"})
    theme = live_session.themes.get()
    opinion = make_opinion(live_session, resident)
    client.post(
        _url("opinion_action", live_session.pk, opinion.pk, "theme"),
        {"theme": theme.pk},
    )
    opinion.refresh_from_db()
    assert opinion.theme == theme


# --- taking part ----------------------------------------------------------------------


def test_resident_posts_an_opinion_without_javascript(login, live_session, resident):
    response = login(resident).post(
        _url("opinion_create", live_session.pk), {"body": "段差をなくして"}
    )
    assert response.status_code == 302
    assert Opinion.objects.get().body == "段差をなくして"


def test_too_long_opinion_is_refused_and_nothing_is_saved(
    login, live_session, resident
):
    client = login(resident)
    response = client.post(
        _url("opinion_create", live_session.pk), {"body": "あ" * 401}, follow=True
    )
    assert "Ensure this value has at most 400 characters" in response.content.decode()
    assert not Opinion.objects.exists()


def test_rate_limited_opinion_answers_429_with_retry_after(
    login, live_session, resident, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "opinion": "1/60"}
    client = login(resident)
    client.post(_url("opinion_create", live_session.pk), {"body": "一つ目"})
    response = client.post(_url("opinion_create", live_session.pk), {"body": "二つ目"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_anonymous_posting_without_guests_is_sent_to_log_in(client, live_session):
    response = client.post(
        _url("opinion_create", live_session.pk), {"body": "匿名です"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Opinion.objects.exists()


def test_guest_joins_with_a_name_and_posts(client, live_session):
    live_session.allow_guests = True
    live_session.save()
    client.post(_url("guest_join", live_session.pk), {"name": "山田 ゲスト"})
    assert client.session[GUEST_SESSION_KEY]["name"] == "山田 ゲスト"
    client.post(_url("opinion_create", live_session.pk), {"body": "ゲストの意見"})
    opinion = Opinion.objects.get()
    assert (opinion.author, opinion.guest_name) == (None, "山田 ゲスト")


def test_guest_cannot_join_when_guests_are_not_allowed(client, live_session):
    response = client.post(_url("guest_join", live_session.pk), {"name": "山田"})
    assert response.status_code == 403
    assert GUEST_SESSION_KEY not in client.session


def test_posting_in_a_closed_session_is_refused_with_403(
    login, live_session, resident, facilitator
):
    services.session_close(actor=facilitator, session=live_session)
    response = login(resident).post(
        _url("opinion_create", live_session.pk), {"body": "遅れました"}
    )
    assert response.status_code == 403
    assert not Opinion.objects.exists()


# --- proposals from opinions ----------------------------------------------------------


@pytest.fixture
def draft(live_session, facilitator, resident):
    opinion = make_opinion(live_session, resident, body="駅前に駐輪場を")
    return services.opinion_draft_proposal(
        actor=facilitator,
        opinion=opinion,
        title="駅前に屋根付きの駐輪場を",
        body="朝の駅前は自転車があふれています。屋根付きの駐輪場を増やしてください。",
    )


def test_facilitator_sends_a_draft_from_the_form(
    login, live_session, facilitator, resident
):
    opinion = make_opinion(live_session, resident, body="公園に日陰を")
    client = login(facilitator)
    form = client.get(_url("opinion_draft", live_session.pk, opinion.pk))
    assert "公園に日陰を" in form.content.decode()
    client.post(
        _url("opinion_draft", live_session.pk, opinion.pk),
        {"title": "公園に日陰をつくる", "body": "夏の公園は暑すぎます。"},
    )
    assert opinion.proposal_draft.status == DraftStatus.PENDING


def test_author_publishes_the_draft_and_lands_on_the_proposal(login, draft, resident):
    response = login(resident).post(
        _url("draft", draft.pk),
        {"decision": "publish", "title": draft.title, "body": draft.body},
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED
    assert response["Location"] == draft.proposal_url


def test_publishing_a_too_short_proposal_shows_the_error_and_keeps_the_draft(
    login, draft, resident
):
    response = login(resident).post(
        _url("draft", draft.pk),
        {"decision": "publish", "title": "短い", "body": draft.body},
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PENDING


def test_author_declines_the_draft(login, draft, resident):
    login(resident).post(_url("draft", draft.pk), {"decision": "decline"})
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DECLINED


def test_someone_else_cannot_see_the_draft(login, draft, resident2):
    assert login(resident2).get(_url("draft", draft.pk)).status_code == 404


# --- personal comment fragment --------------------------------------------------------


def test_comment_fragment_is_the_viewers_version(login, proposal, resident2):
    comment = factories.CommentFactory(
        proposal=proposal, author=resident2, body="フラグメント"
    )
    response = login(resident2).get(
        reverse("proposals:comment_fragment", args=[comment.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="comment-{comment.pk}"' in html
    assert reverse("proposals:comment_edit", args=[comment.pk]) in html


def test_comment_fragment_of_a_draft_process_is_not_found(client, proposal, resident2):
    comment = factories.CommentFactory(proposal=proposal, author=resident2)
    proposal.process.status = ProcessStatus.DRAFT
    proposal.process.save()
    assert (
        client.get(reverse("proposals:comment_fragment", args=[comment.pk])).status_code
        == 404
    )


def test_comment_fragment_never_shows_hidden_text_to_the_public(
    client, proposal, resident2, facilitator
):
    comment = factories.CommentFactory(
        proposal=proposal,
        author=resident2,
        body="隠れたコメント",
        hidden_at=timezone.now(),
        hidden_by=facilitator,
        hidden_reason="理由",
    )
    html = client.get(
        reverse("proposals:comment_fragment", args=[comment.pk])
    ).content.decode()
    assert "隠れたコメント" not in html


def test_process_page_lists_its_live_sessions(client, live_session):
    page = client.get(reverse("process", args=[live_session.process.slug]))
    assert live_session.title in page.content.decode()


def test_proposal_page_connects_to_the_live_layer_with_the_last_event_id(
    client, proposal, resident2
):
    from proposals import services as proposal_services

    proposal_services.comment_create(
        author=resident2, proposal=proposal, body="最初の一件"
    )
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    last = LiveEvent.objects.filter(group=f"proposal.{proposal.pk}").latest("id").pk
    assert f'data-live-socket="/ws/proposals/{proposal.pk}/"' in page
    assert f'data-live-since="{last}"' in page


def test_guest_posting_before_giving_a_name_is_sent_back_to_the_name_form(
    client, live_session
):
    live_session.allow_guests = True
    live_session.save()
    response = client.post(_url("opinion_create", live_session.pk), {"body": "名無し"})
    assert response.status_code == 302
    assert response["Location"].endswith("#opinion-form")
    assert not Opinion.objects.exists()


def test_the_opinion_help_is_in_the_readers_language():
    from django.utils import translation

    from meetings.forms import OpinionForm

    with translation.override("en"):
        english = str(OpinionForm().fields["body"].help_text)
    with translation.override("ja"):
        japanese = str(OpinionForm().fields["body"].help_text)
    assert english.startswith("At most 400 characters")
    assert japanese.startswith("400文字以内")
