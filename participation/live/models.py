"""The live transport's one table: the event log for reconnect catch-up."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveEvent(models.Model):
    """One broadcast to a group, kept for a while so that a client that reconnects
    after a drop can ask for what it missed since its last seen event id.

    Payloads carry ids only (never rendered or hidden content): replays are rendered
    again for each recipient, with their permissions, from the current state.
    """

    group = models.CharField(max_length=100)
    type = models.CharField(max_length=80)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table was created by the live app before the transport had its own
        # label (see migrations/0001_initial.py); its name stays.
        db_table = "live_liveevent"
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        indexes = [
            models.Index(fields=["group", "id"], name="liveevent_group_id"),
            models.Index(fields=["created_at"], name="liveevent_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.group} {self.type}"
