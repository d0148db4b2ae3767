"""Reads of proposals and comments, with fixed query counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Mod

from participation.spaces.models import Phase, Process
from proposals.models import (
    Alignment,
    Comment,
    CommentVote,
    Proposal,
    ProposalState,
    Support,
)

SORTS = ("newest", "most_supported", "most_commented", "random")


@dataclass
class ProposalFilters:
    category: str = ""
    area: str = ""
    state: str = ""
    q: str = ""
    sort: str = "newest"
    seed: int = 1


def published_processes() -> QuerySet[Process]:
    """Published processes with their phases and a count of visible proposals."""
    return (
        Process.objects.published()
        .annotate(
            proposal_total=Count(
                "proposals", filter=Q(proposals__hidden_at__isnull=True)
            )
        )
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at"))
        )
    )


def process_for_page(slug: str) -> Process:
    """A process with phases, categories and areas prefetched (4 queries)."""
    return (
        Process.objects.public()
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
            "categories",
            "areas",
        )
        .get(slug=slug)
    )


def proposal_list(process: Process, filters: ProposalFilters) -> QuerySet[Proposal]:
    """Proposals of a process for the list page; hidden ones are left out."""
    qs = Proposal.objects.filter(
        process=process, hidden_at__isnull=True
    ).select_related("author", "category", "area")
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.area:
        qs = qs.filter(area__slug=filters.area)
    if filters.state == "withdrawn":
        qs = qs.filter(state=ProposalState.WITHDRAWN)
    elif filters.state == "threshold":
        qs = qs.filter(
            threshold_reached_at__isnull=False, state=ProposalState.PUBLISHED
        )
    elif filters.state != "all":
        qs = qs.filter(state=ProposalState.PUBLISHED)
    if filters.q:
        for term in filters.q.split()[:5]:
            qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term))
    if filters.sort == "most_supported":
        qs = qs.order_by("-support_count", "-created_at", "-id")
    elif filters.sort == "most_commented":
        qs = qs.order_by("-comment_count", "-created_at", "-id")
    elif filters.sort == "random":
        # Stable for a given seed, so pagination does not repeat or skip rows.
        seed = 1 + (abs(int(filters.seed)) % 9973)
        qs = qs.annotate(_shuffle=Mod(F("id") * Value(seed) + Value(7919), 10007))
        qs = qs.order_by("_shuffle", "id")
    else:
        qs = qs.order_by("-created_at", "-id")
    return qs


def proposal_for_page(pk: int) -> Proposal:
    return Proposal.objects.select_related(
        "author",
        "category",
        "area",
        "hidden_by",
        "comments_closed_by",
        "process",
    ).get(pk=pk)


def proposals_by_author(user: Any) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(author=user, hidden_at__isnull=True)
        .select_related("process")
        .order_by("-created_at")
    )


def comments_by_author(user: Any) -> QuerySet[Comment]:
    return (
        Comment.objects.shown()
        .filter(author=user, proposal__hidden_at__isnull=True)
        .select_related("proposal")
        .order_by("-created_at")
    )


def has_supported(user: Any, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Support.objects.filter(user=user, proposal=proposal).exists()


def supported_ids(user: Any, proposal_ids: list[int]) -> set[int]:
    """Which of these proposals the user supports (one query, none if anonymous)."""
    if not getattr(user, "is_authenticated", False) or not proposal_ids:
        return set()
    return set(
        Support.objects.filter(user=user, proposal_id__in=proposal_ids).values_list(
            "proposal_id", flat=True
        )
    )


@dataclass
class CommentNode:
    comment: Comment
    my_vote: int = 0
    children: list[CommentNode] = field(default_factory=list)

    @property
    def can_have_replies(self) -> bool:
        """Replies may nest to ``COMMENT_MAX_DEPTH`` levels (depth 0 .. max - 1)."""
        return self.comment.depth + 1 < settings.COMMENT_MAX_DEPTH


COMMENT_ORDERS = ("oldest", "newest", "best")


def _score_key(node: CommentNode) -> tuple[int, int]:
    return (node.comment.upvotes - node.comment.downvotes, node.comment.upvotes)


def comment_tree(
    proposal: Proposal, viewer: Any, *, order: str = "oldest"
) -> list[CommentNode]:
    """All comments of a proposal as a tree, with the viewer's votes: two queries.

    Top-level comments follow ``order`` (oldest, newest, best); replies always read
    in the order they were written. Each comment gets ``proposal`` attached, so that
    rules and templates reading ``comment.proposal`` cost no further query.
    """
    comments = list(
        Comment.objects.filter(proposal=proposal)
        .select_related("author", "author_department", "hidden_by")
        .order_by("created_at", "id")
    )
    votes: dict[int, int] = {}
    if getattr(viewer, "is_authenticated", False) and comments:
        votes = dict(
            CommentVote.objects.filter(
                user=viewer, comment__proposal=proposal
            ).values_list("comment_id", "value")
        )
    nodes = {c.pk: CommentNode(c, votes.get(c.pk, 0)) for c in comments}
    roots: list[CommentNode] = []
    for comment in comments:
        comment.proposal = proposal
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.children if parent else roots).append(node)
    if order == "newest":
        roots.reverse()
    elif order == "best":
        # Stable sort: equal scores keep their chronological order.
        roots.sort(key=_score_key, reverse=True)
    return roots


def comment_node(comment: Comment, viewer: Any) -> CommentNode:
    """One comment with its replies, as the live layer renders it (same template)."""
    for node in _walk(comment_tree(comment.proposal, viewer)):
        if node.comment.pk == comment.pk:
            return node
    return CommentNode(comment)


def _walk(nodes: list[CommentNode]) -> Any:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def alignment_counts(roots: list[CommentNode]) -> dict[str, int]:
    """How many visible comments are in favour, against or neutral."""
    counts = dict.fromkeys(Alignment.values, 0)
    for node in _walk(roots):
        comment = node.comment
        if not comment.is_deleted and not comment.is_hidden:
            counts[comment.alignment] = counts.get(comment.alignment, 0) + 1
    return counts


def comment_for_page(pk: int) -> Comment:
    return Comment.objects.select_related(
        "proposal__process", "author", "author_department"
    ).get(pk=pk)


_WORD_RE = re.compile(r"[A-Za-z0-9]{3,}")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
_STOP = {"the", "and", "for", "with", "this", "that", "from", "are", "our"}


def title_terms(text: str) -> set[str]:
    """Terms for similarity: lower-cased words, plus character bigrams of Japanese."""
    terms = {w.lower() for w in _WORD_RE.findall(text)} - _STOP
    for run in _CJK_RE.findall(text):
        if len(run) == 1:
            terms.add(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return terms


def similar_proposals(
    process: Process, title: str, *, limit: int = 5, exclude_id: int | None = None
) -> list[Proposal]:
    """Up to ``limit`` visible proposals in the process whose titles share the most
    terms (words, or character bigrams for Japanese) with ``title``."""
    terms = title_terms(title)
    if not terms:
        return []
    ranked_terms = sorted(terms, key=len, reverse=True)[:12]
    condition = Q()
    for term in ranked_terms:
        condition |= Q(title__icontains=term)
    candidates = Proposal.objects.filter(
        condition,
        process=process,
        hidden_at__isnull=True,
        state=ProposalState.PUBLISHED,
    )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    candidates = candidates.only(
        "id", "title", "support_count", "created_at", "process_id"
    ).order_by("-support_count")[:300]
    scored = []
    for candidate in candidates:
        other = title_terms(candidate.title)
        shared = len(terms & other)
        if not shared:
            continue
        score = shared / len(terms | other)
        if score >= 0.12 or shared >= 3:
            scored.append((score, candidate.support_count, candidate))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [item[2] for item in scored[:limit]]
