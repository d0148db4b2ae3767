"""Reporting content, and hiding it automatically at the threshold."""

from __future__ import annotations

import pytest

from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.moderation import services
from participation.moderation.models import (
    ActionKind,
    ModerationAction,
    Report,
    ReportReason,
    ReportStatus,
)
from participation.notifications.models import Notification
from tests import factories
from tests.moderation.conftest import sent as _sent


def _report(user, target, reason=ReportReason.OFFENSIVE, details=""):
    return services.report_create(
        reporter=user, target=target, reason=reason, details=details
    )


def test_resident_reports_a_comment(resident2, comment, proposal, process):
    report = _report(resident2, comment, details="Calls people names.")
    assert report.status == ReportStatus.OPEN
    assert report.process == process
    assert report.proposal_pk == proposal.pk
    assert report.target == comment


def test_resident_reports_a_proposal(resident2, proposal):
    report = _report(resident2, proposal, ReportReason.SPAM)
    assert report.target == proposal
    assert report.proposal_pk == proposal.pk


def test_reporting_twice_is_refused_and_changes_nothing(resident2, comment):
    _report(resident2, comment)
    with pytest.raises(Conflict, match="already reported"):
        _report(resident2, comment, ReportReason.SPAM)
    assert Report.objects.count() == 1


def test_reporting_own_content_is_refused(author, comment):
    with pytest.raises(NotAllowed, match="your own content"):
        _report(author, comment)
    assert not Report.objects.exists()


def test_other_reason_needs_details(resident2, comment):
    with pytest.raises(Invalid, match="describe the problem") as error:
        _report(resident2, comment, ReportReason.OTHER, details="   ")
    assert error.value.field_errors == {"details": ["required"]}
    assert not Report.objects.exists()


def test_other_reason_with_details_is_accepted(resident2, comment):
    report = _report(resident2, comment, ReportReason.OTHER, details="Copied text.")
    assert report.details == "Copied text."


def test_details_longer_than_1000_characters_are_refused(resident2, comment):
    with pytest.raises(Invalid, match="at most 1000"):
        _report(resident2, comment, details="x" * 1001)
    assert not Report.objects.exists()


def test_unknown_reason_is_refused(resident2, comment):
    with pytest.raises(Invalid, match="Choose why"):
        _report(resident2, comment, reason="boring")
    assert not Report.objects.exists()


def test_deleted_comment_cannot_be_reported(resident2, comment):
    from django.utils import timezone

    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    with pytest.raises(Invalid, match="deleted"):
        _report(resident2, comment)


def test_hidden_content_cannot_be_reported_again(resident2, comment, facilitator):
    services.content_hide(
        actor=facilitator, target=comment, reason_code=ReportReason.SPAM
    )
    with pytest.raises(Conflict, match="already hidden"):
        _report(resident2, comment)


def test_only_moderatable_content_can_be_reported(resident2, process):
    with pytest.raises(Invalid, match="cannot be reported"):
        _report(resident2, process)


def test_report_is_audited_with_the_reporter(resident2, comment):
    _report(resident2, comment)
    event = AuditEvent.objects.get(action="moderation.report")
    assert event.actor == resident2
    assert event.target_id == str(comment.pk)


def test_reports_below_threshold_leave_content_visible(residents, comment):
    _report(residents[0], comment)
    _report(residents[1], comment)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_third_open_report_hides_content_pending_review(residents, comment):
    for user in residents:
        _report(user, comment)
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_pending_review
    assert comment.hidden_by is None
    assert "pending review" in comment.hidden_reason_display


def test_threshold_follows_the_setting(settings, resident2, comment):
    settings.MODERATION_AUTO_HIDE_REPORTS = 1
    _report(resident2, comment)
    comment.refresh_from_db()
    assert comment.hidden_pending_review


def test_dismissed_reports_do_not_count_towards_the_threshold(
    residents, resident2, comment, facilitator
):
    _report(residents[0], comment)
    _report(residents[1], comment)
    services.reports_dismiss(actor=facilitator, target=comment)
    _report(residents[2], comment)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_auto_hide_notifies_the_process_facilitators_only(
    residents, comment, facilitator, other_facilitator, proposal
):
    for user in residents:
        _report(user, comment)
    notes = Notification.objects.filter(kind="moderation.auto_hidden")
    assert [n.recipient for n in notes] == [facilitator]
    assert notes[0].data == {"title": proposal.title}
    assert notes[0].url == f"/processes/{proposal.process.slug}/moderation/"


def test_auto_hide_tells_the_author(residents, comment, author):
    for user in residents:
        _report(user, comment)
    assert Notification.objects.filter(
        recipient=author, kind="moderation.content_hidden"
    ).exists()


def test_auto_hide_is_logged_publicly_without_reporters(residents, comment):
    for user in residents:
        _report(user, comment, ReportReason.SPAM)
    action = ModerationAction.objects.get(kind=ActionKind.AUTO_HIDE)
    assert action.actor is None
    assert action.reason_code == ReportReason.SPAM
    assert action.subject_user == comment.author
    names = {u.real_name for u in residents}
    assert not names & {action.actor_name, action.subject_name, action.reason}


def test_auto_hide_is_audited_as_a_system_action(residents, comment):
    for user in residents:
        _report(user, comment)
    event = AuditEvent.objects.get(action="moderation.auto_hide")
    assert event.actor is None
    assert event.before["hidden_at"] is None
    assert event.after["open_reports"] == 3


def test_auto_hide_broadcasts_the_hidden_comment(
    residents, comment, live_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for user in residents:
            _report(user, comment)
    assert _sent(
        live_events,
        f"proposal.{comment.proposal_id}",
        "proposal.comment_hidden",
        proposal_id=comment.proposal_id,
        comment_id=comment.pk,
    )


def test_auto_hidden_proposal_broadcasts_a_status_change(
    residents, proposal, live_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for user in residents:
            _report(user, proposal)
    assert _sent(
        live_events,
        f"proposal.{proposal.pk}",
        "proposal.status_changed",
        proposal_id=proposal.pk,
    )


def test_a_site_facilitator_is_notified_too(residents, comment):
    from participation.accounts.models import Role

    site = factories.grant(factories.UserFactory(), Role.FACILITATOR)
    for user in residents:
        _report(user, comment)
    assert Notification.objects.filter(
        recipient=site, kind="moderation.auto_hidden"
    ).exists()


def test_a_persons_reports_are_part_of_their_data_export(resident2, comment):
    from participation.accounts import personal_data

    _report(resident2, comment, ReportReason.OTHER, details="Copied from a blog.")
    section = {s.key: s for s in personal_data.sections()}["reports"]
    assert section.count(resident2) == 1
    (row,) = list(section.rows(resident2))
    assert row["details"] == "Copied from a blog."
    assert row["content"] == "comment"
