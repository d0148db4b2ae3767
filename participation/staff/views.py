"""/staff/: the dashboard of everyone holding a staff role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from participation.accounts.rules import needs_mfa
from participation.accounts.selectors import standing_of
from participation.staff.registry import panels_for


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    standing = standing_of(request.user)
    if not standing.is_staff_role:
        raise PermissionDenied(
            _("This page is for facilitators, officials and administrators.")
        )
    mfa_missing = bool(needs_mfa(request.user))
    shown = []
    for panel in panels_for(request.user):
        counts = (
            list(panel.counts(request.user)) if panel.counts and not mfa_missing else []
        )
        counts.sort(key=lambda c: not c.urgent)
        shown.append({"panel": panel, "counts": counts})
    return render(
        request,
        "staff/dashboard.html",
        {"panels": shown, "standing": standing, "mfa_missing": mfa_missing},
    )
