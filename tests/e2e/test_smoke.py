"""The browser can reach the running app at all, in both languages."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home_page_renders_in_the_browser_language(new_context, lang):
    page = new_context(lang).new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").first.is_visible()
