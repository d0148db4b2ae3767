"""Facilitator notes pinned on proposals and threads; closing and reopening
comments."""

from __future__ import annotations

import pytest

from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.moderation import selectors, services
from participation.moderation.models import (
    ActionKind,
    FacilitatorNote,
    ModerationAction,
)
from proposals import services as proposal_services
from tests.moderation.conftest import sent

NOTE = "Summary so far: most agree on more shade; please keep it civil."


def test_pin_a_note_on_a_proposal(facilitator, proposal):
    note = services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    assert note.author == facilitator
    assert note.target == proposal
    assert note.is_pinned


def test_pin_a_note_on_a_comment_thread(facilitator, comment, proposal):
    note = services.note_pin(actor=facilitator, target=comment, body=NOTE)
    assert note.proposal_pk == proposal.pk
    assert note.target == comment


def test_pinning_again_replaces_and_keeps_the_old_note(facilitator, proposal):
    first = services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    second = services.note_pin(
        actor=facilitator, target=proposal, body="Updated summary of the debate."
    )
    first.refresh_from_db()
    assert first.removed_at is not None
    assert second.is_pinned
    assert FacilitatorNote.objects.count() == 2


def test_pinned_notes_of_a_page_load_in_one_query(
    facilitator, proposal, comment, django_assert_num_queries
):
    services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    services.note_pin(actor=facilitator, target=comment, body=NOTE)
    with django_assert_num_queries(1):
        notes = selectors.pinned_notes(proposal)
        selectors.pinned_notes(proposal)
    assert len(notes) == 2


def test_note_too_short_is_refused(facilitator, proposal):
    with pytest.raises(Invalid, match="at least 10"):
        services.note_pin(actor=facilitator, target=proposal, body="Be nice")
    assert not FacilitatorNote.objects.exists()


def test_note_is_logged_and_audited(facilitator, proposal):
    services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    assert ModerationAction.objects.get().kind == ActionKind.NOTE_PIN
    assert AuditEvent.objects.get(action="moderation.note_pin").after["body"] == NOTE


def test_removing_a_note(facilitator, proposal):
    note = services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    services.note_remove(actor=facilitator, note=note)
    note.refresh_from_db()
    assert not note.is_pinned
    assert selectors.pinned_notes(type(proposal).objects.get(pk=proposal.pk)) == {}
    assert ModerationAction.objects.filter(kind=ActionKind.NOTE_REMOVE).exists()


def test_removing_a_note_twice_is_refused(facilitator, proposal):
    note = services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    services.note_remove(actor=facilitator, note=note)
    with pytest.raises(Conflict):
        services.note_remove(actor=facilitator, note=note)


def test_resident_cannot_remove_a_note(facilitator, resident2, proposal):
    note = services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    with pytest.raises(NotAllowed):
        services.note_remove(actor=resident2, note=note)


def test_note_broadcasts_to_the_proposal(
    facilitator, proposal, live_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.note_pin(actor=facilitator, target=proposal, body=NOTE)
    assert sent(live_events, f"proposal.{proposal.pk}", "proposal.status_changed")


def test_close_comments_with_reason(facilitator, proposal):
    services.comments_close(
        actor=facilitator, proposal=proposal, reason="Going in circles."
    )
    proposal.refresh_from_db()
    assert proposal.comments_closed
    assert proposal.comments_closed_by == facilitator
    assert proposal.comments_closed_reason == "Going in circles."


def test_closed_comments_refuse_new_comments(facilitator, proposal, resident2):
    services.comments_close(
        actor=facilitator, proposal=proposal, reason="Going in circles."
    )
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed, match="closed"):
        proposal_services.comment_create(
            author=resident2, proposal=proposal, body="One more thing!"
        )


def test_closing_without_reason_is_refused(facilitator, proposal):
    with pytest.raises(Invalid, match="give a reason"):
        services.comments_close(actor=facilitator, proposal=proposal, reason="")
    proposal.refresh_from_db()
    assert not proposal.comments_closed


def test_closing_twice_is_refused(facilitator, proposal):
    services.comments_close(actor=facilitator, proposal=proposal, reason="Enough.")
    with pytest.raises(Conflict, match="already closed"):
        services.comments_close(actor=facilitator, proposal=proposal, reason="Again.")


def test_comments_close_only_on_proposals(facilitator, comment):
    with pytest.raises(Invalid):
        services.comments_close(actor=facilitator, proposal=comment, reason="x")


def test_reopen_comments(facilitator, proposal):
    services.comments_close(actor=facilitator, proposal=proposal, reason="Pause.")
    services.comments_reopen(actor=facilitator, proposal=proposal, reason="Resume.")
    proposal.refresh_from_db()
    assert not proposal.comments_closed
    assert proposal.comments_closed_reason == ""
    kinds = list(ModerationAction.objects.values_list("kind", flat=True))
    assert set(kinds) == {ActionKind.CLOSE_COMMENTS, ActionKind.REOPEN_COMMENTS}


def test_reopening_open_comments_is_refused(facilitator, proposal):
    with pytest.raises(Conflict, match="are open"):
        services.comments_reopen(actor=facilitator, proposal=proposal)


def test_closing_is_audited_and_broadcast(
    facilitator, proposal, live_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comments_close(actor=facilitator, proposal=proposal, reason="Pause.")
    assert AuditEvent.objects.filter(action="moderation.close_comments").exists()
    assert sent(live_events, f"proposal.{proposal.pk}", "proposal.status_changed")
