"""User text is rendered to safe HTML once, when it is written, and stored."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.template import Context, Template

from participation import text
from proposals import services
from proposals.models import Comment, Proposal
from tests import factories

pytestmark = pytest.mark.django_db

XSS = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> "
    "[x](javascript:alert(1)) **bold** https://example.org/"
)


def test_stored_html_of_a_new_comment_is_what_the_sanitizer_gives(proposal):
    comment = factories.CommentFactory(proposal=proposal, body=XSS)
    stored = Comment.objects.values_list("body_html", flat=True).get(pk=comment.pk)
    assert stored == text.render_markdown(XSS)
    assert "<script" not in stored and "<img" not in stored
    assert 'href="javascript' not in stored
    assert "&lt;script&gt;" in stored and "<strong>bold</strong>" in stored
    assert 'rel="nofollow ugc noopener"' in stored


def test_stored_html_of_a_proposal_is_what_the_sanitizer_gives(process, resident):
    proposal = factories.ProposalFactory(process=process, author=resident, body=XSS)
    stored = Proposal.objects.values_list("body_html", flat=True).get(pk=proposal.pk)
    assert stored == text.render_markdown(XSS)
    assert "<script" not in stored


def test_editing_a_comment_renders_its_html_again(proposal, resident):
    comment = factories.CommentFactory(proposal=proposal, author=resident)
    services.comment_edit(actor=resident, comment=comment, body="**新しい** 本文です")
    comment.refresh_from_db()
    assert comment.body_html == "<p><strong>新しい</strong> 本文です</p>"


def test_saving_other_fields_leaves_the_html_alone(proposal):
    comment = factories.CommentFactory(proposal=proposal, body="元の本文です")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>kept</p>")
    comment.refresh_from_db()
    comment.upvotes = 3
    comment.save(update_fields=["upvotes"])
    comment.refresh_from_db()
    assert comment.body_html == "<p>kept</p>"


def test_templates_print_the_stored_html_without_rendering_again(proposal):
    comment = factories.CommentFactory(proposal=proposal, body="本文")
    comment.body_html = "<p>stored</p>"
    html = Template('{{ comment|user_html:"body" }}').render(
        Context({"comment": comment})
    )
    assert html == "<p>stored</p>"


def test_an_object_without_stored_html_is_rendered_on_display():
    unsaved = Comment(body="<b>x</b> *y*")
    html = Template('{{ c|user_html:"body" }}').render(Context({"c": unsaved}))
    assert html == text.render_markdown("<b>x</b> *y*")


def test_the_markdown_tools_are_built_once_per_thread(monkeypatch):
    text.render_html("warm up")
    built = []
    original = text._Tools.__init__

    def counting(self, rules):
        built.append(rules)
        original(self, rules)

    monkeypatch.setattr(text._Tools, "__init__", counting)
    for n in range(20):
        text.render_html(f"comment {n}")
    assert built == []
    other = threading.Thread(target=text.render_html, args=("another thread",))
    other.start()
    other.join()
    assert len(built) == 1


def test_changed_sanitizer_rules_take_effect(settings):
    assert "<strong>" in text.render_html("**x**")
    settings.SANITIZER_ALLOWED_TAGS = ["p"]
    assert "<strong>" not in text.render_html("**x**")


def test_rerender_text_renders_stale_rows_and_reports_counts(proposal, settings):
    fresh = factories.CommentFactory(proposal=proposal, body="**太字**")
    stale = factories.CommentFactory(proposal=proposal, body="<script>x</script>")
    Comment.objects.filter(pk=stale.pk).update(body_html="<script>x</script>")
    out = StringIO()
    call_command(
        "rerender_text", "--model", "proposals.Comment", "--batch", "1", stdout=out
    )
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.body_html == text.render_html("<script>x</script>")
    assert fresh.body_html == "<p><strong>太字</strong></p>"
    assert "proposals.Comment: 2 rows read, 1 re-rendered" in out.getvalue()
    # The rules change: everything is rendered again.
    settings.SANITIZER_ALLOWED_TAGS = ["p"]
    out = StringIO()
    call_command("rerender_text", stdout=out)
    fresh.refresh_from_db()
    assert fresh.body_html == "<p>太字</p>"
    assert "proposals.Comment: 2 rows read, 1 re-rendered" in out.getvalue()
    assert "proposals.Proposal:" in out.getvalue()


def test_rerender_text_refuses_an_unknown_model():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No stored user text"):
        call_command("rerender_text", "--model", "proposals.Support")


def test_every_model_with_user_text_stores_it_rendered():
    from participation.management.commands.rerender_text import rendered_models

    labels = {m._meta.label for m in rendered_models()}
    assert {
        "proposals.Proposal",
        "proposals.Comment",
        "responses.ResponseRevision",
        "responses.ProgressUpdate",
        "responses.ResponseComment",
        "responses.DisputeAnswer",
        "responses.OutcomeCheck",
        "live.LiveSession",
        "live.Opinion",
        "moderation.FacilitatorNote",
    } <= labels
    for model in rendered_models():
        for target in model.RENDERED_TEXT.values():
            assert model._meta.get_field(target).editable is False


def test_no_template_renders_a_stored_text_on_display():
    import re
    from pathlib import Path

    from django.conf import settings

    pattern = re.compile(r"\.(body|reason|summary|description)\|markdown")
    templates = Path(settings.BASE_DIR) / "templates"
    offenders = [
        str(path)
        for path in templates.rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_pinned_note_stores_neutralised_html(facilitator, proposal):
    from participation.moderation import services as moderation

    note = moderation.note_pin(
        actor=facilitator, target=proposal, body="<script>alert(1)</script> 落ち着いて"
    )
    note.refresh_from_db()
    assert note.body_html == text.render_html(note.body)
    assert "<script" not in note.body_html
