"""Fragments of a meeting session for the live layer: an opinion (public,
projector or facilitator version) and the session's status line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from meetings import selectors as live_selectors
from meetings.models import LiveSession, Opinion
from participation.accounts.types import Viewer


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
    viewer: Viewer,
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
        html = render_to_string("meetings/_opinion.html", context).strip()
        pinned_html = ""
        if opinion.is_pinned and not opinion.is_hidden:
            pinned_html = render_to_string(
                "meetings/_opinion.html", {**context, "in_pinned": True}
            ).strip()
    return html, pinned_html


def opinion_fragment(
    opinion_id: int, *, language: str, facilitator: bool, projector: bool = False
) -> OpinionFragment | None:
    """One opinion for a session's stream. Public (``facilitator=False``) fragments
    never contain the text of a hidden opinion."""

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


def session_header(session_id: int, language: str) -> dict[str, Any] | None:
    """The status line of a session (public), for pages that stay open."""

    try:
        session = live_selectors.session_for_page(session_id)
    except LiveSession.DoesNotExist:
        return None
    with translation.override(language):
        html = render_to_string(
            "meetings/_session_status.html", {"session": session}
        ).strip()
        themes = [{"id": t.pk, "name": t.name} for t in session.themes.all()]
        label = gettext("Opinions are open.") if session.is_open else ""
    return {
        "status": session.status,
        "html": html,
        "themes": themes,
        "open_label": label,
    }
