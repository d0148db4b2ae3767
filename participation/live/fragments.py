"""Rendering live fragments with the same templates as the pages.

This is door code, like views and consumers: it reads the selectors and models of
the apps above the core (proposals) to render their templates, and is imported
only by ``live.views`` and ``live.consumers``. Nothing in live's models, services,
selectors or rules imports it, so the core still does not depend on proposals.

Two audiences:

- *public* fragments are rendered as an anonymous visitor sees them, once per
  event and language, and may be pushed to anybody: hidden text never appears in
  them (the templates show the placeholder to the public);
- *personal* fragments (reply and vote buttons, a facilitator's tools, hidden text
  for those allowed to read it) are fetched by the browser over HTTP from
  ``live.views``, with the normal session, permissions and CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext

from participation.live import rules as live_rules
from participation.live import selectors as live_selectors
from participation.spaces.models import ProcessStatus


def public_request(path: str, language: str) -> HttpRequest:
    """A stand-in request of an anonymous visitor on ``path``, for templates that
    read ``request`` (login links, query strings). It carries no session or token."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = AnonymousUser()  # type: ignore[assignment]
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
    return request


def _render_public(
    template: str, context: dict[str, Any], path: str, language: str
) -> str:
    with translation.override(language):
        return render_to_string(
            template,
            {
                **context,
                "user": AnonymousUser(),
                "request": public_request(path, language),
                "LANGUAGE_CODE": language,
            },
        )


# --- comments -------------------------------------------------------------------------


@dataclass
class CommentFragment:
    comment_id: int
    proposal_id: int
    parent_id: int | None
    html: str


def _proposal(proposal_id: int) -> Any:
    from proposals import selectors as proposal_selectors
    from proposals.models import Proposal

    try:
        return proposal_selectors.proposal_for_page(proposal_id)
    except Proposal.DoesNotExist:
        return None


def proposal_visible_to(proposal: Any, user: Any) -> bool:
    """The same test as the proposal page: draft processes are for their
    facilitators only; everything else has a public page (hidden content shows as
    a placeholder)."""
    if proposal is None:
        return False
    if proposal.process.status != ProcessStatus.DRAFT:
        return True
    from participation.accounts.rules import is_moderator_of

    return bool(is_moderator_of(user, proposal))


def comment_subtree(comment_id: int, viewer: Any) -> tuple[Any, Any] | None:
    """The proposal and the ``CommentNode`` of one comment with its replies and the
    viewer's votes (three queries: comments, proposal, votes)."""
    from proposals.models import Comment, CommentVote
    from proposals.selectors import CommentNode

    rows = list(
        Comment.objects.filter(
            Q(pk=comment_id) | Q(parent_id=comment_id) | Q(parent__parent_id=comment_id)
        )
        .select_related("author", "author_department", "hidden_by")
        .order_by("created_at", "id")
    )
    root = next((c for c in rows if c.pk == comment_id), None)
    if root is None:
        return None
    proposal = _proposal(root.proposal_id)
    if proposal is None:
        return None
    votes: dict[int, int] = {}
    if getattr(viewer, "is_authenticated", False):
        votes = dict(
            CommentVote.objects.filter(
                user=viewer, comment_id__in=[c.pk for c in rows]
            ).values_list("comment_id", "value")
        )
    nodes = {c.pk: CommentNode(c, votes.get(c.pk, 0)) for c in rows}
    for comment in rows:
        comment.proposal = proposal
        if comment.pk != comment_id and comment.parent_id in nodes:
            nodes[comment.parent_id].children.append(nodes[comment.pk])
    return proposal, nodes[comment_id]


def public_comment(comment_id: int, language: str) -> CommentFragment | None:
    """A comment and its replies as the public sees them (hidden text never shown)."""
    loaded = comment_subtree(comment_id, AnonymousUser())
    if loaded is None:
        return None
    proposal, node = loaded
    if proposal.process.status == ProcessStatus.DRAFT:
        return None
    html = _render_public(
        "proposals/_comment.html",
        {"node": node, "proposal": proposal},
        proposal.get_absolute_url(),
        language,
    )
    return CommentFragment(
        comment_id=comment_id,
        proposal_id=proposal.pk,
        parent_id=node.comment.parent_id,
        html=html.strip(),
    )


def comment_votes(comment_id: int) -> dict[str, int] | None:
    from proposals.models import Comment

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
    from proposals.models import Proposal

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
            "comments_label": ngettext("%(n)d comment", "%(n)d comments", comments)
            % {"n": comments},
        }


def comment_fragment_url(comment_id: int) -> str:
    return reverse("live:comment_fragment", args=[comment_id])


# --- live sessions --------------------------------------------------------------------


@dataclass
class OpinionFragment:
    opinion_id: int
    session_id: int
    hidden: bool
    pinned: bool
    html: str
    pinned_html: str


def render_opinion(
    opinion: Any,
    *,
    viewer: Any,
    language: str,
    facilitator: bool,
    projector: bool = False,
) -> tuple[str, str]:
    """An opinion in the stream and, when pinned, in the pinned list."""
    context = {
        "opinion": opinion,
        "session": opinion.session,
        "tools": facilitator and not projector,
        "can_see_hidden": facilitator and not projector,
        "projector": projector,
        "viewer": viewer,
    }
    with translation.override(language):
        html = render_to_string("live/_opinion.html", context).strip()
        pinned_html = ""
        if opinion.is_pinned and not opinion.is_hidden:
            pinned_html = render_to_string(
                "live/_opinion.html", {**context, "in_pinned": True}
            ).strip()
    return html, pinned_html


def opinion_fragment(
    opinion_id: int, *, language: str, facilitator: bool, projector: bool = False
) -> OpinionFragment | None:
    """One opinion for a session's stream. Public (``facilitator=False``) fragments
    never contain the text of a hidden opinion."""
    from participation.live.models import Opinion

    try:
        opinion = live_selectors.opinion_for_render(opinion_id)
    except Opinion.DoesNotExist:
        return None
    html, pinned_html = render_opinion(
        opinion,
        viewer=None,
        language=language,
        facilitator=facilitator,
        projector=projector,
    )
    return OpinionFragment(
        opinion_id=opinion.pk,
        session_id=opinion.session_id,
        hidden=opinion.is_hidden,
        pinned=opinion.is_pinned and not opinion.is_hidden,
        html=html,
        pinned_html=pinned_html,
    )


def session_visible_to(session: Any, user: Any) -> bool:
    return live_rules.session_view_refusal(user, session) is None


def session_header(session_id: int, language: str) -> dict[str, Any] | None:
    """The status line of a session (public), for pages that stay open."""
    from participation.live.models import LiveSession

    try:
        session = live_selectors.session_for_page(session_id)
    except LiveSession.DoesNotExist:
        return None
    with translation.override(language):
        html = render_to_string(
            "live/_session_status.html", {"session": session}
        ).strip()
        themes = [{"id": t.pk, "name": t.name} for t in session.themes.all()]
        label = gettext("Opinions are open.") if session.is_open else ""
    return {
        "status": session.status,
        "html": html,
        "themes": themes,
        "open_label": label,
    }
