"""Template helpers of the proposal pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
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


@register.inclusion_tag("proposals/_map.html", takes_context=True)
def proposal_map(context: Any, kind: str, **data: Any) -> dict[str, Any]:
    """A map box that ``map.js`` brings to life (hidden without JavaScript or
    without ``MAP_TILE_URL``): ``kind`` is "picker" (the form), "point" (one
    proposal) or "points" (a process's proposals, from ``points_url``)."""
    return {
        "request": context.get("request"),
        "enabled": bool(settings.MAP_TILE_URL),
        "kind": kind,
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_zoom": settings.MAP_TILE_MAX_ZOOM,
        "view": settings.MAP_DEFAULT_VIEW,
        **data,
    }


def more_replies_text(n: int) -> str:
    """The words of "Show N more replies", ``%(n)s`` standing for the number."""
    return ngettext("Show %(n)s more reply", "Show %(n)s more replies", n)


@register.filter
def more_replies_label(n: int) -> str:
    """ "Show 12 more replies" (「返信をあと12件表示」)."""
    n = int(n or 0)
    return more_replies_text(n) % {"n": n}


@register.filter
def more_replies_pattern(n: int) -> str:
    """The label for ``n``'s plural form with the number left as ``%(n)s``, for the
    live layer to fill in as new replies arrive."""
    return more_replies_text(int(n or 0))


@register.filter
def replies_loaded_label(n: int) -> str:
    """What a screen reader hears once more replies are in place."""
    n = int(n or 0)
    return ngettext("%(n)s more reply shown", "%(n)s more replies shown", n) % {"n": n}


@register.filter
def epoch_us(value: Any) -> int:
    """A time as microseconds since 1970: the order key (with the id) by which
    replies loaded later take their place among those on the page."""
    if value is None:
        return 0
    return int(value.timestamp()) * 1_000_000 + value.microsecond


@register.simple_tag(takes_context=True)
def comment_cards(context: Any, nodes: Any) -> SafeString:
    """``{% comment_cards comments %}``: comments (``CommentNode``s) with the replies
    on the page below each, as cards (proposals/cards.py)."""
    from proposals import cards

    return cards.render_cards(context, nodes)


@register.simple_tag(takes_context=True)
def comment_cards_one(context: Any, node: Any) -> SafeString:
    """``{% comment_cards_one node %}``: one card (proposals/_comment.html)."""
    from proposals import cards

    return cards.render_cards(context, [node])


@register.simple_tag
def replies_more(root: Any, after: int, hidden: int, total: int) -> SafeString:
    """``{% replies_more root after hidden total %}``: "Show N more replies"
    (proposals/cards.py, the same as under each card)."""
    from proposals import cards

    return cards.more_replies_html(root.pk, after, hidden, total)


@register.simple_tag(takes_context=True)
def proposal_cards(context: Any, proposals: Any) -> SafeString:
    """``{% proposal_cards proposals %}``: proposals as their cards
    (proposals/cards.py; ``supported`` in the context: ids the viewer supports)."""
    from proposals import cards

    return cards.render_proposal_cards(context, proposals)
