"""Notification e-mails: how one is written, and the hooks domain apps register.

Every e-mail is rendered in the recipient's language (``User.language``) from what
was captured when the notification was created (``kinds.render`` of its kind and
data, the reason sentence), never from the live record: a target hidden since
cannot leak its text, and the app that owns a target may withhold the e-mail
altogether (:func:`register_veto`).

Templates (``templates/notifications/email/``): ``base.txt`` and ``base.html``
with a ``body`` block; a kind may have its own ``kinds/<kind>.txt`` and
``kinds/<kind>.html`` (dots as underscores: ``kinds/tracker_completed.html``)
extending them. Their context: ``site_name``, ``site_url``, ``recipient_name``,
``message``, ``reason``, ``link`` (absolute), ``unsubscribe_url`` (empty for
locked reminders), ``preferences_url``, ``group_label``, ``notification``, plus
whatever the functions registered with :func:`register_context` return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from participation.notifications import groups
from participation.notifications.models import Notification
from participation.site_url import absolute_url, site_domain, site_url

ContextFunc = Callable[[Notification], dict[str, Any]]
VetoFunc = Callable[[set[int]], set[int]]

_CONTEXT: dict[str, list[ContextFunc]] = {}
_VETOES: dict[str, VetoFunc] = {}

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# The unsubscribe "group" of a digest: every group received in a digest.
DIGESTS = "digests"


def register_context(kind: str, func: ContextFunc) -> None:
    """Add per-recipient context to the e-mails of ``kind``: ``func(notification)``
    returns a dict merged into the template context (called in the recipient's
    language, in the worker). Register in the app's ``ready()``."""
    _CONTEXT.setdefault(kind, []).append(func)


def register_veto(model_label: str, func: VetoFunc) -> None:
    """Let the app owning ``model_label`` ("proposals.proposal") withhold e-mails
    about its records: ``func(ids)`` receives the target ids of a batch about to be
    sent and returns those that must not be (hidden, withdrawn, deleted). Only
    notifications created with ``notify(target=...)`` are checked."""
    _VETOES[model_label.lower()] = func


def withheld(notifications: Iterable[Notification]) -> set[int]:
    """The ids of ``notifications`` whose target's app vetoes sending them (one
    call per model for the whole batch)."""
    by_model: dict[int, dict[int, list[int]]] = {}
    for n in notifications:
        if n.target_type_id and n.target_id:
            by_model.setdefault(n.target_type_id, {}).setdefault(
                n.target_id, []
            ).append(n.pk)
    out: set[int] = set()
    for type_id, targets in by_model.items():
        label = ContentType.objects.get_for_id(type_id).model_class()
        if label is None:
            continue
        veto = _VETOES.get(label._meta.label_lower)
        if veto is None:
            continue
        for target_id in veto(set(targets)):
            out.update(targets.get(target_id, ()))
    return out


# --- Unsubscribe links -------------------------------------------------------------
def unsubscribe_token(user_id: int, group: str) -> str:
    return signing.dumps({"u": user_id, "g": group}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, group) of a token; raises ``signing.SignatureExpired`` when it is
    older than NOTIFY_UNSUBSCRIBE_DAYS, ``signing.BadSignature`` when tampered."""
    max_age = settings.NOTIFY_UNSUBSCRIBE_DAYS * 86400
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age)
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("u"), int)
        or (value.get("g") not in groups.GROUPS and value.get("g") != DIGESTS)
    ):
        raise signing.BadSignature("malformed unsubscribe token")
    return value["u"], value["g"]


def unsubscribe_url(user_id: int, group: str) -> str:
    return absolute_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, group)])
    )


# --- Writing one e-mail -----------------------------------------------------------
def site_name() -> str:
    return settings.SITE_NAME or _("Participation")


def link(url: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return absolute_url(url)
    return absolute_url(reverse("notifications:list"))


def _subject(text: str) -> str:
    line = " ".join(text.split())
    if len(line) > 120:
        line = line[:119] + "…"
    return f"[{site_name()}] {line}"


def _template_names(kind: str, ext: str) -> list[str]:
    return [
        f"notifications/email/kinds/{kind.replace('.', '_')}.{ext}",
        f"notifications/email/base.{ext}",
    ]


def headers_for(unsubscribe: str, message_id: str) -> dict[str, str]:
    headers = {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
    if unsubscribe:
        # RFC 8058: one POST to this address unsubscribes, without signing in.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def notification_email(
    notification: Notification, *, to: str, idstring: str
) -> EmailMultiAlternatives:
    """The e-mail of one notification to its recipient at ``to``, in their
    language (the caller checked that it may be sent)."""
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        group = groups.group_of(notification.kind, notification.reason)
        locked = groups.is_locked_reminder(notification.kind)
        unsubscribe = "" if locked else unsubscribe_url(recipient.pk, group)
        message = notification.message
        context: dict[str, Any] = {
            "site_name": site_name(),
            "site_url": site_url(),
            "recipient_name": recipient.real_name,
            "language": translation.get_language(),
            "message": message,
            "reason": notification.reason_text,
            "link": link(notification.url),
            "unsubscribe_url": unsubscribe,
            "locked_reminder": locked,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "group_label": groups.GROUPS[group][0],
            "notification": notification,
        }
        for func in _CONTEXT.get(notification.kind, ()):
            context.update(func(notification))
        text = select_template(_template_names(notification.kind, "txt")).render(
            context
        )
        html = select_template(_template_names(notification.kind, "html")).render(
            context
        )
        subject = _subject(message)
    return _message(
        subject, text, html, to=to, unsubscribe=unsubscribe, idstring=idstring
    )


def _message(
    subject: str, text: str, html: str, *, to: str, unsubscribe: str, idstring: str
) -> EmailMultiAlternatives:
    """Both parts, to the one recipient, with the unsubscribe headers and a
    Message-ID on the site's domain."""
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers_for(
            unsubscribe, make_msgid(idstring=idstring, domain=_domain())
        ),
    )
    email.attach_alternative(html, "text/html")
    return email


def _domain() -> str:
    return site_domain().split(":")[0] or "localhost"


def digest_email(
    *,
    recipient: Any,
    to: str,
    period: str,
    answers: list[Notification],
    targets: list[dict[str, Any]],
    total: int,
    idstring: str,
    blocks: Sequence[dict[str, Any]] = (),
) -> EmailMultiAlternatives:
    """A digest: answers first (already sent one by one), then the other news
    grouped by what it is about, with counts, then the blocks registered by other
    apps (``digests.register_block``)."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        title = _("Your daily digest") if period == "daily" else _("Your weekly digest")
        context = {
            "site_name": site_name(),
            "site_url": site_url(),
            "recipient_name": recipient.real_name,
            "language": translation.get_language(),
            "title": title,
            "answers": [
                {"message": n.message, "reason": n.reason_text, "link": link(n.url)}
                for n in answers
            ],
            "targets": targets,
            "total": total,
            "blocks": list(blocks),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "notifications_url": absolute_url(reverse("notifications:list")),
        }
        unsubscribe = context["unsubscribe_url"] = unsubscribe_url(
            recipient.pk, DIGESTS
        )
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
        subject = _subject(title)
    return _message(
        subject, text, html, to=to, unsubscribe=unsubscribe, idstring=idstring
    )
