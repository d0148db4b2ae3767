"""E-mails about proposals and comments are withheld once their text is no longer
shown (proposals.notices, registered as the notifications' vetoes)."""

from __future__ import annotations

from django.utils import timezone

from participation.notifications import email
from proposals import notices
from tests import factories


def test_only_comments_still_shown_on_a_shown_proposal_are_sent(db):
    shown = factories.CommentFactory()
    hidden = factories.CommentFactory(hidden_at=timezone.now())
    deleted = factories.CommentFactory(deleted_at=timezone.now())
    on_hidden = factories.CommentFactory(
        proposal=factories.ProposalFactory(hidden_at=timezone.now())
    )
    ids = {shown.pk, hidden.pk, deleted.pk, on_hidden.pk}
    assert notices.withheld_comments(ids) == {hidden.pk, deleted.pk, on_hidden.pk}


def test_only_hidden_proposals_are_withheld(db):
    shown = factories.ProposalFactory()
    hidden = factories.ProposalFactory(hidden_at=timezone.now())
    assert notices.withheld_proposals({shown.pk, hidden.pk}) == {hidden.pk}


def test_the_vetoes_are_registered_for_both_models():
    assert email._VETOES["proposals.proposal"] is notices.withheld_proposals
    assert email._VETOES["proposals.comment"] is notices.withheld_comments
