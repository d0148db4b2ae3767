"""Serve the platform: HTTP and websockets from one ASGI server (uvicorn).

    python -m participation.server --host 127.0.0.1 --port 8000
    python -m participation.server --fd 3            # a socket handed over

Every uvicorn option works and overrides the defaults below, which are the ones
this application is measured and tested with (``make bench-live``):

- ``--lifespan off``: the application has no start-up or shutdown hooks;
- ``--ws websockets-sansio``: the websockets library's current implementation;
- ``--ws-max-size 65536``: clients send short JSON actions (consumers refuse more
  than 4,000 characters), so a larger frame is an error, not a message;
- ``--ws-per-message-deflate false``: broadcasts go to a thousand connections at
  once, and compressing each copy separately costs more than the bytes it saves
  on messages of a few kilobytes;
- ``--timeout-graceful-shutdown 10``: on SIGTERM the server stops accepting, lets
  the requests in progress finish for up to 10 s, then closes what is left (open
  websockets: browsers reconnect and catch up on what they missed). A graceful stop
  exits 0 (tests/live/test_server_lifecycle.py); keep the supervisor's own stop
  timeout above it (systemd ``TimeoutStopSec=20``, Kubernetes'
  ``terminationGracePeriodSeconds``);
- ``--no-server-header``: do not advertise the server software.

Processes, threads and the database pool (``make bench-writes``; figures in
deploy/README.md, "Write burst"):

- **Threads.** Django 5.2 under ASGI does *not* run synchronous views one at a
  time per process: its handler opens an asgiref ``ThreadSensitiveContext`` per
  request, so each request's synchronous part (middleware, DRF, the services) runs
  in a thread of its own, with its own pooled connection. A process therefore
  serves many requests at once, but its Python work shares one interpreter lock:
  one process uses about one core, however many requests it holds.
- **Processes: one per available CPU** (``--workers``; ``WEB_CONCURRENCY``, else
  the CPUs this process may use, a container's CPU quota included), when
  processes can share state: PostgreSQL and Redis. Otherwise one (SQLite takes
  one writer at a time; without Redis live updates reach only the process that
  sent them). Measured on the 2-core machine these figures come from, where the
  load generator, PostgreSQL and Redis share the same cores, more processes did
  not raise the write rate (the cores were already busy): the rule is for a
  server whose cores are its own. Under systemd each ``participation@PORT``
  instance is one process (the unit sets ``WEB_CONCURRENCY=1``; run one instance
  per core), in Kubernetes one per pod (scale with replicas).
- **Pool per process: ``DB_POOL_MAX_SIZE``**, else ``DB_CONNECTIONS`` (40: what
  all processes of one server may hold together) divided by the processes, at most
  10 and at least 2. It bounds the requests of a process that use the database at
  once; the others wait for a connection up to ``DB_POOL_TIMEOUT`` and are then
  answered 503 with ``Retry-After`` (participation/dbpool.py). More connections
  than a process's share of the CPU can keep busy only lengthen PostgreSQL's run
  queue: 10 per process leaves room for requests waiting on Redis or the network.
  40 in all keeps two servers (old and new during a rolling restart) and the
  worker, backups and psql within PostgreSQL's default ``max_connections`` of 100.
- **Async views: none.** The support path is database work from its first line to
  its last; an async view would reach the ORM through ``sync_to_async`` once per
  query (a thread hop each) instead of once per request. The asynchronous parts
  are the websockets (participation/live/) and streaming downloads from a file.

Descriptors (deploy/README.md, "Websockets and descriptors"): every connection,
HTTP or websocket, holds a file descriptor, and a process that runs out of them
stops answering everyone (accept() fails in a loop, a traceback each time: 100 MB
of log for 1,500 sockets under the default limit of 1,024). So the server

- raises its soft limit on open files to the hard limit (at most
  ``DESCRIPTOR_TARGET``) before it starts: the systemd unit and compose set
  65,536, container runtimes usually allow as much as a hard limit;
- passes ``--limit-concurrency`` (the descriptors less ``RESERVED_DESCRIPTORS``):
  past that many open connections uvicorn answers new HTTP requests with 503
  instead of failing for want of descriptors. Measured with uvicorn 0.54: the
  check counts open websockets but does not apply to websocket upgrades, and
  while it trips ``/healthz`` answers 503 too; so it is set just below the
  descriptor limit, as a last guard, never lower (a busy meeting must not make
  the probes fail). ``--limit-concurrency`` on the command line overrides it.

Websockets are limited by the consumers (``participation/live/consumers.py``): per
client address, per account, and per process (``LIVE_MAX_SOCKETS``, at most half
the descriptors), refused politely with a close code the browser understands.

Client addresses: uvicorn replaces the peer's address with the one in
``X-Forwarded-For`` (and the scheme with ``X-Forwarded-Proto``) only when the peer
is a trusted proxy: ``--forwarded-allow-ips``, else ``FORWARDED_ALLOW_IPS``, else
loopback only (``127.0.0.1,::1``: nginx on the same host). Name your proxy's
address or network there. ``*`` (anyone may say who they are) is never a default;
an operator who sets it gets a warning at start-up.
"""

from __future__ import annotations

import math
import os
import resource
import signal
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path

APPLICATION = "participation.asgi:application"

DEFAULTS = [
    "--lifespan",
    "off",
    "--ws",
    "websockets-sansio",
    "--ws-max-size",
    "65536",
    "--ws-per-message-deflate",
    "false",
    "--timeout-graceful-shutdown",
    "10",
    "--no-server-header",
]


LOOPBACK = "127.0.0.1,::1"

# --- Processes and the database pool (the reasoning: this module's docstring) -----
POOL_PER_PROCESS = 10
MIN_POOL = 2
# PostgreSQL connections all processes of one server (one `python -m
# participation.server`) may hold together when DB_POOL_MAX_SIZE is not given.
DB_CONNECTIONS = 40
CGROUP_CPU_MAX = "/sys/fs/cgroup/cpu.max"

# Open files the server asks for (up to the hard limit).
DESCRIPTOR_TARGET = 65536
# Descriptors kept for the process's own use: an idle server holds about 10
# (measured), the database pool (DB_POOL_MAX_SIZE), Redis connections, streamed
# exports and log files a few dozen more.
RESERVED_DESCRIPTORS = 256
MIN_CONCURRENCY = 64
# Below this, the server warns at start-up.
FEW_DESCRIPTORS = 4096


def raise_descriptor_limit(target: int = DESCRIPTOR_TARGET) -> int:
    """Raise the soft limit on open files towards ``target`` (never above the hard
    limit) and return the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = target if hard == resource.RLIM_INFINITY else min(hard, target)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return target if soft == resource.RLIM_INFINITY else int(soft)


def concurrency_limit(descriptors: int) -> int:
    """uvicorn's ``--limit-concurrency`` for a process with ``descriptors``."""
    return max(MIN_CONCURRENCY, descriptors - RESERVED_DESCRIPTORS)


def trusted_proxies(environ: Mapping[str, str]) -> str:
    """Whose ``X-Forwarded-*`` headers to believe: ``FORWARDED_ALLOW_IPS``, or
    loopback only."""
    return environ.get("FORWARDED_ALLOW_IPS", "").strip() or LOOPBACK


def arguments(
    argv: list[str],
    environ: Mapping[str, str] | None = None,
    *,
    descriptors: int = 0,
) -> list[str]:
    """uvicorn's command line: our defaults, then the caller's options (the last
    occurrence of an option wins), then the application. With ``descriptors`` (the
    process's limit on open files), also the concurrency limit they allow."""
    environ = os.environ if environ is None else environ
    proxies = ["--forwarded-allow-ips", trusted_proxies(environ)]
    workers = ["--workers", str(default_workers(environ))]
    limits = []
    if descriptors:
        limits = ["--limit-concurrency", str(concurrency_limit(descriptors))]
    return [*DEFAULTS, *workers, *proxies, *limits, *argv, APPLICATION]


def option(args: list[str], name: str) -> str:
    """The value uvicorn will use for ``name`` (``--workers``): the last given."""
    value = ""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith(name + "="):
            value = arg.partition("=")[2]
    return value


def forwarded_allow_ips(args: list[str]) -> str:
    """The value uvicorn will use: the last ``--forwarded-allow-ips`` given."""
    return option(args, "--forwarded-allow-ips")


def available_cpus() -> int:
    """CPUs this process may run on: its affinity, lowered by a cgroup (v2) CPU
    quota when there is one (a container limited to 2 CPUs on a 32-core host)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        quota, period = Path(CGROUP_CPU_MAX).read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


def shares_state(environ: Mapping[str, str]) -> bool:
    """Whether several processes may serve together: PostgreSQL (SQLite takes one
    writer at a time) and Redis (cache, rate limits and the channel layer shared;
    without it live updates reach only the sockets of the process that sent them)."""
    database = environ.get("DATABASE_URL", "")
    return database.startswith(("postgres://", "postgresql://")) and bool(
        environ.get("REDIS_URL", "")
    )


def default_workers(environ: Mapping[str, str]) -> int:
    """Server processes when ``--workers`` is not given: ``WEB_CONCURRENCY``, else
    one per available CPU when processes can share state, else one."""
    given = environ.get("WEB_CONCURRENCY", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    return available_cpus() if shares_state(environ) else 1


def pool_per_process(workers: int, environ: Mapping[str, str]) -> int:
    """``DB_POOL_MAX_SIZE`` for each of ``workers`` processes: the operator's value,
    else ``DB_CONNECTIONS`` (what all of this server's processes may hold together)
    shared out, at most ``POOL_PER_PROCESS`` and at least ``MIN_POOL``."""
    given = environ.get("DB_POOL_MAX_SIZE", "").strip()
    if given.isdigit():
        return int(given)
    budget = _positive(environ.get("DB_CONNECTIONS", ""), DB_CONNECTIONS)
    return max(MIN_POOL, min(POOL_PER_PROCESS, budget // max(1, workers)))


def _positive(value: str, default: int) -> int:
    value = value.strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def _warn_if_everyone_is_trusted(args: list[str]) -> None:
    if forwarded_allow_ips(args).strip() == "*":
        print(
            "WARNING: FORWARDED_ALLOW_IPS / --forwarded-allow-ips is '*': any client "
            "can choose its own address (rate limits, logs). Name the proxy instead.",
            file=sys.stderr,
        )


def _warn_if_few_descriptors(descriptors: int) -> None:
    if descriptors < FEW_DESCRIPTORS:
        print(
            f"WARNING: this process may open only {descriptors} files (LimitNOFILE, "
            "ulimit -n); connections and websockets are limited to fit. Allow "
            f"{DESCRIPTOR_TARGET} (deploy/README.md, 'Websockets and descriptors').",
            file=sys.stderr,
        )


def size_the_pool(args: list[str], environ: MutableMapping[str, str]) -> int:
    """Set ``DB_POOL_MAX_SIZE`` for the worker processes (they inherit the
    environment) from the number of processes; returns it. Warns when the
    operator's own size times the processes exceeds ``DB_CONNECTIONS``."""
    workers = _positive(option(args, "--workers"), 1)
    pool = pool_per_process(workers, environ)
    budget = _positive(environ.get("DB_CONNECTIONS", ""), DB_CONNECTIONS)
    if "DB_POOL_MAX_SIZE" in environ and workers * pool > budget:
        print(
            f"WARNING: {workers} processes x DB_POOL_MAX_SIZE={pool} may open "
            f"{workers * pool} PostgreSQL connections, more than DB_CONNECTIONS="
            f"{budget}; check PostgreSQL's max_connections (deploy/README.md, "
            "'Scaling and sizing').",
            file=sys.stderr,
        )
    environ["DB_POOL_MAX_SIZE"] = str(pool)
    return pool


def _exit_after_graceful_shutdown(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    from uvicorn.main import main as uvicorn_main

    descriptors = raise_descriptor_limit()
    args = arguments(sys.argv[1:] if argv is None else argv, descriptors=descriptors)
    _warn_if_everyone_is_trusted(args)
    _warn_if_few_descriptors(descriptors)
    size_the_pool(args, os.environ)
    # uvicorn catches SIGTERM, shuts down gracefully, then raises the signal again
    # for the handler that was there before it: with the default one the process
    # would die of it (status -15) after a clean stop. This one makes a graceful
    # stop exit 0. (With --workers, the parent passes SIGTERM on and exits 0.)
    signal.signal(signal.SIGTERM, _exit_after_graceful_shutdown)
    uvicorn_main.main(args=args, prog_name="python -m participation.server")


if __name__ == "__main__":
    main()
