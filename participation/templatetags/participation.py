"""Template helpers used across the site (loaded as builtins)."""

from __future__ import annotations

import secrets
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext

from participation.text import excerpt, render_markdown, stored_html

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> Any:
    """Pick ``<field>_en`` for English when it is filled in, else ``<field>``.

    Government-authored content (processes, departments, categories) is written in
    Japanese and may carry an English translation; user content is shown as written.
    """
    if obj is None:
        return ""
    lang = (get_language() or "ja").split("-")[0]
    if lang != "ja":
        translated = getattr(obj, f"{field}_{lang}", "")
        if translated:
            return translated
    return getattr(obj, field, "")


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter(name="user_html")
def user_html_filter(obj: Any, field: str = "body") -> SafeString:
    """``{{ comment|user_html:"body" }}``: the HTML stored when the text was
    written (see ``participation.text.RendersText``); no Markdown on display."""
    return stored_html(obj, field)


@register.filter(name="excerpt")
def excerpt_filter(text: str, length: int = 160) -> str:
    return excerpt(text, int(length))


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for pagination)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def idempotency_key() -> SafeString:
    """A hidden field with a fresh key, beside ``{% csrf_token %}`` in every create
    form: sending the same form twice creates one record (participation.idempotency)."""
    return format_html(
        '<input type="hidden" name="idempotency_key" value="{}">',
        secrets.token_urlsafe(24),
    )


@register.filter
def parenthesized(text: Any) -> SafeString:
    """A note in the UI language's parentheses: "(forwarded)", 「（転送）」. Templates
    never type ASCII parentheses or commas around translated words
    (``.ci/check-ja-punctuation`` looks)."""
    pattern = pgettext("a note in parentheses", "(%(note)s)")
    return mark_safe(pattern % {"note": conditional_escape(text)})  # noqa: S308


@register.simple_tag
def list_separator() -> str:
    """The separator between two items in a line: ", " or 「、」."""
    return pgettext("separator between two items", ", ")
