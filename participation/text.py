"""User text → safe HTML. The only module that imports bleach.

User text is stored exactly as written. It goes through a small Markdown subset
(paragraphs, line breaks, emphasis, lists, quotes, code, links), then through an
allow-list sanitizer from settings. Raw HTML typed by a user is escaped before
Markdown sees it, so it shows as text and can never run.

The result is rendered ONCE, when the text is written: models that show user text
mix in ``RendersText`` and keep the HTML beside the source (``body`` →
``body_html``); templates print it with ``{{ obj|user_html:"body" }}``. When the
sanitizer's rules change, ``manage.py rerender_text`` renders every stored text
again. The Markdown converter, the cleaner and the linker are built once per
thread (none of the three is safe to share between threads) and reused; Markdown
and bleach are imported by the first text a process renders, not at start-up
(every model module imports this one; deploy/README.md, "Start-up memory").
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import MutableMapping
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.safestring import SafeString, mark_safe

_REL = "nofollow ugc noopener"
_URL_RE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
# C0/C1 control characters except tab, newline and carriage return.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _set_rel(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str]:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if not href or href.startswith("#"):
        return attrs
    attrs[(None, "rel")] = _REL
    return attrs


class _Tools:
    """One thread's Markdown converter, cleaner and linker, for one set of rules."""

    def __init__(self, rules: tuple[Any, ...]) -> None:
        import bleach
        import markdown
        from bleach.linkifier import Linker

        tags, attributes, protocols = rules
        self.rules = rules
        self.markdown = markdown.Markdown(
            extensions=["nl2br", "sane_lists"], output_format="html"
        )
        self.cleaner = bleach.Cleaner(
            tags=set(tags),
            attributes=attributes,
            protocols=set(protocols),
            strip=True,
            strip_comments=True,
        )
        self.linker = Linker(callbacks=[_set_rel], skip_tags={"pre", "code"})


_local = threading.local()


def _rules() -> tuple[Any, ...]:
    return (
        tuple(settings.SANITIZER_ALLOWED_TAGS),
        settings.SANITIZER_ALLOWED_ATTRIBUTES,
        tuple(settings.SANITIZER_ALLOWED_PROTOCOLS),
    )


def _tools() -> _Tools:
    """This thread's tools, built again only when the rules in settings change."""
    rules = _rules()
    tools: _Tools | None = getattr(_local, "tools", None)
    if tools is None or tools.rules != rules:
        tools = _Tools(rules)
        _local.tools = tools
    return tools


def _sanitize(raw_html: str, tools: _Tools) -> str:
    return str(tools.linker.linkify(tools.cleaner.clean(raw_html)))


def sanitize_html(raw_html: str) -> SafeString:
    """Clean HTML against the allow-list in settings and mark links as user content."""
    return mark_safe(_sanitize(raw_html, _tools()))  # noqa: S308 - cleaned


def render_html(text: str) -> str:
    """The Markdown subset of a user's text as sanitized HTML (a plain string: what
    models store beside the source text)."""
    if not text:
        return ""
    tools = _tools()
    escaped = html.escape(text, quote=False)
    rendered = tools.markdown.reset().convert(escaped)
    return _sanitize(rendered, tools)


def render_markdown(text: str) -> SafeString:
    """Render the Markdown subset of a user's text into sanitized HTML."""
    return mark_safe(render_html(text))  # noqa: S308 - sanitized in render_html


class RendersText:
    """Mixin for models that show user text: ``RENDERED_TEXT`` maps each source
    field to the field that stores its HTML (``{"body": "body_html"}``). ``save()``
    renders the source when it is saved (every field, or ``update_fields`` naming
    it), so the HTML can never lag behind the text it comes from."""

    RENDERED_TEXT: ClassVar[dict[str, str]] = {}

    def render_text(self) -> list[str]:
        """Render every source field into its HTML field; the HTML fields' names."""
        for source, target in self.RENDERED_TEXT.items():
            setattr(self, target, render_html(getattr(self, source)))
        return list(self.RENDERED_TEXT.values())

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.render_text()
        else:
            fields = set(update_fields)
            for source, target in self.RENDERED_TEXT.items():
                if source in fields:
                    setattr(self, target, render_html(getattr(self, source)))
                    fields.add(target)
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)  # type: ignore[misc]


def rerender_rows(
    model: Any, mapping: dict[str, str] | None = None, *, batch: int = 500
) -> tuple[int, int]:
    """Render the text of every row of ``model`` again and store the HTML that
    changed; returns (rows read, rows changed). Streams in primary-key order,
    ``batch`` rows at a time, so memory stays flat whatever the table's size. Works
    on historical models in migrations (pass ``mapping``) and on append-only
    records (the stored HTML is derived, the source text is never touched)."""
    mapping = mapping if mapping is not None else model.RENDERED_TEXT
    rows_of: models.QuerySet[Any] = models.QuerySet(model=model)
    fields = ["pk", *mapping, *mapping.values()]
    last, seen, changed = 0, 0, 0
    while True:
        rows = list(rows_of.filter(pk__gt=last).order_by("pk").only(*fields)[:batch])
        if not rows:
            return seen, changed
        dirty = []
        for row in rows:
            before = [getattr(row, target) for target in mapping.values()]
            for source, target in mapping.items():
                setattr(row, target, render_html(getattr(row, source)))
            if before != [getattr(row, target) for target in mapping.values()]:
                dirty.append(row)
        if dirty:
            rows_of.bulk_update(dirty, list(mapping.values()))
        seen += len(rows)
        changed += len(dirty)
        last = rows[-1].pk


def stored_html(obj: Any, source: str) -> SafeString:
    """The stored HTML of ``obj``'s ``source`` field (rendered now if the object
    has none stored: an unsaved object, or a model without the mixin)."""
    target = getattr(type(obj), "RENDERED_TEXT", {}).get(source)
    value = getattr(obj, target, None) if target else None
    text = getattr(obj, source, "")
    if value is None or (not value and text):
        return render_markdown(text)
    return mark_safe(value)  # noqa: S308 - rendered by render_html when written


def clean_text(value: str) -> str:
    """Normalize user input: NFC, no control characters, stripped."""
    value = unicodedata.normalize("NFC", value or "")
    value = _CONTROL_RE.sub("", value)
    return value.strip()


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL_RE.search(value or ""))


def contains_url(value: str) -> bool:
    return bool(_URL_RE.search(value or ""))


def excerpt(text: str, length: int = 160) -> str:
    """Plain one-line excerpt of a user's text (Markdown marks left as typed)."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
