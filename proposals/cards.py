"""A comment's card, rendered fast: the hottest fragment of the site.

A thread page shows 80 comments at most (20 top-level, their first replies). In
Django's template language each card cost about 1.5 ms (some 70 variable lookups,
20 ``{% translate %}``, 5 ``{% url %}`` and 2 dates each, and the nodes between
them), so a signed-in page spent 120 ms rendering its comments. Here the card is a
Jinja2 template (``templates/jinja2/proposals/comment.html``, compiled to Python),
and what does not change from one comment to the next is done once per page: the
words of the UI in the current language (:func:`words`, gettext here so that
``makemessages`` finds them), the addresses (one ``reverse()`` per kind of link, the
comment's id put in its place), the CSRF field, the viewer's capabilities. Notes and
facilitator tools, which few comments carry and only facilitators see, stay in
their Django templates (``moderation/_comment_tools.html``).

Pages render their lists of comments with ``{% comment_cards comments %}``; one
comment alone (the live layer's fragments, the replies page's first comment) with
``{% include "proposals/_comment.html" %}``, which does the same for one node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from participation.cards import (
    Address,
    Dates,
    counter,
    csrf_field,
    per_language,
    render,
    template,
)
from participation.moderation.selectors import PageTools
from participation.templatetags.participation import tr
from participation.text import excerpt, stored_html
from proposals import events
from proposals.templatetags.proposals_tags import (
    epoch_us,
    more_replies_label,
    more_replies_pattern,
)


@per_language
def words() -> dict[str, str]:
    """A comment card's words in the active language."""
    separator = pgettext("separator between two items", ", ")
    return {
        "in_reply_to_earlier": _("In reply to an earlier reply"),
        "deleted_comment": _("Deleted comment"),
        "hidden_comment": _("Hidden comment"),
        "comment_by": _("Comment by %(name)s"),
        "deleted_text": _("This comment was deleted by its author."),
        "hidden_by": _("Hidden by %(name)s on %(date)s: %(reason)s"),
        "hidden_automatically": _(
            "Hidden automatically after several reports, until a facilitator "
            "reviews it."
        ),
        "official": _("Official"),
        "facilitator": _("Facilitator"),
        "proposal_author": _("Proposal author"),
        "edited": _("edited"),
        "hidden_own": _("Hidden: only you and the facilitators can read this text."),
        "hidden_facilitator": _(
            "Hidden from the public: you can read it as a facilitator."
        ),
        "vote_up": _("Vote up") + separator,
        "vote_down": _("Vote down") + separator,
        "votes_up": _("Votes up") + ":",
        "votes_down": _("Votes down") + ":",
        "edit": _("Edit"),
        "delete": _("Delete"),
        "reply": _("Reply"),
        "report": _("Report"),
        "reported": _("You reported this. Thank you."),
    }


@dataclass
class _CommentAddresses:
    detail: str
    profile: Address
    vote: Address
    edit: Address
    delete: Address
    report: Address


class CardContext:
    """What every card of one page shares: made once per list of comments, then
    :meth:`render` per top-level comment (its replies are rendered inside it)."""

    def __init__(self, context: Any) -> None:
        self.outer = context
        self.proposal = context["proposal"]
        self.caps = context["caps"]
        self.viewer = context.get("user") or getattr(
            context.get("request"), "user", None
        )
        self.csrf = csrf_field(context)
        self.template = template("proposals/comment.html")
        self._replies: tuple[Any, ...] | None = None
        when = Dates()
        self.base = {
            "proposal": self.proposal,
            "caps": self.caps,
            "t": words(),
            "url": _CommentAddresses(
                detail=reverse("proposals:detail", args=[self.proposal.pk]),
                profile=Address("accounts:profile"),
                vote=Address("proposals:comment_vote"),
                edit=Address("proposals:comment_edit"),
                delete=Address("proposals:comment_delete"),
                report=Address("moderation:report", "comment"),
            ),
            "csrf": self.csrf,
            "standalone": bool(context.get("standalone")),
            "when": when.datetime,
            "day": when.date,
            "iso": when.iso,
            "epoch_us": epoch_us,
            "tr": tr,
            "user_html": lambda comment: stored_html(comment, "body"),
            "tools": PageTools(self.viewer, self.proposal, self.caps),
            "moderation": self._moderation,
            "more_replies": self._more_replies,
        }

    def render(self, node: Any) -> SafeString:
        return render(self.template, {**self.base, "node": node})

    def _moderation(self, node: Any) -> SafeString:
        """A comment's pinned note and facilitator tools, by their Django templates
        (rare: a note, or a facilitator's page)."""
        flat = self.outer.flatten()
        flat["node"] = node
        return mark_safe(render_to_string("moderation/_comment_tools.html", flat))  # noqa: S308 - a template's output

    def _more_replies(
        self, comment: Any, after: int, hidden: int, total: int
    ) -> SafeString:
        if self._replies is None:
            self._replies = (
                Address("proposals:comment_replies"),
                Address("proposals:comment_replies_fragment"),
            )
        return more_replies_html(comment.pk, after, hidden, total, *self._replies)


def more_replies_html(
    root_pk: int,
    after: int,
    hidden: int,
    total: int,
    page: Any = None,
    fragment: Any = None,
) -> SafeString:
    """ "Show N more replies" below a comment's first replies: without JavaScript
    the link opens ``proposals:comment_replies`` (the next replies after the cursor
    ``after``, a reply's id); with it, proposals.js loads the fragment
    (``data-fragment``) in place and live.js counts new replies in (``data-total``,
    ``data-label-one``/``-other``). ``hidden``: the replies not shown; ``total``:
    all of them. ``page``/``fragment``: the addresses made once per page."""
    page = page or Address("proposals:comment_replies")
    fragment = fragment or Address("proposals:comment_replies_fragment")
    return format_html(
        '<p class="replies-more" data-replies-more data-root-id="{}" '
        'data-total="{}">\n  <a class="button button-small button-secondary" '
        'href="{}?after={}" data-fragment="{}?after={}" data-label-one="{}" '
        'data-label-other="{}">{}</a>\n</p>',
        root_pk,
        total,
        page(root_pk),
        after,
        fragment(root_pk),
        after,
        more_replies_pattern(1),
        more_replies_pattern(2),
        more_replies_label(hidden),
    )


def render_cards(context: Any, nodes: Any) -> SafeString:
    """``{% comment_cards comments %}``: each comment of a list with its replies on
    the page, sharing one :class:`CardContext`."""
    shared = CardContext(context)
    return mark_safe("".join(shared.render(node) for node in nodes))  # noqa: S308 - autoescaped cards


# --- Proposal cards -------------------------------------------------------------------
@per_language
def proposal_words() -> dict[str, str]:
    """A proposal card's words in the active language."""
    return {
        "withdrawn": _("Withdrawn"),
        "threshold_reached": _("Reached the support threshold"),
        "you_support": _("You support this"),
    }


@dataclass
class _ProposalAddresses:
    proposal: Address
    profile: Address
    photo_small: Address


def _card_photos(proposal: Any) -> Any:
    """The first photo when the list's query prefetched it
    (``selectors.with_card_photo``), else none (never a query per card)."""
    return getattr(proposal, "card_photos", None) or ()


class ProposalCards:
    """What every proposal card of one page shares: made once per list, then
    :meth:`render` per proposal. Apps above proposals add their part of a card
    (the tracker's status) through ``events.card_parts``."""

    def __init__(self, context: Any) -> None:
        self.template = template("proposals/proposal_card.html")
        when = Dates()
        self.base = {
            "t": proposal_words(),
            "url": _ProposalAddresses(
                proposal=Address("proposals:detail"),
                profile=Address("accounts:profile"),
                photo_small=Address("proposals:image_small", arity=2),
            ),
            "supported": context.get("supported") or (),
            "photos": _card_photos,
            "day": when.date,
            "iso": when.iso,
            "tr": tr,
            "excerpt": excerpt,
            "supports": counter(
                lambda n: ngettext("%(n)s support", "%(n)s supports", n)
            ),
            "comments": counter(
                lambda n: ngettext("%(n)s comment", "%(n)s comments", n)
            ),
            "parts": events.card_parts(context),
        }

    def render(self, proposal: Any) -> SafeString:
        return render(self.template, {**self.base, "proposal": proposal})


def render_proposal_cards(context: Any, proposals: Any) -> SafeString:
    """``{% proposal_cards proposals %}``: each proposal of a list as its card."""
    shared = ProposalCards(context)
    return mark_safe("".join(shared.render(p) for p in proposals))  # noqa: S308 - autoescaped cards
