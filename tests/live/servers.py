"""Real server processes for the multi-process test and the live benchmark.

Each server gets a listening socket made here and handed over with ``--fd``: the
port exists before the process starts, clients simply wait in the kernel's accept
queue until the server is ready, and nobody has to poll for a port to open.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop gracefully (SIGINT lets the server shut down and a profile be written),
        then harder if it does not."""
        for stop in (
            lambda: self.process.send_signal(signal.SIGINT),
            self.process.terminate,
            self.process.kill,
        ):
            if self.process.poll() is not None:
                return
            stop()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                continue


def database_url_for(base_url: str, name: str) -> str:
    """``base_url`` pointing at database ``name`` (the test database)."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def server_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "participation.settings",
            "DJANGO_SECRET_KEY": "live-test-secret-" + secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # One process, as these tests and benchmarks were written for (the
            # server's own default follows the CPUs: participation/server.py).
            "WEB_CONCURRENCY": "1",
        }
    )
    env.update(overrides)
    return env


def setup_here(**overrides: str) -> dict[str, str]:
    """Make this process look like the servers it will start (``server_env`` with
    ``overrides``, in-memory layer, DATABASE_URL only when the caller has one) and
    run ``django.setup()``: for a benchmark that builds its data in-process, then
    serves it from real server processes. Returns the servers' environment."""
    env = server_env(**overrides)
    env.pop("REDIS_URL", None)
    if not os.environ.get("DATABASE_URL"):
        env.pop("DATABASE_URL", None)
    os.environ.update(env)
    for key in ("REDIS_URL", "DATABASE_URL"):
        if key not in env:
            os.environ.pop(key, None)
    import django

    django.setup()
    return env


def start_server(
    env: dict[str, str],
    log_path: Path,
    *,
    quiet: bool = False,
    profile: str = "",
    entry: tuple[str, ...] = ("-m", "participation.server"),
    options: tuple[str, ...] = (),
) -> Server:
    """Start the server on a fresh loopback port; ``quiet`` drops the access log,
    ``profile`` writes cProfile statistics to that path when the server stops;
    ``entry`` is what Python runs (another app under the same server options, for
    the live benchmark's ceiling); ``options`` are more of the server's options
    (``--workers``, "2")."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    port = listener.getsockname()[1]
    log = log_path.open("w")
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                *(["-m", "cProfile", "-o", profile] if profile else []),
                *entry,
                "--fd",
                str(listener.fileno()),
                *(["--log-level", "warning", "--no-access-log"] if quiet else []),
                *options,
            ],
            cwd=ROOT,
            env=env,
            pass_fds=(listener.fileno(),),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        listener.close()  # the server holds its own copy
        log.close()
    return Server(port=port, process=process, log_path=log_path)
