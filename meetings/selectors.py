"""Reads for live meeting sessions, with fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from meetings.models import (
    LiveSession,
    Opinion,
    SessionStatus,
    SessionTheme,
)


def session_list(*, process: Any = None, status: str = "") -> QuerySet[LiveSession]:
    """Sessions with their process and the number of visible opinions (one query)."""
    qs = LiveSession.objects.public().select_related("process")
    if process is not None:
        qs = qs.filter(process=process)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        opinion_total=Count("opinions", filter=Q(opinions__hidden_at__isnull=True))
    )


def upcoming_and_open(*, process: Any = None) -> QuerySet[LiveSession]:
    return (
        session_list(process=process)
        .filter(status__in=[SessionStatus.OPEN, SessionStatus.SCHEDULED])
        .order_by("-status", "starts_at", "id")
    )


def past_sessions(*, process: Any = None) -> QuerySet[LiveSession]:
    return (
        session_list(process=process)
        .filter(status__in=[SessionStatus.CLOSED, SessionStatus.CANCELLED])
        .order_by("-starts_at", "-id")
    )


def session_for_page(pk: int) -> LiveSession:
    return (
        LiveSession.objects.select_related("process", "created_by", "closed_by")
        .prefetch_related(
            Prefetch("themes", queryset=SessionTheme.objects.order_by("position", "id"))
        )
        .get(pk=pk)
    )


def _opinions(session: LiveSession) -> QuerySet[Opinion]:
    return Opinion.objects.filter(session=session).select_related(
        "author", "theme", "hidden_by", "proposal_draft"
    )


def opinion_for_render(pk: int) -> Opinion:
    """One opinion with what its template shows (one query)."""
    return Opinion.objects.select_related(
        "author", "theme", "hidden_by", "proposal_draft", "session", "session__process"
    ).get(pk=pk)


@dataclass
class Stream:
    """The opinions of a session as shown during the meeting."""

    pinned: list[Opinion] = field(default_factory=list)
    items: list[Opinion] = field(default_factory=list)
    total: int = 0


def stream(session: LiveSession) -> Stream:
    """All opinions, oldest first, with pinned ones also listed on top (one query).

    Hidden opinions stay in the list as placeholders (moderation is transparent);
    the opinion template shows their text only to those allowed to see it.
    """
    items = list(_opinions(session).order_by("created_at", "id"))
    pinned = [o for o in items if o.pinned_at is not None and not o.is_hidden]
    pinned.sort(
        key=lambda o: o.pinned_at.timestamp() if o.pinned_at else 0.0, reverse=True
    )
    total = sum(1 for o in items if not o.is_hidden)
    return Stream(pinned=pinned, items=items, total=total)


@dataclass
class ThemeGroup:
    theme: SessionTheme | None
    opinions: list[Opinion]


@dataclass
class Minutes:
    session: LiveSession
    groups: list[ThemeGroup]
    highlighted: list[Opinion]
    opinion_count: int
    hidden_count: int
    participant_count: int
    guest_count: int


def minutes(session: LiveSession) -> Minutes:
    """The public record of a closed session: opinions grouped by theme (themes in
    the facilitator's order, then the unthemed), highlights first; two queries."""
    opinions = list(_opinions(session).order_by("created_at", "id"))
    themes = list(session.themes.all())
    by_theme: dict[int | None, list[Opinion]] = {t.pk: [] for t in themes}
    by_theme[None] = []
    for opinion in opinions:
        by_theme.setdefault(opinion.theme_id, []).append(opinion)
    groups = [ThemeGroup(t, by_theme[t.pk]) for t in themes if by_theme[t.pk]]
    if by_theme[None]:
        groups.append(ThemeGroup(None, by_theme[None]))
    visible = [o for o in opinions if not o.is_hidden]
    return Minutes(
        session=session,
        groups=groups,
        highlighted=[o for o in visible if o.highlighted],
        opinion_count=len(visible),
        hidden_count=len(opinions) - len(visible),
        participant_count=len({o.author_id for o in visible if o.author_id}),
        guest_count=len(
            {o.guest_key or o.guest_name for o in visible if not o.author_id}
        ),
    )


def sessions_for_process(process: Any, *, limit: int = 5) -> list[LiveSession]:
    """Open and upcoming sessions first, then the latest minutes (one query)."""
    rows = list(session_list(process=process).order_by("-starts_at", "-id")[:50])
    active = [
        s for s in rows if s.status in (SessionStatus.OPEN, SessionStatus.SCHEDULED)
    ]
    active.sort(key=lambda s: (s.status != SessionStatus.OPEN, s.starts_at))
    past = [s for s in rows if s.status == SessionStatus.CLOSED]
    return (active + past)[:limit]
