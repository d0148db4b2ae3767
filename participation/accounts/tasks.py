"""The invitation e-mail, sent by the worker (Django's Tasks API, ``django-tasks``).

An invitation is not a notification: its recipient may have no account yet, it
belongs to no e-mail group a person could unsubscribe from, and its link must
not be stored anywhere. So it is not a ``Notification`` with a ``Delivery``; it
takes the same road by other means: enqueued on commit, sent by
``manage.py worker`` over the configured SMTP connection, the outcome of an
attempt decided by ``notifications.delivery`` (sent, retried with the same
backoff, refused address), written in the invitation's language with the
notification e-mails' look. The task receives only the id and the version; the
worker signs the link itself (``invitations.link_for``).
"""

from __future__ import annotations

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from participation.accounts.invitations import link_for
from participation.accounts.models import Invitation, InvitationSend, InvitationStatus
from participation.notifications import delivery
from participation.notifications import email as emails
from participation.site_url import site_domain, site_url


def invitation_email(invitation: Invitation) -> EmailMultiAlternatives:
    """The e-mail of ``invitation``, in its language, with a fresh signed link."""
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        inviter = invitation.invited_by
        context = {
            "site_name": emails.site_name(),
            "site_url": site_url(),
            "language": translation.get_language(),
            "inviter_name": inviter.real_name if inviter is not None else "",
            "role": invitation.get_role_display(),
            "scope": invitation.scope,
            "approver": invitation.approver,
            "link": link_for(invitation),
            "expires_at": invitation.expires_at,
            "days": settings.INVITATION_DAYS,
        }
        text = render_to_string("notifications/email/invitation.txt", context)
        html = render_to_string("notifications/email/invitation.html", context)
        subject = _("[%(site)s] You are invited to take part as %(role)s") % {
            "site": context["site_name"],
            "role": context["role"],
        }
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        headers=emails.headers_for(
            "",
            make_msgid(
                idstring=f"invitation-{invitation.pk}-{invitation.version}",
                domain=site_domain().split(":")[0] or "localhost",
            ),
        ),
    )
    message.attach_alternative(html, "text/html")
    return message


@task()
def send_invitation(invitation_id: int, version: int) -> str:
    """Send one invitation e-mail; returns the outcome. A task that runs twice
    sends once (the row is claimed by a conditional update), and a resent or
    withdrawn invitation is never sent under its old version."""
    claimed = Invitation.objects.filter(
        pk=invitation_id,
        version=version,
        status=InvitationStatus.PENDING,
        send_status__in=[InvitationSend.QUEUED, InvitationSend.RETRY],
    ).update(send_status=InvitationSend.SENDING)
    if not claimed:
        return "skipped"
    invitation = Invitation.objects.select_related(
        "process", "department", "section", "invited_by"
    ).get(pk=invitation_id)
    attempts = invitation.send_attempts + 1
    if invitation.email.lower() in delivery.bounced([invitation.email]):
        outcome, error = delivery.BOUNCED, "address refused earlier"
    else:
        # send_messages opens and closes the connection itself, inside send_one's
        # handling of SMTP and network errors.
        outcome, _code, error = delivery.send_one(
            get_connection(), invitation_email(invitation)
        )
    now = timezone.now()
    update: dict[str, object] = {"send_attempts": attempts, "last_error": error}
    if outcome == delivery.SENT:
        update |= {"send_status": InvitationSend.SENT, "sent_at": now}
    elif outcome == delivery.BOUNCED:
        update["send_status"] = InvitationSend.BOUNCED
    elif attempts >= settings.NOTIFY_EMAIL_MAX_ATTEMPTS:
        update["send_status"] = InvitationSend.FAILED
    else:
        update["send_status"] = InvitationSend.RETRY
        send_invitation.using(run_after=now + delivery.backoff(attempts)).enqueue(
            invitation_id, version
        )
    Invitation.objects.filter(pk=invitation_id, version=version).update(**update)
    return str(update["send_status"])
