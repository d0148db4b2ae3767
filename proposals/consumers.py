"""The live door of a proposal page: ``/ws/proposals/<id>/`` (group
``proposal.<id>``). Comments, comment votes, counts, status and the tracker panel;
public fragments are rendered once per event and language and shared."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Viewer
from participation.live.consumers import (
    CLOSE_NOT_ALLOWED,
    CLOSE_NOT_FOUND,
    LiveConsumer,
    as_int,
    event_key,
    second_bucket,
    shared_loads,
)
from participation.spaces.models import ProcessStatus
from proposals import fragments
from proposals.live import PROPOSAL
from proposals.models import Proposal


def _proposal_process_status(proposal_id: int) -> str | None:
    """The status of the proposal's process (None: no such proposal)."""

    row = (
        Proposal.objects.filter(pk=proposal_id)
        .values_list("process__status", flat=True)
        .first()
    )
    return row


def _proposal_visibility(proposal_id: int, user: Viewer) -> bool | None:

    proposal = Proposal.objects.select_related("process").filter(pk=proposal_id).first()
    if proposal is None:
        return None
    return fragments.proposal_visible_to(proposal, user)


class ProposalConsumer(LiveConsumer):
    """``/ws/proposals/<id>/``: comments, votes, counts, status and tracker panel."""

    kind = "proposal"
    event_prefix = "proposal."
    proposal_id = 0

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        self.proposal_id = int(self.scope["url_route"]["kwargs"]["proposal_id"])
        self.group = PROPOSAL.name(self.proposal_id)
        # Pages of published processes are public: one shared read per second
        # tells; only draft processes need the visitor's own rights.
        status = await shared_loads().get(
            ("proposal-status", self.proposal_id, second_bucket()),
            _proposal_process_status,
            self.proposal_id,
        )
        if status is None:
            visible: bool | None = None
        elif status != ProcessStatus.DRAFT:
            visible = True
        else:
            visible = await database_sync_to_async(_proposal_visibility)(
                self.proposal_id, self.user
            )
        if visible is None:
            return (
                CLOSE_NOT_FOUND,
                "not_found",
                self.text(_("This page does not exist.")),
            )
        if not visible:
            return (
                CLOSE_NOT_ALLOWED,
                "permission_denied",
                self.text(_("You may not follow this page.")),
            )
        return None

    def fanout_variant(self, event: dict[str, Any]) -> Any:
        # Every message here depends on the language and, for comments, on
        # whether the visitor is signed in (the personal URL): nothing else.
        return (self.language, bool(getattr(self.user, "is_authenticated", False)))

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        event_type = event.get("type", "")
        if event_type in COMMENT_EVENTS:
            return ("comment", event.get("comment_id"))
        if event_type == "proposal.comment_votes_changed":
            return ("votes", event.get("comment_id"))
        if event_type == "proposal.counts_changed":
            return ("counts",)
        return (event_type,)

    async def _comment(self, event: dict[str, Any]) -> None:
        comment_id = as_int(event.get("comment_id"))
        if comment_id is None:
            return
        fragment = await shared_loads().get(
            event_key(event, "comment", comment_id, self.language),
            fragments.public_comment,
            comment_id,
            self.language,
        )
        if fragment is None or fragment.proposal_id != self.proposal_id:
            return
        signed_in = bool(getattr(self.user, "is_authenticated", False))

        def build() -> dict[str, Any]:
            message = {
                "type": "comment",
                "event_id": event.get("event_id"),
                "comment_id": comment_id,
                "parent_id": fragment.parent_id,
                "root_id": fragment.root_id,
                "root_replies": fragment.root_replies,
                "html": fragment.html,
            }
            if signed_in:
                message["personal_url"] = fragments.comment_fragment_url(comment_id)
            return message

        await self.send_shared(
            event_key(event, "comment-text", comment_id, self.language, signed_in),
            build,
        )

    proposal_comment_created = _comment
    proposal_comment_changed = _comment
    proposal_comment_hidden = _comment

    async def proposal_comment_votes_changed(self, event: dict[str, Any]) -> None:
        comment_id = as_int(event.get("comment_id"))
        if comment_id is None:
            return
        votes = await shared_loads().get(
            event_key(event, "votes", comment_id), fragments.comment_votes, comment_id
        )
        if votes is not None:
            await self.send_shared(
                event_key(event, "votes-text", comment_id),
                lambda: {
                    "type": "comment_votes",
                    "event_id": event.get("event_id"),
                    **votes,
                },
            )

    async def proposal_counts_changed(self, event: dict[str, Any]) -> None:
        counts = await shared_loads().get(
            event_key(event, "counts", self.proposal_id, self.language),
            fragments.proposal_counts,
            self.proposal_id,
            self.language,
        )
        if counts is not None:
            await self.send_shared(
                event_key(event, "counts-text", self.proposal_id, self.language),
                lambda: {"type": "counts", "event_id": event.get("event_id"), **counts},
            )

    async def proposal_status_changed(self, event: dict[str, Any]) -> None:
        await self._refresh(event, "proposal")

    async def proposal_tracker_changed(self, event: dict[str, Any]) -> None:
        await self._refresh(event, "tracker")

    async def _refresh(self, event: dict[str, Any], region: str) -> None:
        # Only "something changed": the browser fetches the page over HTTP, where
        # the normal permissions apply, and swaps the region in.
        await self.send_json(
            {
                "type": "refresh",
                "event_id": event.get("event_id"),
                "region": region,
                "message": self.text(
                    _("This page has been updated. Reload it to see the changes.")
                ),
            }
        )


COMMENT_EVENTS = frozenset(
    {
        "proposal.comment_created",
        "proposal.comment_changed",
        "proposal.comment_hidden",
    }
)
