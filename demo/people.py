"""Demo people: one pending invitation, for a facilitator of the green process,
sent by the demo administrator through ``accounts.invitations`` (audited; its
e-mail goes through the task queue like any other, so ``make run`` prints it in
the worker's console with its link).

Called by ``demo.seed`` inside its seeding settings and transaction, after the
roles are granted (``Seeder.seed_roles``, through ``accounts.services``).
"""

from __future__ import annotations

from datetime import datetime

from demo import content
from participation.accounts import invitations
from participation.accounts.models import Invitation, InvitationStatus, Role, User
from participation.spaces.models import Process

INVITED_FACILITATOR = "new.facilitator@example.org"


def seed_people(now: datetime) -> None:
    admin = User.objects.get(email=content.ADMIN.email)
    process = Process.objects.get(slug=content.GREEN)
    if Invitation.objects.filter(
        email=INVITED_FACILITATOR, status=InvitationStatus.PENDING
    ).exists():
        return
    invitations.invitation_create(
        actor=admin,
        email=INVITED_FACILITATOR,
        role=Role.FACILITATOR,
        process=process,
        language="ja",
    )
