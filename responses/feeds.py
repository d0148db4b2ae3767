"""Atom feeds of the tracker's public timeline: everything, one process, one
department. Each item is one dated step (assigned, decided, revised, progress…).

``SiteFeed`` sanitizes the HTML summary and puts every link on SITE_URL; the
summary is built here from plain text (a real name, a staff note), escaped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from participation.feeds import SiteFeed, paragraphs
from participation.spaces.models import Department, Process
from participation.templatetags.participation import tr
from responses import selectors
from responses.models import TrackerEvent


class TrackerFeed(SiteFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return None

    def title(self, obj: Any) -> str:
        return _("Response tracker: latest steps")

    def subtitle(self, obj: Any) -> str:
        return _(
            "Assignments, decisions, revisions and progress of proposals in the "
            "response tracker."
        )

    def link(self, obj: Any) -> str:
        return reverse("responses:tracker")

    def items(self, obj: Any) -> list[TrackerEvent]:
        return selectors.feed_events()

    def item_title(self, item: TrackerEvent) -> str:
        return f"{item.entry.proposal.title}: {item.label}"

    def item_description(self, item: TrackerEvent) -> SafeString:
        return paragraphs(item.summary, str((item.data or {}).get("note") or ""))

    def item_link(self, item: TrackerEvent) -> str:
        return (
            reverse("proposals:detail", args=[item.entry.proposal_id])
            + f"#tracker-event-{item.pk}"
        )

    def item_guid(self, item: TrackerEvent) -> str:
        return f"tracker-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: TrackerEvent) -> datetime:
        return item.created_at

    def item_updateddate(self, item: TrackerEvent) -> datetime:
        return item.created_at

    def item_author_name(self, item: TrackerEvent) -> str:
        if item.actor_name:
            return item.actor_name
        return str(tr(item.department, "name")) if item.department else ""


class ProcessTrackerFeed(TrackerFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Process:
        return get_object_or_404(Process.objects.public(), slug=kwargs["slug"])

    def title(self, obj: Process) -> str:
        return _("Response tracker: %(process)s") % {"process": tr(obj, "title")}

    def link(self, obj: Process) -> str:
        return reverse("responses:tracker") + f"?process={obj.slug}"

    def items(self, obj: Process) -> list[TrackerEvent]:
        return selectors.feed_events(process=obj)


class DepartmentTrackerFeed(TrackerFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Department:
        return get_object_or_404(Department, code=kwargs["code"])

    def title(self, obj: Department) -> str:
        return _("Response tracker: %(department)s") % {"department": tr(obj, "name")}

    def link(self, obj: Department) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Department) -> list[TrackerEvent]:
        return selectors.feed_events(department=obj)
