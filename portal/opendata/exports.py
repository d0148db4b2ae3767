"""Serialise a dataset as CSV (UTF-8 with BOM, for spreadsheets, by the one CSV
writer, ``participation.csvwriter``) or JSON Lines, as a generator of byte chunks:
memory stays constant whatever the size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from participation import csvwriter
from portal.opendata.datasets import Dataset, csv_value, json_value

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}
CHUNK_BYTES = 64 * 1024


def csv_chunks(dataset: Dataset, *, on_row: Any = None) -> Iterator[bytes]:
    """BOM and header, then the rows, in chunks of about 64 KB."""
    rows = ([csv_value(v) for v in row] for row in dataset.rows())
    yield from csvwriter.csv_chunks(
        dataset.field_names, rows, on_row=on_row, chunk_bytes=CHUNK_BYTES
    )


def jsonl_chunks(dataset: Dataset, *, on_row: Any = None) -> Iterator[bytes]:
    """One JSON object per line, keys in schema order, in chunks of about 64 KB."""
    names = dataset.field_names
    pending: list[str] = []
    size = 0
    for row in dataset.rows():
        line = json.dumps(
            {name: json_value(value) for name, value in zip(names, row, strict=True)},
            ensure_ascii=False,
        )
        pending.append(line + "\n")
        size += len(line)
        if on_row is not None:
            on_row()
        if size >= CHUNK_BYTES:
            yield "".join(pending).encode()
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode()


def chunks(dataset: Dataset, fmt: str, *, on_row: Any = None) -> Iterator[bytes]:
    if fmt == "csv":
        return csv_chunks(dataset, on_row=on_row)
    if fmt == "jsonl":
        return jsonl_chunks(dataset, on_row=on_row)
    raise ValueError(fmt)
