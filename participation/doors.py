"""The small kit every app's pages share to answer a refused action.

A service refuses with a domain error (``participation.errors``); a page shows why,
with the error's status, a way back, and ``Retry-After`` when it was a rate limit.
The API has its own mapping (``participation.api.errors``), the websocket consumers
theirs (``LiveConsumer.send_domain_error``); all three read the same error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from participation.errors import Busy, DomainError, NotAllowed, RateLimited


def with_retry_after(response: HttpResponse, error: DomainError) -> HttpResponse:
    """Tell the client when to try again after a rate limit or while busy."""
    if isinstance(error, RateLimited | Busy):
        response["Retry-After"] = str(max(1, int(error.retry_after)))
    return response


def unavailable(request: HttpRequest, error: Busy) -> HttpResponse:
    """The server is too busy (no database connection free): a short page in the
    visitor's language with ``Retry-After``. It reads nothing from the database
    (no account, session or messages), so it can be shown when none is free."""
    response = render(
        request,
        "errors/503.html",
        {"message": error.message, "retry_after": max(1, int(error.retry_after))},
        status=error.status,
    )
    response["Cache-Control"] = "no-store"
    return with_retry_after(response, error)


def refused(
    request: HttpRequest,
    error: DomainError,
    *,
    back: str,
    back_label: Any = "",
    form_errors: Any = None,
) -> HttpResponse:
    """A page that says why an action was refused, with the error's status."""
    response = render(
        request,
        "components/refused.html",
        {
            "message": error.message,
            "status": error.status,
            "back": back,
            "back_label": back_label,
            "form_errors": form_errors,
        },
        status=error.status,
    )
    return with_retry_after(response, error)


def form_error(form: forms.BaseForm, error: DomainError) -> int:
    """Attach a service's refusal to the first visible field it names (else to the
    form as a whole) and return the HTTP status to answer with."""
    for name in error.field_errors:
        field = form.fields.get(name)
        if field is not None and not isinstance(field.widget, forms.HiddenInput):
            form.add_error(name, str(error.message))
            return error.status
    form.add_error(None, str(error.message))
    return error.status


def button_error(
    request: HttpRequest, error: DomainError, *, back: str
) -> HttpResponse:
    """A refused button press: permission and rate limits get their page and status;
    anything else (a stale or repeated click) is a message on the page it came from."""
    if isinstance(error, NotAllowed | RateLimited):
        return refused(request, error, back=back)
    messages.error(request, str(error.message))
    return redirect(back)
