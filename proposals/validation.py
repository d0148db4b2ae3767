"""Field limits shared by forms, services and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from participation.errors import Invalid
from participation.text import clean_text

TITLE_MIN, TITLE_MAX = 10, 150
BODY_MIN, BODY_MAX = 30, 10_000
COMMENT_MIN, COMMENT_MAX = 2, 5_000
LOCATION_MAX = 200


def check_length(value: str, *, field: str, low: int, high: int) -> str:
    value = clean_text(value)
    if len(value) < low:
        raise Invalid(
            _("Please write at least %(min)d characters (you wrote %(n)d).")
            % {"min": low, "n": len(value)},
            code="too_short",
            field_errors={field: ["too_short"]},
        )
    if len(value) > high:
        raise Invalid(
            _("Please write at most %(max)d characters (you wrote %(n)d).")
            % {"max": high, "n": len(value)},
            code="too_long",
            field_errors={field: ["too_long"]},
        )
    return value
