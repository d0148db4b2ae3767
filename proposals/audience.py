"""Who hears about a proposal, and why: its author, its supporters (from the Support
rows), its commenters and its followers, each with their strongest reason.

One query per role whatever the audience size, for one proposal or a group of them
(a grouped answer covers up to 51): :func:`proposal_audiences` reads the authors,
the supports, the comments and the follows of all the proposals at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from participation.notifications.models import Follow
from participation.notifications.reasons import Audience
from proposals.models import Comment, Proposal, Support


def proposal_audiences(
    proposals: Iterable[Proposal | int],
) -> dict[int, Audience]:
    """Proposal id → its :class:`Audience` (author, supporters, commenters,
    followers). Proposal objects given save the authors' query."""
    authors: dict[int, int] = {}
    ids: list[int] = []
    for item in proposals:
        if isinstance(item, Proposal):
            ids.append(item.pk)
            authors[item.pk] = item.author_id
        else:
            ids.append(int(item))
    ids = sorted(set(ids))
    missing = [pk for pk in ids if pk not in authors]
    if missing:
        authors.update(
            Proposal.objects.filter(pk__in=missing).values_list("pk", "author_id")
        )
    roles: dict[str, dict[int, list[int]]] = {
        "supporter": {},
        "commenter": {},
        "follower": {},
    }
    for pid, uid in Support.objects.filter(proposal_id__in=ids).values_list(
        "proposal_id", "user_id"
    ):
        roles["supporter"].setdefault(pid, []).append(uid)
    for pid, uid in (
        Comment.objects.filter(proposal_id__in=ids, deleted_at__isnull=True)
        .values_list("proposal_id", "author_id")
        .distinct()
    ):
        roles["commenter"].setdefault(pid, []).append(uid)
    ct = ContentType.objects.get_for_model(Proposal)
    for pid, uid in Follow.objects.filter(
        content_type=ct, object_id__in=ids
    ).values_list("object_id", "user_id"):
        roles["follower"].setdefault(int(pid), []).append(uid)
    audiences: dict[int, Audience] = {}
    for pid in ids:
        audience = Audience().add([authors.get(pid)], "author")
        for reason, by_proposal in roles.items():
            audience.add(by_proposal.get(pid, ()), reason)
        audiences[pid] = audience
    return audiences


def proposal_audience(proposal: Proposal | int) -> Audience:
    """The :class:`Audience` of one proposal."""
    pk = proposal.pk if isinstance(proposal, Proposal) else int(proposal)
    return proposal_audiences([proposal])[pk]
