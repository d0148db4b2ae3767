"""Content-Security-Policy: a strict header with a fresh nonce on every page, the
report-only switch, the report endpoint, and a scan of every template so that
inline handlers, ``javascript:`` URLs and inline styles cannot come back."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from participation import csp

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Content-Security-Policy"
HEADER_RO = "Content-Security-Policy-Report-Only"
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _nonce(response) -> str:
    match = NONCE.search(response[HEADER])
    assert match, response[HEADER]
    return match.group(1)


# --- the header ------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_send_a_strict_policy(client):
    response = client.get("/")
    policy = _directives(response[HEADER])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert NONCE.fullmatch(policy["script-src"][1])
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]  # as X-Frame-Options: DENY
    assert response["X-Frame-Options"] == "DENY"
    assert "data:" in policy["img-src"]
    assert policy["report-uri"] == [reverse("csp-report")]
    everything = response[HEADER]
    assert "unsafe-inline" not in everything
    assert "unsafe-eval" not in everything
    assert "unsafe-hashes" not in everything


@pytest.mark.django_db
def test_connect_src_names_this_hosts_websockets(client):
    plain = _directives(client.get("/", HTTP_HOST="localhost")[HEADER])
    assert plain["connect-src"] == ["'self'", "ws://localhost", "wss://localhost"]
    secure = _directives(client.get("/", HTTP_HOST="localhost", secure=True)[HEADER])
    assert secure["connect-src"] == ["'self'", "wss://localhost"]


@pytest.mark.django_db
def test_every_response_gets_a_fresh_nonce(client):
    nonces = {_nonce(client.get("/")) for _ in range(3)}
    assert len(nonces) == 3


def _pages(client, proposal, official):
    yield reverse("home")
    yield reverse("process", args=[proposal.process.slug])
    yield proposal.get_absolute_url()
    yield reverse("opendata:proposal_flyer", args=[proposal.pk])
    yield reverse("account_login")
    yield reverse("api:docs")
    yield "/no/such/page/"


SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


@pytest.mark.django_db
def test_every_script_of_the_pages_carries_the_responses_nonce(
    client, proposal, official
):
    for url in _pages(client, proposal, official):
        response = client.get(url)
        nonce = _nonce(response)
        tags = SCRIPT_TAG.findall(response.content.decode())
        assert tags, url
        for tag in tags:
            assert f'nonce="{nonce}"' in tag, (url, tag)


INLINE = re.compile(r"<[^>]*\s(?:on[a-z]+|style)\s*=|javascript:", re.IGNORECASE)


@pytest.mark.django_db
def test_rendered_pages_have_no_inline_handlers_or_styles(client, proposal, official):
    for url in _pages(client, proposal, official):
        html = client.get(url).content.decode()
        assert INLINE.findall(html) == [], url


@pytest.mark.django_db
def test_pending_email_change_page_hides_its_form_without_a_style(login, resident):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=resident,
        email=resident.email,
        defaults={"verified": True, "primary": True},
    )
    EmailAddress.objects.create(
        user=resident, email="new-address@example.org", verified=False, primary=False
    )
    response = login(resident).get(reverse("account_email"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "new-address@example.org" in html
    assert re.search(r'<form id="pending-email"[^>]*\shidden>', html), html
    assert 'form="pending-email"' in html
    assert INLINE.findall(html) == []


@pytest.mark.django_db
def test_api_docs_load_their_set_up_script_from_a_url(client):
    html = client.get(reverse("api:docs")).content.decode()
    assert "<script>" not in html and "<style" not in html
    script = re.search(r'<script[^>]*src="([^"]*script=[^"]*)"', html)
    assert script, html
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in response.content.decode()


def test_report_only_switch_moves_the_policy_to_the_report_only_header():
    code = (
        "import participation.settings as s;"
        "print(s.CONTENT_SECURITY_POLICY is None,"
        " s.CONTENT_SECURITY_POLICY_REPORT_ONLY == s.CSP_POLICY)"
    )
    env = {**os.environ, "DJANGO_DEBUG": "1", "CSP_REPORT_ONLY": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["True", "True"], out.stderr
    env["CSP_REPORT_ONLY"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["False", "False"], out.stderr


@pytest.mark.django_db
def test_report_only_mode_sends_the_report_only_header(client, settings):
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = django_settings.CSP_POLICY
    response = client.get("/")
    assert HEADER not in response
    policy = _directives(response[HEADER_RO])
    assert policy["object-src"] == ["'none'"]
    assert NONCE.fullmatch(policy["script-src"][1])


# --- the report endpoint ------------------------------------------------------------

REPORT = {
    "csp-report": {
        "document-uri": "http://testserver/proposals/1/?token=secret#x",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "source-file": "http://testserver/proposals/1/",
        "line-number": 12,
        "disposition": "enforce",
    }
}


def _post(client, payload, content_type="application/csp-report", **extra):
    data = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(
        reverse("csp-report"), data=data, content_type=content_type, **extra
    )


@pytest.fixture
def csrf_client(client):
    client.handler.enforce_csrf_checks = True
    return client


@pytest.mark.django_db
def test_report_is_logged_without_query_strings(csrf_client, caplog):
    with caplog.at_level(logging.WARNING, logger="participation.csp"):
        response = _post(csrf_client, REPORT)
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "participation.csp"]
    line = record.getMessage()
    assert 'directive="script-src-elem"' in line
    assert 'blocked="inline"' in line
    assert 'document="http://testserver/proposals/1/"' in line
    assert "secret" not in line


@pytest.mark.django_db
def test_reporting_api_batches_are_logged(client, caplog):
    batch = [
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "http://testserver/",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="participation.csp"):
        response = _post(client, batch, content_type="application/reports+json")
    assert response.status_code == 204
    assert 'directive="style-src-attr"' in caplog.text


@pytest.mark.django_db
def test_report_fields_cannot_forge_log_lines(client, caplog):
    forged = {"csp-report": {"blocked-uri": "x\n2026-01-01 ERROR forged", "x": 1}}
    with caplog.at_level(logging.WARNING, logger="participation.csp"):
        assert _post(client, forged).status_code == 204
    assert "\n" not in caplog.records[-1].getMessage()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{",
        b"\xff\xfe\x00",
        "[]",
        "{}",
        '{"csp-report": "a string"}',
        "[1, 2, 3]",
        "null",
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=[
        "text",
        "truncated",
        "not-utf8",
        "empty-list",
        "empty-object",
        "report-not-object",
        "list-of-numbers",
        "null",
        "deeply-nested",
    ],
)
def test_garbage_reports_are_refused_with_400(client, body, caplog):
    with caplog.at_level(logging.WARNING, logger="participation.csp"):
        response = _post(client, body)
    assert response.status_code in (400, 413)
    assert not [r for r in caplog.records if r.name == "participation.csp"]


@pytest.mark.django_db
def test_oversized_report_is_refused_with_413(client):
    big = {"csp-report": {"blocked-uri": "x" * (csp.REPORT_MAX_BYTES + 1)}}
    assert _post(client, big).status_code == 413


@pytest.mark.django_db
def test_report_endpoint_accepts_only_post(client):
    assert client.get(reverse("csp-report")).status_code == 405


# Both limits count per clock minute: the clock stands still in these tests.
STILL = time_machine.travel("2026-12-02 10:00:30+09:00", tick=False)


@pytest.mark.django_db
def test_reports_from_one_address_are_rate_limited(client, settings, caplog):
    settings.CSP_REPORTS_PER_MINUTE = 3
    with STILL, caplog.at_level(logging.WARNING, logger="participation.csp"):
        statuses = [_post(client, REPORT).status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    logged = [r for r in caplog.records if r.name == "participation.csp"]
    assert len(logged) == 3


@pytest.mark.django_db
def test_process_budget_bounds_the_log_across_addresses(client, settings, caplog):
    settings.CSP_REPORTS_PER_MINUTE_PROCESS = 2
    csp._budget.__init__()  # a fresh minute for this test
    with STILL, caplog.at_level(logging.WARNING, logger="participation.csp"):
        for n in range(4):
            _post(client, REPORT, REMOTE_ADDR=f"192.0.2.{n}")
    logged = [r for r in caplog.records if r.name == "participation.csp"]
    assert len(logged) == 2
    csp._budget.__init__()


# --- the templates -----------------------------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates"] + [
    path for path in ROOT.glob("*/templates") if ".venv" not in path.parts
]
FORBIDDEN = {
    "inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "inline <style>": re.compile(r"<style\b", re.IGNORECASE),
    "script without nonce": re.compile(
        r"<script\b(?![^>]*\bnonce=\"\{\{ request\.csp_nonce \}\}\")[^>]*>",
        re.IGNORECASE,
    ),
}


# E-mail bodies are read in mail clients, not served under the site's policy, and
# mail clients need inline styles (most ignore <link> and <style>).
EMAIL_TEMPLATES = ("notifications", "email")


def _templates():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            parts = path.relative_to(directory).parts
            if parts[:2] != EMAIL_TEMPLATES:
                yield path


def test_template_scan_finds_templates():
    names = {path.name for path in _templates()}
    assert {"base.html", "tokens.html", "flyer.html", "projector.html"} <= names


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_no_template_has_inline_code_the_policy_blocks(what):
    pattern = FORBIDDEN[what]
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in _templates()
        for text in [path.read_text(encoding="utf-8")]
        for match in pattern.finditer(text)
    ]
    assert found == [], f"{what} in {found} (participation/csp.py)"


def test_scan_catches_what_it_looks_for():
    samples = {
        "inline event handler": '<button onclick="go()">',
        "javascript: URL": '<a href="javascript:go()">',
        "style attribute": '<p style="color: red">',
        "inline <style>": "<style>p {}</style>",
        "script without nonce": '<script src="/static/x.js"></script>',
    }
    for what, sample in samples.items():
        assert FORBIDDEN[what].search(sample), what
    assert not FORBIDDEN["script without nonce"].search(
        '<script nonce="{{ request.csp_nonce }}" src="/static/x.js">'
    )
