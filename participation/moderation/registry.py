"""What can be reported and hidden, by model label, so this core app never imports
the apps whose content it moderates.

Proposals and comments are registered here. Another app registers its own content
in its ``AppConfig.ready()`` with ``register(...)``; its model must inherit
``Hideable`` and have ``author``, ``get_absolute_url()`` and either ``process_id``
(itself a proposal-like object) or a ``proposal`` foreign key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ContentKind:
    label: str  # model label, lower case: "proposals.comment"
    word: str  # used in URLs and templates: "comment"
    related: tuple[str, ...]  # select_related() to show it in the queue
    hidden_event: str  # live event to the proposal's group when hidden
    changed_event: str  # … when restored or when its note changes
    id_key: str  # payload key carrying its id ("comment_id")


_BY_LABEL: dict[str, ContentKind] = {}


def register(
    label: str,
    word: str,
    *,
    related: tuple[str, ...] = ("author", "hidden_by"),
    hidden_event: str = "proposal.status_changed",
    changed_event: str = "proposal.status_changed",
    id_key: str = "",
) -> ContentKind:
    kind = ContentKind(
        label.lower(), word, related, hidden_event, changed_event, id_key
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


register(
    "proposals.proposal",
    "proposal",
    related=("author", "process", "hidden_by"),
    hidden_event="proposal.status_changed",
    changed_event="proposal.status_changed",
)
register(
    "proposals.comment",
    "comment",
    related=("author", "proposal", "proposal__process", "hidden_by"),
    hidden_event="proposal.comment_hidden",
    changed_event="proposal.comment_changed",
    id_key="comment_id",
)
