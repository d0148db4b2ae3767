"""Fragments repeated on a page (cards, rows), rendered fast: the one Jinja2
environment of the site and what its templates share.

A list page repeats one fragment 20 to 80 times, and Django's template language
spends most of such a page's time on the lookups, ``{% translate %}``,
``{% url %}`` and dates of each copy. The hottest fragments are Jinja2 templates
(``templates/jinja2/<app>/…``, compiled to Python), rendered by their app's
``cards.py`` with what does not change from one copy to the next done once per
page:

- the words of the UI in the current language: an app writes its gettext calls in
  a function decorated with :func:`per_language` (so that ``makemessages`` finds
  them), called once per language and process;
- addresses: one ``reverse()`` per kind of link (:class:`Address`), each record's
  id or code put in its place;
- dates in the language's formats (:class:`Dates`) and the CSRF field
  (:func:`csrf_field`).

Autoescaping is on and every name a template uses must be given
(``StrictUndefined``): user text is escaped unless it comes marked safe (the HTML
stored by ``participation.text``). Jinja2 itself is imported by the first render,
not at start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language

_lock = threading.Lock()
_environment: Any = None


def environment() -> Any:
    """The Jinja2 environment, made on first use (a process that renders no card
    never imports Jinja2)."""
    global _environment
    if _environment is None:
        with _lock:
            if _environment is None:
                import jinja2

                _environment = jinja2.Environment(
                    loader=jinja2.FileSystemLoader(
                        settings.BASE_DIR / "templates" / "jinja2"
                    ),
                    autoescape=True,
                    auto_reload=settings.DEBUG,
                    undefined=jinja2.StrictUndefined,
                )
    return _environment


def template(name: str) -> Any:
    """``templates/jinja2/<name>``, compiled once per process."""
    return environment().get_template(name)


def render(compiled: Any, context: dict[str, Any]) -> SafeString:
    """A Jinja2 template's output (autoescaped) as safe HTML for Django's."""
    return mark_safe(compiled.render(context))  # noqa: S308 - autoescaped


T = TypeVar("T")


def language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def per_language(build: Callable[[], T]) -> Callable[[], T]:
    """``build()`` once per language (the active one when first called), then
    its result: the words of a card, in a function whose gettext calls
    ``makemessages`` reads."""
    made: dict[str, T] = {}

    def cached() -> T:
        key = language()
        try:
            return made[key]
        except KeyError:
            value = made[key] = build()
            return value

    cached.__doc__ = build.__doc__
    cached.__wrapped__ = build  # type: ignore[attr-defined]
    return cached


def counter(words: Callable[[int], str]) -> Callable[[Any], str]:
    """``count(n)``: "19 supports" (「賛同19件」) from ``words(n)``, an ngettext
    call written where ``makemessages`` reads it (``lambda n: ngettext("%(n)s
    support", "%(n)s supports", n)``), ``%(n)s`` filled in; each number's words
    looked up once per page."""
    made: dict[int, str] = {}

    def count(value: Any) -> str:
        n = int(value or 0)
        try:
            return made[n]
        except KeyError:
            text = made[n] = words(n) % {"n": n}
            return text

    return count


def _segment(value: Any) -> str:
    """One argument as ``reverse()`` writes it: ids as numbers, codes and slugs
    quoted the same way."""
    if isinstance(value, int):
        return str(int(value))
    return quote(str(value), safe=RFC3986_SUBDELIMS + "/~:@")


class Address:
    """``/comments/<id>/vote/``, ``/tracker/departments/<code>/`` and the like
    without a ``reverse()`` per record: reversed once with stand-ins for the last
    ``arity`` arguments (after the ``fixed`` ones), which are then replaced."""

    STAND_INS = (2_147_483_647, 2_147_483_646, 2_147_483_645)

    def __init__(self, name: str, *fixed: Any, arity: int = 1) -> None:
        stand_ins = self.STAND_INS[:arity]
        rest = reverse(name, args=[*fixed, *stand_ins])
        self.parts: list[str] = []
        for stand_in in stand_ins:
            before, found, rest = rest.partition(str(stand_in))
            if not found:
                raise ValueError(f"{name}: no place for an argument in its address")
            self.parts.append(before)
        self.tail = rest

    def __call__(self, *values: Any) -> str:
        out = []
        for part, value in zip(self.parts, values, strict=True):
            out += (part, _segment(value))
        out.append(self.tail)
        return "".join(out)


class Dates:
    """Dates and times in the UI language's formats, looked up once per page:
    what ``|date:"DATE_FORMAT"``, ``|date:"DATETIME_FORMAT"`` and ``|date:"c"``
    (or ``"Y-m-d"`` for a date) print, aware times shown in the current zone."""

    def __init__(self) -> None:
        self.date_format = formats.get_format("DATE_FORMAT")
        self.datetime_format = formats.get_format("DATETIME_FORMAT")

    def date(self, value: Any) -> str:
        if not value:
            return ""
        return dateformat.format(_local(value), self.date_format)

    def datetime(self, value: Any) -> str:
        if not value:
            return ""
        return dateformat.format(_local(value), self.datetime_format)

    @staticmethod
    def iso(value: Any) -> str:
        return _local(value).isoformat() if value else ""


def _local(value: Any) -> Any:
    """An aware time in the current zone; a date (or a naive time) as it is."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return localtime(value)
    return value


def csrf_field(context: Any) -> SafeString:
    """The hidden CSRF input of a page's forms, or "" where there is no token."""
    token = context.get("csrf_token")
    if token is None and context.get("request") is not None:
        token = get_token(context["request"])
    if not token or token == "NOTPROVIDED":
        return mark_safe("")
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
    )
