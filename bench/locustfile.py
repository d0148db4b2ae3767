"""Load for bench/site.py (locust). BENCH_MODE=read: every client requests BENCH_PATH
without pause (signed in when BENCH_SESSION holds a session key). BENCH_MODE=write:
each client is one resident with an API token (BENCH_TOKENS) supporting a random one
of 100 proposals, or withdrawing when it already supports it; at the end each client's
belief of what it supports is written to BENCH_STATE for the harness to compare with
the database. A pair is "unknown" while its request has no answer (failed, or cut
when the run stopped), until a later request on it is answered."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, constant, events, task

MODE = os.environ.get("BENCH_MODE", "read")
PATH = os.environ.get("BENCH_PATH", "/")
SESSION = os.environ.get("BENCH_SESSION", "")
_TOKENS = (
    json.loads(Path(os.environ["BENCH_TOKENS"]).read_text()) if MODE == "write" else {}
)
_STATE = {"supported": set(), "unknown": set(), "users": set()}
_next = iter(range(10**9))


class Reader(FastHttpUser):
    wait_time = constant(0)
    abstract = MODE != "read"

    def on_start(self) -> None:
        self.headers = {"Accept-Language": "ja"}
        if SESSION:
            self.headers["Cookie"] = f"sessionid={SESSION}"

    @task
    def read(self) -> None:
        self.client.get(PATH, headers=self.headers, name=PATH)


class Writer(FastHttpUser):
    wait_time = constant(0)
    abstract = MODE != "write"

    def on_start(self) -> None:
        n = next(_next)
        tokens = _TOKENS["tokens"]
        self.token = tokens[n % len(tokens)]
        self.headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
        }
        self.mine: dict[int, bool] = {}
        self.user_id = None
        with self.client.get(
            "/api/v1/me/", headers=self.headers, catch_response=True
        ) as r:
            if r.status_code == 200:
                self.user_id = r.json().get("id")
                _STATE["users"].add(self.user_id)
            else:
                r.failure(f"me: {r.status_code}")

    @task
    def toggle(self) -> None:
        if self.user_id is None:
            return
        proposal = random.choice(_TOKENS["proposals"])
        key = f"{self.user_id}:{proposal}"
        supported = key in _STATE["supported"]
        method = "DELETE" if supported else "POST"
        # Unknown until the server answers: a request cut when the run stops (or
        # failed without an answer) may or may not have been done.
        _STATE["unknown"].add(key)
        with self.client.request(
            method,
            f"/api/v1/proposals/{proposal}/support/",
            headers=self.headers,
            name=f"{method} support",
            catch_response=True,
        ) as r:
            if r.status_code in (200, 201):
                (_STATE["supported"].discard if supported else _STATE["supported"].add)(
                    key
                )
                _STATE["unknown"].discard(key)
            elif r.status_code == 409:
                _STATE["unknown"].discard(key)
                r.success()  # the server already had it so: believe the server
                (
                    _STATE["supported"].add
                    if r.json().get("code") == "already_supported"
                    else _STATE["supported"].discard
                )(key)
            else:
                r.failure(f"{r.status_code}")


@events.test_stop.add_listener
def _save(environment, **kwargs) -> None:
    path = os.environ.get("BENCH_STATE")
    if MODE == "write" and path:
        with open(path, "w") as f:
            json.dump({k: sorted(v) for k, v in _STATE.items()}, f)
