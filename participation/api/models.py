"""Personal access tokens: how programs act for a resident through the API.

Only a SHA-256 digest of each token is stored; the token itself is shown once, when
it is created. A token carries scopes that narrow (never widen) what its owner may
do: ``read`` (implied by every token), ``participate`` (resident writes) and
``official`` (department work).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read")
    PARTICIPATE = "participate", _("Take part")
    OFFICIAL = "official", _("Official work")


SCOPE_HELP = {
    Scope.READ: _("Read public data and your own account details."),
    Scope.PARTICIPATE: _(
        "Propose, edit and withdraw proposals, support, comment, vote, report and "
        "follow, as you."
    ),
    Scope.OFFICIAL: _(
        "Assign proposals, change their status, publish and revise responses and post "
        "progress updates for your department."
    ),
}


class PersonalAccessTokenQuerySet(models.QuerySet["PersonalAccessToken"]):
    def active(self) -> PersonalAccessTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class PersonalAccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=80)
    # hex SHA-256 of the whole token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so that the owner can recognise a token in the list.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PersonalAccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def has_scope(self, scope: str) -> bool:
        return scope == Scope.READ or scope in (self.scopes or [])

    def scope_labels(self) -> list[str]:
        return [str(label) for value, label in Scope.choices if self.has_scope(value)]
