"""What can be reported and hidden, by model label, so this core app never imports
the apps whose content it moderates.

Each app registers its own content (proposals registers proposals and comments in
``proposals/moderation.py``) from its ``AppConfig.ready()`` with ``register(...)``;
its model must inherit ``Hideable`` and have ``author``, ``get_absolute_url()`` and
either ``process_id`` (itself a proposal-like object) or a ``proposal`` foreign key.
``live`` says which live group to tell, with which payload, when a moderator
changes the content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (group name, payload) of the live event about a piece of content.
LiveTarget = Callable[[Any], tuple[str, dict[str, Any]]]
# Who else hears that the content was hidden (user id → reason code), beyond its
# author: a proposal's supporters and followers.
AudienceOf = Callable[[Any], dict[int, str]]


@dataclass(frozen=True)
class ContentKind:
    label: str  # model label, lower case: "proposals.comment"
    word: str  # used in URLs and templates: "comment"
    related: tuple[str, ...]  # select_related() to show it in the queue
    hidden_event: str  # live event to the content's group when hidden
    changed_event: str  # … when restored, when its note changes or it is closed
    live: LiveTarget | None  # the group and payload of those events
    audience: AudienceOf | None = None  # told when it is hidden (besides the author)


_BY_LABEL: dict[str, ContentKind] = {}


def register(
    label: str,
    word: str,
    *,
    related: tuple[str, ...] = ("author", "hidden_by"),
    hidden_event: str = "proposal.status_changed",
    changed_event: str = "proposal.status_changed",
    live: LiveTarget | None = None,
    audience: AudienceOf | None = None,
) -> ContentKind:
    kind = ContentKind(
        label.lower(), word, related, hidden_event, changed_event, live, audience
    )
    _BY_LABEL[kind.label] = kind
    return kind


def by_label(label: str) -> ContentKind | None:
    return _BY_LABEL.get(label.lower())


def by_word(word: str) -> ContentKind | None:
    return next((k for k in _BY_LABEL.values() if k.word == word), None)


def of(obj: Any) -> ContentKind | None:
    meta = getattr(obj, "_meta", None)
    return by_label(meta.label_lower) if meta is not None else None


def words() -> list[str]:
    return [k.word for k in _BY_LABEL.values()]
