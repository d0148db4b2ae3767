"""Reply and report under a comment: each comment carries links that work without
JavaScript (the page's comment form as a reply, ``?reply=ID``; the report page), and
the page carries each form once, for proposals.js to copy under the comment clicked.
So a signed-in thread page does not grow by a reply form and a report form per
comment."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db


def _detail(client, proposal, **params):
    return client.get(reverse("proposals:detail", args=[proposal.pk]), params)


def _thread(proposal, n):
    for i in range(n):
        root = factories.CommentFactory(proposal=proposal, body=f"意見その{i}です。")
        factories.replies_below(root, 2)


def test_each_form_is_on_the_page_once_whatever_the_number_of_comments(
    login, resident, proposal
):
    _thread(proposal, 15)
    html = _detail(login(resident), proposal).content.decode()
    assert html.count('id="reply-form-template"') == 1
    assert html.count('id="report-form-template"') == 1
    # The reply forms: the template's and the page's own comment form.
    assert html.count('name="parent"') == 2
    # Every comment by someone else still offers both, as links.
    assert html.count('data-inline-form="reply"') == 45
    assert html.count('data-inline-form="report"') == 45


def test_the_thread_page_weighs_little_more_per_comment_when_signed_in(
    client, login, resident, proposal
):
    _thread(proposal, 15)
    anonymous = len(_detail(client, proposal).content)
    signed_in = len(_detail(login(resident), proposal).content)
    # 45 comments, each with its vote buttons and two links: under 1 kB each
    # (a reply form and a report form per comment made it 3.5 kB).
    assert (signed_in - anonymous) / 45 < 1000


def test_the_reply_link_opens_the_page_comment_form_as_a_reply(
    login, resident, proposal
):
    root = factories.CommentFactory(
        proposal=proposal, author=factories.UserFactory(real_name="Taro Kimura")
    )
    response = _detail(login(resident), proposal, reply=root.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reply to Taro Kimura" in html
    form = html[html.index('id="comment-form"') :]
    assert re.search(rf'name="parent" value="{root.pk}"', form)


def test_a_reply_sent_from_the_reply_page_lands_under_its_comment(
    login, resident, proposal
):
    root = factories.CommentFactory(proposal=proposal)
    client = login(resident)
    _detail(client, proposal, reply=root.pk)
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {
            "body": "返信ページからの返信です。",
            "alignment": "favour",
            "parent": root.pk,
        },
    )
    assert response.status_code == 302
    reply = Comment.objects.get(body="返信ページからの返信です。")
    assert reply.parent_id == root.pk


@pytest.mark.parametrize(
    "case, message",
    [
        ("deleted", "This comment can no longer be replied to."),
        ("hidden", "This comment can no longer be replied to."),
        ("too deep", "Replies can be nested at most 3 levels deep."),
        ("other proposal", "You can only reply to a comment on this proposal."),
        ("gone", "The comment you are replying to does not exist any more."),
    ],
)
def test_a_reply_link_to_a_comment_that_cannot_take_one_says_why(
    login, resident, proposal, case, message
):
    root = factories.CommentFactory(proposal=proposal)
    if case == "deleted":
        Comment.objects.filter(pk=root.pk).update(deleted_at=timezone.now())
        target = root.pk
    elif case == "hidden":
        Comment.objects.filter(pk=root.pk).update(hidden_at=timezone.now())
        target = root.pk
    elif case == "too deep":
        second = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
        target = factories.CommentFactory(proposal=proposal, parent=second, depth=2).pk
    elif case == "other proposal":
        target = factories.CommentFactory().pk
    else:
        target = root.pk + 1000
    response = _detail(login(resident), proposal, reply=target)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Add your comment" in html
    form = html[html.index('id="comment-form"') :]
    assert 'name="parent" value=' not in form.split("</form>")[0]


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", ""])
def test_a_malformed_reply_parameter_is_ignored(login, resident, proposal, value):
    response = _detail(login(resident), proposal, reply=value)
    assert response.status_code == 200
    assert "Add your comment" in response.content.decode()


def test_visitors_get_no_forms_to_copy(client, proposal):
    _thread(proposal, 2)
    html = _detail(client, proposal).content.decode()
    assert "reply-form-template" not in html
    assert "report-form-template" not in html
    assert 'data-inline-form="reply"' not in html
    response = _detail(client, proposal, reply=Comment.objects.first().pk)
    assert response.status_code == 200
    assert "Log in to comment" in response.content.decode()


def test_the_report_link_opens_the_report_page(login, resident, proposal):
    root = factories.CommentFactory(proposal=proposal)
    client = login(resident)
    html = _detail(client, proposal).content.decode()
    path = reverse("moderation:report", args=["comment", root.pk])
    assert f'href="{path}" data-inline-form="report"' in html
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()


def test_the_report_form_to_copy_has_the_reasons_and_a_key(login, resident, proposal):
    factories.CommentFactory(proposal=proposal)
    html = _detail(login(resident), proposal).content.decode()
    template = html[html.index('id="report-form-template"') :]
    template = template[: template.index("</template>")]
    for reason in ("spam", "offensive", "personal_info", "off_topic", "other"):
        assert f'name="reason" value="{reason}"' in template
    assert 'name="idempotency_key"' in template
    assert 'name="csrfmiddlewaretoken"' in template


def test_the_proposals_own_report_form_keeps_its_labelled_fields(
    login, resident2, proposal
):
    html = _detail(login(resident2), proposal).content.decode()
    prefix = f"report-proposal-{proposal.pk}"
    assert f'<label for="{prefix}-details">' in html
    assert f'id="{prefix}-details" aria-describedby="{prefix}-help"' in html
    assert f'id="{prefix}-help"' in html
