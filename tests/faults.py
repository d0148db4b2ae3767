"""Redis faults for tests: one that refuses connections, one that never answers.

``REFUSING_REDIS`` is a loopback port nothing listens on (the connection is refused
at once). ``SilentServer`` accepts connections on loopback and never answers, like
a Redis that hangs: bounded (it holds at most ``limit`` connections and closes the
others), and everything is closed when the ``with`` block ends.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

REFUSING_REDIS = "redis://127.0.0.1:1/9"


class SilentServer:
    def __init__(self, limit: int = 32) -> None:
        self.limit = limit
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(limit)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/9"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            if len(self._held) < self.limit:
                self._held.append(conn)  # never read from, never answered
            else:
                conn.close()

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._listener.close()
