"""The API's own doors: its root (links to every resource, given by the wiring in
participation/api/urls.py) and the authenticated caller. Each app's resources are
in its own API module: proposals.api, responses.api, participation.spaces.api …"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation.accounts.selectors import standing_of
from participation.api.base import ApiMixin
from participation.api.models import Scope
from participation.api.permissions import token_of
from participation.api.serializers import ApiRootSerializer, MeSerializer
from participation.site_url import absolute_url
from participation.spaces import selectors as spaces


class ApiRoot(ApiMixin, APIView):
    """Links to every resource of the API."""

    # (key, URL name) of each resource, in the order the root lists them: set by
    # participation/api/urls.py, which registers every app's API.
    resources: tuple[tuple[str, str], ...] = ()

    @extend_schema(responses=ApiRootSerializer, operation_id="api_root")
    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return absolute_url(reverse(name))

        resources = {key: url(name) for key, name in self.resources}
        resources["me"] = url("api:me")
        return Response(
            {
                "version": "v1",
                "schema": url("api:schema"),
                "docs": url("api:docs"),
                "resources": resources,
            }
        )


class MeView(ApiMixin, APIView):
    """The authenticated caller: profile and roles (never the e-mail address)."""

    private_read = True

    @extend_schema(responses=MeSerializer, operation_id="me")
    def get(self, request: Request) -> Response:
        user = request.user
        standing = standing_of(user)
        token = token_of(request)
        roles = {
            "admin": standing.is_admin_role,
            "site_facilitator": standing.is_site_facilitator_role,
            "facilitator_of_processes": spaces.process_slugs(
                standing.facilitator_process_ids
            ),
            "official_of_departments": spaces.department_codes(standing.department_ids),
            "mfa_satisfied": standing.mfa_satisfied,
        }
        return Response(
            {
                "id": user.pk,
                "real_name": user.real_name,
                "name_reading": user.name_reading,
                "bio": user.bio,
                "profile_url": absolute_url(user.get_absolute_url()),
                "is_verified": standing.is_verified,
                "roles": roles,
                "token_scopes": (
                    [v for v in Scope.values if token.has_scope(v)] if token else None
                ),
            }
        )
