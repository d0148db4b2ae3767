"""Verification's section of "Your data": the person's verifications (method,
level, area, dates, revocation). Never the identity hash."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from participation.accounts import personal_data
from participation.accounts.types import Viewer
from participation.verification.models import Verification


def _mine(user: Viewer) -> QuerySet[Verification]:
    return Verification.objects.filter(user=user).order_by("id")


def register() -> None:
    personal_data.register(
        personal_data.Section(
            "verifications",
            _("Residency verifications"),
            lambda user: _mine(user).count(),
            lambda user: (
                _mine(user)
                .values(
                    "method",
                    "level",
                    "verified_at",
                    "revoked_at",
                    "revoke_reason",
                    area_slug=F("area__slug"),
                )
                .iterator(chunk_size=500)
            ),
        )
    )
