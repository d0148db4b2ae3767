"""Fragments of a proposal page for the live layer: a comment with its replies as
the public sees it, comment votes, and the support and comment counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext, npgettext

from participation.accounts.rules import is_moderator_of
from participation.accounts.types import Viewer
from participation.live.fragments import render_public
from proposals import rules as proposal_rules
from proposals import selectors as proposal_selectors
from proposals.models import Comment, Proposal
from proposals.templatetags.proposals_tags import support_count_parts


@dataclass
class CommentFragment:
    comment_id: int
    proposal_id: int
    parent_id: int | None
    html: str
    # For a reply: its thread's top-level comment and how many replies that has,
    # so that a page showing only the first replies counts the new one in its
    # "Show N more replies" instead of losing it.
    root_id: int | None = None
    root_replies: int = 0


def proposal_visible_to(proposal: Any, user: Viewer) -> bool:
    """The same test as the proposal page: draft processes are for their
    facilitators only; everything else has a public page (hidden content shows as
    a placeholder)."""
    if proposal is None:
        return False
    if proposal.process.is_public:
        return True
    return bool(is_moderator_of(user, proposal))


def comment_subtree(comment_id: int, viewer: Viewer) -> tuple[Any, Any] | None:
    """The proposal and the ``CommentNode`` of one comment, without its replies
    (the page has them, or loads them with "Show N more replies"), and the
    viewer's vote (two queries: the comment with its proposal, the vote)."""
    comment = proposal_selectors.comment_with_proposal(comment_id)
    if comment is None:
        return None
    proposal = comment.proposal
    node = proposal_selectors.comment_alone(comment, viewer, proposal=proposal)
    return proposal, node


def public_comment(comment_id: int, language: str) -> CommentFragment | None:
    """A comment and its replies as the public sees them (hidden text never shown)."""
    loaded = comment_subtree(comment_id, AnonymousUser())
    if loaded is None:
        return None
    proposal, node = loaded
    if not proposal.process.is_public:
        return None
    caps = proposal_rules.thread_capabilities(AnonymousUser(), proposal)
    html = render_public(
        "proposals/_comment.html",
        {"node": node, "proposal": proposal, "caps": caps},
        proposal.get_absolute_url(),
        language,
    )
    root_id = node.comment.root_id
    root_replies = 0
    if root_id is not None:
        root = Comment(pk=root_id, parent_id=None)
        root_replies = proposal_selectors.reply_count(root)
    return CommentFragment(
        comment_id=comment_id,
        proposal_id=proposal.pk,
        parent_id=node.comment.parent_id,
        html=html.strip(),
        root_id=root_id,
        root_replies=root_replies,
    )


def comment_votes(comment_id: int) -> dict[str, int] | None:
    row = (
        Comment.objects.filter(pk=comment_id)
        .values("upvotes", "downvotes", "proposal_id")
        .first()
    )
    if row is None:
        return None
    return {
        "comment_id": comment_id,
        "upvotes": row["upvotes"],
        "downvotes": row["downvotes"],
    }


def proposal_counts(proposal_id: int, language: str) -> dict[str, Any] | None:
    """Support and comment counts with their labels in ``language``."""
    row = (
        Proposal.objects.filter(pk=proposal_id)
        .values("support_count", "comment_count")
        .first()
    )
    if row is None:
        return None
    supports, comments = row["support_count"], row["comment_count"]
    with translation.override(language):
        return {
            "supports": supports,
            "comments": comments,
            "supports_label": npgettext("count label", "support", "supports", supports),
            "supports_parts": list(support_count_parts(supports)),
            "comments_label": ngettext("%(n)d comment", "%(n)d comments", comments)
            % {"n": comments},
        }


def comment_fragment_url(comment_id: int) -> str:
    return reverse("proposals:comment_fragment", args=[comment_id])
