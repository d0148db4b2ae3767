"""How the server process is started and tuned: uvicorn's options, the collector."""

from __future__ import annotations

import gc
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from uvicorn.main import main as uvicorn_main

from participation import runtime, server

ROOT = Path(__file__).resolve().parents[2]


def _uvicorn_options(argv: list[str]) -> dict:
    context = uvicorn_main.make_context("server", server.arguments(argv))
    return context.params


def test_server_defaults_are_the_measured_ones():
    options = _uvicorn_options(["--port", "8123"])
    assert options["app"] == "participation.asgi:application"
    assert options["port"] == 8123
    assert options["lifespan"] == "off"
    assert options["ws"] == "websockets-sansio"
    assert options["ws_max_size"] == 65536
    # Compressing each copy of a broadcast separately is what made fan-out slow.
    assert options["ws_per_message_deflate"] is False
    assert options["server_header"] is False
    assert options["timeout_graceful_shutdown"] == 10


def test_options_given_to_the_server_override_its_defaults():
    options = _uvicorn_options(["--ws", "websockets", "--ws-max-size", "4096"])
    assert options["ws"] == "websockets"
    assert options["ws_max_size"] == 4096


@pytest.fixture
def gc_state():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_tune_gc_freezes_start_up_objects_and_raises_the_threshold(gc_state):
    gc.unfreeze()
    runtime.tune_gc({})
    assert gc.get_threshold()[0] == runtime.DEFAULT_GEN0_THRESHOLD
    assert gc.get_freeze_count() > 0


def test_tune_gc_takes_the_threshold_from_the_environment(gc_state):
    runtime.tune_gc({"GC_GEN0_THRESHOLD": "5000"})
    assert gc.get_threshold()[0] == 5000


def test_tune_gc_with_zero_leaves_the_interpreter_alone(gc_state):
    gc.unfreeze()
    before = gc.get_threshold()
    runtime.tune_gc({"GC_GEN0_THRESHOLD": "0"})
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_tune_gc_ignores_a_malformed_threshold(gc_state):
    runtime.tune_gc({"GC_GEN0_THRESHOLD": "lots"})
    assert gc.get_threshold()[0] == runtime.DEFAULT_GEN0_THRESHOLD


def _python(code: str, **env: str) -> str:
    """The last line a fresh Python process with the project's settings prints,
    run without the test run's database, Redis, pool or collector variables."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DB_POOL_", "DATABASE_URL", "REDIS_URL", "GC_GEN0_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "participation.settings",
            "DJANGO_SECRET_KEY": "server-test-" + secrets.token_urlsafe(50),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def _database_settings(**env: str) -> dict:
    """settings.DATABASES["default"] as a fresh process computes it from ``env``."""
    code = (
        "import json; from django.conf import settings;"
        "d = settings.DATABASES['default'];"
        "print(json.dumps({'engine': d['ENGINE'], 'age': d.get('CONN_MAX_AGE'),"
        " 'pool': d.get('OPTIONS', {}).get('pool')}))"
    )
    return json.loads(_python(code, **env))


def test_postgresql_connections_come_from_a_pool_not_persistent_threads():
    database = _database_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert database["engine"] == "django.db.backends.postgresql"
    assert database["age"] == 0
    assert database["pool"] == {"min_size": 2, "max_size": 10, "timeout": 10}


def test_the_pool_is_sized_from_the_environment_and_can_be_turned_off():
    sized = _database_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        DB_POOL_MAX_SIZE="4",
        DB_POOL_MIN_SIZE="8",
    )
    assert sized["pool"] == {"min_size": 4, "max_size": 4, "timeout": 10}
    off = _database_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x", DB_POOL_MAX_SIZE="0"
    )
    assert off["pool"] is None
    assert off["age"] == 0


def test_a_server_process_tunes_the_collector_once_the_application_is_loaded():
    printed = _python(
        "import gc, participation.asgi;"
        "print(gc.get_threshold()[0], gc.get_freeze_count() > 0)"
    )
    assert printed.split() == [str(runtime.DEFAULT_GEN0_THRESHOLD), "True"]


PG = "postgres://u@127.0.0.1:5432/x"


def test_one_process_without_postgresql_and_redis():
    # SQLite takes one writer at a time; without Redis live updates and rate
    # limits are per process.
    assert server.default_workers({}) == 1
    assert server.default_workers({"DATABASE_URL": PG}) == 1


def test_one_process_per_cpu_with_postgresql_and_redis(monkeypatch):
    monkeypatch.setattr(server, "available_cpus", lambda: 3)
    environ = {"DATABASE_URL": PG, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert server.default_workers(environ) == 3
    assert server.option(server.arguments([], environ), "--workers") == "3"


def test_web_concurrency_and_workers_override_the_default():
    assert server.default_workers({"WEB_CONCURRENCY": "5"}) == 5
    args = server.arguments(["--workers", "2"], {"WEB_CONCURRENCY": "5"})
    assert server.option(args, "--workers") == "2"


def test_the_pool_is_shared_out_of_the_connection_budget():
    assert server.pool_per_process(2, {}) == 10  # 40 // 2 = 20, at most 10
    assert server.pool_per_process(8, {}) == 5
    assert server.pool_per_process(30, {}) == server.MIN_POOL
    assert server.pool_per_process(4, {"DB_CONNECTIONS": "20"}) == 5
    assert server.pool_per_process(4, {"DB_POOL_MAX_SIZE": "7"}) == 7


def test_the_worker_processes_inherit_the_pool_size(capsys):
    environ = {"DB_CONNECTIONS": "24"}
    assert server.size_the_pool(["--workers", "4"], environ) == 6
    assert environ["DB_POOL_MAX_SIZE"] == "6"
    assert capsys.readouterr().err == ""


def test_a_pool_too_large_for_the_budget_is_warned_about(capsys):
    environ = {"DB_POOL_MAX_SIZE": "20"}
    server.size_the_pool(["--workers", "4"], environ)
    assert "80 PostgreSQL connections" in capsys.readouterr().err
