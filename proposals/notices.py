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

from django.db.models import Q

from proposals.models import Comment, Proposal


def withheld_proposals(ids: Iterable[int]) -> set[int]:
    return set(
        Proposal.objects.filter(pk__in=list(ids), hidden_at__isnull=False).values_list(
            "pk", flat=True
        )
    )


def withheld_comments(ids: Iterable[int]) -> set[int]:
    return set(
        Comment.objects.filter(pk__in=list(ids))
        .filter(
            Q(hidden_at__isnull=False)
            | Q(deleted_at__isnull=False)
            | Q(proposal__hidden_at__isnull=False)
        )
        .values_list("pk", flat=True)
    )
