"""Reads of proposals and comments, with fixed query counts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Mod
from django.utils import timezone

from participation.accounts.types import Actor, Viewer, signed_in
from participation.spaces import selectors as spaces
from participation.spaces.models import Phase, Process, public_process
from participation.verification import selectors as verification
from participation.verification.models import Action
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


# What a support or a withdrawal reads of a proposal and its process: the rules
# (author, state, hidden, the phase, the verification level), the counter and the
# threshold's stamp, and the process's slug (the page cache's version keys).
_SUPPORT_FIELDS = (
    "id",
    "process_id",
    "author_id",
    "state",
    "hidden_at",
    "support_count",
    "threshold_reached_at",
    "process__id",
    "process__slug",
    "process__status",
    "process__support_threshold",
)


def proposal_to_support(pk: int) -> Proposal:
    """One proposal of a public process, hidden or not (the rules refuse a hidden
    one with their reason), with what supporting it and withdrawing a support need,
    in one query: its process, the phase running now and the process's
    verification requirement for supporting. Any other field loads when read.
    Raises DoesNotExist. The write path is measured (``make bench-writes``)."""
    now = timezone.now()
    proposal = (
        Proposal.objects.public()
        .select_related("process")
        .only(*_SUPPORT_FIELDS)
        .annotate(
            **spaces.running_phase_columns("process", now),
            **verification.level_columns("process", Action.SUPPORT),
        )
        .get(pk=pk)
    )
    spaces.attach_running_phase(proposal.process, proposal)
    verification.attach_levels(proposal.process, proposal, Action.SUPPORT)
    return proposal


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
    # Replies below this comment in all, and how many of them are loaded here (the
    # thread shows the first few of each; "Show N more replies" loads the rest).
    reply_total: int = 0
    replies_loaded: int = 0
    # The cursor of "Show N more replies": the last reply of the first run shown.
    more_after: int | None = None
    # On a page of replies, a reply whose parent is on an earlier page.
    in_reply_to_id: int | None = None

    @property
    def can_have_replies(self) -> bool:
        """Replies may nest to ``COMMENT_MAX_DEPTH`` levels (depth 0 .. max - 1)."""
        return self.comment.depth + 1 < settings.COMMENT_MAX_DEPTH

    @property
    def replies_hidden(self) -> int:
        """Replies below this comment that are not loaded with it."""
        return max(0, self.reply_total - self.replies_loaded)


COMMENT_ORDERS = ("oldest", "newest", "best")

# The first replies of each comment in the thread, in the order they were written
# (a conversation reads from its start); the rest load in pages of REPLIES_PAGE_SIZE.
REPLIES_SHOWN = 3
REPLIES_PAGE_SIZE = 20


def _score_key(node: CommentNode) -> tuple[int, int]:
    return (node.comment.upvotes - node.comment.downvotes, node.comment.upvotes)


def comment_tree(
    proposal: Proposal, viewer: Viewer, *, order: str = "oldest"
) -> list[CommentNode]:
    """All comments of a proposal as a tree, with the viewer's votes: two queries.

    Not for pages (a thread can hold thousands): for exports and checks that need
    the whole tree. Top-level comments follow ``order`` (oldest, newest, best);
    replies always read in the order they were written. Each comment gets
    ``proposal`` attached, so that rules and templates reading ``comment.proposal``
    cost no further query.
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


def _below_field(comment: Comment) -> str:
    """The replies below a top-level comment carry it as their ``root``
    (``comment_thread_idx``); below a reply, only its direct replies can be (the
    deepest level takes no replies), found by ``parent`` (its index)."""
    return "root_id" if comment.parent_id is None else "parent_id"


def _replies_below(comment: Comment) -> QuerySet[Comment]:
    return Comment.objects.filter(**{_below_field(comment): comment.pk})


def _after(created_at: Any, pk: int) -> Q:
    return Q(created_at__gt=created_at) | Q(created_at=created_at, id__gt=pk)


def _summary_of(field_name: str, shown: int) -> dict[str, Any]:
    below = Comment.objects.filter(**{field_name: OuterRef("pk")}).order_by(
        "created_at", "id"
    )
    total = below.order_by().values(field_name).annotate(n=Count("pk")).values("n")
    summary: dict[str, Any] = {"total": Coalesce(Subquery(total), 0)}
    if shown:
        nth = below[shown - 1 : shown]
        summary["cut_id"] = Subquery(nth.values("pk"))
        summary["cut_at"] = Subquery(nth.values("created_at"))
    return summary


def with_reply_summary(
    comments: QuerySet[Comment], *, shown: int = REPLIES_SHOWN
) -> QuerySet[Comment]:
    """``comments`` with, for each, how many replies are below it and which is the
    ``shown``-th of them (``_replies_total``, ``_replies_cut_id``, ``_replies_cut_at``):
    correlated lookups in the thread's index, in the same query, so that a page
    knows where each comment's first replies end without reading the others."""
    tops = _summary_of("root_id", shown)
    inner = _summary_of("parent_id", shown)
    return comments.annotate(
        **{
            f"_replies_{name}": Case(
                When(parent__isnull=True, then=tops[name]), default=inner[name]
            )
            for name in tops
        }
    )


def _summaries(
    comments: Sequence[Comment], shown: int
) -> dict[int, tuple[int, tuple[Any, int] | None]]:
    """Reply count and the ``shown``-th reply's key of each comment: read from the
    annotations of ``with_reply_summary``, or in one query for comments loaded
    without them."""
    missing = [c.pk for c in comments if not hasattr(c, "_replies_total")]
    rows: dict[int, tuple[int, Any, Any]] = {}
    if missing:
        names = ["_replies_total"]
        if shown:
            names += ["_replies_cut_id", "_replies_cut_at"]
        for row in with_reply_summary(
            Comment.objects.filter(pk__in=missing), shown=shown
        ).values_list("pk", *names):
            rows[row[0]] = (row[1], *(row[2:] if shown else (None, None)))
    result: dict[int, tuple[int, tuple[Any, int] | None]] = {}
    for c in comments:
        if c.pk in rows:
            total, cut_id, cut_at = rows[c.pk]
        else:
            total = c._replies_total  # type: ignore[attr-defined]
            cut_id = getattr(c, "_replies_cut_id", None)
            cut_at = getattr(c, "_replies_cut_at", None)
        result[c.pk] = (total or 0, (cut_at, cut_id) if cut_id is not None else None)
    return result


def _first_replies(
    roots: Sequence[Comment],
    summaries: dict[int, tuple[int, tuple[Any, int] | None]],
    also: Sequence[int],
    *,
    shown: int,
) -> RawSQL:
    """One condition for the first replies below each of ``roots`` (up to the key
    of its ``shown``-th reply) and the comments named in ``also``.

    The same SQL as a ``Q`` per root (``root_id = … AND (created_at, id) ≤ cut``,
    joined by OR), written directly: the ORM took some 10 ms of CPU to build
    those 60 lookups for a page of 20 threads, against under 1 ms to run them.
    Comments without replies are asked too (they find nothing), so that a page
    runs the same queries whatever its threads hold."""
    quote = connection.ops.quote_name
    table = quote(Comment._meta.db_table)
    column = {
        f.attname: f"{table}.{quote(f.column)}" for f in Comment._meta.concrete_fields
    }
    parts: list[str] = []
    params: list[Any] = []
    for c in roots if shown else ():
        below = column[_below_field(c)]
        _total, cut = summaries[c.pk]
        if cut is None:
            parts.append(f"{below} = %s")
            params.append(c.pk)
            continue
        at = connection.ops.adapt_datetimefield_value(cut[0])
        parts.append(
            f"({below} = %s AND ({column['created_at']} < %s OR "
            f"({column['created_at']} = %s AND {column['id']} <= %s)))"
        )
        params.extend([c.pk, at, at, cut[1]])
    if also:
        parts.append(f"{column['id']} IN ({', '.join(['%s'] * len(also))})")
        params.extend(int(pk) for pk in also)
    # Only column names are written into the SQL; every value is a parameter.
    return RawSQL(  # noqa: S611
        "(" + " OR ".join(parts) + ")", params, output_field=BooleanField()
    )


def comment_subtrees(
    roots: Sequence[Comment],
    viewer: Viewer,
    *,
    proposal: Proposal | None = None,
    shown: int = REPLIES_SHOWN,
    also: Sequence[int] = (),
) -> list[CommentNode]:
    """These comments, each with its first ``shown`` replies (in the order they
    were written, nested) and the viewer's votes: three queries at most (reply
    counts, unless the comments carry ``with_reply_summary``; the replies; votes,
    none for anonymous viewers) whatever the size of the threads. ``also`` names
    further replies to load (a permalink's target and its parent), each shown
    under its parent when that is loaded. Every node says how many replies it has
    in all and where "Show N more replies" goes on (``replies_after``). With
    ``proposal``, every comment gets it attached, so that rules and templates
    reading ``comment.proposal`` cost no further query.

    The one way to load "comments with their replies": the proposal page's thread,
    the API's threads and comment resource. Replies of a top-level comment are
    found by their ``root`` (``comment_thread_idx``), each bounded by the key of
    its ``shown``-th reply; replies of a reply by their parent."""
    if not roots:
        return []
    root_ids = [c.pk for c in roots]
    summaries = _summaries(roots, shown)
    wanted = (
        _first_replies(roots, summaries, also, shown=shown) if shown or also else None
    )
    replies = (
        list(
            Comment.objects.filter(wanted)
            .exclude(pk__in=root_ids)
            .select_related("author", "author_department", "hidden_by")
            .order_by("created_at", "id")
        )
        if wanted is not None
        else []
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
    result = [nodes[pk] for pk in root_ids]
    for node in result:
        total, cut = summaries[node.comment.pk]
        node.reply_total = total
        node.replies_loaded = sum(1 for _ in _walk(node.children))
        if node.replies_hidden and cut is not None:
            node.more_after = cut[1]
    return result


def comment_alone(
    comment: Comment, viewer: Viewer, *, proposal: Proposal | None = None
) -> CommentNode:
    """One comment without its replies, with the viewer's vote (one query, none for
    anonymous viewers): what the live layer swaps or inserts."""
    if proposal is not None:
        comment.proposal = proposal
    return CommentNode(comment, _votes_of(viewer, [comment.pk]).get(comment.pk, 0))


def reply_count(comment: Comment) -> int:
    """How many replies are below ``comment`` (an index-only count)."""
    return _replies_below(comment).count()


class InvalidCursor(Exception):
    """``after`` names no reply below that comment."""


@dataclass
class ReplyBatch:
    """A page of the replies below one comment, in the order they were written.

    ``node`` is that comment; its ``children`` are the replies of the page whose
    parent is not on it (each nested with its replies on the page), marked with
    ``in_reply_to_id`` when that parent is another reply."""

    node: CommentNode
    replies: list[CommentNode]
    total: int
    remaining: int
    next_after: int | None

    @property
    def count(self) -> int:
        return sum(1 for _ in _walk(self.replies))


def replies_after(
    comment: Comment,
    viewer: Viewer,
    *,
    after: int | None,
    proposal: Proposal | None = None,
    size: int = REPLIES_PAGE_SIZE,
) -> ReplyBatch:
    """The ``size`` replies below ``comment`` that follow reply ``after`` (from
    the first with None) in (created_at, id) order: a keyset in the thread's
    index, four queries at most (the cursor's key, the page, the counts, votes)
    whatever the thread's length. Raises ``InvalidCursor`` when ``after`` is not a
    reply below ``comment``."""
    below = _replies_below(comment)
    batch = list(
        replies_below(comment, after=after).order_by("created_at", "id")[:size]
    )
    if batch:
        last = batch[-1]
        counts = below.aggregate(
            total=Count("pk"),
            later=Count("pk", filter=_after(last.created_at, last.pk)),
        )
    else:
        counts = {"total": below.count(), "later": 0}
    votes = _votes_of(viewer, [comment.pk, *(r.pk for r in batch)])
    if proposal is not None:
        comment.proposal = proposal
        for reply in batch:
            reply.proposal = proposal
    nodes = {r.pk: CommentNode(r, votes.get(r.pk, 0)) for r in batch}
    tops: list[CommentNode] = []
    for reply in batch:
        parent = nodes.get(reply.parent_id) if reply.parent_id else None
        if parent is not None:
            parent.children.append(nodes[reply.pk])
        else:
            node = nodes[reply.pk]
            if reply.parent_id != comment.pk:
                node.in_reply_to_id = reply.parent_id
            tops.append(node)
    root = CommentNode(comment, votes.get(comment.pk, 0), children=tops)
    root.reply_total = counts["total"]
    root.replies_loaded = len(batch)
    remaining = counts["later"]
    return ReplyBatch(
        node=root,
        replies=tops,
        total=counts["total"],
        remaining=remaining,
        next_after=batch[-1].pk if batch and remaining else None,
    )


def replies_below(comment: Comment, *, after: int | None = None) -> QuerySet[Comment]:
    """The replies below ``comment`` (unordered: the API's cursor orders by
    created_at, id), after reply ``after`` when given (raises ``InvalidCursor``
    when that is not a reply below it): one lookup in the thread's index."""
    below = _replies_below(comment)
    replies = below
    if after is not None:
        key = below.filter(pk=after).values_list("created_at", "pk").first()
        if key is None:
            raise InvalidCursor(after)
        replies = replies.filter(_after(*key))
    return replies.select_related("author", "author_department", "hidden_by")


def comment_nodes(comments: Sequence[Comment], viewer: Viewer) -> list[CommentNode]:
    """These comments as nodes without their replies, with the viewer's votes (one
    query, none for anonymous viewers)."""
    votes = _votes_of(viewer, [c.pk for c in comments])
    return [CommentNode(c, votes.get(c.pk, 0)) for c in comments]


THREAD_PAGE_SIZE = 20


@dataclass
class ThreadPage:
    """One page of a proposal's thread: ``size`` top-level comments with their
    first replies (``REPLIES_SHOWN`` each). Page numbers (not cursors) because the
    "best rated" order moves as votes come in; a page is read in three queries
    whatever the thread's length and the size of its sub-threads."""

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
    also: Sequence[int] = (),
) -> ThreadPage:
    """Page ``number`` of the thread in ``order``: the top-level comments with
    their reply counts (one query, one more row to know whether a next page
    exists), their first replies (and the replies named in ``also``) and the
    viewer's votes (see ``comment_subtrees``)."""
    number = max(1, number)
    start = (number - 1) * size
    roots = list(
        with_reply_summary(_roots_in_order(proposal, order)).select_related(
            "author", "author_department", "hidden_by"
        )[start : start + size + 1]
    )
    has_next = len(roots) > size
    nodes = comment_subtrees(roots[:size], viewer, proposal=proposal, also=also)
    return ThreadPage(nodes=nodes, number=number, has_next=has_next, order=order)


@dataclass
class ThreadAnchor:
    """Where a permalink lands: the page of the thread holding the comment's
    top-level comment, and the replies to load there beyond the first few (the
    comment and, for the deepest level, its parent), so that the page shows it."""

    number: int
    also: tuple[int, ...] = ()


def thread_anchor(
    proposal: Proposal,
    comment_id: int,
    *,
    order: str = "oldest",
    size: int = THREAD_PAGE_SIZE,
) -> ThreadAnchor:
    """The anchor of comment ``comment_id`` in the thread in ``order`` (page 1
    when it is not a comment of this proposal): two queries at most."""
    row = (
        Comment.objects.filter(pk=comment_id, proposal=proposal)
        .values("pk", "root_id", "parent_id")
        .first()
    )
    if row is None:
        return ThreadAnchor(1)
    root = (
        _roots_in_order(proposal, order)
        .filter(pk=row["root_id"] or row["pk"])
        .values("pk", "created_at", "upvotes", "downvotes")
        .first()
    )
    if root is None:
        return ThreadAnchor(1)
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
    also: tuple[int, ...] = ()
    if row["root_id"] is not None:
        also = (row["pk"],)
        if row["parent_id"] != row["root_id"]:
            also += (row["parent_id"],)
    return ThreadAnchor(ahead // size + 1, also)


def thread_page_of(
    proposal: Proposal,
    comment_id: int,
    *,
    order: str = "oldest",
    size: int = THREAD_PAGE_SIZE,
) -> int:
    """The page of the thread (in ``order``) that holds comment ``comment_id``
    (1 when it is not a comment of this proposal): two queries."""
    return thread_anchor(proposal, comment_id, order=order, size=size).number


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
    """One comment with its first replies and the viewer's votes (see
    ``comment_subtrees``)."""
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
    """The top-level comments of a proposal with their reply counts (unordered:
    the API's cursor orders; ``comment_subtrees`` loads their first replies)."""
    return with_reply_summary(
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
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
