"""The tracker's notion of "now".

Services read the time from here so that an importer of historical records (or the
demo seeder) can replay dated events with :func:`frozen`; everywhere else this is
``timezone.now()``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "responses_clock", default=None
)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Run the block as if it were ``at`` (an aware datetime)."""
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
