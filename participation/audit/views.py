"""/staff/activity/: the audit log, readable by administrators."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from participation.accounts.rules import is_admin
from participation.accounts.selectors import standing_of
from participation.audit import actions, selectors

PAGE_SIZE = 50


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _type_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _pairs(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    if value in (None, ""):
        return []
    return [("", value)]


@login_required
@require_GET
def activity(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        standing = standing_of(request.user)
        message = (
            _("Set up two-factor authentication before reading the activity log.")
            if standing.is_admin_role
            else _("The activity log is for administrators.")
        )
        return render(request, "errors/403.html", {"message": message}, status=403)
    get = request.GET
    target = get.get("target", "")[:100]
    target_type, _sep, target_id = target.partition(":")
    filters = selectors.ActivityFilter(
        actor=get.get("actor", "").strip()[:100],
        action=get.get("action", "")[:60],
        area=get.get("area", "")[:30],
        since=_date(get.get("since", "")),
        until=_date(get.get("until", "")),
        target_type=target_type.strip().lower(),
        target_id=target_id.strip(),
    )
    page_obj = Paginator(selectors.activity(filters), PAGE_SIZE).get_page(
        get.get("page")
    )
    rows = [
        {
            "event": event,
            "label": actions.label(event.action),
            "type_label": _type_label(event.target_type) if event.target_type else "",
            "before": _pairs(event.before),
            "after": _pairs(event.after),
        }
        for event in page_obj.object_list
    ]
    return render(
        request,
        "audit/activity.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "filters": filters,
            "target": target,
            "action_choices": actions.choices(selectors.stored_actions()),
            "type_choices": [
                (t, _type_label(t)) for t in selectors.stored_target_types()
            ],
            "filter_query": urlencode({k: v for k, v in get.items() if k != "page"}),
        },
    )
