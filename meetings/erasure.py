"""What erasing a leaving resident does to live meetings (registered with
``participation.privacy.erasure``): removing hides their opinions, text gone
(the minutes keep their place); drafts made from them lose their text."""

from __future__ import annotations

from meetings.models import Opinion, ProposalDraft
from participation.privacy.erasure import REMOVED_TEXT, Eraser, ErasureContext, register


def erase(ctx: ErasureContext) -> int:
    if not ctx.remove:
        return 0
    user = ctx.user
    opinions = Opinion.objects.filter(author=user)
    done = ProposalDraft.objects.filter(opinion__in=opinions).update(
        title=REMOVED_TEXT[:150], body=""
    )
    done += opinions.update(
        body="",
        body_html="",
        hidden_at=ctx.now,
        hidden_by=None,
        hidden_reason=REMOVED_TEXT,
        pinned_at=None,
        highlighted=False,
    )
    return done


register(Eraser("meetings", erase, order=300))
