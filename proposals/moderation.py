"""Proposals and comments as content facilitators can report, hide and restore
(registered with the core's moderation registry from ``ProposalsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from participation.moderation import registry
from proposals.audience import proposal_audience
from proposals.live import PROPOSAL


def _proposal_audience(proposal: Any) -> dict[int, str]:
    return proposal_audience(proposal)


def _proposal_target(proposal: Any) -> tuple[str, dict[str, Any]]:
    return PROPOSAL.name(proposal.pk), {"proposal_id": proposal.pk}


def _comment_target(comment: Any) -> tuple[str, dict[str, Any]]:
    return PROPOSAL.name(comment.proposal_id), {
        "proposal_id": comment.proposal_id,
        "comment_id": comment.pk,
    }


PROPOSAL_KIND = registry.register(
    "proposals.proposal",
    "proposal",
    related=("author", "process", "hidden_by"),
    hidden_event="proposal.status_changed",
    changed_event="proposal.status_changed",
    live=_proposal_target,
    audience=_proposal_audience,
)
COMMENT_KIND = registry.register(
    "proposals.comment",
    "comment",
    related=("author", "proposal", "proposal__process", "hidden_by"),
    hidden_event="proposal.comment_hidden",
    changed_event="proposal.comment_changed",
    live=_comment_target,
)
