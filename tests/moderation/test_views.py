"""Moderation pages and forms: status codes, messages, and what they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation.accounts.models import Role
from participation.moderation import services
from participation.moderation.models import (
    Block,
    FacilitatorNote,
    ModerationAction,
    Report,
    ReportReason,
)
from participation.spaces.models import ProcessStatus
from tests import factories
from tests.moderation.conftest import MODERATORS, ROLES


def _url(name, *args):
    return reverse(f"moderation:{name}", args=args)


# --- report form ------------------------------------------------------------------


def test_report_form_page_lists_the_reasons(login, resident2, comment):
    response = login(resident2).get(_url("report", "comment", comment.pk))
    assert response.status_code == 200
    assert "Personal information" in response.content.decode()


def test_reporting_redirects_back_with_thanks(login, resident2, comment):
    response = login(resident2).post(
        _url("report", "comment", comment.pk), {"reason": "offensive"}, follow=True
    )
    assert response.redirect_chain[-1][0] == comment.get_absolute_url()
    assert "The facilitators will review your report" in response.content.decode()
    assert Report.objects.filter(reporter=resident2).exists()


def test_report_other_without_details_is_a_400(login, resident2, comment):
    response = login(resident2).post(
        _url("report", "comment", comment.pk), {"reason": "other", "details": ""}
    )
    assert response.status_code == 400
    assert "describe the problem" in response.content.decode()
    assert not Report.objects.exists()


def test_reporting_twice_is_a_409(login, resident2, comment):
    client = login(resident2)
    client.post(_url("report", "comment", comment.pk), {"reason": "spam"})
    response = client.post(_url("report", "comment", comment.pk), {"reason": "spam"})
    assert response.status_code == 409
    assert "already reported" in response.content.decode()
    assert Report.objects.count() == 1


def test_reporting_own_content_is_a_403(login, author, comment):
    response = login(author).post(
        _url("report", "comment", comment.pk), {"reason": "spam"}
    )
    assert response.status_code == 403
    assert "your own content" in response.content.decode()


def test_report_over_the_rate_limit_is_a_429(login, resident2, proposal, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "1/3600"}
    first, second = factories.CommentFactory.create_batch(2, proposal=proposal)
    client = login(resident2)
    client.post(_url("report", "comment", first.pk), {"reason": "spam"})
    response = client.post(_url("report", "comment", second.pk), {"reason": "spam"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "too often" in response.content.decode()
    assert Report.objects.count() == 1


def test_anonymous_report_goes_to_login(client, comment):
    response = client.post(_url("report", "comment", comment.pk), {"reason": "spam"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Report.objects.exists()


def test_unknown_content_is_a_404(login, resident2):
    response = login(resident2).post(_url("report", "comment", 999999))
    assert response.status_code == 404


def test_unregistered_content_kind_is_a_404(login, resident2, process):
    response = login(resident2).post(f"/moderation/process/{process.pk}/report/")
    assert response.status_code == 404


def test_unsafe_next_is_ignored(login, resident2, comment):
    response = login(resident2).post(
        _url("report", "comment", comment.pk),
        {"reason": "spam", "next": "https://evil.example/"},
    )
    assert response["Location"] == comment.get_absolute_url()


# --- facilitator actions ------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_hide_view_status_by_role(role, actor_for, login, comment):
    response = login(actor_for(role)).post(
        _url("hide", "comment", comment.pk),
        {"reason_code": "offensive", "reason": "Insults."},
    )
    comment.refresh_from_db()
    if role in MODERATORS:
        assert response.status_code == 302
        assert comment.is_hidden
    else:
        assert response.status_code == 403
        assert not comment.is_hidden


def test_hide_without_reason_is_a_400_and_changes_nothing(login, facilitator, comment):
    response = login(facilitator).post(
        _url("hide", "comment", comment.pk), {"reason_code": "", "reason": ""}
    )
    assert response.status_code == 400
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_block_form_blocks_for_the_given_days(login, facilitator, comment, author):
    response = login(facilitator).post(
        _url("block_author", "comment", comment.pk),
        {"days": "7", "reason": "Insults"},
    )
    assert response.status_code == 302
    block = Block.objects.get(user=author)
    assert (block.ends_at - block.starts_at).days == 7


def test_block_form_permanent_ignores_days(login, facilitator, comment, author):
    login(facilitator).post(
        _url("block_author", "comment", comment.pk),
        {"days": "7", "permanent": "on", "reason": "Spam bot"},
    )
    assert Block.objects.get(user=author).is_permanent


def test_block_form_needs_days_or_permanent(login, facilitator, comment):
    response = login(facilitator).post(
        _url("block_author", "comment", comment.pk), {"days": "", "reason": "x"}
    )
    assert response.status_code == 400
    assert not Block.objects.exists()


def test_blocking_an_admin_through_the_form_is_a_403(
    login, facilitator, proposal, admin_user
):
    admin_comment = factories.CommentFactory(proposal=proposal, author=admin_user)
    response = login(facilitator).post(
        _url("block_author", "comment", admin_comment.pk),
        {"days": "7", "reason": "x"},
    )
    assert response.status_code == 403
    assert "Administrators cannot be blocked" in response.content.decode()
    assert not Block.objects.exists()


def test_close_and_reopen_comments_through_the_forms(login, facilitator, proposal):
    client = login(facilitator)
    client.post(_url("close_comments", proposal.pk), {"reason": "Enough said."})
    proposal.refresh_from_db()
    assert proposal.comments_closed
    client.post(_url("reopen_comments", proposal.pk), {"reason": ""})
    proposal.refresh_from_db()
    assert not proposal.comments_closed


def test_pin_and_remove_a_note_through_the_forms(login, facilitator, proposal):
    client = login(facilitator)
    client.post(
        _url("note_pin", "proposal", proposal.pk),
        {"body": "Please stay on the topic of shade."},
    )
    note = FacilitatorNote.objects.get()
    client.post(_url("note_remove", note.pk))
    note.refresh_from_db()
    assert not note.is_pinned


def test_lift_block_through_the_form(login, facilitator, comment):
    block = services.user_block(
        actor=facilitator, user=comment.author, reason="x", days=2, target=comment
    )
    response = login(facilitator).post(_url("block_lift", block.pk), {"reason": ""})
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.lifted_at is not None


# --- the queue ---------------------------------------------------------------------


def _reported(process, n, reporters):
    """``n`` reported proposals and ``n`` reported comments in ``process``."""
    for i in range(n):
        proposal = factories.ProposalFactory(process=process)
        comment = factories.CommentFactory(proposal=proposal)
        for target in (proposal, comment):
            services.report_create(
                reporter=reporters[i % len(reporters)],
                target=target,
                reason=ReportReason.OTHER,
                details=f"Details {i}",
            )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("unverified", 403),
        ("resident", 403),
        ("blocked", 403),
        ("facilitator", 200),
        ("other_facilitator", 403),
        ("official", 403),
        ("admin", 200),
    ],
)
def test_process_queue_access_by_role(role, status, actor_for, login, process):
    response = login(actor_for(role)).get(_url("process_queue", process.slug))
    assert response.status_code == status


def test_anonymous_queue_goes_to_login(client, process):
    response = client.get(_url("process_queue", process.slug))
    assert response.status_code == 302


def test_site_queue_is_for_site_facilitators_and_admins(login, facilitator, admin_user):
    assert login(facilitator).get(_url("site_queue")).status_code == 403
    site = factories.grant(factories.UserFactory(), Role.FACILITATOR)
    assert login(site).get(_url("site_queue")).status_code == 200
    assert login(admin_user).get(_url("site_queue")).status_code == 200


def test_queue_shows_content_reasons_and_details_but_no_reporters(
    login, facilitator, comment, residents, author
):
    services.report_create(
        reporter=residents[0],
        target=comment,
        reason=ReportReason.OTHER,
        details="Mocks a neighbour.",
    )
    services.report_create(
        reporter=residents[1], target=comment, reason=ReportReason.OFFENSIVE
    )
    page = login(facilitator).get(_url("process_queue", comment.proposal.process.slug))
    html = page.content.decode()
    assert "This is a rude comment." in html
    assert "Mocks a neighbour." in html
    assert "Offensive or abusive × 1" in html
    assert "2 open reports" in html
    assert author.real_name in html
    for reporter in residents[:2]:
        assert reporter.real_name not in html
        assert reporter.email not in html
    assert author.email not in html


def test_queue_shows_the_authors_earlier_hides_and_block(
    login, facilitator, comment, proposal, resident2, author
):
    earlier = factories.CommentFactory(proposal=proposal, author=author)
    services.content_hide(actor=facilitator, target=earlier, reason_code="spam")
    services.user_block(
        actor=facilitator, user=author, reason="x", days=3, target=earlier
    )
    services.report_create(reporter=resident2, target=comment, reason="spam")
    html = login(facilitator).get(_url("process_queue", proposal.process.slug))
    html = html.content.decode()
    assert "1 earlier post by this author hidden" in html
    assert "Blocked until" in html


def test_queue_filters_by_content_type(
    login, facilitator, comment, proposal, residents
):
    services.report_create(reporter=residents[0], target=comment, reason="spam")
    services.report_create(reporter=residents[0], target=proposal, reason="spam")
    page = login(facilitator).get(
        _url("process_queue", proposal.process.slug) + "?type=comment"
    )
    assert page.context["page_obj"].paginator.count == 1
    assert page.context["items"][0].kind == "comment"


def test_queue_filters_by_reason(login, facilitator, comment, proposal, residents):
    services.report_create(reporter=residents[0], target=comment, reason="spam")
    services.report_create(reporter=residents[0], target=proposal, reason="off_topic")
    page = login(facilitator).get(
        _url("process_queue", proposal.process.slug) + "?reason=off_topic"
    )
    assert [i.kind for i in page.context["items"]] == ["proposal"]


def test_queue_query_count_does_not_grow_with_items(
    login, facilitator, process, residents, django_assert_num_queries
):
    _reported(process, 1, residents)
    client = login(facilitator)
    url = _url("process_queue", process.slug)
    client.get(url)  # warm up per-process caches (content types)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _reported(process, 6, residents)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["items"]) == 7 * 2


def test_dismiss_from_the_queue_returns_to_the_queue(
    login, facilitator, comment, resident2
):
    services.report_create(reporter=resident2, target=comment, reason="spam")
    queue = _url("process_queue", comment.proposal.process.slug)
    response = login(facilitator).post(
        _url("dismiss", "comment", comment.pk), {"next": queue}
    )
    assert response["Location"] == queue


# --- the public log ------------------------------------------------------------------


def test_public_log_lists_actions_without_hidden_text_or_reporters(
    client, facilitator, comment, residents, process
):
    for user in residents:
        services.report_create(reporter=user, target=comment, reason="offensive")
    services.content_hide(
        actor=facilitator,
        target=comment,
        reason_code="offensive",
        reason="Name-calling.",
    )
    services.user_block(
        actor=facilitator, user=comment.author, reason="Insults", days=7, target=comment
    )
    response = client.get(_url("log", process.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hidden automatically after reports" in html
    assert "Fumi Facilitator" in html
    assert "Offensive or abusive: Name-calling." in html
    assert "User blocked" in html
    assert "A participant" in html
    assert "Taro Author" not in html  # the action is public, the person is not
    assert comment.author.get_absolute_url() not in html
    assert comment.get_absolute_url() in html
    assert "This is a rude comment." not in html
    for reporter in residents:
        assert reporter.real_name not in html
    assert comment.author.email not in html


def test_public_log_filters_by_action(client, facilitator, comment, process):
    services.content_hide(actor=facilitator, target=comment, reason_code="spam")
    services.content_unhide(actor=facilitator, target=comment)
    response = client.get(_url("log", process.slug) + "?kind=unhide")
    assert [a.kind for a in response.context["page_obj"]] == ["unhide"]


def test_public_log_of_a_draft_process_is_a_404(client, process):
    process.status = ProcessStatus.DRAFT
    process.save(update_fields=["status"])
    assert client.get(_url("log", process.slug)).status_code == 404


def test_public_log_query_count_does_not_grow(
    client, facilitator, process, django_assert_num_queries
):
    url = _url("log", process.slug)
    proposal = factories.ProposalFactory(process=process)
    services.comments_close(actor=facilitator, proposal=proposal, reason="x")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(5):
        comment = factories.CommentFactory(proposal=proposal)
        services.content_hide(actor=facilitator, target=comment, reason_code="spam")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert ModerationAction.objects.count() == 6
    assert len(response.context["page_obj"].object_list) == 6


# --- what residents see ---------------------------------------------------------


def test_blocked_user_sees_why_and_until_when(login, blocked_resident):
    html = login(blocked_resident).get("/").content.decode()
    assert "Your account is blocked from taking part until" in html
    assert "Insults" in html


def test_permanently_blocked_user_is_told_it_is_permanent(login, resident2):
    Block.objects.create(user=resident2, reason="Spam bot")
    html = login(resident2).get("/").content.decode()
    assert "The block is permanent." in html


def test_other_users_see_no_block_banner(login, resident2):
    html = login(resident2).get("/").content.decode()
    assert "blocked from taking part" not in html


def test_proposal_page_offers_residents_the_report_form(login, resident2, proposal):
    html = login(resident2).get(proposal.get_absolute_url()).content.decode()
    assert _url("report", "proposal", proposal.pk) in html
    assert "Facilitator tools" not in html


def test_proposal_page_offers_no_report_form_to_the_author(login, resident, proposal):
    html = login(resident).get(proposal.get_absolute_url()).content.decode()
    assert _url("report", "proposal", proposal.pk) not in html


def test_proposal_page_says_when_you_already_reported(login, resident2, proposal):
    services.report_create(reporter=resident2, target=proposal, reason="spam")
    html = login(resident2).get(proposal.get_absolute_url()).content.decode()
    assert "You reported this." in html


def test_proposal_page_shows_facilitator_tools_to_facilitators(
    login, facilitator, proposal
):
    html = login(facilitator).get(proposal.get_absolute_url()).content.decode()
    assert "Facilitator tools" in html
    assert _url("close_comments", proposal.pk) in html


def test_pinned_note_is_signed_with_the_facilitators_name(
    client, facilitator, proposal
):
    services.note_pin(
        actor=facilitator, target=proposal, body="Summary: shade matters to all."
    )
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Summary: shade matters to all." in html
    assert "Fumi Facilitator" in html


def test_closed_comments_show_who_closed_them_and_why(client, facilitator, proposal):
    services.comments_close(
        actor=facilitator, proposal=proposal, reason="Going in circles."
    )
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Comments were closed on" in html
    assert "Going in circles." in html


def test_comment_tools_offer_reports_on_each_comment(login, resident2, comment):
    html = login(resident2).get(comment.proposal.get_absolute_url()).content.decode()
    assert _url("report", "comment", comment.pk) in html


def test_hidden_placeholder_says_when_by_whom_and_why(rf, facilitator, comment):
    from django.template.loader import render_to_string

    services.content_hide(
        actor=facilitator, target=comment, reason_code="spam", reason="Adverts."
    )
    comment.refresh_from_db()
    html = render_to_string(
        "moderation/_hidden_placeholder.html", {"obj": comment, "user": facilitator}
    )
    assert "by Fumi Facilitator" in html
    assert "Spam or advertising: Adverts." in html
    assert "This is a rude comment." not in html
