from __future__ import annotations

from participation.text import clean_text, render_markdown, sanitize_html


def test_script_tags_are_shown_as_text():
    html = render_markdown("<script>alert(1)</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_event_handler_attributes_never_survive():
    html = sanitize_html('<p onclick="alert(1)">hi</p><img src=x onerror=alert(1)>')
    assert "onclick" not in html and "onerror" not in html and "<img" not in html


def test_javascript_links_lose_their_href():
    html = render_markdown("[click](javascript:alert(1))")
    assert 'href="javascript' not in html


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown("[site](https://example.org/)")
    assert 'rel="nofollow ugc noopener"' in html


def test_bare_urls_become_links_with_rel():
    html = render_markdown("see https://example.org/page")
    assert '<a href="https://example.org/page" rel="nofollow ugc noopener">' in html


def test_markdown_subset_is_kept():
    html = render_markdown("**bold** and *em*\n\n- one\n- two")
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_headings_and_images_are_not_allowed():
    html = render_markdown("# Title\n\n![x](https://example.org/x.png)")
    assert "<h1" not in html and "<img" not in html


def test_clean_text_removes_control_characters_and_normalizes():
    assert clean_text("  ｶﾞ\x00\x07text  ") == "ｶﾞtext"
    assert clean_text("e\u0301") == "\u00e9"
