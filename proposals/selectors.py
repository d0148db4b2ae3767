"""Reads of proposals and comments, with fixed query counts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Mod

from participation.accounts.types import Actor, Viewer, signed_in
from participation.spaces.models import Phase, Process, public_process
from proposals.models import (
    Alignment,
    Comment,
    CommentVote,
    Proposal,
    ProposalImage,
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


def process_for_page(slug: str, viewer: Viewer | None = None) -> Process:
    """A process with phases, categories, areas and documents prefetched (5
    queries). Public processes only, unless ``viewer`` is given: then also the
    drafts that person may preview (``Process.objects.visible_to``)."""
    processes = (
        Process.objects.public()
        if viewer is None
        else Process.objects.visible_to(viewer)
    )
    return processes.prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
        "categories",
        "areas",
        "attachments",
    ).get(slug=slug)


def _filtered(
    qs: QuerySet[Proposal], *, category: str, area: str, state: str, q: str
) -> QuerySet[Proposal]:
    """The filters of every proposal list: category, area, state (published by
    default; withdrawn, threshold or all), and up to five words of text."""
    if category:
        qs = qs.filter(category__slug=category)
    if area:
        qs = qs.filter(area__slug=area)
    if state == "withdrawn":
        qs = qs.filter(state=ProposalState.WITHDRAWN)
    elif state == "threshold":
        qs = qs.filter(
            threshold_reached_at__isnull=False, state=ProposalState.PUBLISHED
        )
    elif state != "all":
        qs = qs.filter(state=ProposalState.PUBLISHED)
    for term in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term))
    return qs


def proposal_list(process: Process, filters: ProposalFilters) -> QuerySet[Proposal]:
    """Proposals of a process for the list page; hidden ones are left out."""
    qs: QuerySet[Proposal] = with_card_photo(
        Proposal.objects.filter(process=process, hidden_at__isnull=True)
    ).select_related("author", "category", "area")
    qs = _filtered(
        qs,
        category=filters.category,
        area=filters.area,
        state=filters.state,
        q=filters.q,
    )
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


def _in_public_processes() -> QuerySet[Proposal]:
    return Proposal.objects.public().select_related(
        "author", "category", "area", "process", "hidden_by"
    )


def public_proposals(
    *,
    process: str = "",
    category: str = "",
    area: str = "",
    author: int | None = None,
    state: str = "",
    q: str = "",
) -> QuerySet[Proposal]:
    """Visible proposals of every public process, filtered as on the list page
    (and by process slug and author id); unordered: the API's cursor orders."""
    qs = with_images(_in_public_processes().filter(hidden_at__isnull=True))
    if process:
        qs = qs.filter(process__slug=process)
    if author:
        qs = qs.filter(author_id=author)
    return _filtered(qs, category=category, area=area, state=state, q=q)


def public_proposal(pk: int) -> Proposal:
    """One proposal, hidden or not, of a public process (raises DoesNotExist)."""
    return _in_public_processes().get(pk=pk)


def proposal_for_page(pk: int) -> Proposal:
    return Proposal.objects.select_related(
        "author",
        "category",
        "area",
        "hidden_by",
        "comments_closed_by",
        "process",
    ).get(pk=pk)


MAP_POINTS_MAX = 2000


def map_points(process: Process) -> list[dict[str, Any]]:
    """The points of a process's proposals that are shown in lists (not hidden),
    newest first, at most ``MAP_POINTS_MAX`` (one query)."""
    rows = (
        Proposal.objects.filter(
            process=process,
            hidden_at__isnull=True,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("-created_at", "-id")
        .values("id", "title", "latitude", "longitude", "support_count")[
            :MAP_POINTS_MAX
        ]
    )
    return [dict(row) for row in rows]


def images_of(proposal: Proposal) -> list[ProposalImage]:
    """A proposal's photos in their order (one query, whatever their number)."""
    return list(ProposalImage.objects.filter(proposal=proposal))


def image_for_page(proposal_pk: int, image_pk: int) -> ProposalImage:
    """One photo with its proposal and process (one query; raises DoesNotExist)."""
    return ProposalImage.objects.select_related("proposal__process").get(
        pk=image_pk, proposal_id=proposal_pk
    )


def has_image(proposal: Proposal, image_pk: int) -> bool:
    """Whether ``image_pk`` is one of the proposal's photos (one query)."""
    return ProposalImage.objects.filter(proposal=proposal, pk=image_pk).exists()


def with_images(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Proposals with their photos (one more query for a whole page of them)."""
    return proposals.prefetch_related(
        Prefetch("images", queryset=ProposalImage.objects.order_by("position", "id"))
    )


def with_card_photo(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Proposals with their first photo as ``card_photos`` (a list of at most one),
    for the cards' small rendition: one more query for a whole page, whatever the
    number of photos (a window function keeps the first of each proposal)."""
    return proposals.prefetch_related(
        Prefetch(
            "images",
            queryset=ProposalImage.objects.order_by("position", "id")[:1],
            to_attr="card_photos",
        )
    )


def proposals_by_author(user: Actor) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(author=user, hidden_at__isnull=True)
        .select_related("process")
        .order_by("-created_at")
    )


def comments_by_author(user: Actor) -> QuerySet[Comment]:
    return (
        Comment.objects.shown()
        .filter(author=user, proposal__hidden_at__isnull=True)
        .select_related("proposal")
        .order_by("-created_at")
    )


def has_supported(user: Viewer, proposal: Proposal) -> bool:
    person = signed_in(user)
    if person is None:
        return False
    return Support.objects.filter(user=person, proposal=proposal).exists()


def supported_ids(user: Viewer, proposal_ids: list[int]) -> set[int]:
    """Which of these proposals the user supports (one query, none if anonymous)."""
    person = signed_in(user)
    if person is None or not proposal_ids:
        return set()
    return set(
        Support.objects.filter(user=person, proposal_id__in=proposal_ids).values_list(
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
    proposal: Proposal, viewer: Viewer, *, order: str = "oldest"
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
    person = signed_in(viewer)
    if person is not None and comments:
        votes = dict(
            CommentVote.objects.filter(
                user=person, comment__proposal=proposal
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


def _votes_of(viewer: Viewer, comment_ids: list[int]) -> dict[int, int]:
    person = signed_in(viewer)
    if person is None or not comment_ids:
        return {}
    return dict(
        CommentVote.objects.filter(user=person, comment_id__in=comment_ids).values_list(
            "comment_id", "value"
        )
    )


def comment_subtrees(
    roots: Sequence[Comment], viewer: Viewer, *, proposal: Proposal | None = None
) -> list[CommentNode]:
    """These comments, each with every reply below it and the viewer's votes: two
    queries (replies, votes; one for anonymous viewers) whatever the size of the
    threads. Replies read in the order they were written. With ``proposal``, every
    comment gets it attached, so that rules and templates reading
    ``comment.proposal`` cost no further query.

    The one way to load "a comment with its replies": the proposal page's thread,
    the API's threads and comment resource, and the live fragments. Replies of a
    top-level comment are found by their ``root`` (one index lookup); replies of a
    reply by their parent (replies nest at most COMMENT_MAX_DEPTH (3) levels)."""
    if not roots:
        return []
    root_ids = [c.pk for c in roots]
    top = [c.pk for c in roots if c.parent_id is None]
    inner = [c.pk for c in roots if c.parent_id is not None]
    below = Q(root_id__in=top) if top else Q()
    if inner:
        below = below | Q(parent_id__in=inner) if top else Q(parent_id__in=inner)
    replies = list(
        Comment.objects.filter(below)
        .select_related("author", "author_department", "hidden_by")
        .order_by("created_at", "id")
    )
    comments = [*roots, *replies]
    votes = _votes_of(viewer, [c.pk for c in comments])
    nodes = {c.pk: CommentNode(c, votes.get(c.pk, 0)) for c in comments}
    if proposal is not None:
        for comment in comments:
            comment.proposal = proposal
    for reply in replies:
        parent = nodes.get(reply.parent_id) if reply.parent_id else None
        if parent is not None:
            parent.children.append(nodes[reply.pk])
    return [nodes[pk] for pk in root_ids]


THREAD_PAGE_SIZE = 20


@dataclass
class ThreadPage:
    """One page of a proposal's thread: ``size`` top-level comments with all their
    replies. Page numbers (not cursors) because the "best rated" order moves as
    votes come in; a page is read in four queries whatever the thread's length."""

    nodes: list[CommentNode]
    number: int
    has_next: bool
    order: str

    @property
    def next_number(self) -> int:
        return self.number + 1


def _roots_in_order(proposal: Proposal, order: str) -> QuerySet[Comment]:
    qs = Comment.objects.filter(proposal=proposal, parent__isnull=True)
    if order == "newest":
        return qs.order_by("-created_at", "-id")
    if order == "best":
        # Equal scores keep their chronological order.
        return qs.annotate(_score=F("upvotes") - F("downvotes")).order_by(
            "-_score", "-upvotes", "created_at", "id"
        )
    return qs.order_by("created_at", "id")


def thread_page(
    proposal: Proposal,
    viewer: Viewer,
    *,
    order: str = "oldest",
    number: int = 1,
    size: int = THREAD_PAGE_SIZE,
) -> ThreadPage:
    """Page ``number`` of the thread in ``order``: the top-level comments (one
    query, one more row to know whether a next page exists), their replies and the
    viewer's votes (see ``comment_subtrees``)."""
    number = max(1, number)
    start = (number - 1) * size
    roots = list(
        _roots_in_order(proposal, order).select_related(
            "author", "author_department", "hidden_by"
        )[start : start + size + 1]
    )
    has_next = len(roots) > size
    nodes = comment_subtrees(roots[:size], viewer, proposal=proposal)
    return ThreadPage(nodes=nodes, number=number, has_next=has_next, order=order)


def thread_page_of(
    proposal: Proposal,
    comment_id: int,
    *,
    order: str = "oldest",
    size: int = THREAD_PAGE_SIZE,
) -> int:
    """The page of the thread (in ``order``) that holds comment ``comment_id``
    (1 when it is not a comment of this proposal): two queries."""
    row = (
        Comment.objects.filter(pk=comment_id, proposal=proposal)
        .values("pk", "root_id")
        .first()
    )
    if row is None:
        return 1
    root = (
        _roots_in_order(proposal, order)
        .filter(pk=row["root_id"] or row["pk"])
        .values("pk", "created_at", "upvotes", "downvotes")
        .first()
    )
    if root is None:
        return 1
    earlier = Q(created_at__lt=root["created_at"]) | Q(
        created_at=root["created_at"], id__lt=root["pk"]
    )
    if order == "newest":
        before = Q(created_at__gt=root["created_at"]) | Q(
            created_at=root["created_at"], id__gt=root["pk"]
        )
    elif order == "best":
        score, up = root["upvotes"] - root["downvotes"], root["upvotes"]
        before = (
            Q(_score__gt=score)
            | Q(_score=score, upvotes__gt=up)
            | (Q(_score=score, upvotes=up) & earlier)
        )
    else:
        before = earlier
    ahead = _roots_in_order(proposal, order).filter(before).count()
    return ahead // size + 1


def alignment_totals(proposal: Proposal) -> dict[str, int]:
    """How many visible comments of the whole thread are in favour, against or
    neutral (one query; the page shows only part of the thread)."""
    counts = dict.fromkeys(Alignment.values, 0)
    rows = (
        Comment.objects.shown()
        .filter(proposal=proposal)
        .values_list("alignment")
        .annotate(n=Count("id"))
        .order_by()
    )
    for alignment, n in rows:
        counts[alignment] = counts.get(alignment, 0) + n
    return counts


def comment_subtree(
    comment: Comment, viewer: Viewer, *, proposal: Proposal | None = None
) -> CommentNode:
    """One comment with its replies and the viewer's votes (see comment_subtrees)."""
    return comment_subtrees([comment], viewer, proposal=proposal)[0]


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


def comment_with_proposal(pk: int) -> Comment | None:
    """A comment with what the proposal page shows of it and of its proposal
    (``proposal_for_page``'s relations), in one query; None if there is none."""
    return (
        Comment.objects.select_related(
            "author",
            "author_department",
            "hidden_by",
            "proposal__author",
            "proposal__category",
            "proposal__area",
            "proposal__hidden_by",
            "proposal__comments_closed_by",
            "proposal__process",
        )
        .filter(pk=pk)
        .first()
    )


def comment_by_id(pk: int) -> Comment | None:
    return Comment.objects.filter(pk=pk).first()


def comment_in_public_process(pk: int) -> Comment:
    """A comment of a public process, hidden or deleted or not (raises
    DoesNotExist)."""
    return Comment.objects.select_related(
        "author", "author_department", "hidden_by", "proposal", "proposal__process"
    ).get(public_process("proposal__process"), pk=pk)


def root_comments(proposal: Proposal) -> QuerySet[Comment]:
    """The top-level comments of a proposal (unordered: the API's cursor orders)."""
    return Comment.objects.filter(
        proposal=proposal, parent__isnull=True
    ).select_related("author", "author_department", "hidden_by")


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
