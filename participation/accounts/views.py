from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participation.accounts import services
from participation.accounts.forms import ProfileForm
from participation.accounts.models import User
from participation.accounts.selectors import standing_of


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's public profile: real name, roles, proposals and comments."""
    from proposals import selectors as proposal_selectors

    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404
    proposals = Paginator(proposal_selectors.proposals_by_author(person), 20).get_page(
        request.GET.get("page")
    )
    comments = proposal_selectors.comments_by_author(person)[:20]
    standing = standing_of(person)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "page_obj": proposals,
            "comments": comments,
            "person_standing": standing,
            "departments": services.departments_of(person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=request.user,
            real_name=form.cleaned_data["real_name"],
            name_reading=form.cleaned_data["name_reading"],
            bio=form.cleaned_data["bio"],
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile", request.user.pk)
    return render(request, "accounts/profile_edit.html", {"form": form})
