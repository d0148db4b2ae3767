"""Demo privacy: every demo account has accepted the current terms and privacy
policy (shipped by participation/privacy's migration), and the README's resident
sees on "Your data" two entries of the access log: the administrator opened
their record to answer an inquiry, and an official of the counter looked at
their residency verification.

Called by ``demo.seed`` (EXTENSIONS) inside its transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from demo import content
from participation.accounts.models import User
from participation.privacy import services
from participation.privacy.access import record_view
from participation.privacy.models import DataKind, Purpose


def seed_privacy(now: datetime) -> None:
    for user in User.objects.filter(is_demo=True).order_by("pk"):
        services.policies_accept(
            user=user,
            documents=services.policies_to_accept(user),
            now=user.date_joined,
        )
    people = {
        u.email: u
        for u in User.objects.filter(
            email__in=[
                content.RESIDENT.email,
                content.ADMIN.email,
                content.OFFICIAL.email,
            ]
        )
    }
    resident = people[content.RESIDENT.email]
    record_view(
        viewer=people[content.ADMIN.email],
        subjects=[resident],
        what=DataKind.RECORD,
        purpose=Purpose.INQUIRY,
        path=f"/staff/residents/{resident.pk}/",
        at=now - timedelta(days=3, hours=2),
    )
    record_view(
        viewer=people[content.OFFICIAL.email],
        subjects=[resident],
        what=DataKind.VERIFICATION,
        purpose=Purpose.VERIFICATION,
        path="/staff/verification/",
        at=now - timedelta(days=1, hours=5),
    )
