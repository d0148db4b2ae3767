"""The documented production settings: Django's deploy checks pass with them, the
placeholder secret keys are refused, HTTPS is decided by the trusted proxy only."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.checks import Error

from participation import system_checks
from participation.secret_key import secret_key_problem

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "participation.env.example"
CONFIGMAP = ROOT / "deploy" / "kubernetes" / "configmap.yaml"


def env_example() -> dict[str, str]:
    """The variables of participation.env.example (KEY=VALUE lines, as compose and
    systemd read them)."""
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def configmap() -> dict[str, str]:
    return yaml.safe_load(CONFIGMAP.read_text(encoding="utf-8"))["data"]


def fit_key() -> str:
    return secrets.token_urlsafe(50)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python ARGS`` from the repository with exactly the production-like
    environment ``env`` (plus what Python needs to run)."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV"}
    base = {k: v for k, v in os.environ.items() if k in keep}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


DOCUMENTED = {
    "participation.env.example": lambda: {
        **env_example(),
        "DJANGO_SECRET_KEY": fit_key(),
    },
    "kubernetes configmap": lambda: {**configmap(), "DJANGO_SECRET_KEY": fit_key()},
}


@pytest.mark.parametrize("name", DOCUMENTED)
def test_check_deploy_with_the_documented_production_settings_prints_no_warning(name):
    result = run(["manage.py", "check", "--deploy"], DOCUMENTED[name]())
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output


def test_the_documented_settings_send_hsts_for_the_site_and_its_subdomains():
    snippet = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER]))"
    )
    env = {
        **env_example(),
        "DJANGO_SECRET_KEY": fit_key(),
        "DJANGO_SETTINGS_MODULE": "participation.settings",
    }
    result = run(["-c", snippet], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [31536000, True, False, True, True, True, None]


def test_choosing_preload_turns_it_on_and_still_passes_the_deploy_checks():
    env = {**env_example(), "DJANGO_SECRET_KEY": fit_key(), "DJANGO_HSTS_PRELOAD": "1"}
    result = run(["manage.py", "check", "--deploy"], env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


REQUESTS = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="participation.pref.minami.example.jp")
home = client.get("/", HTTP_X_FORWARDED_PROTO="https")
health = client.get("/healthz")
print(json.dumps([home.status_code, home.get("Location", ""), health.status_code]))
"""


def test_a_client_claiming_https_itself_is_redirected_and_healthz_is_not(tmp_path):
    # Django's test client talks to the app directly, as a client bypassing the
    # proxy would: its own X-Forwarded-Proto must not count (only uvicorn decides
    # the scheme, from the trusted proxy's header).
    env = {
        **env_example(),
        "DJANGO_SECRET_KEY": fit_key(),
        "DJANGO_SETTINGS_MODULE": "participation.settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    result = run(["-c", REQUESTS], env)
    assert result.returncode == 0, result.stderr
    home_status, location, health_status = json.loads(result.stdout.splitlines()[-1])
    assert home_status == 301
    assert location.startswith("https://participation.pref.minami.example.jp/")
    assert health_status != 301


KEYS = {
    "the example file's placeholder": "change-me-to-50-random-characters",
    "the Kubernetes example's placeholder": "replace-me",
    "49 random characters": secrets.token_urlsafe(60)[:49],
    "60 characters, 2 different": "ab" * 30,
    "a long placeholder": "change-me-" + secrets.token_urlsafe(60),
    "Django's generated development key": "django-insecure-"
    + secrets.token_urlsafe(60),
}


@pytest.mark.parametrize("name", KEYS)
def test_an_unfit_secret_key_stops_the_site_at_start_up(name):
    env = {**env_example(), "DJANGO_SECRET_KEY": KEYS[name]}
    result = run(["manage.py", "migrate", "--check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not fit for production" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr
    assert KEYS[name] not in result.stderr  # the key itself is never printed


def test_the_example_file_as_shipped_does_not_start():
    result = run(["manage.py", "check", "--deploy"], env_example())
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def test_a_short_key_is_still_accepted_for_local_development(tmp_path):
    env = {
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "short",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    result = run(["manage.py", "showmigrations", "accounts"], env)
    assert result.returncode == 0, result.stderr


def test_a_fit_key_has_no_problem():
    assert secret_key_problem(fit_key()) is None


@pytest.mark.parametrize("name", KEYS)
def test_the_deploy_check_reports_an_unfit_key_as_error_e001(settings, name):
    settings.SECRET_KEY = KEYS[name]
    errors = system_checks.check_secret_key(None)
    assert [e.id for e in errors] == ["participation.E001"]
    assert isinstance(errors[0], Error)
    assert KEYS[name] not in errors[0].msg


def test_the_deploy_check_accepts_a_fit_key(settings):
    settings.SECRET_KEY = fit_key()
    assert system_checks.check_secret_key(None) == []
