"""Notification kinds and their messages, in one place.

``data`` holds the values the message needs (titles, names) captured when the
notification was created, so old notifications read correctly later.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from participation.notifications.models import Notification

MESSAGES = {
    "comment.created": _("%(actor)s commented on “%(title)s”."),
    "comment.reply": _("%(actor)s replied to your comment on “%(title)s”."),
    "proposal.threshold_reached": _(
        "“%(title)s” reached its support threshold and entered the tracker."
    ),
    "proposal.assigned": _("“%(title)s” was assigned to %(department)s."),
    "response.published": _("%(department)s published a response to “%(title)s”."),
    "response.revised": _("%(department)s revised its response to “%(title)s”."),
    "tracker.status_changed": _("The status of “%(title)s” is now: %(status)s."),
    "tracker.progress": _("New progress update on “%(title)s”."),
    "tracker.overdue": _("“%(title)s” is overdue for a response."),
    "tracker.disputed": _("%(actor)s disputed the completion of “%(title)s”."),
    "tracker.forwarded": _("“%(title)s” was forwarded to the response tracker."),
    "tracker.completed": _(
        "“%(title)s” is marked as completed. Is it done? You can confirm or dispute."
    ),
    "tracker.dispute_answered": _(
        "%(department)s answered the dispute about “%(title)s”."
    ),
    "response.commented": _("%(actor)s commented on the response to “%(title)s”."),
    "moderation.auto_hidden": _("Content in “%(title)s” was hidden after reports."),
    "moderation.hidden": _("Your content in “%(title)s” was hidden: %(reason)s"),
    "moderation.blocked": _("You have been blocked from taking part: %(reason)s"),
    "live.minutes_published": _(
        "The minutes of the live session “%(title)s” are public."
    ),
    "live.proposal_drafted": _(
        "%(actor)s drafted a proposal from your opinion in “%(title)s”. "
        "Review it and publish it if you agree."
    ),
    "moderation.content_hidden": _(
        "Your content in “%(title)s” was hidden: %(reason)s. If you think this is a "
        "mistake, ask the facilitators of the process to review it; every decision "
        "and its reason is listed in the public moderation log: %(appeal_url)s"
    ),
    "proposal.hidden": _("“%(title)s” was hidden by the facilitators."),
    "proposal.withdrawn": _("“%(title)s” was withdrawn by its author."),
    "response.rated": _("A resident rated your department's response to “%(title)s”."),
    "tracker.deadline_near": _(
        "The response to “%(title)s” is due in %(days)s day(s), on %(due)s."
    ),
    "tracker.dispute_waiting": _(
        "A dispute about the completion of “%(title)s” is waiting for your answer."
    ),
    "tracker.questionnaire": _(
        "“%(title)s” was marked as completed %(weeks)s week(s) ago. Is it really "
        "done? You can confirm or dispute."
    ),
    "tracker.review_due": _(
        "The review date of the decision on “%(title)s” has come (%(review_on)s). "
        "Post an update."
    ),
    # Drafts and approval (決裁): to officials only, never to residents.
    "draft.submitted": _(
        "%(actor)s submitted the draft answer to “%(title)s” for your approval."
    ),
    "draft.returned": _(
        "%(actor)s returned your draft answer to “%(title)s”: %(comment)s"
    ),
    "draft.approved": _(
        "%(actor)s approved your draft answer to “%(title)s”; it is published."
    ),
    "moderation.reports_waiting": _(
        "%(count)s report(s) in “%(process)s” have been waiting for more than "
        "%(hours)s hour(s)."
    ),
}


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "…"


# Values captured as ISO dates ("2026-12-08"), shown as the reader's language writes
# a date (2026年12月8日, Dec. 8, 2026) when the message is rendered.
DATE_VALUES = ("due", "review_on")


def _readable_date(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return value


def render(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind)
    if template is None:
        return str(notification.data.get("text", notification.kind))
    values = _Default(notification.data)
    if "actor" not in values:
        values["actor"] = str(notification.actor) if notification.actor_id else ""
    for key in DATE_VALUES:
        if key in values:
            values[key] = _readable_date(values[key])
    return str(template) % values
