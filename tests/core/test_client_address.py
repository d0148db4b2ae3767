"""The client address (REMOTE_ADDR: API throttle, login limits, logs) cannot be
chosen by the client: uvicorn believes X-Forwarded-For only from the proxy in
front, and the proxy sets that header instead of appending to the client's."""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from participation import server

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
LIMIT = 3
UNTRUSTED_PEER = "127.0.0.2"  # a loopback address that is not the proxy's


# --- the server's own default -------------------------------------------------------
def test_the_server_trusts_only_loopback_unless_told_otherwise():
    args = server.arguments(["--port", "8123"], environ={})
    assert server.forwarded_allow_ips(args) == "127.0.0.1,::1"


def test_the_server_trusts_the_proxy_named_in_the_environment():
    args = server.arguments([], environ={"FORWARDED_ALLOW_IPS": "172.30.0.10"})
    assert server.forwarded_allow_ips(args) == "172.30.0.10"
    blank = server.arguments([], environ={"FORWARDED_ALLOW_IPS": "  "})
    assert server.forwarded_allow_ips(blank) == "127.0.0.1,::1"


def test_a_command_line_option_overrides_the_environment():
    args = server.arguments(
        ["--forwarded-allow-ips", "10.0.0.5"], environ={"FORWARDED_ALLOW_IPS": "*"}
    )
    assert server.forwarded_allow_ips(args) == "10.0.0.5"


def test_trusting_everyone_is_warned_about(capsys):
    server._warn_if_everyone_is_trusted(server.arguments([], environ={}))
    assert capsys.readouterr().err == ""
    server._warn_if_everyone_is_trusted(["--forwarded-allow-ips=*"])
    assert "WARNING" in capsys.readouterr().err


# --- the deploy files -----------------------------------------------------------------
def _deploy_files() -> list[Path]:
    return [
        path
        for path in DEPLOY.rglob("*")
        if path.is_file() and path.name != "README.md"
    ]


def test_no_deploy_file_trusts_every_peer():
    pattern = re.compile(
        r"FORWARDED_ALLOW_IPS\"?\s*[=:]\s*[\"']?\*|forwarded-allow-ips[= ]+[\"']?\*"
    )
    offenders = [
        str(path.relative_to(ROOT))
        for path in _deploy_files()
        if pattern.search(path.read_text("utf-8", errors="replace"))
    ]
    assert offenders == []


@pytest.mark.parametrize("name", ["nginx.conf", "nginx-tls.conf"])
def test_nginx_sets_the_forwarded_headers_it_owns(name):
    config = (DEPLOY / name).read_text("utf-8")
    code = "\n".join(line.split("#", 1)[0] for line in config.splitlines())
    assert "$proxy_add_x_forwarded_for" not in code
    proxies = code.count("proxy_pass ")
    assert proxies >= 3
    assert code.count("proxy_set_header X-Forwarded-For $remote_addr;") == proxies
    assert code.count("proxy_set_header X-Real-IP $remote_addr;") == proxies
    protos = re.findall(r"proxy_set_header X-Forwarded-Proto (\S+);", code)
    assert len(protos) == proxies
    assert set(protos) <= {"https", "$scheme", "$forwarded_proto"}


def test_nginx_believes_a_forwarded_scheme_only_from_a_named_load_balancer():
    code = "\n".join(
        line.split("#", 1)[0]
        for line in (DEPLOY / "nginx.conf").read_text().splitlines()
    )
    geo = re.search(
        r"geo \$realip_remote_addr \$from_load_balancer \{(.*?)\}", code, re.S
    )
    assert geo and geo.group(1).split() == ["default", "0;"]
    mapping = re.search(
        r"map \"\$from_load_balancer:\$http_x_forwarded_proto\" \$forwarded_proto"
        r" \{(.*?)\}",
        code,
        re.S,
    )
    assert mapping and "default   $scheme;" in mapping.group(1)


def test_the_image_trusts_loopback_only():
    env = _image()[0]
    assert env["FORWARDED_ALLOW_IPS"] == "127.0.0.1,::1"


def test_compose_trusts_exactly_the_nginx_container():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text("utf-8"))
    nginx_address = compose["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    app_env = compose["x-app"]["environment"]
    assert app_env["FORWARDED_ALLOW_IPS"] == nginx_address
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(nginx_address) in ipaddress.ip_network(subnet)


def test_kubernetes_trusts_a_named_network_not_everyone():
    config = yaml.safe_load((DEPLOY / "kubernetes" / "configmap.yaml").read_text())
    for item in config["data"]["FORWARDED_ALLOW_IPS"].split(","):
        ipaddress.ip_network(item.strip())  # an address or a network, not "*"


def test_the_systemd_unit_trusts_loopback_only():
    unit = (DEPLOY / "systemd" / "participation@.service").read_text("utf-8")
    assert "Environment=FORWARDED_ALLOW_IPS=127.0.0.1,::1" in unit
    assert "--host 127.0.0.1" in unit


def test_the_readme_states_the_trust_model():
    readme = (DEPLOY / "README.md").read_text("utf-8")
    assert "### Client addresses" in readme
    assert "`*` in the image" not in readme


# --- the server, started as the image starts it -----------------------------------
def _image() -> tuple[dict[str, str], list[str]]:
    """(environment, command) of the final stage of deploy/Dockerfile."""
    text = (DEPLOY / "Dockerfile").read_text("utf-8").replace("\\\n", " ")
    final = text.rsplit("\nFROM ", 1)[1]
    env: dict[str, str] = {}
    command: list[str] = []
    for line in final.splitlines():
        if line.startswith("ENV "):
            for item in shlex.split(line[4:]):
                key, _sep, value = item.partition("=")
                env[key] = value
        elif line.startswith("CMD "):
            command = json.loads(line[4:])
    assert command, "no CMD in the final stage"
    return env, command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _can_bind(address: str) -> bool:
    try:
        with socket.socket() as sock:
            sock.bind((address, 0))
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def image_server(tmp_path_factory) -> Iterator[int]:
    """``python -m participation.server`` with the image's environment and command
    (bound to 127.0.0.1 instead of 0.0.0.0), a fresh SQLite file for the cache
    table the throttle counts in, and an anonymous API limit of ``LIMIT``."""
    workdir = tmp_path_factory.mktemp("image")
    image_env, command = _image()
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "DB_POOL_", "FORWARDED_"))
    }
    env.update({k: v for k, v in image_env.items() if k != "PATH"})
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "PORT": str(port),
            "DJANGO_SECRET_KEY": "client-address-test-" + secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "SQLITE_PATH": str(workdir / "db.sqlite3"),
            "STATIC_ROOT": str(workdir / "static"),
            "API_RATE_ANON": f"{LIMIT}/31536000",
        }
    )
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    assert command[:2] == ["sh", "-c"] and "--host 0.0.0.0" in command[2]
    command = [*command[:2], command[2].replace("--host 0.0.0.0", "--host 127.0.0.1")]
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the server did not start:\n" + (workdir / "server.log").read_text()
                ) from None
            time.sleep(0.1)  # waiting for another process to listen
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _api_status(port: int, *, peer: str, forwarded_for: str) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(peer, 0)
    )
    try:
        connection.request(
            "GET",
            "/api/v1/",
            headers={"Host": "localhost", "X-Forwarded-For": forwarded_for},
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(image_server):
    if not _can_bind(UNTRUSTED_PEER):
        pytest.skip(f"{UNTRUSTED_PEER} is not a local address here")
    statuses = [
        _api_status(image_server, peer=UNTRUSTED_PEER, forwarded_for=f"203.0.113.{i}")
        for i in range(LIMIT + 2)
    ]
    # Every request is counted against the peer's own address, whatever it claims.
    assert statuses == [200] * LIMIT + [429, 429]


def test_the_proxy_names_the_client_and_a_client_prefix_does_not_help(image_server):
    """From the trusted proxy (loopback), the address it gives is the client's:
    distinct clients are counted apart; one client sending its own X-Forwarded-For
    (which a proxy that appends would pass on in front) is still one client."""
    apart = [
        _api_status(image_server, peer="127.0.0.1", forwarded_for=f"198.51.100.{i}")
        for i in range(LIMIT + 1)
    ]
    assert apart == [200] * (LIMIT + 1)
    prefixed = [
        _api_status(
            image_server, peer="127.0.0.1", forwarded_for=f"203.0.113.{i}, 192.0.2.7"
        )
        for i in range(LIMIT + 1)
    ]
    assert prefixed == [200] * LIMIT + [429]
