"""Demo: points on the map for some proposals of the parks process, so that the
map beside its list and on the proposal pages shows something. Around the map's
default view (MAP_DEFAULT_VIEW), at fixed offsets: the same every time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings

from demo.content import GREEN
from proposals.models import Proposal

# (north, east) offsets in degrees: a few hundred metres to two kilometres.
OFFSETS = (
    (0.004, -0.006),
    (-0.003, 0.008),
    (0.011, 0.002),
    (-0.009, -0.012),
    (0.006, 0.015),
    (-0.014, 0.004),
    (0.002, -0.018),
    (0.016, -0.009),
)


def seed_places(now: datetime) -> None:
    lat, lng, _zoom = (float(v) for v in settings.MAP_DEFAULT_VIEW.split(","))
    proposals = list(
        Proposal.objects.filter(process__slug=GREEN, hidden_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[: len(OFFSETS)]
    )
    quantum = Decimal("0.000001")
    for pk, (north, east) in zip(proposals, OFFSETS, strict=False):
        # Seed data written directly: the point is the author's, set at posting.
        Proposal.objects.filter(pk=pk).update(
            latitude=Decimal(str(lat + north)).quantize(quantum),
            longitude=Decimal(str(lng + east)).quantize(quantum),
        )
