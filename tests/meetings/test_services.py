"""Live session services: validation, state, permission, audit and broadcasts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import (
    DraftStatus,
    Opinion,
    SessionStatus,
    SessionTheme,
)
from meetings.rules import Guest
from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed, PhaseClosed, RateLimited
from participation.live.models import LiveEvent
from participation.notifications.models import Notification
from participation.spaces.models import ProcessStatus
from tests import factories
from tests.meetings.conftest import make_opinion, make_session

GUEST = Guest(name="ゲスト 次郎", key="a" * 32)


def _times(hours: float = 2):
    start = timezone.now() + timedelta(days=1)
    return start, start + timedelta(hours=hours)


# --- sessions -------------------------------------------------------------------------


def test_facilitator_creates_a_scheduled_session_and_it_is_audited(
    process, facilitator
):
    start, end = _times()
    session = services.session_create(
        actor=facilitator,
        process=process,
        title="  公園の未来を語る会 ",
        starts_at=start,
        ends_at=end,
        venue="市民会館",
        online_url="https://meet.example.org/abc",
        allow_guests=True,
    )
    assert session.status == SessionStatus.SCHEDULED
    assert session.title == "公園の未来を語る会"
    assert AuditEvent.objects.filter(action="live_session.create").count() == 1


def test_resident_cannot_create_a_session(process, resident):
    start, end = _times()
    with pytest.raises(NotAllowed):
        services.session_create(
            actor=resident,
            process=process,
            title="勝手な会",
            starts_at=start,
            ends_at=end,
        )


def test_facilitator_of_another_process_cannot_create_a_session(process, facilitator):
    other = factories.ProcessFactory()
    start, end = _times()
    with pytest.raises(NotAllowed):
        services.session_create(
            actor=facilitator,
            process=other,
            title="別の会",
            starts_at=start,
            ends_at=end,
        )


def test_session_cannot_be_created_in_an_archived_process(process, facilitator):
    process.status = ProcessStatus.ARCHIVED
    process.save()
    start, end = _times()
    with pytest.raises(NotAllowed) as error:
        services.session_create(
            actor=facilitator,
            process=process,
            title="終わった会",
            starts_at=start,
            ends_at=end,
        )
    assert error.value.code == "process_closed"


@pytest.mark.parametrize(
    ("hours", "code"), [(-1, "ends_before_start"), (25, "too_long_session")]
)
def test_session_times_must_make_sense(process, facilitator, hours, code):
    start = timezone.now()
    with pytest.raises(Invalid) as error:
        services.session_create(
            actor=facilitator,
            process=process,
            title="時間のおかしい会",
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
        )
    assert error.value.code == code


def test_online_link_must_be_a_web_address(process, facilitator):
    start, end = _times()
    with pytest.raises(Invalid) as error:
        services.session_create(
            actor=facilitator,
            process=process,
            title="リンクの会",
            starts_at=start,
            ends_at=end,
            online_url="javascript:alert(1)",
        )
    assert error.value.field_errors == {"online_url": ["invalid_url"]}


def test_opening_a_scheduled_session_stamps_it_and_broadcasts(
    scheduled_session, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_open(actor=facilitator, session=scheduled_session)
    scheduled_session.refresh_from_db()
    assert scheduled_session.status == SessionStatus.OPEN
    assert scheduled_session.opened_at is not None
    assert LiveEvent.objects.filter(
        group=f"session.{scheduled_session.pk}", type="session.updated"
    ).exists()


def test_an_open_session_cannot_be_opened_again(live_session, facilitator):
    with pytest.raises(Conflict):
        services.session_open(actor=facilitator, session=live_session)


def test_closing_publishes_minutes_and_tells_participants(
    live_session, facilitator, resident, resident2
):
    make_opinion(live_session, resident)
    make_opinion(live_session, resident2, body="ベンチを増やして")
    make_opinion(live_session)  # a guest: no account, no notification
    services.session_close(
        actor=facilitator, session=live_session, summary="次回は6月。"
    )
    live_session.refresh_from_db()
    assert live_session.status == SessionStatus.CLOSED
    assert live_session.closed_by == facilitator
    assert live_session.summary == "次回は6月。"
    recipients = set(
        Notification.objects.filter(kind="live.minutes_published").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {resident.pk, resident2.pk}


def test_a_scheduled_session_can_be_cancelled_but_not_closed(
    scheduled_session, facilitator
):
    with pytest.raises(Conflict):
        services.session_close(actor=facilitator, session=scheduled_session)
    services.session_cancel(actor=facilitator, session=scheduled_session)
    scheduled_session.refresh_from_db()
    assert scheduled_session.status == SessionStatus.CANCELLED


def test_a_closed_session_cannot_be_edited(live_session, facilitator):
    services.session_close(actor=facilitator, session=live_session)
    start, end = _times()
    with pytest.raises(NotAllowed):
        services.session_edit(
            actor=facilitator,
            session=live_session,
            title="変更",
            starts_at=start,
            ends_at=end,
        )


# --- opinions -------------------------------------------------------------------------


def test_resident_posts_an_opinion_that_is_broadcast(
    live_session, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opinion = services.opinion_post(
            session=live_session, author=resident, body=" 駅に駐輪場を "
        )
    assert opinion.body == "駅に駐輪場を"
    assert opinion.author == resident
    event = LiveEvent.objects.get(type="session.opinion_posted")
    assert event.payload == {"session_id": live_session.pk, "opinion_id": opinion.pk}


def test_opinion_longer_than_400_characters_is_refused(live_session, resident):
    with pytest.raises(Invalid) as error:
        services.opinion_post(session=live_session, author=resident, body="あ" * 401)
    assert error.value.code == "too_long"
    assert not Opinion.objects.exists()


def test_empty_opinion_is_refused(live_session, resident):
    with pytest.raises(Invalid):
        services.opinion_post(session=live_session, author=resident, body=" \n ")


def test_same_opinion_twice_is_refused(live_session, resident):
    services.opinion_post(session=live_session, author=resident, body="同じ意見です")
    with pytest.raises(Conflict):
        services.opinion_post(
            session=live_session, author=resident, body="同じ意見です"
        )


def test_opinions_are_rate_limited(live_session, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "opinion": "2/60"}
    services.opinion_post(session=live_session, author=resident, body="一つ目")
    services.opinion_post(session=live_session, author=resident, body="二つ目")
    with pytest.raises(RateLimited):
        services.opinion_post(session=live_session, author=resident, body="三つ目")


def test_guests_are_rate_limited_by_their_browser_session(live_session, settings):
    live_session.allow_guests = True
    live_session.save()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "opinion": "1/60"}
    services.opinion_post(session=live_session, guest=GUEST, body="ゲストの意見")
    with pytest.raises(RateLimited):
        services.opinion_post(session=live_session, guest=GUEST, body="もう一つ")
    other = Guest(name="別のゲスト", key="b" * 32)
    services.opinion_post(session=live_session, guest=other, body="別の人の意見")


def test_opinion_before_the_session_opens_is_refused(scheduled_session, resident):
    with pytest.raises(PhaseClosed) as error:
        services.opinion_post(session=scheduled_session, author=resident, body="早すぎ")
    assert error.value.code == "session_not_open"


def test_unverified_user_cannot_post(live_session, unverified):
    with pytest.raises(NotAllowed):
        services.opinion_post(
            session=live_session, author=unverified, body="未確認です"
        )


def test_guest_cannot_post_when_guests_are_not_allowed(live_session):
    with pytest.raises(NotAllowed):
        services.opinion_post(session=live_session, guest=GUEST, body="ゲストです")


def test_guest_opinion_carries_the_guest_name(live_session):
    live_session.allow_guests = True
    live_session.save()
    opinion = services.opinion_post(
        session=live_session, guest=GUEST, body="ゲストです"
    )
    assert (opinion.author, opinion.guest_name) == (None, "ゲスト 次郎")
    assert opinion.display_name == "ゲスト 次郎"


def test_guest_name_with_a_link_is_refused(live_session):
    live_session.allow_guests = True
    live_session.save()
    with pytest.raises(Invalid):
        services.guest_join(
            user=None, session=live_session, name="https://spam.example", key="c" * 32
        )


def test_facilitator_opinion_carries_the_facilitator_badge(live_session, facilitator):
    opinion = services.opinion_post(
        session=live_session, author=facilitator, body="進行役です"
    )
    assert opinion.author_role == "facilitator"


# --- facilitation ---------------------------------------------------------------------


def test_facilitator_hides_an_opinion_with_a_reason_and_the_author_is_told(
    live_session, facilitator, resident
):
    opinion = make_opinion(live_session, resident)
    services.opinion_hide(
        actor=facilitator, opinion=opinion, reason_code="offensive", reason="個人攻撃"
    )
    opinion.refresh_from_db()
    assert opinion.is_hidden and opinion.hidden_reason == "offensive: 個人攻撃"
    assert opinion.hidden_reason_display == "Offensive or abusive: 個人攻撃"
    assert AuditEvent.objects.filter(action="opinion.hide").exists()
    note = Notification.objects.get(recipient=resident)
    assert note.kind == "moderation.content_hidden"


def test_hiding_needs_a_listed_reason(live_session, facilitator, resident):
    opinion = make_opinion(live_session, resident)
    with pytest.raises(Invalid) as error:
        services.opinion_hide(
            actor=facilitator, opinion=opinion, reason_code="", reason=""
        )
    assert error.value.code == "reason_required"


def test_hiding_for_other_needs_an_explanation(live_session, facilitator, resident):
    opinion = make_opinion(live_session, resident)
    with pytest.raises(Invalid) as error:
        services.opinion_hide(
            actor=facilitator, opinion=opinion, reason_code="other", reason=" "
        )
    assert error.value.code == "details_required"


def test_resident_cannot_hide_an_opinion(live_session, resident, resident2):
    opinion = make_opinion(live_session, resident)
    with pytest.raises(NotAllowed):
        services.opinion_hide(
            actor=resident2, opinion=opinion, reason_code="other", reason="嫌いだから"
        )


def test_facilitator_without_mfa_cannot_hide(live_session, process, resident):
    user = factories.grant(
        factories.UserFactory(), Role.FACILITATOR, process=process, mfa=False
    )
    opinion = make_opinion(live_session, resident)
    with pytest.raises(NotAllowed) as error:
        services.opinion_hide(
            actor=user, opinion=opinion, reason_code="other", reason="理由があります"
        )
    assert error.value.code == "mfa_required"


def test_unhide_restores_the_opinion(live_session, facilitator, resident):
    opinion = make_opinion(live_session, resident)
    services.opinion_hide(
        actor=facilitator, opinion=opinion, reason_code="other", reason="確認のため"
    )
    services.opinion_unhide(actor=facilitator, opinion=opinion)
    opinion.refresh_from_db()
    assert not opinion.is_hidden and opinion.hidden_reason == ""


def test_highlight_and_pin_toggle(live_session, facilitator, resident):
    opinion = make_opinion(live_session, resident)
    services.opinion_highlight(actor=facilitator, opinion=opinion, highlighted=True)
    services.opinion_pin(actor=facilitator, opinion=opinion, pinned=True)
    opinion.refresh_from_db()
    assert opinion.highlighted and opinion.is_pinned
    services.opinion_pin(actor=facilitator, opinion=opinion, pinned=False)
    opinion.refresh_from_db()
    assert not opinion.is_pinned


def test_a_hidden_opinion_cannot_be_pinned(live_session, facilitator, resident):
    opinion = make_opinion(live_session, resident)
    services.opinion_hide(
        actor=facilitator, opinion=opinion, reason_code="other", reason="確認のため"
    )
    with pytest.raises(Conflict):
        services.opinion_pin(actor=facilitator, opinion=opinion, pinned=True)


def test_themes_group_opinions_and_names_are_unique_per_session(
    live_session, facilitator, resident
):
    theme = services.theme_create(actor=facilitator, session=live_session, name="交通")
    with pytest.raises(Conflict):
        services.theme_create(actor=facilitator, session=live_session, name="交通")
    opinion = make_opinion(live_session, resident)
    services.opinion_set_theme(actor=facilitator, opinion=opinion, theme=theme)
    opinion.refresh_from_db()
    assert opinion.theme == theme


def test_a_theme_of_another_session_cannot_be_used(
    live_session, facilitator, resident, process
):
    other = make_session(process, facilitator, title="別の会")
    foreign = SessionTheme.objects.create(session=other, name="公園")
    opinion = make_opinion(live_session, resident)
    with pytest.raises(Invalid):
        services.opinion_set_theme(actor=facilitator, opinion=opinion, theme=foreign)


def test_deleting_a_theme_keeps_its_opinions(live_session, facilitator, resident):
    theme = services.theme_create(
        actor=facilitator, session=live_session, name="子育て"
    )
    opinion = make_opinion(live_session, resident, theme=theme)
    services.theme_delete(actor=facilitator, theme=theme)
    opinion.refresh_from_db()
    assert opinion.theme is None


# --- proposals from opinions ----------------------------------------------------------


def test_facilitator_drafts_a_proposal_and_the_author_is_asked(
    live_session, facilitator, resident
):
    opinion = make_opinion(live_session, resident)
    draft = services.opinion_draft_proposal(
        actor=facilitator, opinion=opinion, title="駅前に駐輪場を増やす", body="本文"
    )
    assert draft.status == DraftStatus.PENDING
    note = Notification.objects.get(recipient=resident, kind="live.proposal_drafted")
    assert note.url == draft.get_absolute_url()


def test_guest_opinion_cannot_become_a_proposal(live_session, facilitator):
    opinion = make_opinion(live_session)
    with pytest.raises(NotAllowed) as error:
        services.opinion_draft_proposal(
            actor=facilitator, opinion=opinion, title="t", body="b"
        )
    assert error.value.code == "guest_opinion"


def test_author_publishes_the_draft_as_their_own_proposal(
    live_session, facilitator, resident
):

    opinion = make_opinion(live_session, resident)
    draft = services.opinion_draft_proposal(
        actor=facilitator, opinion=opinion, title="t", body="b"
    )
    proposal = services.draft_publish(
        author=resident,
        draft=draft,
        title="駅前に駐輪場を増やしてください",
        body="朝の駅前は自転車があふれています。屋根付きの駐輪場を増やしてください。",
    )
    draft.refresh_from_db()
    assert proposal.author == resident
    assert proposal.process == live_session.process
    assert draft.status == DraftStatus.PUBLISHED
    assert draft.proposal_id == proposal.pk


def test_only_the_author_can_publish_the_draft(
    live_session, facilitator, resident, resident2
):

    opinion = make_opinion(live_session, resident)
    draft = services.opinion_draft_proposal(
        actor=facilitator, opinion=opinion, title="t", body="b"
    )
    with pytest.raises(NotAllowed):
        services.draft_publish(
            author=resident2,
            draft=draft,
            title="駅前に駐輪場を増やしてください",
            body="朝の駅前は自転車があふれています。屋根付きの駐輪場を増やしてください。",
        )


def test_a_declined_draft_cannot_be_published(live_session, facilitator, resident):

    opinion = make_opinion(live_session, resident)
    draft = services.opinion_draft_proposal(
        actor=facilitator, opinion=opinion, title="t", body="b"
    )
    services.draft_decline(actor=resident, draft=draft)
    with pytest.raises(NotAllowed):
        services.draft_publish(
            author=resident,
            draft=draft,
            title="駅前に駐輪場を増やしてください",
            body="朝の駅前は自転車があふれています。屋根付きの駐輪場を増やしてください。",
        )
