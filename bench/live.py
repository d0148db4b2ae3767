"""Live delivery benchmark: N websocket clients on one proposal, one comment posted.

    python bench/live.py              # 1000 clients, in-memory layer, one server
    python bench/live.py 300          # fewer clients
    python bench/live.py --redis      # two server processes sharing Redis
                                      # (REDIS_URL, default redis://127.0.0.1:6379/9)
    python bench/live.py --rounds 5   # post five comments, one after the other

It builds a throw-away SQLite database (or uses DATABASE_URL if set), starts the
server(s) as real processes (``python -m participation.server``, as in production),
connects the clients (split between the servers with --redis), posts a comment
through the first server over HTTP like a browser, and reports how long the comment
took to reach the clients, from the moment the POST is sent (first, p50, p95, max),
and the servers' CPU time and memory.

The ceiling, in the same run: a bare ASGI websocket app (``bench/live_ceiling.py``)
under the same server and options holds as many connections from the same client
process, and after each comment broadcasts the very bytes the platform delivered
for it; ``ceiling p95 N ms`` and the ratio of the platform's p95 to it (target
≤ 1.5×) close the table. ``--no-ceiling`` skips it; ``--json PATH`` writes the
headline figures for ``make bench`` (bench/report.py).

The clients are deliberately lightweight (see ``_Receiver``) so that the numbers
are the server's, not the client's. Targets on the 2-core machine: p95 < 250 ms
with the in-memory layer, < 500 ms across two processes with Redis.

This is a benchmark, not a test: it prints numbers and exits 0 unless something
broke (clients that never received the comment are counted and reported).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import os
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from tests.live.servers import Server, server_env, start_server  # noqa: E402

CONNECT_BATCH = 100
TIMEOUT = 60


def _raise_file_limit(clients: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, clients * 2 + 256))
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _proc_stats(pid: int) -> tuple[float, int, int]:
    """(CPU seconds, RSS kB, peak RSS kB) of a process, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = peak = 0
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    return cpu, rss, peak


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _prepare_data(env: dict[str, str]) -> tuple[int, str]:
    """Create a process, a proposal and a signed-in commenter; return the
    proposal id and the commenter's session key."""
    os.environ.update(env)
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from participation.spaces.models import Phase, PhaseKind, Process, ProcessStatus
    from proposals.models import Proposal

    now = timezone.now()
    process = Process.objects.create(
        slug=f"bench-{secrets.token_hex(4)}",
        title="ベンチマーク",
        summary="live benchmark",
        status=ProcessStatus.PUBLISHED,
    )
    Phase.objects.create(
        process=process,
        kind=PhaseKind.SUPPORT,
        title="議論",
        starts_at=now - timezone.timedelta(days=1),
        ends_at=now + timezone.timedelta(days=1),
        allows_commenting=True,
        allows_supporting=True,
    )
    User = get_user_model()
    author = User.objects.create_user(
        f"bench-{secrets.token_hex(4)}@example.org", real_name="著者"
    )
    commenter = User.objects.create_user(
        f"bench-{secrets.token_hex(4)}@example.org", real_name="ベンチ 太郎"
    )
    for user in (author, commenter):
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=True
        )
    proposal = Proposal.objects.create(
        process=process,
        author=author,
        title="ベンチマーク用の提案です",
        body="多数の閲覧者にコメントが届くまでの時間を測ります。",
    )
    client = Client()
    client.force_login(commenter)
    return proposal.pk, client.cookies["sessionid"].value


def _post_comment(server: Server, proposal_id: int, session_key: str, body: str) -> int:
    token = secrets.token_hex(16)
    request = urllib.request.Request(
        f"{server.http}/proposals/{proposal_id}/comments/",
        data=urllib.parse.urlencode({"body": body, "alignment": "neutral"}).encode(),
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={token}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(
            request, timeout=TIMEOUT
        ) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


class Tally:
    """Deliveries of the current round, counted as clients receive the comment."""

    def __init__(self, clients: int) -> None:
        self.clients = clients
        self.times: list[float] = []
        self.complete = asyncio.Event()
        self.payload = b""  # the first delivery's bytes, for the ceiling to send

    def start_round(self) -> None:
        self.times = []
        self.complete = asyncio.Event()
        self.payload = b""

    def delivered(self, payload: bytes) -> None:
        self.times.append(time.perf_counter())
        if not self.payload:
            self.payload = payload
        if len(self.times) >= self.clients:
            self.complete.set()


class _Receiver(asyncio.Protocol):
    """A minimal websocket client that does as little work per message as it can.

    A thousand clients share this one Python process, so a full client library
    (websockets parses, validates and queues every frame) would make the last
    client's timestamp wait for the processing of the 999 before it: that is the
    benchmark measuring itself, not the server. Browsers each have their own
    process. Here a message is timed when its frame is complete on the socket:
    the handshake is checked (status 101 and the accept key, RFC 6455; it offers
    compression as browsers do and stops if the server takes it), frames are
    split by their headers, pings are answered, and a text frame counts as a
    delivery when it starts with the comment type.
    """

    def __init__(
        self, path: str, host: str, origin: str, opened: asyncio.Future, tally: Tally
    ) -> None:
        self.path, self.host, self.origin = path, host, origin
        self.opened, self.tally = opened, tally
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.buffer = bytearray()
        self.upgraded = False
        self.fragments = bytearray()
        self.transport: asyncio.Transport | None = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {self.key}\r\nSec-WebSocket-Version: 13\r\n"
                # What browsers offer: the server must decline it (see below).
                "Sec-WebSocket-Extensions: permessage-deflate; "
                "client_max_window_bits\r\n"
                f"Origin: {self.origin}\r\n\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin1")
            del self.buffer[: end + 4]
            accept = base64.b64encode(
                hashlib.sha1((self.key + _WS_GUID).encode()).digest()
            ).decode()
            if not head.startswith("HTTP/1.1 101") or accept not in head:
                self._fail(f"handshake refused: {head.splitlines()[0]}")
                return
            if "permessage-deflate" in head.lower():
                # Browsers would then get a compressed copy per connection, a cost
                # this benchmark must see; it cannot decompress, so it stops.
                self._fail("the server compresses messages per connection")
                return
            self.upgraded = True
        self._frames()

    def _frames(self) -> None:
        buffer = self.buffer
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1]
            if second & 0x80:
                self._fail("the server masked a frame")
                return
            length, start = second & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, start = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + length:
                return
            payload = bytes(buffer[start : start + length])
            del buffer[: start + length]
            self._frame(first & 0x80, first & 0x0F, payload)

    def _frame(self, fin: int, opcode: int, payload: bytes) -> None:
        if opcode == 0x9:  # ping: answer with a masked pong
            mask = os.urandom(4)
            masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)  # type: ignore[union-attr]
            return
        if opcode == 0x8:
            self.transport.close()  # type: ignore[union-attr]
            return
        if opcode in (0x1, 0x0):
            if not fin or self.fragments:
                self.fragments += payload
                if not fin:
                    return
                payload, self.fragments = bytes(self.fragments), bytearray()
            if not self.opened.done():
                if payload.startswith(b'{"type":"hello"'):
                    self.opened.set_result(None)
                else:
                    self._fail(f"expected hello, got {payload[:80]!r}")
            elif payload.startswith(b'{"type":"comment"'):
                self.tally.delivered(payload)

    def _fail(self, reason: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(RuntimeError(reason))
        self.transport.close()  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(RuntimeError(f"connection lost: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)


_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


async def _client(server: Server, path: str, opened: list[int], tally: Tally) -> None:
    loop = asyncio.get_running_loop()
    hello = loop.create_future()
    transport, protocol = await loop.create_connection(
        lambda: _Receiver(path, f"127.0.0.1:{server.port}", server.http, hello, tally),
        "127.0.0.1",
        server.port,
    )
    try:
        await asyncio.wait_for(hello, TIMEOUT)
        opened.append(1)
        await protocol.closed
    finally:
        transport.close()


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        response.read()
        return response.status


async def _connect_all(
    servers: list[Server], clients: int, path: str, tally: Tally
) -> tuple[list[asyncio.Task], float]:
    opened: list[int] = []
    tasks: list[asyncio.Task] = []
    started = time.perf_counter()
    for start in range(0, clients, CONNECT_BATCH):
        stop = min(clients, start + CONNECT_BATCH)
        for index in range(start, stop):
            server = servers[index % len(servers)]
            tasks.append(asyncio.create_task(_client(server, path, opened, tally)))
        while len(opened) < stop:
            failed = [t for t in tasks if t.done() and t.exception()]
            if failed:
                raise failed[0].exception()  # type: ignore[misc]
            await asyncio.sleep(0.01)
    return tasks, time.perf_counter() - started


def _broadcast(server: Server, payload: bytes) -> int:
    """Ask the ceiling app to send ``payload`` to every socket it holds."""
    request = urllib.request.Request(
        f"{server.http}/broadcast", data=payload, method="POST"
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.status


def _start_py_spy(server: Server, path: str) -> subprocess.Popen | None:
    """Sample the platform's server during the rounds only (py-spy, if installed:
    collapsed stacks in ``path``, for flame graphs or a quick sort)."""
    if not path:
        return None
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen(
        [
            spy,
            "record",
            "-p",
            str(server.process.pid),
            "-r",
            "250",
            "--format",
            "raw",
            "-o",
            path,
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop_py_spy(spy: subprocess.Popen | None) -> None:
    if spy is None:
        return
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(timeout=30)
    except subprocess.TimeoutExpired:
        spy.kill()


async def _round(
    servers: list[Server], tally: Tally, trigger: Callable[[], int]
) -> dict:
    """One broadcast: trigger it, wait for every client, measure the servers."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.5)  # let every client sit in recv()
    tally.start_round()
    before = {s.process.pid: _proc_stats(s.process.pid) for s in servers}
    sent_at = time.perf_counter()
    status = await loop.run_in_executor(None, trigger)
    posted_at = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tally.complete.wait(), 30)
    after = {s.process.pid: _proc_stats(s.process.pid) for s in servers}
    return {
        "status": status,
        "post_ms": (posted_at - sent_at) * 1000,
        "latencies": sorted((t - sent_at) * 1000 for t in tally.times),
        "payload": len(tally.payload),
        "cpu": {pid: after[pid][0] - before[pid][0] for pid in after},
        "rss": {pid: after[pid][1] for pid in after},
        "peak": {pid: after[pid][2] for pid in after},
    }


async def _run(
    servers: list[Server],
    ceiling: Server | None,
    clients: int,
    rounds: int,
    proposal_id: int,
    session_key: str,
    py_spy: str = "",
) -> dict:
    loop = asyncio.get_running_loop()
    # Warm every server up (imports, URLconf, templates) with a comment on the page.
    await loop.run_in_executor(
        None, _post_comment, servers[0], proposal_id, session_key, "ウォームアップ"
    )
    for server in servers:
        for _ in range(2):
            await loop.run_in_executor(
                None, _get, f"{server.http}/proposals/{proposal_id}/"
            )
    tally = Tally(clients)
    tasks, connect_seconds = await _connect_all(
        servers, clients, f"/ws/proposals/{proposal_id}/", tally
    )
    ceiling_tally = Tally(clients)
    if ceiling is not None:
        more, _seconds = await _connect_all(
            [ceiling], clients, "/ws/ceiling/", ceiling_tally
        )
        tasks += more
    results, ceilings = [], []
    spy = _start_py_spy(servers[0], py_spy)
    for number in range(rounds):
        # Alternating in the same run: the platform's comment, then the same
        # bytes from the bare app to as many clients.
        body = f"ベンチマークのコメント{number}"
        results.append(
            await _round(
                servers,
                tally,
                lambda body=body: _post_comment(
                    servers[0], proposal_id, session_key, body
                ),
            )
        )
        payload = tally.payload
        if ceiling is not None and payload:
            ceilings.append(
                await _round(
                    [ceiling],
                    ceiling_tally,
                    lambda payload=payload: _broadcast(ceiling, payload),
                )
            )
    _stop_py_spy(spy)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"connect_s": connect_seconds, "rounds": results, "ceilings": ceilings}


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(fraction * len(values)) - 1))
    return values[index]


RATIO_TARGET = 1.5


def _spread(rounds: list[dict]) -> float:
    """Mean over the rounds of (p95 − first delivery), in ms."""
    spans = [
        _percentile(r["latencies"], 0.95) - r["latencies"][0]
        for r in rounds
        if r["latencies"]
    ]
    return statistics.fmean(spans) if spans else float("nan")


def _report(
    mode: str,
    clients: int,
    result: dict,
    servers: list[Server],
    ceiling: Server | None,
    target_ms: float,
) -> list[dict]:
    """Print the table; return the headline figures (bench/report.py rows)."""
    rounds = result["rounds"]
    every = sorted(ms for r in rounds for ms in r["latencies"])
    ceilings = result["ceilings"]
    bare = sorted(ms for r in ceilings for ms in r["latencies"])
    last = rounds[-1]
    plural = "es" if len(servers) > 1 else ""
    rows = [
        ("mode", mode),
        (
            "clients",
            f"{clients} on one proposal ({len(servers)} server process{plural})",
        ),
        ("connect all clients", f"{result['connect_s']:.1f} s"),
        ("comments posted", f"{len(rounds)} (one at a time, after a warm-up)"),
        (
            "comment POST",
            " / ".join(f"{r['post_ms']:.0f} ms ({r['status']})" for r in rounds),
        ),
        ("delivered", " / ".join(f"{len(r['latencies'])}/{clients}" for r in rounds)),
        ("first delivery", f"{every[0]:.0f} ms" if every else "-"),
        ("latency p50", f"{_percentile(every, 0.50):.0f} ms"),
        ("latency p95", f"{_percentile(every, 0.95):.0f} ms"),
        ("latency max", f"{every[-1]:.0f} ms" if every else "-"),
        (
            "p95 per comment",
            " / ".join(f"{_percentile(r['latencies'], 0.95):.0f} ms" for r in rounds),
        ),
    ]
    for number, server in enumerate(servers, start=1):
        pid = server.process.pid
        cpu = statistics.fmean(r["cpu"][pid] for r in rounds)
        rows.append((f"server {number} CPU per comment", f"{cpu:.2f} s"))
        rss, peak = last["rss"][pid] / 1024, last["peak"][pid] / 1024
        rows.append(
            (f"server {number} memory RSS / peak", f"{rss:.0f} / {peak:.0f} MiB")
        )
    cpu_ceiling = float("nan")
    if ceilings and ceiling is not None:
        pid = ceiling.process.pid
        cpu_ceiling = statistics.fmean(r["cpu"][pid] for r in ceilings)
        rows += [
            ("ceiling: bare ASGI app", "same server options, same clients and bytes"),
            ("ceiling payload", f"{ceilings[-1]['payload']:,} bytes per client"),
            (
                "ceiling delivered",
                " / ".join(f"{len(r['latencies'])}/{clients}" for r in ceilings),
            ),
            ("ceiling first delivery", f"{bare[0]:.0f} ms" if bare else "-"),
            ("ceiling p50", f"{_percentile(bare, 0.50):.0f} ms"),
            ("ceiling p95", f"{_percentile(bare, 0.95):.0f} ms"),
            ("ceiling CPU per broadcast", f"{cpu_ceiling:.2f} s"),
        ]
    p95, p95_ceiling = _percentile(every, 0.95), _percentile(bare, 0.95)
    ratio = p95 / p95_ceiling if bare and p95_ceiling else float("nan")
    # The fan-out alone: from the first client reached to the 95th percentile,
    # per round (the platform's first delivery also waits for the comment's
    # POST: validation, the write, the event log, rendering the fragment once).
    spread = _spread(rounds)
    spread_ceiling = _spread(ceilings)
    rows.append(
        (
            "p95 / ceiling p95",
            f"{ratio:.2f}× (target ≤ {RATIO_TARGET}×"
            + (")" if ratio <= RATIO_TARGET else ", MISSED)"),
        )
    )
    rows.append(
        (
            "fan-out (p95 − first)",
            f"{spread:.0f} ms, ceiling {spread_ceiling:.0f} ms "
            f"({spread / spread_ceiling if spread_ceiling else float('nan'):.2f}×)",
        )
    )
    width = max(len(name) for name, _value in rows)
    print()
    print(f"Live delivery benchmark — {mode}")
    print("-" * (width + 40))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print("-" * (width + 40))
    missing = sum(clients - len(r["latencies"]) for r in rounds + ceilings)
    if missing:
        print(f"WARNING: {missing} deliveries did not arrive within 30 s.")
    if bare:
        print(f"ceiling p95 {p95_ceiling:.0f} ms")
    cpu = statistics.fmean(r["cpu"][servers[0].process.pid] for r in rounds)
    label = f"{clients:,} clients" + (", Redis" if len(servers) > 1 else "")
    complete = not missing
    return [
        report.row(
            "live",
            f"delivery p95, {label}",
            p95 if complete else None,
            "ms",
            ceiling=p95_ceiling,
            ratio_at_most=RATIO_TARGET,
        ),
        report.row(
            "live",
            f"delivery p95, {label} (absolute)",
            p95 if complete else None,
            "ms",
            at_most=target_ms,
        ),
        report.row(
            "live",
            f"fan-out p95 − first, {label}",
            spread if complete else None,
            "ms",
            ceiling=spread_ceiling,
        ),
        report.row(
            "live",
            "server CPU per comment",
            cpu,
            "s",
            ceiling=cpu_ceiling,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clients", nargs="?", type=int, default=1000)
    parser.add_argument(
        "--redis", action="store_true", help="two processes sharing Redis"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="comments to post, one at a time"
    )
    parser.add_argument(
        "--profile", default="", help="write cProfile stats of server 1 to this file"
    )
    parser.add_argument(
        "--py-spy",
        default="",
        metavar="PATH",
        help="sample server 1 with py-spy during the rounds (collapsed stacks)",
    )
    parser.add_argument(
        "--no-ceiling", action="store_true", help="skip the bare ASGI app's rounds"
    )
    report.add_argument(parser)
    args = parser.parse_args()
    clients = max(1, args.clients)
    _raise_file_limit(clients * 2)

    workdir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    overrides = {
        "SQLITE_PATH": str(workdir / "db.sqlite3"),
        "DISABLE_ACCOUNT_RATE_LIMITS": "1",
        "RATE_LIMIT_COMMENT": "1000/60",
        # Every client connects from 127.0.0.1: no per-address socket limit.
        "LIVE_MAX_SOCKETS_PER_ADDRESS": "0",
        "STATIC_ROOT": str(workdir / "static"),
    }
    redis_url = ""
    if args.redis:
        redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"
        overrides["REDIS_URL"] = redis_url
        overrides["CACHE_KEY_PREFIX"] = f"bench-{secrets.token_hex(4)}"
    env = server_env(**overrides)
    if not args.redis:
        env.pop("REDIS_URL", None)
    if not os.environ.get("DATABASE_URL"):
        env.pop("DATABASE_URL", None)
    servers: list[Server] = []
    ceiling: Server | None = None
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        if not args.redis:
            _manage(env, "createcachetable")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        proposal_id, session_key = _prepare_data(env)
        count = 2 if args.redis else 1
        servers = [
            start_server(
                env,
                workdir / f"server{n}.log",
                quiet=True,
                profile=args.profile if n == 0 else "",
            )
            for n in range(count)
        ]
        if not args.no_ceiling:
            ceiling = start_server(
                env,
                workdir / "ceiling.log",
                quiet=True,
                entry=(str(ROOT / "bench" / "live_ceiling.py"),),
            )
        result = asyncio.run(
            _run(
                servers,
                ceiling,
                clients,
                max(1, args.rounds),
                proposal_id,
                session_key,
                args.py_spy,
            )
        )
        mode = (
            f"Redis ({redis_url}), two processes" if args.redis else "in-memory layer"
        )
        figures = _report(
            mode, clients, result, servers, ceiling, 500 if args.redis else 250
        )
        report.write(args.json, figures)
    except Exception:
        for server in [*servers, *([ceiling] if ceiling else [])]:
            print(f"--- {server.log_path.name} ---\n{server.log()}", file=sys.stderr)
        raise
    finally:
        if ceiling is not None:
            ceiling.stop()
        for server in servers:
            server.stop()
            if args.profile:
                print(
                    f"exit {server.process.returncode} {server.process.args}",
                    file=sys.stderr,
                )
                print(server.log()[-1500:], file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
