"""Screenshots of the main pages for reviewing the look by eye: desktop (1280×900)
and phone (390×844), Japanese and English, written to ``screenshots/`` (ignored by
git). Runs only with SCREENSHOTS=1 (``make screenshots``)."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import ADMIN, FACILITATOR, GREEN, RESIDENT, STAFF
from tests.e2e.test_accessibility import (
    answered_proposal,
    first_proposal,
    open_session,
    past_session,
)

pytestmark = pytest.mark.skipif(
    os.environ.get("SCREENSHOTS") != "1",
    reason="screenshots are taken only with SCREENSHOTS=1 (make screenshots)",
)

DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

# name: (who, url or a function finding it)
PAGES = {
    "home": (None, "/"),
    "process": (None, f"/processes/{GREEN}/"),
    "proposal-list": (None, f"/processes/{GREEN}/proposals/"),
    "proposal-detail": (RESIDENT, first_proposal),
    "proposal-with-response": (None, answered_proposal),
    "proposal-form": (RESIDENT, f"/processes/{GREEN}/proposals/new/"),
    "tracker": (None, "/tracker/"),
    "department-scorecards": (None, "/tracker/departments/"),
    "department-scorecard": (None, "/tracker/departments/public-works/"),
    "search": (None, "/search/?q=%E5%85%AC%E5%9C%92"),
    "sign-up": (None, "/accounts/signup/"),
    "login": (None, "/accounts/login/"),
    "notifications": (RESIDENT, "/notifications/"),
    "moderation-queue": (FACILITATOR, f"/processes/{GREEN}/moderation/"),
    "moderation-log": (None, f"/processes/{GREEN}/moderation-log/"),
    "live-session": (None, open_session),
    "live-projector": (None, lambda page: open_session(page) + "projector/"),
    "live-minutes": (None, past_session),
    "admin-site-queue": (ADMIN, "/moderation/"),
}


@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_screenshots_of_the_main_pages(device, lang, new_context, user_context):
    SCREENSHOTS.mkdir(exist_ok=True)
    contexts = {}
    for name, (who, target) in PAGES.items():
        if who not in contexts:
            contexts[who] = (
                new_context(lang, **DEVICES[device])
                if who is None
                else user_context(who, lang, mfa=who in STAFF, **DEVICES[device])
            )
        page = contexts[who].new_page()
        url = target(page) if callable(target) else target
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.screenshot(
            path=str(SCREENSHOTS / f"{device}-{lang}-{name}.png"),
            full_page=name != "live-projector",
            animations="disabled",
        )
        page.close()
