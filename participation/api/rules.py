"""Who may hold a token's ``official`` scope, at creation and at every use.

A token narrows what its owner may do; it must never carry more than the owner
could do at the browser. Official work needs the official (or administrator) role
*and* two-factor authentication (``is_official_of``, ``is_admin``), so:

- creating a token with the scope needs both, now (``token_create``): a staff
  member without MFA cannot mint a token that would start working later;
- using the scope needs both, now, and a token made before the owner's current
  TOTP authenticator was set up does not carry it (``ScopedAccess``): such a token
  was made without MFA, before this rule or before the device was replaced.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import standing_of
from participation.accounts.types import Viewer
from participation.api.models import PersonalAccessToken
from participation.errors import DomainError, Invalid, NotAllowed


def official_scope_refusal(
    user: Viewer, token: PersonalAccessToken | None = None
) -> DomainError | None:
    """Why ``user`` may not create (``token`` None) or use (``token``) a token for
    official work, or None."""
    standing = standing_of(user)
    if not (standing.department_ids or standing.is_admin_role):
        return Invalid(
            _("Only officials and administrators can create tokens for official work."),
            code="scope_not_allowed",
            field_errors={"scopes": ["not_allowed"]},
        )
    if not standing.mfa_satisfied:
        return NotAllowed(
            _(
                "Set up two-factor authentication before creating or using a token "
                "for official work."
            ),
            code="mfa_required",
            field_errors={"scopes": ["mfa_required"]},
        )
    if token is not None and standing.has_mfa and _made_before_mfa(token):
        return NotAllowed(
            _(
                "This token was created before two-factor authentication was set "
                "up on its account, so it cannot be used for official work. "
                "Create a new token."
            ),
            code="token_predates_mfa",
        )
    return None


def _made_before_mfa(token: PersonalAccessToken) -> bool:
    return Authenticator.objects.filter(
        user_id=token.user_id,
        type=Authenticator.Type.TOTP,
        created_at__gt=token.created_at,
    ).exists()
