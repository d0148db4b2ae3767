"""What a server process loads at start-up. The heavy libraries are imported on
first use, not by ``django.setup()`` nor by the application and its URLs, so an
idle process stays small (deploy/README.md, "Start-up memory"). Deterministic:
which modules are in ``sys.modules``, never a memory figure."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each is imported by the first request that needs it, never before.
LOADED_ON_FIRST_USE = {
    # The REST API (first request under /api/v1/ or reverse("api:…")), and DRF's
    # template tags (DRF is not an installed app: participation/settings.py).
    "rest_framework.templatetags.rest_framework": "DRF's template tags",
    "rest_framework.serializers": "DRF",
    "rest_framework.fields": "DRF",
    "drf_spectacular.openapi": "the OpenAPI schema generator",
    # Pictures (first upload or small rendition: participation/images.py).
    "PIL.Image": "Pillow",
    "pillow_heif": "pillow-heif and libheif",
    # User text rendered to HTML (participation/text.py).
    "markdown": "Markdown",
    "bleach": "bleach",
    # Search (participation/search/fold.py) and slugs (participation/spaces/slugs.py).
    "sudachipy": "SudachiPy and its dictionary",
    "pykakasi": "pykakasi",
}

PROBE = """
import json, os, sys
import django
django.setup()
after_setup = sorted(sys.modules)
import participation.asgi  # the application a server process loads
from django.urls import get_resolver, reverse
get_resolver().url_patterns  # the first request loads the URLs
reverse("home")  # and any page reverses names (the whole tree but namespaces)
from django import forms
from django.template import engines
# A page and a form rendered: each engine lists the tag libraries of every app
# (DRF's among them) but imports only those a template loads.
engines["django"].from_string("{% load i18n humanize %}{{ 1000|intcomma }}").render()
class Form(forms.Form):
    name = forms.CharField()
str(Form())
application = sorted(sys.modules)
api_root = reverse("api:root")  # the API's URLs are loaded when first needed
print(json.dumps({
    "setup": after_setup,
    "application": application,
    "api_root": api_root,
    "after_api": sorted(sys.modules),
}))
"""


@cache
def loaded_modules() -> dict[str, list[str]]:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="participation.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_heavy_libraries_are_not_loaded_by_setup_nor_by_the_application():
    loaded = loaded_modules()
    for stage in ("setup", "application"):
        present = set(loaded[stage])
        found = {
            module: what
            for module, what in LOADED_ON_FIRST_USE.items()
            if module in present
        }
        assert not found, f"loaded at start-up ({stage}): {found}"


def test_the_probe_sees_the_modules_a_server_loads():
    # The negative test above means something only if the probe loads what a
    # server does: the application, the URLs and the site's own modules.
    loaded = set(loaded_modules()["application"])
    assert {"participation.asgi", "participation.urls", "proposals.views"} <= loaded


def test_the_api_urls_are_loaded_when_one_of_their_names_is_reversed():
    loaded = loaded_modules()
    assert "participation.api.urls" not in loaded["application"]
    assert loaded["api_root"] == "/api/v1/"
    assert {"participation.api.urls", "rest_framework.serializers"} <= set(
        loaded["after_api"]
    )
