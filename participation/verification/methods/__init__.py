"""The verification methods, behind one interface, and their registry.

A method is a small module that registers one :class:`Method` (or, for identity
providers, one per configured provider): its key (stored on each
``Verification``), its label, the level it gives, the resident's page that starts
it, and how to get verified by it (the sentence a refusal shows). The services
that write verifications are in ``participation.verification.services``; what a
method checks is in its own module:

- ``declared``: municipality and postal code, checked against the areas (low);
- ``code``: one-time codes issued by staff at a counter or printed for a letter;
- ``provider``: the interface an external identity provider implements
  (``VERIFICATION_PROVIDERS``; e.g. one based on the My Number Card).

Adding a method: a module here with its ``METHOD`` and a service that writes the
verification through ``services._verify``, imported by :func:`load_methods`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Method:
    key: str
    label: Promise | str
    level: int
    # The resident's page where this method starts, and its arguments.
    url_name: str
    how_to: Callable[[], Any]
    url_args: tuple[Any, ...] = ()
    # Whether this method can tell two people apart (it stores an identity hash).
    distinguishes_people: bool = True

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args)


_METHODS: dict[str, Method] = {}


def register(method: Method) -> None:
    _METHODS[method.key] = method


def methods() -> list[Method]:
    """Every method on offer, lowest level first: the built-in ones and one per
    configured identity provider."""
    # Imported here: provider imports this module for Method (a cycle).
    from participation.verification.methods import provider

    found = list(_METHODS.values()) + provider.provider_methods()
    return sorted(found, key=lambda m: (m.level, m.key))


def get(key: str) -> Method | None:
    return next((m for m in methods() if m.key == key), None)


def reaching(level: int) -> list[Method]:
    """The methods by which a resident reaches ``level``."""
    return [m for m in methods() if m.level >= level]


def label_of(key: str) -> Any:
    method = get(key)
    return method.label if method else key


def load_methods() -> None:
    # Imported here: each module registers itself on import (app loading).
    from participation.verification.methods import code, declared

    register(declared.METHOD)
    register(code.METHOD)
