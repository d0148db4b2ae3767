"""The completion questionnaire's one-click links (as FixMyStreet asks "is it
fixed?"): when an implementation is marked completed, and again
``TRACKER_QUESTIONNAIRE_WEEKS`` later, the author and supporters receive an e-mail
with two signed links, "yes, it is done" and "no, it is not".

A link carries (recipient, entry, completion round), signed with its own salt and
valid ``TRACKER_QUESTIONNAIRE_LINK_DAYS``. Opening it never answers (mail scanners
prefetch links): "yes" shows a page with one button whose POST records the
confirmation without signing in; "no" leads to the dispute form, which asks to sign
in (a dispute needs a written reason under the person's name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from participation.site_url import absolute_url

if TYPE_CHECKING:
    from participation.notifications.models import Notification

SALT = "responses.questionnaire"
KINDS = ("tracker.completed", "tracker.questionnaire")
#: Who is asked (the reasons of the author and of supporters).
ASKED = ("author", "supporter")


@dataclass(frozen=True)
class Ticket:
    user_id: int
    entry_id: int
    round: int


def make_token(*, user_id: int, entry_id: int, round: int) -> str:
    return signing.dumps({"u": user_id, "e": entry_id, "r": round}, salt=SALT)


def read_token(token: str) -> Ticket:
    """The ticket of a valid token. Raises ``signing.SignatureExpired`` for an old
    one and ``signing.BadSignature`` for anything tampered with."""
    max_age = settings.TRACKER_QUESTIONNAIRE_LINK_DAYS * 86400
    data = signing.loads(token, salt=SALT, max_age=max_age)
    try:
        return Ticket(int(data["u"]), int(data["e"]), int(data["r"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed questionnaire token") from exc


def questionnaire_urls(*, user_id: int, entry_id: int, round: int) -> tuple[str, str]:
    """The absolute "yes, it is done" and "no, it is not" links for one person."""
    token = make_token(user_id=user_id, entry_id=entry_id, round=round)
    return (
        absolute_url(reverse("responses:questionnaire_done", args=[token])),
        absolute_url(reverse("responses:questionnaire_not_done", args=[token])),
    )


def questionnaire_email_context(notification: Notification) -> dict[str, Any]:
    """Per-kind context hook of the e-mail renderer for ``tracker.completed`` and
    ``tracker.questionnaire``: ``confirm_url`` and ``dispute_url`` for the author
    and supporters; nothing for followers (they are told, not asked)."""
    data = notification.data or {}
    if notification.kind not in KINDS or notification.reason not in ASKED:
        return {}
    try:
        entry_id, round = int(data["entry"]), int(data["round"])
    except (KeyError, TypeError, ValueError):
        return {}
    confirm_url, dispute_url = questionnaire_urls(
        user_id=notification.recipient_id, entry_id=entry_id, round=round
    )
    return {"confirm_url": confirm_url, "dispute_url": dispute_url}
