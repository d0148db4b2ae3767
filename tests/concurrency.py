"""Run one action from several threads at the same moment, each thread with its
own database connection (use with the ``threads_db`` fixture)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections


def together(n: int, action: Callable[[int], Any]) -> list[Any]:
    """Call ``action(i)`` for i in range(n) in n threads released together; each
    result is the return value or the exception raised."""
    start = threading.Barrier(n)

    def run(i: int) -> Any:
        try:
            start.wait()
            return action(i)
        except Exception as exc:  # the test inspects what each thread met
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))
