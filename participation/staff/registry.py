"""The staff workspace (/staff/) learns its panels from the apps that own them.

Each app registers, in its ``AppConfig.ready()``, the panels its staff pages
make: a panel says who sees it (a predicate on the person's standing), where it
leads, and the counts that matter first (overdue, due this week, drafts waiting
for my approval, reports waiting). The core renders the dashboard and the
header's single "Staff" entry; it never imports the apps above it.

``counts(user)`` must run a fixed number of queries, whatever the data volume:
the dashboard is the first page every official opens in the morning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from participation.accounts.selectors import Standing, standing_of


@dataclass(frozen=True)
class Count:
    label: Promise | str
    value: int
    url: str = ""
    # "urgent" counts (overdue, waiting for me) are drawn first and highlighted.
    urgent: bool = False


@dataclass(frozen=True)
class Link:
    label: Promise | str
    url_name: str
    args: tuple[Any, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)


@dataclass(frozen=True)
class Panel:
    key: str
    label: Promise | str
    visible: Callable[[Standing], bool]
    links: Sequence[Link] = ()
    counts: Callable[[Any], Sequence[Count]] | None = None
    # Lower first. Officials' work (100), facilitation (200), setup (300), people (400).
    order: int = 500
    description: Promise | str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace) a panel of the staff workspace, keyed by ``panel.key``."""
    _PANELS[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def panels_for(user: Any) -> list[Panel]:
    """The panels this person's roles open (MFA not required to *see* them)."""
    standing = standing_of(user)
    if not standing.is_authenticated:
        return []
    return [panel for panel in panels() if panel.visible(standing)]
