"""The live groups each app declares, so the transport never imports the apps.

An app declares its groups once, at import time of its own ``live.py`` (imported
from its ``AppConfig.ready()``)::

    PROPOSAL = registry.register("proposal", socket_path="/ws/proposals/{}/")

and then broadcasts with ``broadcast.send(PROPOSAL.name(proposal.pk), ...)``. The
declaration says how the group is named, which websocket path serves its page
(``{% live_socket_path %}``), and whether its events are kept in the event log for
reconnect catch-up, and (``pages``) which cached pages every broadcast to it makes
stale (participation/pagecache.py). Who may join a group is decided by the app's
own consumer (``authorize``), routed by the app's ``routing.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LiveGroup:
    kind: str  # the word templates use: "proposal", "session", "tracker"
    prefix: str  # group names are "<prefix>.<id>", or the prefix alone
    socket_path: str  # "/ws/proposals/{}/" ({} takes the object id)
    logged: bool  # events kept in the event log for catch-up
    per_object: bool  # one group per object (True) or one for the whole site
    # The page-cache version keys a broadcast to this group invalidates: a function
    # of the object id (None for a site-wide group), see participation/pagecache.py.
    # The sender may pass the object itself (``broadcast.send(..., about=obj)``),
    # so the function can read from it what it would otherwise query.
    pages: Callable[[Any], Iterable[str]] | None = field(default=None, compare=False)

    def name(self, object_id: Any = None) -> str:
        if not self.per_object:
            return self.prefix
        if object_id is None:
            raise ValueError(f"The live group {self.kind!r} needs an object id.")
        return f"{self.prefix}.{int(object_id)}"

    def path(self, object_id: Any = None) -> str:
        return (
            self.socket_path.format(object_id)
            if self.per_object
            else (self.socket_path)
        )


_BY_KIND: dict[str, LiveGroup] = {}


def register(
    kind: str,
    *,
    socket_path: str,
    prefix: str = "",
    logged: bool = True,
    per_object: bool = True,
    pages: Callable[[Any], Iterable[str]] | None = None,
) -> LiveGroup:
    group = LiveGroup(kind, prefix or kind, socket_path, logged, per_object, pages)
    known = _BY_KIND.get(kind)
    if known is not None and known != group:
        raise ValueError(f"The live group {kind!r} is declared twice, differently.")
    _BY_KIND[kind] = group
    return group


def get(kind: str) -> LiveGroup:
    try:
        return _BY_KIND[kind]
    except KeyError:
        raise LookupError(f"Unknown live group kind: {kind}") from None


def is_logged(group_name: str) -> bool:
    """Whether events to the group called ``group_name`` are kept for catch-up."""
    prefix = group_name.split(".", 1)[0]
    return any(g.logged and g.prefix == prefix for g in _BY_KIND.values())


def pages_of(group_name: str, about: Any = None) -> list[str]:
    """The page-cache version keys that a broadcast to ``group_name`` invalidates.
    ``about``: the group's object, when the sender has it at hand (its id must be
    the group's)."""
    prefix, _dot, rest = group_name.partition(".")
    for group in _BY_KIND.values():
        if group.prefix == prefix and group.pages is not None:
            if group.per_object:
                if not rest.isdigit():
                    return []
                if about is not None and getattr(about, "pk", None) == int(rest):
                    return list(group.pages(about))
                return list(group.pages(int(rest)))
            return list(group.pages(None))
    return []
