"""The small kit every app's services share: refuse, and check a text's length.

Services check, write, audit and schedule, in that order; the checks are spelled
once here so that every refusal reads the same to a resident, in the pages, the API
and the websockets alike.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from participation.errors import DomainError, Invalid
from participation.text import clean_text


def refuse(refusal: DomainError | None) -> None:
    """Raise the refusal a rule returned (``<action>_refusal(user, obj)``), if any."""
    if refusal is not None:
        raise refusal


def too_long(field: str, high: int, n: int) -> Invalid:
    return Invalid(
        _("Please write at most %(max)d characters (you wrote %(n)d).")
        % {"max": high, "n": n},
        code="too_long",
        field_errors={field: ["too_long"]},
    )


def check_length(
    value: Any,
    *,
    field: str,
    high: int,
    low: int = 0,
    too_short: Any = None,
) -> str:
    """The text as stored (``clean_text``), or ``Invalid`` naming ``field``.

    ``too_short`` replaces the default message for a text under ``low`` characters;
    it may use ``%(min)d`` and ``%(n)d``.
    """
    value = clean_text(str(value or ""))
    if len(value) < low:
        message = too_short or _(
            "Please write at least %(min)d characters (you wrote %(n)d)."
        )
        raise Invalid(
            message % {"min": low, "n": len(value)},
            code="too_short",
            field_errors={field: ["too_short"]},
        )
    if len(value) > high:
        raise too_long(field, high, len(value))
    return value
