"""The resident's own page of attributes: choose, change, remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from participation.attributes import services
from participation.attributes.forms import AttributesForm
from participation.attributes.models import PURPOSES
from participation.attributes.rules import attributes_edit_refusal
from participation.attributes.selectors import attributes_of
from participation.doors import refused
from participation.errors import DomainError, NotAllowed


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    refusal = attributes_edit_refusal(user)
    if refusal is not None:
        return refused(request, refusal, back="/")
    found = attributes_of(user)
    form = AttributesForm.for_attributes(
        found, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.attributes_save(
                user=user,
                age_band=data["age_band"],
                area=data["area"],
                interests=data["interests"],
                hear_about=data["hear_about"],
            )
        except NotAllowed as error:
            return refused(request, error, back="/")
        except DomainError as error:
            for field, field_errors in error.field_errors.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.field_errors:
                form.add_error(None, str(error))
        else:
            if saved is None:
                messages.success(
                    request, _("You gave no attributes: nothing about you is kept.")
                )
            else:
                messages.success(request, _("What you chose to tell was saved."))
            return redirect("attributes:edit")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "attributes/edit.html",
        {"form": form, "attributes": found, "purposes": PURPOSES},
        status=status,
    )


@never_cache
@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    try:
        removed = services.attributes_remove(user=request.user)
    except NotAllowed as error:
        return refused(request, error, back="/")
    if removed:
        messages.success(request, _("Your attributes were deleted."))
    else:
        messages.info(request, _("You had given no attributes."))
    return redirect("attributes:edit")
