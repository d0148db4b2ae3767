"""Process-wide tuning for the long-running server process.

Python's cyclic garbage collector walks every tracked object of a generation when
it runs. A server holding a thousand websocket connections tracks millions of
objects, and broadcasting one comment to all of them allocates tens of thousands
of short-lived ones (tasks, futures, messages). With the default thresholds
(700, 10, 10) that promotes enough objects to trigger *full* collections every few
broadcasts, each pausing the event loop for 100–300 ms in the middle of a
fan-out (measured with ``make bench-live``).

So once the application is loaded, the server:

- freezes what exists (modules, settings, URLconf, templates): those objects live
  as long as the process and no collection needs to walk them again;
- raises the young-generation threshold, so short-lived objects die by reference
  counting before a collection sees them and are not promoted.

Memory is still reclaimed: reference counting frees almost everything, and the
collector still runs for cycles, just less often.
"""

from __future__ import annotations

import gc
import os

DEFAULT_GEN0_THRESHOLD = 20_000
DEFAULT_OLDER_THRESHOLD = 20


def tune_gc(environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """Freeze the objects made at start-up and raise the collector's thresholds.

    ``GC_GEN0_THRESHOLD`` overrides the young-generation threshold; ``0`` leaves
    the interpreter's defaults alone (and freezes nothing).
    """
    raw = environ.get("GC_GEN0_THRESHOLD", "")
    try:
        gen0 = int(raw) if raw.strip() else DEFAULT_GEN0_THRESHOLD
    except ValueError:
        gen0 = DEFAULT_GEN0_THRESHOLD
    if gen0 <= 0:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(gen0, DEFAULT_OLDER_THRESHOLD, DEFAULT_OLDER_THRESHOLD)
