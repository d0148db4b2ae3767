"""Querysets the API pages through. Each list has a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from participation.spaces.models import (
    Area,
    Category,
    Department,
    Phase,
    Process,
    ProcessStatus,
)
from proposals.models import Comment, CommentVote, Proposal, ProposalState, Support
from proposals.selectors import CommentNode

PUBLIC_PROCESS_STATUSES = (ProcessStatus.PUBLISHED, ProcessStatus.ARCHIVED)

PROPOSAL_ORDERINGS = {
    "newest": ["-created_at", "-id"],
    "oldest": ["created_at", "id"],
    "most_supported": ["-support_count", "-created_at", "-id"],
    "most_commented": ["-comment_count", "-created_at", "-id"],
}


def processes() -> QuerySet[Process]:
    return Process.objects.filter(status__in=PUBLIC_PROCESS_STATUSES).prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
        Prefetch("categories", queryset=Category.objects.order_by("name")),
        Prefetch("areas", queryset=Area.objects.order_by("name")),
    )


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def areas() -> QuerySet[Area]:
    return Area.objects.all()


def departments() -> QuerySet[Department]:
    return Department.objects.all()


def _proposal_base() -> QuerySet[Proposal]:
    return Proposal.objects.filter(
        process__status__in=PUBLIC_PROCESS_STATUSES
    ).select_related("author", "category", "area", "process", "hidden_by")


def proposals(filters: dict[str, Any]) -> QuerySet[Proposal]:
    """Visible proposals, filtered as on the list page (across processes too)."""
    qs = _proposal_base().filter(hidden_at__isnull=True)
    if filters.get("process"):
        qs = qs.filter(process__slug=filters["process"])
    if filters.get("category"):
        qs = qs.filter(category__slug=filters["category"])
    if filters.get("area"):
        qs = qs.filter(area__slug=filters["area"])
    if filters.get("author"):
        qs = qs.filter(author_id=filters["author"])
    state = filters.get("state") or "published"
    if state == "withdrawn":
        qs = qs.filter(state=ProposalState.WITHDRAWN)
    elif state == "threshold":
        qs = qs.filter(
            threshold_reached_at__isnull=False, state=ProposalState.PUBLISHED
        )
    elif state != "all":
        qs = qs.filter(state=ProposalState.PUBLISHED)
    for term in (filters.get("q") or "").split()[:5]:
        qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term))
    return qs


def proposal(pk: int) -> Proposal:
    """One proposal, hidden or not, of a public process (raises DoesNotExist)."""
    return _proposal_base().get(pk=pk)


def comment(pk: int) -> Comment:
    return Comment.objects.select_related(
        "author", "author_department", "hidden_by", "proposal", "proposal__process"
    ).get(pk=pk, proposal__process__status__in=PUBLIC_PROCESS_STATUSES)


def root_comments(proposal: Proposal) -> QuerySet[Comment]:
    return Comment.objects.filter(
        proposal=proposal, parent__isnull=True
    ).select_related("author", "author_department", "hidden_by")


def comment_nodes(roots: list[Comment], viewer: Any) -> list[CommentNode]:
    """The page of root comments with every reply below them, and the viewer's
    votes: two queries whatever the size of the threads."""
    if not roots:
        return []
    root_ids = [c.pk for c in roots]
    replies = list(
        Comment.objects.filter(
            Q(parent_id__in=root_ids) | Q(parent__parent_id__in=root_ids)
        )
        .select_related("author", "author_department", "hidden_by")
        .order_by("created_at", "id")
    )
    votes: dict[int, int] = {}
    if getattr(viewer, "is_authenticated", False):
        votes = dict(
            CommentVote.objects.filter(
                user=viewer, comment_id__in=root_ids + [c.pk for c in replies]
            ).values_list("comment_id", "value")
        )
    nodes = {c.pk: CommentNode(c, votes.get(c.pk, 0)) for c in [*roots, *replies]}
    for reply in replies:
        parent = nodes.get(reply.parent_id) if reply.parent_id else None
        if parent is not None:
            parent.children.append(nodes[reply.pk])
    return [nodes[pk] for pk in root_ids]


def comment_node(comment: Comment, viewer: Any) -> CommentNode:
    """One comment with its replies (for the comment's own resource)."""
    replies = list(
        Comment.objects.filter(Q(parent=comment) | Q(parent__parent=comment))
        .select_related("author", "author_department", "hidden_by")
        .order_by("created_at", "id")
    )
    votes: dict[int, int] = {}
    if getattr(viewer, "is_authenticated", False):
        votes = dict(
            CommentVote.objects.filter(
                user=viewer, comment_id__in=[comment.pk] + [c.pk for c in replies]
            ).values_list("comment_id", "value")
        )
    nodes = {c.pk: CommentNode(c, votes.get(c.pk, 0)) for c in [comment, *replies]}
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.children.append(nodes[reply.pk])
    return nodes[comment.pk]


def has_supported(user: Any, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Support.objects.filter(user=user, proposal=proposal).exists()
