"""What erasing a leaving resident does to proposals and comments
(registered with ``participation.privacy.erasure`` in ``ready()``).

Their name lives on the user row only (``author`` foreign keys), so keeping a
contribution under "Former participant" needs nothing here beyond the texts the
person had already deleted, which are blanked. Removing: comments become deleted
placeholders without text (replies keep their place), proposals that never
entered the tracker are withdrawn and hidden with their text gone; a proposal the
organisation must keep (in the tracker: ``ctx.keep``, or its threshold reached)
stays. Supports and votes stay: counted, never listed by name.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import F
from django.db.models.functions import Greatest

from participation.privacy.erasure import REMOVED_TEXT, Eraser, ErasureContext, register
from proposals.models import Comment, Proposal, ProposalState


def erase(ctx: ErasureContext) -> int:
    user = ctx.user
    done = Comment.objects.filter(author=user, deleted_at__isnull=False).update(
        body="", body_html=""
    )
    if not ctx.remove:
        return done
    shown = Comment.objects.filter(
        author=user, deleted_at__isnull=True, hidden_at__isnull=True
    )
    per_proposal = Counter(shown.values_list("proposal_id", flat=True))
    done += Comment.objects.filter(author=user, deleted_at__isnull=True).update(
        body="", body_html="", deleted_at=ctx.now
    )
    for proposal_id, count in per_proposal.items():
        Proposal.objects.filter(pk=proposal_id).update(
            comment_count=Greatest(F("comment_count") - count, 0)
        )
    kept = ctx.keep.get("proposals.proposal", set())
    removable = Proposal.objects.filter(
        author=user, threshold_reached_at__isnull=True
    ).exclude(pk__in=kept)
    done += removable.update(
        title=REMOVED_TEXT[:150],
        body="",
        body_html="",
        location_text="",
        state=ProposalState.WITHDRAWN,
        withdrawn_at=ctx.now,
        hidden_at=ctx.now,
        hidden_by=None,
        hidden_reason=REMOVED_TEXT,
        hidden_pending_review=False,
    )
    return done


register(Eraser("proposals", erase, order=200))
