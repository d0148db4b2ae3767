"""The one CSV writer: every CSV the product emits (the tracker table, the open-data
downloads and exported files) is written by :func:`csv_chunks`. No other module
imports ``csv`` to write.

- A cell that a spreadsheet would read as a formula (text starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, so
  opening the file can never run it or call out to a server. Numbers are written
  as they are (``-3`` is a number, not a formula); anything else is text.
- UTF-8 with a byte-order mark, so that Excel reads Japanese correctly.
- Streamed: a generator of byte chunks of about 64 KB, whatever the row count.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

BOM = "\ufeff".encode()
CHUNK_BYTES = 64 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """The text of one CSV cell, neutralised if it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([cell(v) for v in values])
    return buffer.getvalue()


def csv_chunks(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    on_row: Callable[[], Any] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """BOM and header, then the rows, in chunks of about ``chunk_bytes``."""
    pending = [_line(header)]
    size = 0
    first = True
    for row in rows:
        line = _line(row)
        pending.append(line)
        size += len(line)
        if on_row is not None:
            on_row()
        if size >= chunk_bytes:
            chunk = "".join(pending).encode()
            yield (BOM + chunk) if first else chunk
            first = False
            pending, size = [], 0
    chunk = "".join(pending).encode()
    yield (BOM + chunk) if first else chunk
