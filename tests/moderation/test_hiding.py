"""Hiding, restoring and dismissing: reasons required, reports resolved, every
action audited and logged publicly, pages told live."""

from __future__ import annotations

import pytest

from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid
from participation.moderation import services
from participation.moderation.models import (
    ActionKind,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
)
from participation.notifications.models import Notification
from tests.moderation.conftest import sent


def _auto_hide(residents, target):
    for user in residents:
        services.report_create(
            reporter=user, target=target, reason=ReportReason.OFFENSIVE
        )
    target.refresh_from_db()


def test_hide_records_facilitator_reason_and_time(facilitator, comment):
    services.content_hide(
        actor=facilitator,
        target=comment,
        reason_code=ReportReason.OFFENSIVE,
        reason="Insults another resident.",
    )
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_by == facilitator
    assert not comment.hidden_pending_review
    assert comment.hidden_reason_display == (
        "Offensive or abusive: Insults another resident."
    )


def test_hide_reason_is_shown_in_the_readers_language(facilitator, comment):
    from django.utils import translation

    services.content_hide(
        actor=facilitator, target=comment, reason_code=ReportReason.SPAM
    )
    comment.refresh_from_db()
    with translation.override("en"):
        english = comment.hidden_reason_display
    assert english == "Spam or advertising"


def test_hiding_without_a_reason_is_refused_and_changes_nothing(facilitator, comment):
    with pytest.raises(Invalid, match="Choose a reason"):
        services.content_hide(actor=facilitator, target=comment, reason_code="")
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationAction.objects.exists()


def test_hiding_for_other_needs_an_explanation(facilitator, comment):
    with pytest.raises(Invalid, match="describe the problem"):
        services.content_hide(
            actor=facilitator, target=comment, reason_code=ReportReason.OTHER
        )
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_hiding_with_an_unknown_reason_is_refused(facilitator, comment):
    with pytest.raises(Invalid, match="listed reasons"):
        services.content_hide(actor=facilitator, target=comment, reason_code="ugly")


def test_hiding_twice_is_refused(facilitator, comment):
    services.content_hide(
        actor=facilitator, target=comment, reason_code=ReportReason.SPAM
    )
    with pytest.raises(Conflict, match="already hidden"):
        services.content_hide(
            actor=facilitator, target=comment, reason_code=ReportReason.SPAM
        )
    assert ModerationAction.objects.count() == 1


def test_confirming_an_auto_hide_keeps_its_time_and_upholds_reports(
    residents, facilitator, comment
):
    _auto_hide(residents, comment)
    hidden_at = comment.hidden_at
    services.content_hide(
        actor=facilitator,
        target=comment,
        reason_code=ReportReason.OFFENSIVE,
        reason="Name-calling.",
    )
    comment.refresh_from_db()
    assert comment.hidden_at == hidden_at
    assert comment.hidden_by == facilitator
    assert not comment.hidden_pending_review
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.UPHELD}


def test_hide_is_logged_publicly(facilitator, comment, process):
    services.content_hide(
        actor=facilitator,
        target=comment,
        reason_code=ReportReason.OFFENSIVE,
        reason="Insults.",
    )
    action = ModerationAction.objects.get()
    assert action.kind == ActionKind.HIDE
    assert action.process == process
    assert action.actor_name == "Fumi Facilitator"
    assert action.reason_display == "Offensive or abusive: Insults."
    assert action.target_url == comment.get_absolute_url()
    assert action.target_kind == "comment"


def test_hide_is_audited_with_before_and_after(facilitator, comment):
    services.content_hide(
        actor=facilitator, target=comment, reason_code=ReportReason.SPAM
    )
    event = AuditEvent.objects.get(action="moderation.hide")
    assert event.actor == facilitator
    assert event.before["hidden_at"] is None
    assert event.after["hidden_by"] == facilitator.pk
    assert event.target_type == "proposals.comment"


def test_hide_tells_the_author_why_and_how_to_ask_for_a_review(
    facilitator, comment, author
):
    services.content_hide(
        actor=facilitator,
        target=comment,
        reason_code=ReportReason.OFFENSIVE,
        reason="Insults.",
    )
    note = Notification.objects.get(recipient=author, kind="moderation.content_hidden")
    assert note.data["reason"] == "Offensive or abusive: Insults."
    assert note.reason == "author"
    log = f"/processes/{comment.proposal.process.slug}/moderation-log/"
    assert note.data["appeal_url"].endswith(log)
    assert note.data["appeal_url"] in note.message


def test_hiding_a_comment_broadcasts_comment_hidden(
    facilitator, comment, live_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(
            actor=facilitator, target=comment, reason_code=ReportReason.SPAM
        )
    assert sent(
        live_events,
        f"proposal.{comment.proposal_id}",
        "proposal.comment_hidden",
        comment_id=comment.pk,
    )


def test_hiding_a_proposal_broadcasts_status_changed(
    facilitator, proposal, live_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(
            actor=facilitator, target=proposal, reason_code=ReportReason.SPAM
        )
    assert sent(
        live_events,
        f"proposal.{proposal.pk}",
        "proposal.status_changed",
        proposal_id=proposal.pk,
    )


def test_hidden_proposal_leaves_the_proposal_list(facilitator, proposal, process):
    from proposals import selectors

    services.content_hide(
        actor=facilitator, target=proposal, reason_code=ReportReason.SPAM
    )
    assert not selectors.proposal_list(process, selectors.ProposalFilters()).exists()


def test_unhide_restores_content_and_dismisses_open_reports(
    residents, facilitator, comment
):
    _auto_hide(residents, comment)
    services.content_unhide(actor=facilitator, target=comment, reason="Fair criticism.")
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert comment.hidden_reason == ""
    assert set(Report.objects.values_list("status", flat=True)) == {
        ReportStatus.DISMISSED
    }
    action = ModerationAction.objects.get(kind=ActionKind.UNHIDE)
    assert action.reason == "Fair criticism."


def test_unhiding_visible_content_is_refused(facilitator, comment):
    with pytest.raises(Conflict, match="not hidden"):
        services.content_unhide(actor=facilitator, target=comment)
    assert not ModerationAction.objects.exists()


def test_unhide_broadcasts_comment_changed(
    facilitator, comment, live_events, django_capture_on_commit_callbacks
):
    services.content_hide(
        actor=facilitator, target=comment, reason_code=ReportReason.SPAM
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.content_unhide(actor=facilitator, target=comment)
    assert sent(
        live_events,
        f"proposal.{comment.proposal_id}",
        "proposal.comment_changed",
        comment_id=comment.pk,
    )


def test_dismiss_resolves_open_reports(resident2, facilitator, comment):
    services.report_create(reporter=resident2, target=comment, reason=ReportReason.SPAM)
    assert services.reports_dismiss(actor=facilitator, target=comment) == 1
    report = Report.objects.get()
    assert report.status == ReportStatus.DISMISSED
    assert report.resolved_by == facilitator
    assert ModerationAction.objects.get().kind == ActionKind.DISMISS


def test_dismissing_reports_restores_auto_hidden_content(
    residents, facilitator, comment
):
    _auto_hide(residents, comment)
    services.reports_dismiss(actor=facilitator, target=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden
    kinds = set(ModerationAction.objects.values_list("kind", flat=True))
    assert {ActionKind.DISMISS, ActionKind.UNHIDE} <= kinds


def test_dismissing_without_open_reports_is_refused(facilitator, comment):
    with pytest.raises(Conflict, match="no open reports"):
        services.reports_dismiss(actor=facilitator, target=comment)


def test_dismiss_is_audited(resident2, facilitator, comment):
    services.report_create(reporter=resident2, target=comment, reason=ReportReason.SPAM)
    services.reports_dismiss(actor=facilitator, target=comment, reason="Not spam.")
    event = AuditEvent.objects.get(action="moderation.dismiss")
    assert event.after["reports_dismissed"] == 1
    assert event.after["reason"] == "Not spam."


def test_facilitator_cannot_edit_what_others_wrote(facilitator, comment, proposal):
    from participation.errors import NotAllowed
    from proposals import services as proposal_services

    with pytest.raises(NotAllowed):
        proposal_services.comment_edit(actor=facilitator, comment=comment, body="Nicer")
    with pytest.raises(NotAllowed):
        proposal_services.proposal_edit(
            actor=facilitator,
            proposal=proposal,
            title="A different title here",
            body="A different body that is long enough to pass.",
        )
    comment.refresh_from_db()
    assert comment.body == "This is a rude comment."
