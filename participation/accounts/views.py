"""Doors for people: the public profile, editing it, and "Your data"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from participation.accounts import personal_data, services
from participation.accounts import profile as profile_lists
from participation.accounts.forms import ProfileForm
from participation.accounts.models import User
from participation.accounts.rules import profile_edit_refusal
from participation.accounts.selectors import roles_of
from participation.doors import refused
from participation.errors import DomainError, NotAllowed
from participation.spool import spooled_download

PROFILE_PROPOSALS_PER_PAGE = 20
PROFILE_RECENT_COMMENTS = 20


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's public profile: real name, roles, proposals and comments.

    Never shows the e-mail address. Content in draft processes and hidden
    content stay out, as everywhere else in public.
    """
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404
    proposals = Paginator(
        profile_lists.public_content("proposals", person),
        PROFILE_PROPOSALS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    comments = profile_lists.public_content("comments", person)[
        :PROFILE_RECENT_COMMENTS
    ]
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "is_self": request.user.is_authenticated and request.user.pk == person.pk,
            "page_obj": proposals,
            "comments": comments,
            "roles": [
                grant
                for grant in roles_of(person)
                if grant.process is None or grant.process.is_public
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    back = reverse("accounts:profile", args=[user.pk])
    refusal = profile_edit_refusal(user)
    if refusal is not None:  # blocked: say why instead of a form that cannot work
        return refused(request, refusal, back=back)
    form = ProfileForm.for_user(
        user, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                user=user,
                real_name=form.cleaned_data["real_name"],
                name_reading=form.cleaned_data["name_reading"],
                bio=form.cleaned_data["bio"],
            )
        except NotAllowed as error:
            return refused(request, error, back=back)
        except DomainError as error:
            for field, field_errors in error.field_errors.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.field_errors:
                form.add_error(None, str(error))
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile", user.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@never_cache
@login_required
@require_GET
def personal_data_page(request: HttpRequest) -> HttpResponse:
    """What the platform holds about the signed-in person, with a download."""
    return render(
        request,
        "accounts/personal_data.html",
        {
            "account": personal_data.account_summary(request.user),
            "roles": roles_of(request.user),
            "overview": personal_data.overview(request.user),
        },
    )


@never_cache
@login_required
@require_GET
def personal_data_download(request: HttpRequest) -> StreamingHttpResponse:
    """The person's own data as one JSON file (spooled, then streamed)."""
    # A local date: the day the person downloading it sees.
    stamp = timezone.localtime().strftime("%Y%m%d")
    # Generated into a file, the connection given back, then streamed at the
    # client's pace (participation/spool.py).
    return spooled_download(
        request,
        personal_data.export_chunks(request.user),
        content_type="application/json; charset=utf-8",
        filename=f"personal-data-{request.user.pk}-{stamp}.json",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie), and for a signed-in person the language
    of their e-mails too."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and response.status_code in (200, 302)
    ):
        services.user_set_language(user=request.user, language=language)
    return response
