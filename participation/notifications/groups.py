"""Kind groups: what a person chooses how to receive by e-mail.

A person does not set a preference per kind (there are twenty) but per group of
kinds, and a notification's group depends on its kind *and* on why the person
receives it: a response to a proposal is "my proposals" for its author and
"proposals I support or follow" for a supporter.

Each group has an e-mail mode per person (:class:`Mode`), default ``DEFAULTS``.
In-app notifications are not affected by the mode: they are always kept.

Two rules stand above the modes:

- *answers* (``ANSWER_KINDS``) about a person's own proposal or one they support
  are always e-mailed immediately (unless the group is "never", which is what an
  unsubscribe sets) and also listed at the top of the person's next digest;
- officials' deadline reminders (``REMINDER_KINDS``) cannot be turned off by the
  official alone while ``NOTIFY_OFFICIAL_REMINDERS_LOCKED`` is on (the default).

A domain app that adds a kind names its group in ``KIND_GROUPS`` (or in
``PROPOSAL_NEWS`` when the group follows the reason); an unknown kind is "other".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    NEVER = "never", pgettext_lazy("e-mail mode", "Never")


DIGEST_MODES = (Mode.DAILY, Mode.WEEKLY)

# Group code → (label, help text). The order is the preferences page's.
GROUPS = {
    "own_proposals": (
        _("My proposals"),
        _("Responses, decisions, progress and completion of proposals you wrote."),
    ),
    "supported": (
        _("Proposals I support or follow"),
        _("The same news about proposals you support, follow or commented on."),
    ),
    "discussion": (
        _("Replies and comments"),
        _("New comments on proposals you follow and replies to your comments."),
    ),
    "moderation": (
        _("Moderation of my content"),
        _("When your content is hidden or your account is restricted."),
    ),
    "official": (
        _("Official work"),
        _("Proposals assigned to your department, deadlines, disputes and ratings."),
    ),
    "facilitation": (
        _("Facilitation"),
        _("Content hidden after reports and reports waiting in your processes."),
    ),
    "other": (
        _("Other news"),
        _("Live sessions and everything else."),
    ),
}

DEFAULTS = {
    "own_proposals": Mode.IMMEDIATE,
    "supported": Mode.DAILY,
    "discussion": Mode.DAILY,
    "moderation": Mode.IMMEDIATE,
    "official": Mode.IMMEDIATE,
    "facilitation": Mode.IMMEDIATE,
    "other": Mode.WEEKLY,
}

# Kinds about a proposal whose group follows the reason (author → own_proposals,
# department → official, facilitator → facilitation, anyone else → supported).
PROPOSAL_NEWS = {
    "proposal.threshold_reached",
    "response.published",
    "response.revised",
    "tracker.status_changed",
    "tracker.progress",
    "tracker.completed",
    "tracker.dispute_answered",
    "tracker.forwarded",
    "tracker.review_due",
    "tracker.questionnaire",
    "proposal.hidden",
    "proposal.withdrawn",
}
_BY_REASON = {
    "author": "own_proposals",
    "department": "official",
    "facilitator": "facilitation",
}

# Kinds whose group is the same for everyone.
KIND_GROUPS = {
    "comment.created": "discussion",
    "comment.reply": "discussion",
    "response.commented": "official",
    "response.rated": "official",
    "moderation.hidden": "moderation",
    "moderation.blocked": "moderation",
    "moderation.content_hidden": "moderation",
    "tracker.dispute_waiting": "official",
    "moderation.auto_hidden": "facilitation",
    "moderation.reports_waiting": "facilitation",
    "proposal.assigned": "official",
    "tracker.disputed": "official",
    "tracker.overdue": "official",
    "tracker.deadline_near": "official",
    "draft.submitted": "official",
    "draft.returned": "official",
    "draft.approved": "official",
    "live.minutes_published": "other",
    "live.proposal_drafted": "own_proposals",
}

# Answers about a person's own or supported proposal: always immediate.
ANSWER_KINDS = {
    "response.published",
    "response.revised",
    "tracker.status_changed",
    "tracker.completed",
    "tracker.questionnaire",
}
ANSWER_REASONS = {"author", "supporter"}

# Officials' deadline reminders (see NOTIFY_OFFICIAL_REMINDERS_LOCKED).
REMINDER_KINDS = {"tracker.deadline_near", "tracker.overdue"}


def group_of(kind: str, reason: str = "") -> str:
    """The group of a notification of ``kind`` received for ``reason``."""
    if kind in PROPOSAL_NEWS:
        return _BY_REASON.get(reason, "supported")
    return KIND_GROUPS.get(kind, "other")


def is_answer(kind: str, reason: str) -> bool:
    """An answer about the person's own or supported proposal (always immediate,
    and listed at the top of the next digest)."""
    return kind in ANSWER_KINDS and reason in ANSWER_REASONS


def reminders_locked() -> bool:
    return bool(getattr(settings, "NOTIFY_OFFICIAL_REMINDERS_LOCKED", True))


def is_locked_reminder(kind: str) -> bool:
    return kind in REMINDER_KINDS and reminders_locked()


def email_mode(kind: str, reason: str, modes: dict[str, str]) -> str:
    """How a notification is e-mailed to a person whose chosen modes (group →
    mode, missing groups at their default) are ``modes``: ``immediate``, ``daily``,
    ``weekly`` or ``never``."""
    group = group_of(kind, reason)
    mode = modes.get(group, DEFAULTS[group])
    if is_locked_reminder(kind):
        return Mode.IMMEDIATE
    if mode == Mode.NEVER:
        return Mode.NEVER
    if is_answer(kind, reason):
        return Mode.IMMEDIATE
    return str(mode)
