"""Who may call what, at the door. The rules about *what* a user may do to *which*
object live in each app's rules.py and are enforced by its services; the API only
checks that a write is authenticated and that a token carries the needed scope."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from participation.api.errors import InsufficientScope
from participation.api.models import PersonalAccessToken, Scope
from participation.api.rules import official_scope_refusal
from participation.checks import refuse


def token_of(request: Request) -> PersonalAccessToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, PersonalAccessToken) else None


def has_scope(request: Request, scope: str) -> bool:
    """A session (the person at the browser) holds every scope; a token, its own.
    The official scope also needs, at each use, what creating it needs (the role
    and MFA, now: ``official_scope_refusal``), which raises its own refusal."""
    token = token_of(request)
    if token is None:
        return True
    if not token.has_scope(scope):
        return False
    if scope == Scope.OFFICIAL:
        refuse(official_scope_refusal(token.user, token))
    return True


class ScopedAccess(permissions.BasePermission):
    """Reads are public unless the view says otherwise; writes need a logged-in
    user (401 otherwise) holding the view's ``required_scope`` for the action."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in getattr(view, "allowed_methods", [request.method]):
            return True  # let the view answer 405
        private_read = getattr(view, "private_read", False)
        if request.method in permissions.SAFE_METHODS and not private_read:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False  # DRF answers 401 with WWW-Authenticate
        if request.method in permissions.SAFE_METHODS:
            scope = Scope.READ
        else:
            scope = getattr(view, "required_scope", None) or Scope.PARTICIPATE
            scopes = getattr(view, "action_scopes", None) or {}
            scope = scopes.get(getattr(view, "action", None), scope)
        if not has_scope(request, scope):
            raise InsufficientScope(scope)
        return True
