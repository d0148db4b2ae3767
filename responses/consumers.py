"""The live door of the tracker pages: ``/ws/tracker/`` (group ``tracker``)."""

from __future__ import annotations

from typing import Any

from participation.live.consumers import LiveConsumer, as_int
from responses.live import TRACKER


class TrackerConsumer(LiveConsumer):
    """``/ws/tracker/``: rows of the public tracker and department pages."""

    kind = "tracker"
    event_prefix = "tracker."

    async def authorize(self, *, initial: bool) -> tuple[int, str, str] | None:
        self.group = TRACKER.name()
        return None

    def fanout_variant(self, event: dict[str, Any]) -> Any:
        return ()  # the same row message for everybody

    def coalesce_key(self, event: dict[str, Any]) -> Any:
        return (event.get("type"), event.get("proposal_id"))

    async def tracker_row_changed(self, event: dict[str, Any]) -> None:
        proposal_id = as_int(event.get("proposal_id"))
        if proposal_id is None:
            return
        # The browser refreshes the row from the page it shows (public over HTTP).
        await self.send_json(
            {
                "type": "row",
                "event_id": event.get("event_id"),
                "proposal_id": proposal_id,
            }
        )
