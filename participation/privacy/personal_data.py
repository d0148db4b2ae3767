"""What "Your data" shows of the privacy app: who looked at your data, the
versions of the terms you accepted, and a pending deletion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from participation.accounts import personal_data
from participation.privacy.models import (
    AccessLogEntry,
    AccountDeletion,
    PolicyAcceptance,
)


def staff_named() -> bool:
    """The organisation's policy: are staff named in the access log residents see
    (``PRIVACY_ACCESS_LOG_NAMES_STAFF``), or only by role and department?"""
    return bool(getattr(settings, "PRIVACY_ACCESS_LOG_NAMES_STAFF", False))


def access_rows(user: Any) -> Iterator[dict[str, Any]]:
    named = staff_named()
    for entry in AccessLogEntry.objects.for_subject(user).iterator(chunk_size=500):
        yield {
            "at": entry.created_at,
            "staff_role": entry.viewer_role,
            "department": entry.department_name,
            "department_en": entry.department_name_en,
            "staff_name": entry.viewer_name if named else None,
            "what": entry.what,
            "what_label": str(entry.get_what_display()),
            "purpose": entry.purpose,
            "purpose_label": str(entry.get_purpose_display()),
        }


def _acceptance_rows(user: Any) -> Iterator[dict[str, Any]]:
    for row in (
        PolicyAcceptance.objects.filter(user=user)
        .order_by("accepted_at", "id")
        .values("document__kind", "document__version", "accepted_at")
        .iterator(chunk_size=500)
    ):
        yield {
            "document": row["document__kind"],
            "version": row["document__version"],
            "accepted_at": row["accepted_at"],
        }


def register_sections() -> None:
    personal_data.register(
        personal_data.Section(
            "data_access_log",
            _("Staff who viewed your data"),
            lambda user: AccessLogEntry.objects.filter(subject=user).count(),
            access_rows,
        )
    )
    personal_data.register(
        personal_data.Section(
            "policy_acceptances",
            _("Terms and privacy policy you accepted"),
            lambda user: PolicyAcceptance.objects.filter(user=user).count(),
            _acceptance_rows,
        )
    )
    personal_data.register(
        personal_data.Section(
            "account_deletion",
            _("Requests to delete your account"),
            lambda user: AccountDeletion.objects.filter(user=user).count(),
            lambda user: (
                AccountDeletion.objects.filter(user=user)
                .order_by("requested_at", "id")
                .values(
                    "contributions",
                    "status",
                    "requested_at",
                    "erase_after",
                    "cancelled_at",
                    "completed_at",
                )
                .iterator(chunk_size=500)
            ),
        )
    )
