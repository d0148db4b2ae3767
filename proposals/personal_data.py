"""The proposals app's sections of a person's data ("Your data" page and download),
registered from ``ProposalsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from participation.accounts.personal_data import Section, _values, register
from participation.accounts.types import Viewer
from proposals.models import Comment, CommentVote, Proposal, Support


def _proposal_qs(user: Viewer) -> QuerySet[Any]:
    return Proposal.objects.filter(author=user).order_by("id")


def _comment_qs(user: Viewer) -> QuerySet[Any]:
    return Comment.objects.filter(author=user).order_by("id")


def _support_qs(user: Viewer) -> QuerySet[Any]:
    return Support.objects.filter(user=user).order_by("id")


def _vote_qs(user: Viewer) -> QuerySet[Any]:
    return CommentVote.objects.filter(user=user).order_by("id")


register(
    Section(
        "proposals",
        _("Proposals"),
        lambda user: _proposal_qs(user).count(),
        lambda user: _values(
            _proposal_qs(user),
            "id",
            "process__slug",
            "title",
            "body",
            "category__slug",
            "area__slug",
            "location_text",
            "state",
            "support_count",
            "comment_count",
            "created_at",
            "edited_at",
            "withdrawn_at",
            "hidden_at",
            "hidden_reason",
        ),
    )
)
register(
    Section(
        "comments",
        _("Comments"),
        lambda user: _comment_qs(user).count(),
        lambda user: _values(
            _comment_qs(user),
            "id",
            "proposal_id",
            "parent_id",
            "body",
            "alignment",
            "created_at",
            "edited_at",
            "deleted_at",
            "hidden_at",
            "hidden_reason",
        ),
    )
)
register(
    Section(
        "supports",
        _("Supports"),
        lambda user: _support_qs(user).count(),
        lambda user: _values(_support_qs(user), "proposal_id", "created_at"),
    )
)
register(
    Section(
        "comment_votes",
        _("Votes on comments"),
        lambda user: _vote_qs(user).count(),
        lambda user: _values(_vote_qs(user), "comment_id", "value", "created_at"),
    )
)
