"""One JSON shape for every API error: ``{code, message, field_errors}``.

Domain errors raised by services keep their status (400/403/409/429) and their
translated message; DRF's own exceptions are translated into the same shape, so a
client handles one format whatever went wrong.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from participation.dbpool import busy, is_pool_timeout
from participation.errors import Busy, DomainError, RateLimited


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        super().__init__(_("The request body is too large."))


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"

    def __init__(self, scope: str) -> None:
        super().__init__(
            _("This token lacks the “%(scope)s” scope needed for this action.")
            % {"scope": scope}
        )
        self.scope = scope


def error_body(
    code: str, message: Any, field_errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"code": code, "message": str(message), "field_errors": field_errors or {}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → ``{"field" or "a.b": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                name = f"{prefix}.{index}" if prefix else str(index)
                for field, messages in _flatten(item, name).items():
                    out.setdefault(field, []).extend(messages)
            else:
                out.setdefault(prefix or "non_field_errors", []).append(str(item))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _validation_response(detail: Any) -> Response:
    field_errors = _flatten(detail)
    general = field_errors.pop("non_field_errors", [])
    if general:
        message = general[0]
    elif len(field_errors) == 1:
        field, messages = next(iter(field_errors.items()))
        message = f"{field}: {messages[0]}"
    else:
        message = _("Some fields are not valid. See field_errors.")
    return Response(error_body("invalid", message, field_errors), status=400)


def _domain_response(exc: DomainError) -> Response:
    field_errors = {field: [str(exc.message)] for field in exc.field_errors}
    response = Response(
        error_body(exc.code, exc.message, field_errors), status=exc.status
    )
    if isinstance(exc, RateLimited | Busy):
        response["Retry-After"] = str(max(1, int(exc.retry_after)))
    return response


_MESSAGES = {
    "not_authenticated": lambda: _(
        "Authentication is needed: log in, or send “Authorization: Bearer <token>”."
    ),
    "not_found": lambda: _("Not found."),
    "method_not_allowed": lambda: _("This method is not allowed here."),
    "unsupported_media_type": lambda: _(
        "Send the request body as JSON (Content-Type: application/json)."
    ),
    "not_acceptable": lambda: _("This resource is only available as JSON."),
    "parse_error": lambda: _("The request body is not valid JSON (UTF-8)."),
    "rate_limited": lambda: _("Too many requests. Please wait a little and try again."),
}


def _unsupported_media(context: dict[str, Any]) -> str:
    """What to send instead: JSON, or a form with a file for the doors that only
    parse ``multipart/form-data`` (a proposal's photo)."""
    if not _json_only(context):
        return _(
            "Send the file as multipart/form-data (Content-Type: "
            "multipart/form-data), with its fields."
        )
    return str(_MESSAGES["unsupported_media_type"]())


def _json_only(context: dict[str, Any]) -> bool:
    request = context.get("request")
    parsers = getattr(request, "parsers", None) or []
    types = {getattr(parser, "media_type", "") for parser in parsers}
    return not types or "application/json" in types


def _malformed(context: dict[str, Any]) -> str:
    if _json_only(context):
        return str(_MESSAGES["parse_error"]())
    return _("The request body is not a valid multipart/form-data form.")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler (set on the API's base view)."""
    if isinstance(exc, DomainError):
        return _domain_response(exc)
    if is_pool_timeout(exc):  # no free database connection: busy, not a bug
        return _domain_response(busy())
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    if isinstance(exc, serializers.ValidationError):
        return _validation_response(exc.detail)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return _validation_response(detail)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return Response(error_body("not_found", _MESSAGES["not_found"]()), status=404)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let it be a 500 and be logged
    headers: dict[str, str] = {}
    code = exc.get_codes() if not isinstance(exc.detail, dict | list) else "error"
    code = code if isinstance(code, str) else "error"
    message: Any = exc.detail
    if isinstance(exc, exceptions.NotAuthenticated):
        code, message = "not_authenticated", _MESSAGES["not_authenticated"]()
    elif isinstance(exc, exceptions.AuthenticationFailed):
        code = "authentication_failed"
    elif isinstance(exc, exceptions.ParseError):
        code, message = "malformed", _malformed(context)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        code, message = "unsupported_media_type", _unsupported_media(context)
    elif isinstance(exc, exceptions.MethodNotAllowed):
        code, message = "method_not_allowed", _MESSAGES["method_not_allowed"]()
    elif isinstance(exc, exceptions.NotAcceptable):
        code, message = "not_acceptable", _MESSAGES["not_acceptable"]()
    elif isinstance(exc, exceptions.NotFound):
        code = "not_found" if code in ("not_found", "error") else code
    elif isinstance(exc, exceptions.PermissionDenied) and not isinstance(
        exc, InsufficientScope
    ):
        if str(exc.detail).startswith("CSRF Failed"):
            code = "csrf_failed"
            message = _(
                "The CSRF check failed. Send the X-CSRFToken header with the "
                "csrftoken cookie's value, or use a personal access token."
            )
        else:
            code = "permission_denied"
    elif isinstance(exc, exceptions.Throttled):
        code = "rate_limited"
        wait = max(1, int(exc.wait)) if exc.wait is not None else None
        message = _MESSAGES["rate_limited"]()
        if wait is not None:
            headers["Retry-After"] = str(wait)
            message = ngettext(
                "Too many requests. Try again in %(n)d second.",
                "Too many requests. Try again in %(n)d seconds.",
                wait,
            ) % {"n": wait}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if isinstance(message, list | dict):
        message = next(iter(_flatten(message).values()))[0]
    return Response(
        error_body(code, message), status=exc.status_code, headers=headers or None
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (for the OpenAPI description)."""

    code = serializers.CharField(help_text="Stable machine-readable code.")
    message = serializers.CharField(help_text="Translated, human-readable message.")
    field_errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per request field (empty when the error is general).",
    )


def plain_error_response(status_code: int) -> Any:
    """The same error shape for errors raised outside the API views (unknown URLs,
    server errors) under /api/: used by the site's error handlers."""
    from django.http import JsonResponse

    messages = {
        400: ("bad_request", _("The request could not be understood.")),
        403: ("permission_denied", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found.")),
        413: ("too_large", _("The request body is too large.")),
    }
    code, message = messages.get(
        status_code, ("server_error", _("Something went wrong on our side."))
    )
    return JsonResponse(error_body(code, message), status=status_code)
