"""The interface an external identity provider implements (none ships yet).

A provider (e.g. one based on the My Number Card's public personal
authentication, or a prefecture's login service) is a class named in
``VERIFICATION_PROVIDERS`` (dotted paths). It implements :class:`IdentityProvider`:

- ``key`` (a slug: the method is stored as ``provider:<key>``), ``label`` (shown
  to residents), ``level`` (``Level.IDENTITY`` unless it vouches for less);
- ``start(request, *, state, return_url) -> str``: the URL to send the resident to
  (the provider's login). It must hand ``state`` back, unchanged, as the ``state``
  query parameter of ``return_url``;
- ``finish(request, *, state) -> Assertion``: called on ``return_url`` after the
  view has checked ``state`` against the session (one use); it verifies the
  provider's answer (signature, audience, expiry: the provider's own protocol,
  typically OpenID Connect) and returns who the person is, or raises
  ``participation.errors.Invalid`` with a message for the resident.

``Assertion.subject`` is the provider's stable identifier of the person (a
pairwise subject, never the My Number itself). It is stored only as a keyed hash,
unique among active verifications of that provider: the same person cannot
verify two accounts. ``Assertion.area_slug`` may say which area the provider
vouches the person lives in. The views are ``verification:provider_start`` and
``verification:provider_return``; the service is ``services.provider_verify``.
Tests use a fake provider (tests/verification/fake_provider.py), never shipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from participation.verification.methods import Method
from participation.verification.models import Level

PREFIX = "provider:"


@dataclass(frozen=True)
class Assertion:
    subject: str
    area_slug: str = ""


class IdentityProvider(Protocol):
    key: str
    label: Any
    level: int

    def start(self, request: HttpRequest, *, state: str, return_url: str) -> str: ...

    def finish(self, request: HttpRequest, *, state: str) -> Assertion: ...


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple[IdentityProvider, ...]:
    return tuple(import_string(path)() for path in paths)


def providers() -> tuple[IdentityProvider, ...]:
    return _load(tuple(getattr(settings, "VERIFICATION_PROVIDERS", ()) or ()))


def provider(key: str) -> IdentityProvider | None:
    return next((p for p in providers() if p.key == key), None)


def method_key(provider_key: str) -> str:
    return f"{PREFIX}{provider_key}"


def _how_to(label: Any) -> Any:
    def how_to() -> str:
        return str(
            _("Verify your identity with %(provider)s on the verification page.")
            % {"provider": label}
        )

    return how_to


def provider_methods() -> list[Method]:
    return [
        Method(
            key=method_key(p.key),
            label=p.label,
            level=int(getattr(p, "level", Level.IDENTITY)),
            url_name="verification:provider_start",
            url_args=(p.key,),
            how_to=_how_to(p.label),
        )
        for p in providers()
    ]
