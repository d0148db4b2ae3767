"""Rendering live fragments with the same templates as the pages.

Each app renders its own fragments (``proposals.fragments``,
``meetings.fragments``) with ``render_public``; the transport only provides the
stand-in request of an anonymous visitor.

Two audiences:

- *public* fragments are rendered as an anonymous visitor sees them, once per
  event and language, and may be pushed to anybody: hidden text never appears in
  them (the templates show the placeholder to the public);
- *personal* fragments (reply and vote buttons, a facilitator's tools, hidden text
  for those allowed to read it) are fetched by the browser over HTTP from the
  app's own views, with the normal session, permissions and CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation


def public_request(path: str, language: str) -> HttpRequest:
    """A stand-in request of an anonymous visitor on ``path``, for templates that
    read ``request`` (login links, query strings). It carries no session or token."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = AnonymousUser()  # type: ignore[assignment]
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
    return request


def render_public(
    template: str, context: dict[str, Any], path: str, language: str
) -> str:
    with translation.override(language):
        return render_to_string(
            template,
            {
                **context,
                "user": AnonymousUser(),
                "request": public_request(path, language),
                "LANGUAGE_CODE": language,
            },
        )
