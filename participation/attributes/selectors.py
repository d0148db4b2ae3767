"""Reads of the attributes residents chose.

``attributes_of(user)`` is the one way to read one resident's attributes (two
queries, cached on the user object for the request). A page or API that shows them
to anyone but the resident must go through it, so that the access log of
``participation.privacy`` can wrap it. ``GROUPINGS`` names, for the participation
figures, the path from a user to each attribute that may be counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from participation.accounts.types import Viewer
from participation.attributes.models import AgeBand, ResidentAttributes
from participation.spaces.models import Area, Category

_CACHE = "_resident_attributes_cache"


def attributes_of(user: Viewer) -> ResidentAttributes | None:
    """The attributes ``user`` chose, with the municipality and the interests
    loaded (two queries), or None when they gave none (or are anonymous)."""
    if not user.is_authenticated:
        return None
    if hasattr(user, _CACHE):
        cached: ResidentAttributes | None = getattr(user, _CACHE)
        return cached
    found = (
        ResidentAttributes.objects.filter(user_id=user.pk)
        .select_related("area")
        .prefetch_related(
            Prefetch("interests", queryset=Category.objects.order_by("name"))
        )
        .first()
    )
    setattr(user, _CACHE, found)
    return found


def forget_attributes(user: Viewer) -> None:
    """Drop the cached attributes of ``user`` (after a change)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


@dataclass(frozen=True)
class Grouping:
    """An attribute the figures may be broken down by."""

    key: str
    label: Promise
    # Path from a User to the attribute's value (a LEFT JOIN: None when not given).
    path: str

    def groups(self) -> list[tuple[str, Any, str]]:
        """(value, label, English label) of every group, in display order (one
        query for areas). An age band's label is translated when shown."""
        if self.key == "age_band":
            return [(value, label, "") for value, label in AgeBand.choices]
        return [
            (slug, name, name_en)
            for slug, name, name_en in Area.objects.order_by("name").values_list(
                "slug", "name", "name_en"
            )
        ]


AGE_BAND = Grouping("age_band", _("age band"), "resident_attributes__age_band")
MUNICIPALITY = Grouping(
    "municipality", _("municipality"), "resident_attributes__area__slug"
)
GROUPINGS = {g.key: g for g in (AGE_BAND, MUNICIPALITY)}
