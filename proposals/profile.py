"""The proposals app's lists on a person's public profile, registered from
``ProposalsConfig.ready()``: neither draft processes nor hidden content show."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from participation.accounts import profile
from proposals import selectors
from proposals.models import Comment, Proposal


def public_proposals(person: Any) -> QuerySet[Proposal]:
    return selectors.proposals_by_author(person).public()


def public_comments(person: Any) -> QuerySet[Comment]:
    return selectors.comments_by_author(person).public()


profile.register("proposals", public_proposals)
profile.register("comments", public_comments)
