"""Writes about personal access tokens. Creation and revocation are audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.accounts.selectors import standing_of
from participation.accounts.types import Actor
from participation.api.models import PersonalAccessToken, Scope
from participation.api.rules import official_scope_refusal
from participation.audit.services import record
from participation.checks import refuse
from participation.errors import Invalid, NotAllowed
from participation.text import clean_text

TOKEN_PREFIX = "pat_"
MAX_ACTIVE_TOKENS = 20
NAME_MAX = 80
MAX_LIFETIME_DAYS = 3650
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    raw: str  # shown once, never stored


def _clean_scopes(user: Actor, scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise Invalid(
            _("Unknown scope: %(scope)s.") % {"scope": ", ".join(map(str, unknown))},
            field_errors={"scopes": ["invalid_choice"]},
        )
    chosen = [value for value in Scope.values if value in scopes]
    if Scope.READ not in chosen:
        chosen.insert(0, Scope.READ)
    if Scope.OFFICIAL in chosen:
        refuse(official_scope_refusal(user))
    return chosen


@transaction.atomic
def token_create(
    *, user: Actor, name: str, scopes: list[str], expires_in_days: int | None = None
) -> NewToken:
    """Create a token for ``user``. The raw token is returned once and never stored."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotAllowed(
            _("Please log in to create a token."), code="not_authenticated"
        )
    if not standing_of(user).is_verified:
        raise NotAllowed(
            _("Please verify your e-mail address before creating a token."),
            code="not_verified",
        )
    name = clean_text(name)
    if not name:
        raise Invalid(
            _("Give the token a name, so that you recognise it later."),
            code="required",
            field_errors={"name": ["required"]},
        )
    if len(name) > NAME_MAX:
        raise Invalid(
            _("Please write at most %(max)d characters (you wrote %(n)d).")
            % {"max": NAME_MAX, "n": len(name)},
            code="too_long",
            field_errors={"name": ["too_long"]},
        )
    chosen = _clean_scopes(user, list(scopes))
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
            raise Invalid(
                _("A token lives between 1 and %(max)d days.")
                % {"max": MAX_LIFETIME_DAYS},
                field_errors={"expires_in_days": ["out_of_range"]},
            )
        expires_at = timezone.now() + timedelta(days=expires_in_days)
    active = PersonalAccessToken.objects.select_for_update().filter(user=user).active()
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise Invalid(
            _("You have %(n)d active tokens, the most allowed. Revoke one first.")
            % {"n": MAX_ACTIVE_TOKENS},
            code="too_many_tokens",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        scopes=chosen,
        expires_at=expires_at,
    )
    record(
        actor=user,
        action="api_token.create",
        target=token,
        after={"name": name, "scopes": chosen, "expires_at": expires_at},
    )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def token_revoke(*, actor: Actor, token: PersonalAccessToken) -> PersonalAccessToken:
    locked = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
    if not getattr(actor, "is_authenticated", False) or locked.user_id != actor.pk:
        raise NotAllowed(_("You can only revoke your own tokens."))
    if locked.is_revoked:
        raise Invalid(_("This token was already revoked."), code="already_revoked")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="api_token.revoke",
        target=locked,
        before={"name": locked.name, "scopes": locked.scopes},
    )
    return locked


def token_for_raw(raw: str) -> PersonalAccessToken | None:
    """The active token matching ``raw``, with its owner (one query), or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        PersonalAccessToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def token_touch(token: PersonalAccessToken) -> None:
    """Record that the token was used (at most once a minute per token)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
