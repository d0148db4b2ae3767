"""Large downloads: generated into a file, then streamed from the file.

A download streamed straight from a database cursor holds a pooled connection for
as long as the client takes to read it: a handful of clients that read a little and
stop would hold the whole pool, and every page (and the health check) would wait
for a connection that never comes back. So every large download (open data, the
tracker CSV, a person's own data) goes through :func:`spooled_download`:

1. it takes one of ``EXPORT_MAX_CONCURRENT`` export slots of this process, waiting
   at most ``EXPORT_QUEUE_TIMEOUT`` seconds (else 503 with ``Retry-After``), so
   exports can never use more than that many of the pool's connections at once;
2. it reads the rows as fast as the database gives them into a temporary file
   (memory up to ``EXPORT_SPOOL_MEMORY`` bytes, then disk), frees the slot and
   gives the database connection back (``participation.dbpool``);
3. only then does it answer 200, with the exact ``Content-Length``, and stream the
   file at the client's pace: a slow or stalled client holds a file descriptor and
   some disk, never a database connection.

Any failure while generating (no connection free, a database error) happens before
the status line is sent, so it is answered as an error page (503, 500), never as a
download cut short after its 200 header.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from participation.dbpool import release_connections
from participation.errors import Busy

READ_BYTES = 64 * 1024

_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
_slots_size = 0


def _export_slots() -> threading.BoundedSemaphore:
    """The process's export slots (rebuilt if the setting changes, for tests)."""
    global _slots, _slots_size
    size = max(1, int(settings.EXPORT_MAX_CONCURRENT))
    with _slots_lock:
        if _slots is None or _slots_size != size:
            _slots, _slots_size = threading.BoundedSemaphore(size), size
        return _slots


def exports_busy() -> Busy:
    wait = max(1, int(settings.EXPORT_QUEUE_TIMEOUT))
    return Busy(
        _(
            "Many downloads are being prepared right now. Please try again in a "
            "few seconds."
        ),
        retry_after=wait,
    )


def spool(chunks: Iterable[bytes | str]) -> IO[bytes]:
    """Write ``chunks`` into a temporary file (in memory up to
    ``EXPORT_SPOOL_MEMORY`` bytes) within an export slot; return it rewound. The
    database connections of this thread are given back before it returns."""
    slots = _export_slots()
    if not slots.acquire(timeout=max(0.0, float(settings.EXPORT_QUEUE_TIMEOUT))):
        raise exports_busy()
    handle: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by the response)
        max_size=int(settings.EXPORT_SPOOL_MEMORY), mode="w+b"
    )
    try:
        for chunk in chunks:
            handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # a generator's own clean-up (its cursor) now, not later
        slots.release()
        release_connections()
    return handle


def _size(handle: IO[bytes]) -> int:
    position = handle.tell()
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(position)
    return size


class _FileChunks:
    """The spooled file read in chunks; the response closes it (and so deletes it)
    when it is done or the client went away, read or not."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def close(self) -> None:
        self.handle.close()


class _SyncFileChunks(_FileChunks):
    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.handle.read(READ_BYTES):
            yield chunk


class _AsyncFileChunks(_FileChunks):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        # Anything that ran after the view (middleware) may have opened a
        # connection again: give it back before waiting on the client. The same
        # thread as the view's (the request's thread-sensitive context).
        from asgiref.sync import sync_to_async

        await sync_to_async(release_connections, thread_sensitive=True)()
        while chunk := await asyncio.to_thread(self.handle.read, READ_BYTES):
            yield chunk


def spooled_download(
    request: HttpRequest,
    chunks: Iterable[bytes | str],
    *,
    content_type: str,
    filename: str,
    headers: dict[str, Any] | None = None,
) -> StreamingHttpResponse:
    """The download of ``chunks`` as a file attachment, generated completely before
    the answer starts (see the module's description)."""
    handle = spool(chunks)
    size = _size(handle)
    content: _FileChunks = (
        _AsyncFileChunks(handle)
        if isinstance(request, ASGIRequest)
        else _SyncFileChunks(handle)
    )
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def stored_file_response(
    request: HttpRequest,
    name: str,
    *,
    content_type: str,
    filename: str = "",
    as_attachment: bool = True,
    headers: dict[str, Any] | None = None,
) -> StreamingHttpResponse:
    """A file kept in ``default_storage`` (an uploaded attachment or picture),
    streamed at the client's pace after the database connection is given back,
    as the spooled downloads are. ``filename`` is put in ``Content-Disposition``
    (RFC 6266, UTF-8 names encoded); the type is ours, never the uploader's, and
    ``nosniff`` stops browsers guessing another."""
    handle = default_storage.open(name, "rb")
    content: _FileChunks = (
        _AsyncFileChunks(handle)
        if isinstance(request, ASGIRequest)
        else _SyncFileChunks(handle)
    )
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Length"] = str(default_storage.size(name))
    disposition = content_disposition_header(as_attachment, filename or None)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    for header, value in (headers or {}).items():
        response[header] = value
    return response
