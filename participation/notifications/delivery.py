"""Sending notification e-mails, in the worker (never in a web request).

A :class:`~participation.notifications.models.Delivery` row (unique per
notification and channel) is created with the notification and is the
idempotency key: a task *claims* pending rows with one conditional UPDATE (a
token of its own), sends what it claimed over one SMTP connection and records
each outcome, so a task that runs twice, or two workers given the same rows,
send each message once.

Outcomes of an attempt:

- accepted by the server → ``sent``;
- refused permanently for the recipient (5xx to RCPT) → ``dead`` at once, and
  the address is recorded in ``BouncedAddress``: nothing more goes to it until
  its owner confirms it again or changes it;
- any other failure (connection, timeout, 4xx) → ``pending`` again after an
  exponential backoff (``NOTIFY_EMAIL_BACKOFF`` × 2^(attempts-1), at most
  ``NOTIFY_EMAIL_MAX_BACKOFF``), with a task enqueued for then; after
  ``NOTIFY_EMAIL_MAX_ATTEMPTS`` attempts → ``dead``. Dead deliveries are listed
  in the admin (filter by status), which can retry them;
- not to be sent (no verified address, refused address, account inactive, the
  group set to "never" since, the target's app vetoes) → ``skipped`` with the
  reason.

Each accepted message is recorded as sent the moment the server accepts it (one
UPDATE of its own, not at the end of the batch). A worker that dies mid-batch
leaves the rest ``sending``; the periodic sweep (:func:`requeue_stale`) puts them
back after ``NOTIFY_EMAIL_STALE_MINUTES``. SMTP has no two-phase commit, so the one
message in flight at the moment of death (accepted by the server, not yet
recorded) may be sent twice rather than lost: at most one per dead worker.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from participation.notifications import email as emails
from participation.notifications import groups
from participation.notifications.models import (
    BouncedAddress,
    Delivery,
    EmailPreference,
    SendStatus,
)

logger = logging.getLogger(__name__)

SENT = "sent"
RETRY = "retry"
BOUNCED = "bounced"

STALE_MINUTES = 15
# Pending rows older than this without a task (the process died between commit
# and enqueue) are enqueued again by the sweep.
ORPHAN_MINUTES = 30


def recipient_addresses(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's verified primary address (users without one get none)."""
    rows = EmailAddress.objects.filter(
        user_id__in=list(user_ids), primary=True, verified=True
    ).values_list("user_id", "email")
    return dict(rows)


def bounced(addresses: Iterable[str]) -> set[str]:
    wanted = {a.lower() for a in addresses}
    return set(
        BouncedAddress.objects.filter(email__in=wanted).values_list("email", flat=True)
    )


def modes_of(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    modes: dict[int, dict[str, str]] = defaultdict(dict)
    for uid, group, mode in EmailPreference.objects.filter(
        user_id__in=list(user_ids)
    ).values_list("user_id", "group", "mode"):
        modes[uid][group] = mode
    return modes


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    seconds = settings.NOTIFY_EMAIL_BACKOFF * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NOTIFY_EMAIL_MAX_BACKOFF))


def classify(error: BaseException, address: str) -> tuple[str, int]:
    """(outcome, SMTP code) of a failed send: a permanent refusal of the recipient
    bounces, everything else is retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        code = codes[0] if codes else 0
        return (BOUNCED if 500 <= code < 600 else RETRY), code
    if isinstance(error, smtplib.SMTPResponseException):
        return RETRY, error.smtp_code
    return RETRY, 0


def claim(model: Any, ids: Sequence[int], now: datetime) -> str:
    """Claim the pending, due rows of ``ids`` for this task: returns the token that
    marks them (rows another task holds, or already sent, are left alone)."""
    token = get_random_string(24)
    model.objects.filter(pk__in=list(ids), status=SendStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ).update(
        status=SendStatus.SENDING,
        claim=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    return token


def send_one(connection: Any, message: EmailMessage) -> tuple[str, int, str]:
    """(outcome, code, error text) of sending one message."""
    try:
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        outcome, code = classify(error, message.to[0])
        return outcome, code, f"{type(error).__name__}: {error}"[:2000]
    return SENT, 0, ""


class Outcomes:
    """The results of one batch, written back in a few UPDATEs."""

    def __init__(self, model: Any, now: datetime) -> None:
        self.model = model
        self.now = now
        self.sent: list[int] = []
        self.skipped: dict[str, list[int]] = defaultdict(list)
        self.dead: list[tuple[int, str]] = []
        self.retry: list[tuple[int, int, str]] = []
        self.bounces: dict[str, tuple[int, str]] = {}

    def accepted(self, pk: int) -> None:
        """The mail server took the message: recorded at once, in a statement of
        its own, so that a worker killed later in the batch leaves only the
        message it was sending in doubt, not every one sent before it."""
        self.model.objects.filter(pk=pk, status=SendStatus.SENDING).update(
            status=SendStatus.SENT, sent_at=self.now, last_error="", claim=""
        )
        self.sent.append(pk)

    def skip(self, pk: int, reason: str) -> None:
        self.skipped[reason].append(pk)

    def failed(
        self, pk: int, attempts: int, outcome: str, code: int, error: str, to: str
    ) -> None:
        if outcome == BOUNCED:
            self.dead.append((pk, error))
            self.bounces[to.lower()] = (code, error)
        elif attempts >= settings.NOTIFY_EMAIL_MAX_ATTEMPTS:
            self.dead.append((pk, error))
        else:
            self.retry.append((pk, attempts, error))

    def save(self) -> dict[datetime, list[int]]:
        """Write the outcomes; returns the retries to enqueue, by due time."""
        model, now = self.model, self.now
        with transaction.atomic():
            for reason, pks in self.skipped.items():
                fields: dict[str, Any] = {"status": SendStatus.SKIPPED, "claim": ""}
                if model is Delivery:
                    fields["skip_reason"] = reason
                else:
                    fields["last_error"] = reason
                model.objects.filter(pk__in=pks).update(**fields)
            for pk, error in self.dead:
                model.objects.filter(pk=pk).update(
                    status=SendStatus.DEAD, last_error=error, claim=""
                )
            due: dict[datetime, list[int]] = defaultdict(list)
            for pk, attempts, error in self.retry:
                at = now + backoff(attempts)
                model.objects.filter(pk=pk).update(
                    status=SendStatus.PENDING,
                    next_attempt_at=at,
                    last_error=error,
                    claim="",
                )
                due[at].append(pk)
            for address, (code, error) in self.bounces.items():
                BouncedAddress.objects.update_or_create(
                    email=address, defaults={"code": code, "message": error}
                )
        for address in self.bounces:
            logger.warning("mail server refused %s permanently", address)
        return due


def deliver(delivery_ids: Sequence[int]) -> dict[datetime, list[int]]:
    """Send the e-mail deliveries ``delivery_ids`` that are due and not yet
    claimed. Returns the retries to enqueue (due time → ids)."""
    now = timezone.now()
    token = claim(Delivery, delivery_ids, now)
    batch = list(
        Delivery.objects.filter(
            pk__in=list(delivery_ids), claim=token, status=SendStatus.SENDING
        )
        .select_related("notification__recipient", "notification__actor")
        .order_by("pk")
    )
    if not batch:
        return {}
    results = Outcomes(Delivery, now)
    notifications = [d.notification for d in batch]
    user_ids = {n.recipient_id for n in notifications}
    addresses = recipient_addresses(user_ids)
    refused = bounced(addresses.values())
    modes = modes_of(user_ids)
    vetoed = emails.withheld(notifications)
    to_send = []
    for delivery in batch:
        n = delivery.notification
        address = addresses.get(n.recipient_id)
        if not n.recipient.is_active:
            results.skip(delivery.pk, "inactive")
        elif address is None:
            results.skip(delivery.pk, "no_address")
        elif address.lower() in refused:
            results.skip(delivery.pk, "bounced")
        elif n.pk in vetoed:
            results.skip(delivery.pk, "withheld")
        elif (
            groups.email_mode(n.kind, n.reason, modes.get(n.recipient_id, {}))
            == groups.Mode.NEVER
        ):
            results.skip(delivery.pk, "unsubscribed")
        else:
            to_send.append((delivery, address))
    if to_send:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as refused:
            text = f"{type(refused).__name__}: {refused}"[:2000]
            for delivery, address in to_send:
                results.failed(delivery.pk, delivery.attempts, RETRY, 0, text, address)
            to_send = []
        try:
            for delivery, address in to_send:
                message = emails.notification_email(
                    delivery.notification,
                    to=address,
                    idstring=f"n{delivery.notification_id}",
                )
                outcome, code, error = send_one(connection, message)
                if outcome == SENT:
                    results.accepted(delivery.pk)
                else:
                    # ``attempts`` counts this one (the claim added it).
                    results.failed(
                        delivery.pk, delivery.attempts, outcome, code, error, address
                    )
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()
    return results.save()


def requeue_stale(now: datetime) -> list[int]:
    """Deliveries left ``sending`` by a worker that died, and pending ones whose
    task was never enqueued: back to pending, due now. Returns their ids."""
    stale = Delivery.objects.filter(
        status=SendStatus.SENDING,
        claimed_at__lt=now - timedelta(minutes=STALE_MINUTES),
    )
    orphans = Delivery.objects.filter(
        status=SendStatus.PENDING,
        attempts=0,
        created_at__lt=now - timedelta(minutes=ORPHAN_MINUTES),
    )
    ids = [*stale.values_list("pk", flat=True), *orphans.values_list("pk", flat=True)]
    if ids:
        Delivery.objects.filter(pk__in=ids).update(
            status=SendStatus.PENDING, next_attempt_at=now, claim=""
        )
    return ids
