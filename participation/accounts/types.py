"""Who is acting, in type annotations.

``Actor`` is a signed-in person doing something (services take one); ``Viewer`` is
whoever is looking, signed in or not (rules, selectors and fragments take one).
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from participation.accounts.models import User

Actor: TypeAlias = User
Viewer: TypeAlias = User | AnonymousUser


def signed_in(viewer: Viewer | None) -> User | None:
    """The viewer as a ``User`` when signed in, else None (and a type checker
    then knows which)."""
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None
