"""Descriptors: every deploy file lets the server open enough of them, the server
raises its own limit and tells uvicorn how many connections fit."""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
from pathlib import Path

import yaml
from uvicorn.main import main as uvicorn_main

from participation import server

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return unit


def test_the_server_unit_allows_enough_open_files():
    unit = _unit("participation@.service")
    assert int(unit["Service"]["LimitNOFILE"]) >= 65536


def test_compose_gives_the_app_and_nginx_enough_open_files():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))
    for service in ("app", "init", "nginx"):
        nofile = compose["services"][service]["ulimits"]["nofile"]
        assert nofile["soft"] >= 65536 and nofile["hard"] >= 65536, service


def test_kubernetes_sets_the_socket_limits():
    config = yaml.safe_load((DEPLOY / "kubernetes" / "configmap.yaml").read_text())
    for name in (
        "LIVE_MAX_SOCKETS_PER_ADDRESS",
        "LIVE_MAX_SOCKETS_PER_USER",
        "LIVE_MAX_SOCKETS",
    ):
        assert int(config["data"][name]) > 0, name


def test_nginx_limits_websockets_per_address():
    for name in ("nginx.conf", "nginx-tls.conf"):
        conf = (DEPLOY / name).read_text(encoding="utf-8")
        assert "limit_conn_zone $binary_remote_addr zone=websockets_per_address" in conf
        websockets = re.search(r"location /ws/ \{(.*?)\n    \}", conf, re.S)
        assert websockets, name
        assert "limit_conn websockets_per_address" in websockets.group(1), name


def test_the_server_raises_a_low_soft_limit_to_the_hard_one():
    code = (
        "import resource; from participation import server;"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE);"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard));"
        "print(server.raise_descriptor_limit(), min(hard, server.DESCRIPTOR_TARGET))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    raised, expected = result.stdout.split()
    assert int(raised) == int(expected) > 256


def _options(argv: list[str], descriptors: int) -> dict:
    args = server.arguments(argv, {}, descriptors=descriptors)
    return uvicorn_main.make_context("server", args).params


def test_uvicorn_refuses_connections_just_below_the_descriptor_limit():
    options = _options(["--port", "8123"], 65536)
    assert options["limit_concurrency"] == 65536 - server.RESERVED_DESCRIPTORS
    assert _options([], 1024)["limit_concurrency"] == 1024 - 256
    assert _options([], 100)["limit_concurrency"] == server.MIN_CONCURRENCY


def test_a_concurrency_limit_on_the_command_line_wins():
    assert _options(["--limit-concurrency", "500"], 65536)["limit_concurrency"] == 500
