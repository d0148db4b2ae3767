"""The attributes on "Your data" and in its JSON download, each with its purpose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from participation.accounts import personal_data
from participation.accounts.types import Viewer
from participation.attributes.models import PURPOSES, ResidentAttributes
from participation.attributes.selectors import attributes_of


def _rows(user: Viewer) -> Iterator[dict[str, Any]]:
    found = attributes_of(user)
    if found is None:
        return
    yield {
        "age_band": found.age_band or None,
        "age_band_label": str(found.get_age_band_display()) if found.age_band else None,
        "municipality": found.area.slug if found.area else None,
        "municipality_name": found.area.name if found.area else None,
        "interests": [category.slug for category in found.interests.all()],
        "hear_about": found.hear_about or None,
        "updated_at": found.updated_at,
        "purposes": {key: str(text) for key, text in PURPOSES.items()},
    }


def register_section() -> None:
    personal_data.register(
        personal_data.Section(
            "attributes",
            _("Attributes you chose to give"),
            lambda user: ResidentAttributes.objects.filter(user_id=user.pk).count(),
            _rows,
        )
    )
