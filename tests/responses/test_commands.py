"""The overdue notification command (for cron / systemd timers)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from participation.notifications.models import Notification
from responses.models import TrackerEntry


def test_notify_overdue_command_is_idempotent(assigned, official):
    TrackerEntry.objects.filter(pk=assigned.pk).update(
        response_due_at=assigned.entered_at - timedelta(days=1)
    )
    out = StringIO()
    call_command("notify_overdue", stdout=out)
    call_command("notify_overdue", stdout=out)
    assert "Overdue proposals notified: 1" in out.getvalue()
    assert "Overdue proposals notified: 0" in out.getvalue()
    assert Notification.objects.filter(kind="tracker.overdue").count() == 1
