"""E-mails about proposals and comments leave only while their text is shown.

A notification is written when something happens and its e-mail is sent later by
the worker, or in the next digest. If the proposal or comment is hidden (or the
comment deleted) in between, the e-mail is withheld: the notification keeps only
the title captured when it was made, and even that must not travel once a
facilitator has hidden the content. Registered with the notifications' veto in
``proposals.apps``; services pass ``target=`` to ``notify`` for news about a
proposal or a comment. Moderation's own messages (your content was hidden) are
sent without a target, so they are never withheld.
"""

from __future__ import annotations

from collections.abc import Iterable

from proposals.models import Comment, Proposal


def withheld_proposals(ids: Iterable[int]) -> set[int]:
    return set(
        Proposal.objects.filter(pk__in=list(ids), hidden_at__isnull=False).values_list(
            "pk", flat=True
        )
    )


def withheld_comments(ids: Iterable[int]) -> set[int]:
    """Comments no longer shown (``Comment.objects.shown()``), or on a hidden
    proposal."""
    wanted = set(ids)
    shown = Comment.objects.shown().filter(
        pk__in=wanted, proposal__hidden_at__isnull=True
    )
    return wanted - set(shown.values_list("pk", flat=True))
