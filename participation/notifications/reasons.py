"""Why a person receives a notification, said in every e-mail ("you support this
proposal"), and the audience of a change built from those reasons.

Services say who gets a notification and why with an :class:`Audience`: a mapping of
user id → reason code. When a person has several reasons (the author also follows
their proposal) the strongest one is kept, in the order of ``REASONS``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

# Strongest first: the order decides which reason a person with several is told.
REASONS = {
    "account": _("This concerns your account."),
    "author": _("You wrote this."),
    "replied": _("You wrote the comment that was answered."),
    "department": _("Your department handles this proposal."),
    "facilitator": _("You facilitate this process."),
    "supporter": _("You support this proposal."),
    "commenter": _("You commented on this proposal."),
    "follower": _("You follow this."),
    "participant": _("You took part in this session."),
}
_RANK = {code: rank for rank, code in enumerate(REASONS)}


def reason_text(code: str) -> str:
    """The sentence for ``code`` in the active language ("" for no reason)."""
    label = REASONS.get(code)
    return str(label) if label is not None else ""


class Audience(dict[int, str]):
    """User id → reason code, keeping each person's strongest reason."""

    def add(self, user_ids: Iterable[int | None], reason: str) -> Audience:
        if reason not in _RANK:
            raise ValueError(f"unknown notification reason: {reason!r}")
        for uid in user_ids:
            if not uid:
                continue
            current = self.get(uid)
            if current is None or _RANK[reason] < _RANK[current]:
                self[uid] = reason
        return self

    def without(self, user_ids: Iterable[int | None]) -> Audience:
        drop = set(user_ids)
        return Audience({uid: r for uid, r in self.items() if uid not in drop})

    def __or__(self, other: object) -> Audience:  # type: ignore[override]
        if not isinstance(other, dict):
            return NotImplemented
        merged = Audience(self)
        for uid, reason in other.items():
            merged.add([uid], reason)
        return merged
