"""Template helpers of the proposal pages."""

from __future__ import annotations

from django import template
from django.utils.translation import ngettext

register = template.Library()


def support_count_parts(n: int) -> tuple[str, str]:
    """The words before and after the number in "19 supports" (「賛同 19件」), so
    that the number can stand alone in its element (the live layer updates it)."""
    label = ngettext("%(n)s support", "%(n)s supports", n)
    before, _sep, after = label.partition("%(n)s")
    return before, after


@register.filter
def support_parts(n: int) -> tuple[str, str]:
    return support_count_parts(int(n or 0))
