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

import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from participation.moderation.selectors import PageTools
from participation.templatetags.participation import tr
from participation.text import stored_html
from proposals.templatetags.proposals_tags import (
    epoch_us,
    more_replies_label,
    more_replies_pattern,
)

_lock = threading.Lock()
_environment: Any = None


def _jinja() -> Any:
    """The Jinja2 environment, made on first use (Jinja2 is not loaded at start-up:
    a process that never renders a comment never imports it)."""
    global _environment
    if _environment is None:
        with _lock:
            if _environment is None:
                import jinja2

                _environment = jinja2.Environment(
                    loader=jinja2.FileSystemLoader(
                        settings.BASE_DIR / "templates" / "jinja2"
                    ),
                    autoescape=True,
                    auto_reload=settings.DEBUG,
                    undefined=jinja2.StrictUndefined,
                )
    return _environment


@cache
def _words(language: str) -> dict[str, str]:
    """The card's words in ``language`` (the active one when called)."""
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


def words() -> dict[str, str]:
    return _words(get_language() or settings.LANGUAGE_CODE)


class _Address:
    """``/comments/<id>/vote/`` and the like without a ``reverse()`` per comment:
    reversed once with a stand-in id, which is then replaced."""

    STAND_IN = 2_147_483_647

    def __init__(self, name: str, *args: Any) -> None:
        path = reverse(name, args=[*args, self.STAND_IN])
        self.before, _sep, self.after = path.rpartition(str(self.STAND_IN))

    def __call__(self, pk: int) -> str:
        return f"{self.before}{int(pk)}{self.after}"


@dataclass
class _Addresses:
    detail: str
    profile: _Address
    vote: _Address
    edit: _Address
    delete: _Address
    report: _Address


class _Dates:
    """Dates in the UI language's formats, looked up once per page."""

    def __init__(self) -> None:
        self.date_format = formats.get_format("DATE_FORMAT")
        self.datetime_format = formats.get_format("DATETIME_FORMAT")

    def date(self, value: Any) -> str:
        return dateformat.format(localtime(value), self.date_format) if value else ""

    def datetime(self, value: Any) -> str:
        if not value:
            return ""
        return dateformat.format(localtime(value), self.datetime_format)


def _iso(value: Any) -> str:
    return localtime(value).isoformat() if value else ""


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
        self.csrf = _csrf_field(context)
        self.template = _jinja().get_template("proposals/comment.html")
        self._replies: tuple[Any, ...] | None = None
        when = _Dates()
        self.base = {
            "proposal": self.proposal,
            "caps": self.caps,
            "t": words(),
            "url": _Addresses(
                detail=reverse("proposals:detail", args=[self.proposal.pk]),
                profile=_Address("accounts:profile"),
                vote=_Address("proposals:comment_vote"),
                edit=_Address("proposals:comment_edit"),
                delete=_Address("proposals:comment_delete"),
                report=_Address("moderation:report", "comment"),
            ),
            "csrf": self.csrf,
            "standalone": bool(context.get("standalone")),
            "when": when.datetime,
            "day": when.date,
            "iso": _iso,
            "epoch_us": epoch_us,
            "tr": tr,
            "user_html": lambda comment: stored_html(comment, "body"),
            "tools": PageTools(self.viewer, self.proposal, self.caps),
            "moderation": self._moderation,
            "more_replies": self._more_replies,
        }

    def render(self, node: Any) -> SafeString:
        return mark_safe(self.template.render({**self.base, "node": node}))  # noqa: S308 - autoescaped

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
                _Address("proposals:comment_replies"),
                _Address("proposals:comment_replies_fragment"),
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
    page = page or _Address("proposals:comment_replies")
    fragment = fragment or _Address("proposals:comment_replies_fragment")
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


def _csrf_field(context: Any) -> SafeString:
    token = context.get("csrf_token")
    if token is None and context.get("request") is not None:
        token = get_token(context["request"])
    if not token or token == "NOTPROVIDED":
        return mark_safe("")
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
    )


def render_cards(context: Any, nodes: Any) -> SafeString:
    """``{% comment_cards comments %}``: each comment of a list with its replies on
    the page, sharing one :class:`CardContext`."""
    shared = CardContext(context)
    return mark_safe("".join(shared.render(node) for node in nodes))  # noqa: S308 - autoescaped cards
