"""Journey: the loop closes in the inbox. A resident supports a proposal; an official
answers it; the task worker (run for real, as `manage.py worker` does in
production) sends the supporter an e-mail in their language through a real SMTP
server in the test process; its link leads back to the answer on the site."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.helpers import (
    FACILITATOR,
    RESIDENT,
    RESIDENT2,
    post_proposal,
    unique,
)
from tests.mail import Handler, free_port

OFFICIAL_ENVIRONMENT = "official.environment@example.org"  # 中村 由美, 環境部

ANSWER = "南公園の水飲み場を、来年度の予算で2基新設します。"


def _run_worker(env: dict[str, str], smtp_port: int) -> None:
    worker_env = {
        **env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
         "--no-reload"],
        cwd=ROOT,
        env=worker_env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )  # fmt: skip


def test_a_supporter_reads_the_answer_in_their_inbox_and_follows_it_back(
    server, user_context
):
    if server.env is None:
        pytest.skip("needs the server's environment to run the worker")
    author = user_context(RESIDENT, "en").new_page()
    title = unique("Drinking fountains in Minami park")
    pk = post_proposal(
        author,
        title=title,
        body="Minami park has a playground but no drinking water. Children and "
        "older people who walk there in summer would use a fountain every day.",
    )

    supporter = user_context(RESIDENT2, "ja").new_page()
    supporter.goto(f"/proposals/{pk}/")
    with supporter.expect_navigation():
        supporter.locator("#support button[aria-pressed=false]").click()
    expect(supporter.locator("#support button[aria-pressed=true]")).to_be_visible()

    facilitator = user_context(FACILITATOR, "ja", mfa=True).new_page()
    facilitator.goto(f"/proposals/{pk}/tracker/")
    with facilitator.expect_navigation():
        facilitator.locator(
            f"form[action='/proposals/{pk}/tracker/forward/'] button"
        ).click()

    # Not the main demo official: another journey sets up that one's two-factor
    # authentication itself, and must find it not yet set up.
    official = user_context(OFFICIAL_ENVIRONMENT, "ja", mfa=True).new_page()
    official.goto(f"/proposals/{pk}/tracker/")
    with official.expect_navigation():
        official.locator(
            f"form[action='/proposals/{pk}/tracker/claim/'] button"
        ).click()
    official.goto(f"/proposals/{pk}/tracker/respond/")
    official.locator("input[name=decision][value=accepted]").check()
    official.fill("#id_body", ANSWER)
    with official.expect_navigation():
        official.locator("form.tracker-form button[type=submit]").click()
    expect(official.locator("#response")).to_contain_text("水飲み場")

    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        _run_worker(server.env, port)
    finally:
        controller.stop()

    to_supporter = [
        r.message
        for r in handler.received
        if r.recipients == [RESIDENT2] and title in r.message["Subject"]
    ]
    answered = [
        m
        for m in to_supporter
        if "回答を公開しました" in m.get_body(("plain",)).get_content()
    ]
    assert len(answered) == 1, [m["Subject"] for m in to_supporter]
    text = answered[0].get_body(("plain",)).get_content()
    assert "あなたが賛同している提案です。" in text  # why they receive it
    assert answered[0]["List-Unsubscribe"]
    assert RESIDENT not in answered[0].as_string()  # never another resident's address
    link = re.search(re.escape(server.url) + rf"/proposals/{pk}/\S*", text)
    assert link, text

    # The link leads back to the answer.
    supporter.goto(link.group(0))
    expect(supporter.locator("#response")).to_contain_text(ANSWER)
