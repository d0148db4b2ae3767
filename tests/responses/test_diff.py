"""The readable diff between revisions."""

from __future__ import annotations

from responses.diff import render_diff


def test_added_words_are_marked_as_inserted():
    html = render_diff("We will build it.", "We will build it next year.")
    assert "<ins> next year</ins>" in html


def test_removed_words_are_marked_as_deleted():
    html = render_diff("We will build it next year.", "We will build it.")
    assert "<del> next year</del>" in html


def test_japanese_text_diffs_by_character():
    html = render_diff("来年度に実施します。", "今年度に実施します。")
    assert "<del>来</del><ins>今</ins>" in html


def test_user_html_is_escaped_in_the_diff():
    html = render_diff("a", "<script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_unchanged_lines_are_kept_plain():
    html = render_diff("one\ntwo\n", "one\nthree\n")
    assert html.startswith("one\n")
