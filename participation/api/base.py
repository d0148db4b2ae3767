"""What every API view shares: authentication, parsing, errors, pagination and
conditional GET."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, renderers
from rest_framework.request import Request
from rest_framework.response import Response

from participation.api import conditional, errors
from participation.api.authentication import BearerTokenAuthentication
from participation.api.pagination import CursorPagination
from participation.api.parsers import JSONParser
from participation.api.permissions import ScopedAccess
from participation.api.schema import ApiAutoSchema
from participation.api.throttling import RequestRateThrottle


class ApiMixin:
    authentication_classes = [
        BearerTokenAuthentication,
        authentication.SessionAuthentication,
    ]
    permission_classes = [ScopedAccess]
    parser_classes = [JSONParser]
    renderer_classes = [renderers.JSONRenderer]
    pagination_class = CursorPagination
    throttle_classes: list[Any] = [RequestRateThrottle]
    schema = ApiAutoSchema()

    def get_exception_handler(self) -> Any:
        return errors.exception_handler

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(  # type: ignore[misc]
            request, response, *args, **kwargs
        )
        return conditional.apply(request, response)
