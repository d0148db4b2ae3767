"""A readable diff between two versions of a response, rendered on the server.

Lines are matched first; inside changed lines, words are compared (Latin words
as a whole, every other character on its own, so Japanese text diffs by
character). Everything is escaped; only ``<ins>``/``<del>`` are added.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKEN_RE = re.compile(r"\s+|[A-Za-z0-9_'’-]+|.", re.DOTALL)
#: Above this many tokens on either side a changed block is shown whole.
MAX_TOKENS = 4000


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def _ins(text: str) -> str:
    return f"<ins>{escape(text)}</ins>" if text else ""


def _del(text: str) -> str:
    return f"<del>{escape(text)}</del>" if text else ""


def _inline(old: str, new: str) -> str:
    a, b = _tokens(old), _tokens(new)
    if len(a) > MAX_TOKENS or len(b) > MAX_TOKENS:
        return _del(old) + _ins(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
        else:
            out.append(_del("".join(a[i1:i2])))
            out.append(_ins("".join(b[j1:j2])))
    return "".join(out)


def render_diff(old: str, new: str) -> SafeString:
    """HTML (escaped text with ``<ins>``/``<del>``) turning ``old`` into ``new``."""
    old_lines = (old or "").splitlines(keepends=True)
    new_lines = (new or "").splitlines(keepends=True)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before = "".join(old_lines[i1:i2])
        after = "".join(new_lines[j1:j2])
        if op == "equal":
            out.append(escape(before))
        elif op == "delete":
            out.append(_del(before))
        elif op == "insert":
            out.append(_ins(after))
        else:
            out.append(_inline(before, after))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
