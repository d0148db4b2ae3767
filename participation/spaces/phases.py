"""What a phase opens, and how phases sit on a timeline: the rules, spelled once.

A phase's *kind* decides what residents may do while it runs. ``OPENS`` is the
table of it: for each kind, whether "may propose", "may support" and "may
comment" are required (always on), optional (the administrator chooses) or
forbidden (always off). The staff form, the services and the Django admin all
validate through :func:`flags_refusal`; the staff form's checkboxes are drawn
from the same table (``static/js/phases.js`` only mirrors it in the browser).

The table accepts every combination the demo and earlier releases wrote
(information: nothing; proposals: all three; support: support and comment;
response and implementation: comment), so existing data stays valid.

Phases of one process may not overlap: a process has at most one current phase
(:func:`overlap_refusal`, used by the same three doors).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.utils.translation import gettext_lazy as _

from participation.errors import Invalid
from participation.spaces.models import PhaseKind


class Opens(Enum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    FORBIDDEN = "forbidden"


# The three flags of a phase, in the order the pages show them.
FLAGS: tuple[str, ...] = ("allows_proposing", "allows_supporting", "allows_commenting")

FLAG_LABELS = {
    "allows_proposing": _("residents may propose"),
    "allows_supporting": _("residents may support"),
    "allows_commenting": _("residents may comment"),
}

R, OPT, F = Opens.REQUIRED, Opens.OPTIONAL, Opens.FORBIDDEN

#: kind -> (propose, support, comment)
OPENS: dict[str, tuple[Opens, Opens, Opens]] = {
    # Before anything opens: the plan is explained; questions may be asked.
    PhaseKind.INFORMATION: (F, F, OPT),
    # Proposals are collected; supporting and discussing them may run alongside.
    PhaseKind.PROPOSALS: (R, OPT, OPT),
    # No new proposals: supports are gathered, discussion may continue.
    PhaseKind.SUPPORT: (F, R, OPT),
    # Departments answer: the set of proposals and their supports stay as they are.
    PhaseKind.RESPONSE: (F, F, OPT),
    # Answers are carried out: residents may still comment on the progress.
    PhaseKind.IMPLEMENTATION: (F, F, OPT),
}


def rule_for(kind: str) -> dict[str, Opens]:
    """``{flag: Opens}`` for a kind (an unknown kind forbids everything)."""
    return dict(zip(FLAGS, OPENS.get(kind, (F, F, F)), strict=True))


def defaults_for(kind: str) -> dict[str, bool]:
    """The flags a new phase of this kind starts with: required and optional on."""
    return {flag: opens is not F for flag, opens in rule_for(kind).items()}


def flags_refusal(kind: str, flags: dict[str, bool]) -> Invalid | None:
    """``Invalid`` when the flags contradict the phase's kind, else None."""
    if kind not in OPENS:
        return Invalid(
            _("Please choose a kind of phase from the list."),
            code="invalid_kind",
            field_errors={"kind": ["invalid_kind"]},
        )
    kind_label = PhaseKind(kind).label
    for flag, opens in rule_for(kind).items():
        value = bool(flags.get(flag))
        if opens is R and not value:
            return Invalid(
                _("A phase of the kind “%(kind)s” must let %(what)s.")
                % {"kind": kind_label, "what": FLAG_LABELS[flag]},
                code="kind_requires_flag",
                field_errors={flag: ["kind_requires_flag"]},
            )
        if opens is F and value:
            return Invalid(
                _("A phase of the kind “%(kind)s” cannot let %(what)s.")
                % {"kind": kind_label, "what": FLAG_LABELS[flag]},
                code="kind_forbids_flag",
                field_errors={flag: ["kind_forbids_flag"]},
            )
    return None


@dataclass(frozen=True)
class Span:
    starts_at: datetime
    ends_at: datetime
    title: str = ""


def span_refusal(
    starts_at: datetime | None, ends_at: datetime | None
) -> Invalid | None:
    if starts_at is None or ends_at is None:
        return Invalid(
            _("Please give the start and the end of every phase."),
            code="phase_dates_missing",
            field_errors={
                "starts_at" if starts_at is None else "ends_at": ["required"]
            },
        )
    if ends_at <= starts_at:
        return Invalid(
            _("A phase must end after it starts."),
            code="ends_before_start",
            field_errors={"ends_at": ["ends_before_start"]},
        )
    return None


def overlap_refusal(spans: Iterable[Span]) -> Invalid | None:
    """``Invalid`` naming the first two phases that overlap, else None. A phase may
    start at the very moment the previous one ends."""
    ordered: Sequence[Span] = sorted(spans, key=lambda s: (s.starts_at, s.ends_at))
    for first, second in zip(ordered, ordered[1:], strict=False):
        if second.starts_at < first.ends_at:
            return Invalid(
                _(
                    "The phases “%(first)s” and “%(second)s” overlap. A new "
                    "phase may start when the previous one ends."
                )
                % {"first": first.title, "second": second.title},
                code="phases_overlap",
                field_errors={"phases": ["phases_overlap"]},
            )
    return None
