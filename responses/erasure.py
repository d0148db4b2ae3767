"""What erasing a leaving resident does to the tracker (registered with
``participation.privacy.erasure``).

The tracker and the responses keep their public history: a proposal in the
tracker is kept whatever its author chose (``ctx.keep``). The resident's name is
removed from where it was copied: the tracker's events of their confirmations
and disputes (``actor_name``, append-only rows rewritten by this one sanctioned
path). Removing also blanks their comments on responses and the reasons of
their confirmations and disputes; ratings and verdicts stay as counts.
"""

from __future__ import annotations

from django.db import models

from participation.privacy.erasure import (
    FORMER_PARTICIPANT,
    Eraser,
    ErasureContext,
    register,
)
from responses.models import (
    EventKind,
    OutcomeCheck,
    ResponseComment,
    TrackerEntry,
    TrackerEvent,
)

RESIDENT_EVENTS = (EventKind.CONFIRMED, EventKind.DISPUTED)


def erase(ctx: ErasureContext) -> int:
    user = ctx.user
    ctx.keep.setdefault("proposals.proposal", set()).update(
        TrackerEntry.objects.filter(proposal__author=user).values_list(
            "proposal_id", flat=True
        )
    )
    checked = OutcomeCheck.objects.filter(user=user).values("entry_id")
    events = TrackerEvent.objects.filter(
        entry_id__in=checked, kind__in=RESIDENT_EVENTS, actor_name=ctx.old_name
    )
    # The append-only guard is bypassed here on purpose: erasure is the one
    # rewrite the law asks for, and it changes the copied name only.
    done = models.QuerySet.update(events, actor_name=FORMER_PARTICIPANT)
    done += ResponseComment.objects.filter(
        author=user, deleted_at__isnull=False
    ).update(body="", body_html="")
    if ctx.remove:
        done += ResponseComment.objects.filter(
            author=user, deleted_at__isnull=True
        ).update(body="", body_html="", deleted_at=ctx.now)
        done += OutcomeCheck.objects.filter(user=user).update(reason="", reason_html="")
    return done


register(Eraser("responses", erase, order=100))
