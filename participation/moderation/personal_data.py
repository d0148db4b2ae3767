"""Moderation's sections of a person's data export ("Your data"): the reports they
made and the facilitator notes they pinned. Blocks are a core section already."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from participation.accounts import personal_data
from participation.accounts.types import Viewer
from participation.moderation.models import FacilitatorNote, Report


def _reports(user: Viewer) -> QuerySet[Report]:
    return Report.objects.filter(reporter=user).order_by("id")


def _notes(user: Viewer) -> QuerySet[FacilitatorNote]:
    return FacilitatorNote.objects.filter(author=user).order_by("id")


def register() -> None:
    personal_data.register(
        personal_data.Section(
            "reports",
            _("Reports you made"),
            lambda user: _reports(user).count(),
            lambda user: (
                _reports(user)
                .values(
                    "reason",
                    "details",
                    "status",
                    "created_at",
                    "resolved_at",
                    "object_id",
                    content=F("content_type__model"),
                )
                .iterator(chunk_size=500)
            ),
        )
    )
    personal_data.register(
        personal_data.Section(
            "facilitator_notes",
            _("Facilitator notes you pinned"),
            lambda user: _notes(user).count(),
            lambda user: (
                _notes(user)
                .values(
                    "body",
                    "created_at",
                    "removed_at",
                    "object_id",
                    content=F("content_type__model"),
                )
                .iterator(chunk_size=500)
            ),
        )
    )
