"""The notifications page and marking notifications as read.

Every change is a POST (CSRF protected); the page works without JavaScript, and the
bell in the header shows the unread count on every page and updates live.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from participation.accounts.models import User
from participation.errors import DomainError
from participation.notifications import email as emails
from participation.notifications import groups, selectors, services
from participation.notifications.models import Notification

PER_PAGE = 30
MAX_ID = 2**63 - 1


def _list_url(request: HttpRequest) -> str:
    """Back to the list, keeping a valid filter and page from the form."""
    url = reverse("notifications:list")
    params = []
    if request.POST.get("filter") == "unread":
        params.append("filter=unread")
    page = request.POST.get("page", "")
    if page.isdigit() and 0 < int(page) < 100_000:
        params.append(f"page={int(page)}")
    return f"{url}?{'&'.join(params)}" if params else url


def _safe_target(request: HttpRequest, url: str) -> str | None:
    if not url or not url.startswith("/") or url.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(
        url,
        allowed_hosts={request.get_host(), *settings.ALLOWED_HOSTS},
        require_https=request.is_secure(),
    ):
        return None
    return url


@never_cache
@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("filter") == "unread"
    page = Paginator(
        selectors.notifications_of(request.user, unread_only=unread_only), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "unread": services.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification as read and go to what it is about."""
    if pk > MAX_ID:
        raise Http404
    notification = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if notification is None:
        raise Http404
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    target = _safe_target(request, notification.url)
    return redirect(target or reverse("notifications:list"))


@login_required
@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them as read."""
    raw = request.POST.get("id", "")
    if raw:
        if not raw.isdigit() or int(raw) > MAX_ID:
            messages.error(request, _("That notification does not exist."))
            return redirect(_list_url(request))
        services.mark_read(user=request.user, notification_ids=[int(raw)])
    else:
        count = services.mark_read(user=request.user)
        if count:
            messages.success(request, _("All notifications are marked as read."))
    return redirect(_list_url(request))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    """How the signed-in person receives each group of notifications by e-mail."""
    status = 200
    if request.method == "POST":
        modes = {
            group: request.POST.get(f"mode-{group}", "") for group in groups.GROUPS
        }
        try:
            services.email_preferences_set(user=request.user, modes=modes)
        except DomainError as error:
            messages.error(request, str(error.message))
            status = 400
        else:
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("notifications:preferences")
    current = services.email_modes(request.user)
    rows = [
        {
            "group": group,
            "label": label,
            "help": help_text,
            "mode": current[group],
            "locked_reminders": group == "official" and groups.reminders_locked(),
        }
        for group, (label, help_text) in groups.GROUPS.items()
    ]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "modes": groups.Mode.choices},
        status=status,
    )


def _unsubscribe_page(
    request: HttpRequest, state: str, status: int, **context: object
) -> HttpResponse:
    return render(
        request,
        "notifications/unsubscribe.html",
        {"state": state, **context},
        status=status,
    )


# The signed token is the authority, not a session: mail clients POST here with no
# cookie nor CSRF token (RFC 8058 one-click), so this one view is exempt.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button (link scanners must not unsubscribe by
    prefetching). POST (the button, or a mail client's one-click): unsubscribe."""
    try:
        user_id, group = emails.read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return _unsubscribe_page(request, "expired", 410)
    except signing.BadSignature:
        return _unsubscribe_page(request, "invalid", 400)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return _unsubscribe_page(request, "gone", 410)
    modes = services.email_modes(user)
    if group == emails.DIGESTS:
        label = _("Digests")
        already = not any(m in groups.DIGEST_MODES for m in modes.values())
    else:
        label = groups.GROUPS[group][0]
        already = modes[group] == groups.Mode.NEVER
    if request.method == "GET":
        return _unsubscribe_page(
            request,
            "already" if already else "confirm",
            200,
            group_label=label,
            token=token,
            locked=group == "official" and groups.reminders_locked(),
        )
    changed = services.email_unsubscribe(user_id=user.pk, group=group)
    return _unsubscribe_page(
        request,
        "done" if changed else "already",
        200,
        group_label=label,
        locked=group == "official" and groups.reminders_locked(),
    )
