"""Reads of proposals and comments, with fixed query counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Mod

from participation.spaces.models import Phase, Process, ProcessStatus
from proposals.models import Comment, CommentVote, Proposal, ProposalState, Support

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
    return Process.objects.filter(status=ProcessStatus.PUBLISHED).prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at"))
    )


def process_for_page(slug: str) -> Process:
    """A process with phases, categories and areas prefetched (4 queries)."""
    return (
        Process.objects.exclude(status=ProcessStatus.DRAFT)
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
            "categories",
            "areas",
        )
        .get(slug=slug)
    )


def proposal_list(process: Process, filters: ProposalFilters) -> QuerySet[Proposal]:
    """Proposals of a process for the list page; hidden ones are left out."""
    qs = Proposal.objects.filter(process=process, hidden_at__isnull=True).select_related(
        "author", "category", "area"
    )
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.area:
        qs = qs.filter(area__slug=filters.area)
    if filters.state == "withdrawn":
        qs = qs.filter(state=ProposalState.WITHDRAWN)
    elif filters.state == "threshold":
        qs = qs.filter(threshold_reached_at__isnull=False, state=ProposalState.PUBLISHED)
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
        Comment.objects.filter(
            author=user,
            hidden_at__isnull=True,
            deleted_at__isnull=True,
            proposal__hidden_at__isnull=True,
        )
        .select_related("proposal")
        .order_by("-created_at")
    )


def has_supported(user: Any, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Support.objects.filter(user=user, proposal=proposal).exists()


@dataclass
class CommentNode:
    comment: Comment
    my_vote: int = 0
    children: list[CommentNode] = field(default_factory=list)


def comment_tree(proposal: Proposal, viewer: Any) -> list[CommentNode]:
    """All comments of a proposal as a tree, with the viewer's votes: two queries."""
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
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


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
    candidates = (
        Proposal.objects.filter(
            condition,
            process=process,
            hidden_at__isnull=True,
            state=ProposalState.PUBLISHED,
        )
        .exclude(pk=exclude_id)
        .only("id", "title", "support_count", "created_at", "process_id")
        .order_by("-support_count")[:300]
    )
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
