"""Every sideways-scrolling table can be reached and named without a mouse.

A table wider than a phone scrolls inside its ``.table-wrap``; keyboard users can
scroll it only if the wrapper takes focus, and a screen reader names it only if it
is a labelled region (axe-core's ``scrollable-region-focusable``, WCAG 2.1.1)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = re.compile(r'<div class="table-wrap"[^>]*>')


def _wrappers() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(ROOT)}", match.group(0))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in WRAPPER.finditer(path.read_text(encoding="utf-8"))
    ]


def _unreachable(tag: str) -> bool:
    return not (
        'role="region"' in tag
        and 'tabindex="0"' in tag
        and re.search(r'aria-label="[^"]+"', tag)
    )


def test_the_scan_finds_the_tables():
    assert len(_wrappers()) >= 20


def test_every_scrolling_table_is_a_focusable_labelled_region():
    bare = [where for where, tag in _wrappers() if _unreachable(tag)]
    assert bare == []


def test_the_check_catches_a_bare_wrapper():
    assert _unreachable('<div class="table-wrap">')
    assert _unreachable('<div class="table-wrap" tabindex="0">')
    assert not _unreachable(
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Figures">'
    )
