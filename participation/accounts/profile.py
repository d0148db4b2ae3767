"""What a person's public profile lists besides the person: what they wrote in the
apps above the core.

The core cannot import those apps. Each registers, from its ``AppConfig.ready()``,
a function returning a person's public content of one kind as a query
(``proposals/profile.py`` does so for proposals and comments): only what the public
may see, in the order the profile shows it, with what the page reads selected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Lister = Callable[[Any], Any]

_LISTS: dict[str, Lister] = {}


def register(key: str, lister: Lister) -> None:
    """Add (or replace) the list ``key`` ("proposals", "comments") of a profile."""
    _LISTS[key] = lister


def public_content(key: str, person: Any) -> Any:
    """The person's public content of kind ``key`` (nothing if no app lists it)."""
    lister = _LISTS.get(key)
    return lister(person) if lister is not None else []
