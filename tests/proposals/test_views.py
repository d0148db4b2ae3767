from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from participation.notifications.services import is_following
from proposals import services
from proposals.models import Comment, Proposal, ProposalState, Support
from tests import factories
from tests.proposals.conftest import valid_proposal_data

pytestmark = pytest.mark.django_db


def _detail(proposal):
    return reverse("proposals:detail", args=[proposal.pk])


# --- list -----------------------------------------------------------------------


def test_list_page_shows_proposals_of_the_process(client, proposal):
    other = factories.ProposalFactory(title="別のプロセスの提案です、念のため")
    response = client.get(reverse("proposals:list", args=[proposal.process.slug]))
    assert response.status_code == 200
    assert proposal.title in response.content.decode()
    assert other.title not in response.content.decode()


def test_list_leaves_out_hidden_proposals(client, proposal, facilitator):
    Proposal.objects.filter(pk=proposal.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator
    )
    response = client.get(reverse("proposals:list", args=[proposal.process.slug]))
    assert proposal.title not in response.content.decode()


def test_list_filters_by_category(client, process):
    parks, roads = factories.CategoryFactory(), factories.CategoryFactory()
    process.categories.add(parks, roads)
    in_parks = factories.ProposalFactory(process=process, category=parks)
    in_roads = factories.ProposalFactory(process=process, category=roads)
    url = reverse("proposals:list", args=[process.slug])
    html = client.get(url, {"category": parks.slug}).content.decode()
    assert in_parks.title in html
    assert in_roads.title not in html


def test_list_filters_by_area_and_text(client, process):
    north = factories.AreaFactory()
    process.areas.add(north)
    match = factories.ProposalFactory(
        process=process, area=north, title="北区の図書館を夜まで開館する"
    )
    factories.ProposalFactory(
        process=process, area=north, title="北区の道路に街灯を増やしてほしい"
    )
    html = client.get(
        reverse("proposals:list", args=[process.slug]),
        {"area": north.slug, "q": "図書館"},
    ).content.decode()
    assert match.title in html
    assert "街灯" not in html


def test_list_state_filter_shows_withdrawn(client, process):
    gone = factories.ProposalFactory(process=process, state=ProposalState.WITHDRAWN)
    open_ = factories.ProposalFactory(process=process)
    url = reverse("proposals:list", args=[process.slug])
    assert gone.title not in client.get(url).content.decode()
    html = client.get(url, {"state": "withdrawn"}).content.decode()
    assert gone.title in html and open_.title not in html


def test_list_sorts_by_most_supported(client, process):
    low = factories.ProposalFactory(process=process, support_count=1)
    high = factories.ProposalFactory(process=process, support_count=9)
    html = client.get(
        reverse("proposals:list", args=[process.slug]), {"sort": "most_supported"}
    ).content.decode()
    assert html.index(high.title) < html.index(low.title)


def test_list_random_sort_without_seed_redirects_to_a_seeded_address(client, process):
    response = client.get(
        reverse("proposals:list", args=[process.slug]), {"sort": "random", "page": "2"}
    )
    assert response.status_code == 302
    assert re.search(r"seed=\d+", response.url)
    assert "page=" not in response.url


def test_list_random_sort_is_stable_for_a_seed(client, process):
    for _ in range(6):
        factories.ProposalFactory(process=process)
    url = reverse("proposals:list", args=[process.slug])
    first = client.get(url, {"sort": "random", "seed": "42"})
    second = client.get(url, {"sort": "random", "seed": "42"})
    assert [p.pk for p in first.context["proposals"]] == [
        p.pk for p in second.context["proposals"]
    ]


def test_list_unknown_sort_falls_back_to_newest_and_says_so(client, process):
    response = client.get(
        reverse("proposals:list", args=[process.slug]), {"sort": "cheapest"}
    )
    assert response.status_code == 200
    assert response.context["filters"].sort == "newest"
    assert "not understood" in response.content.decode()


def test_list_non_integer_page_shows_first_page(client, proposal):
    response = client.get(
        reverse("proposals:list", args=[proposal.process.slug]), {"page": "abc"}
    )
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_list_paginates(client, process, settings):
    settings.PROPOSALS_PER_PAGE = 2
    for _ in range(5):
        factories.ProposalFactory(process=process)
    response = client.get(reverse("proposals:list", args=[process.slug]), {"page": 3})
    assert len(response.context["proposals"]) == 1
    assert "Page 3 of 3" in response.content.decode()


def test_list_of_unknown_process_is_404(client, db):
    assert client.get("/processes/nowhere/proposals/").status_code == 404


def test_list_of_draft_process_is_404(client, db):
    draft = factories.ProcessFactory(status="draft")
    assert client.get(reverse("proposals:list", args=[draft.slug])).status_code == 404


# --- create ---------------------------------------------------------------------


def test_create_page_sends_anonymous_visitor_to_login(client, process):
    url = reverse("proposals:create", args=[process.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url and "next=" in response.url


def test_create_page_refuses_unverified_user_with_403(login, unverified, process):
    response = login(unverified).get(reverse("proposals:create", args=[process.slug]))
    assert response.status_code == 403
    assert "verify your e-mail" in response.content.decode()


def test_create_page_in_closed_phase_says_why(login, resident, closed_process):
    response = login(resident).get(
        reverse("proposals:create", args=[closed_process.slug])
    )
    assert response.status_code == 403
    assert "not accepting new proposals" in response.content.decode()


def test_create_page_renders_labelled_form(login, resident, process):
    response = login(resident).get(reverse("proposals:create", args=[process.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_title">' in html
    assert 'aria-live="polite"' in html and 'id="similar-proposals"' in html


def test_create_posts_and_redirects_to_the_new_proposal(login, resident, process):
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]), valid_proposal_data()
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == proposal.get_absolute_url()


def test_create_with_category_and_area_of_the_process(login, resident, process):
    category, area = factories.CategoryFactory(), factories.AreaFactory()
    process.categories.add(category)
    process.areas.add(area)
    login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(category=category.pk, area=area.pk),
    )
    proposal = Proposal.objects.get()
    assert (proposal.category, proposal.area) == (category, area)


def test_create_requires_category_when_the_process_has_some(login, resident, process):
    process.categories.add(factories.CategoryFactory())
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]), valid_proposal_data()
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()


def test_create_with_short_title_rerenders_with_400(login, resident, process):
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(title="短すぎ"),
    )
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    assert not Proposal.objects.exists()


def test_create_double_submit_answers_409_and_keeps_one(login, resident, process):
    client = login(resident)
    url = reverse("proposals:create", args=[process.slug])
    client.post(url, valid_proposal_data())
    response = client.post(url, valid_proposal_data())
    assert response.status_code == 409
    assert "just posted a proposal with this title" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_create_in_closed_phase_post_answers_403_and_keeps_text(
    login, resident, closed_process
):
    response = login(resident).post(
        reverse("proposals:create", args=[closed_process.slug]), valid_proposal_data()
    )
    assert response.status_code == 403
    assert valid_proposal_data()["body"] in response.content.decode()
    assert not Proposal.objects.exists()


def test_create_too_fast_answers_429_with_retry_after(
    login, resident, process, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "proposal": "1/3600"}
    client = login(resident)
    url = reverse("proposals:create", args=[process.slug])
    client.post(url, valid_proposal_data())
    response = client.post(url, valid_proposal_data(title="二つ目の提案のタイトルです"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Proposal.objects.count() == 1


def test_create_form_shows_similar_proposals_after_an_error(login, resident, process):
    factories.ProposalFactory(process=process, title="駅前に屋根付きの駐輪場がほしい")
    response = login(resident).post(
        reverse("proposals:create", args=[process.slug]),
        valid_proposal_data(body="短い"),
    )
    assert response.status_code == 400
    assert "駅前に屋根付きの駐輪場がほしい" in response.content.decode()


# --- similar --------------------------------------------------------------------


def test_similar_returns_fragment_for_japanese_title(client, process):
    match = factories.ProposalFactory(
        process=process, title="駅前の駐輪場に屋根をつける"
    )
    factories.ProposalFactory(process=process, title="図書館の開館時間を延ばす")
    response = client.get(
        reverse("proposals:similar", args=[process.slug]), {"title": "駐輪場の屋根"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert match.title in html and "図書館" not in html


def test_similar_returns_json_when_asked(client, process):
    match = factories.ProposalFactory(
        process=process, title="More benches in Chuo Park"
    )
    response = client.get(
        reverse("proposals:similar", args=[process.slug]),
        {"title": "benches park", "format": "json"},
    )
    assert response.json()["results"][0]["id"] == match.pk


def test_similar_returns_at_most_five(client, process):
    for i in range(8):
        factories.ProposalFactory(process=process, title=f"公園のベンチを増やす案{i}")
    response = client.get(
        reverse("proposals:similar", args=[process.slug]),
        {"title": "公園のベンチを増やす", "format": "json"},
    )
    assert len(response.json()["results"]) == 5


def test_similar_with_empty_title_is_empty(client, process):
    response = client.get(reverse("proposals:similar", args=[process.slug]))
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


# --- detail ---------------------------------------------------------------------


def test_detail_shows_title_body_author_and_containers(client, proposal):
    comment = factories.CommentFactory(proposal=proposal)
    html = client.get(_detail(proposal)).content.decode()
    assert proposal.title in html
    assert "<p>夏の公園は暑すぎて" in html
    assert f'href="/people/{proposal.author_id}/"' in html
    assert 'id="comments"' in html
    assert f'id="comment-{comment.pk}"' in html


def test_detail_of_unknown_proposal_is_404(client, db):
    assert client.get("/proposals/999999/").status_code == 404


def test_detail_with_id_beyond_database_range_is_404(client, db):
    assert client.get("/proposals/99999999999999999999999/").status_code == 404


def test_detail_renders_in_japanese(client, proposal):
    response = client.get(_detail(proposal), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert '<html lang="ja"' in response.content.decode()


def test_detail_marks_support_button_pressed_after_supporting(
    login, resident2, proposal
):
    client = login(resident2)
    services.support_add(user=resident2, proposal=proposal)
    html = client.get(_detail(proposal)).content.decode()
    assert 'aria-pressed="true">Supported' in html


def test_detail_of_hidden_proposal_shows_placeholder_to_public(
    client, proposal, facilitator
):
    Proposal.objects.filter(pk=proposal.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator, hidden_reason="個人情報を含む"
    )
    html = client.get(_detail(proposal)).content.decode()
    assert "Hidden by Fumi Facilitator on" in html and "個人情報を含む" in html
    assert proposal.body not in html


def test_detail_of_hidden_proposal_shows_text_to_its_author(
    login, resident, proposal, facilitator
):
    Proposal.objects.filter(pk=proposal.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator, hidden_reason="確認中"
    )
    html = login(resident).get(_detail(proposal)).content.decode()
    assert "夏の公園は暑すぎて" in html
    assert "only you and the facilitators" in html


def test_detail_of_hidden_proposal_shows_text_to_facilitator(
    login, facilitator, proposal
):
    Proposal.objects.filter(pk=proposal.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator, hidden_reason="確認中"
    )
    html = login(facilitator).get(_detail(proposal)).content.decode()
    assert "夏の公園は暑すぎて" in html


def test_detail_tells_author_why_editing_is_locked(login, resident, proposal):
    factories.SupportFactory(proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(support_count=1)
    html = login(resident).get(_detail(proposal)).content.decode()
    assert "cannot be edited once it has supports or comments" in html
    assert reverse("proposals:edit", args=[proposal.pk]) not in html


# --- edit and withdraw ----------------------------------------------------------


def test_edit_by_author_saves_and_redirects(login, resident, proposal):
    response = login(resident).post(
        reverse("proposals:edit", args=[proposal.pk]),
        valid_proposal_data(title="駐輪場の屋根について書き直しました"),
    )
    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.title == "駐輪場の屋根について書き直しました"


def test_edit_by_someone_else_is_403(login, resident2, proposal):
    client = login(resident2)
    assert client.get(reverse("proposals:edit", args=[proposal.pk])).status_code == 403
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]), valid_proposal_data()
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.title != valid_proposal_data()["title"]


def test_edit_after_first_comment_is_403(login, resident, proposal):
    factories.CommentFactory(proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=1)
    response = login(resident).get(reverse("proposals:edit", args=[proposal.pk]))
    assert response.status_code == 403


def test_withdraw_asks_then_withdraws(login, resident, proposal):
    client = login(resident)
    url = reverse("proposals:withdraw", args=[proposal.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    proposal.refresh_from_db()
    assert response.status_code == 302
    assert proposal.is_withdrawn


def test_withdraw_by_someone_else_is_403(login, resident2, proposal):
    response = login(resident2).post(reverse("proposals:withdraw", args=[proposal.pk]))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert not proposal.is_withdrawn


# --- support and follow ---------------------------------------------------------


def test_support_post_adds_and_redirects(login, resident2, proposal):
    response = login(resident2).post(
        reverse("proposals:support", args=[proposal.pk]), {"action": "add"}
    )
    proposal.refresh_from_db()
    assert response.status_code == 302
    assert response.url.endswith("#support")
    assert proposal.support_count == 1


def test_support_twice_says_so_and_counts_once(login, resident2, proposal):
    client = login(resident2)
    url = reverse("proposals:support", args=[proposal.pk])
    client.post(url, {"action": "add"})
    response = client.post(url, {"action": "add"}, follow=True)
    assert "You already support this proposal." in response.content.decode()
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_support_without_action_toggles(login, resident2, proposal):
    client = login(resident2)
    url = reverse("proposals:support", args=[proposal.pk])
    client.post(url)
    client.post(url)
    proposal.refresh_from_db()
    assert proposal.support_count == 0


def test_support_remove_withdraws_support(login, resident2, proposal):
    client = login(resident2)
    url = reverse("proposals:support", args=[proposal.pk])
    client.post(url, {"action": "add"})
    client.post(url, {"action": "remove"})
    proposal.refresh_from_db()
    assert proposal.support_count == 0


def test_support_by_anonymous_redirects_to_login(client, proposal):
    response = client.post(reverse("proposals:support", args=[proposal.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not Support.objects.exists()


def test_support_own_proposal_is_403(login, resident, proposal):
    response = login(resident).post(reverse("proposals:support", args=[proposal.pk]))
    assert response.status_code == 403
    assert "cannot support your own proposal" in response.content.decode()


def test_support_in_closed_phase_is_403_with_reason(login, resident2, closed_process):
    proposal = factories.ProposalFactory(process=closed_process)
    response = login(resident2).post(reverse("proposals:support", args=[proposal.pk]))
    assert response.status_code == 403
    assert "Supports are not being collected" in response.content.decode()


def test_support_by_get_is_not_allowed(login, resident2, proposal):
    response = login(resident2).get(reverse("proposals:support", args=[proposal.pk]))
    assert response.status_code == 405


def test_follow_toggles(login, resident2, proposal):
    client = login(resident2)
    url = reverse("proposals:follow", args=[proposal.pk])
    client.post(url, {"action": "follow"})
    assert is_following(user=resident2, target=proposal)
    client.post(url, {"action": "unfollow"})
    assert not is_following(user=resident2, target=proposal)


# --- comments -------------------------------------------------------------------


def test_comment_post_redirects_to_the_new_comment(login, resident2, proposal):
    response = login(resident2).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "賛成です。日陰は大事です。", "alignment": "favour"},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#comment-{comment.pk}")
    assert comment.alignment == "favour"


def test_reply_post_creates_nested_comment(login, resident, comment):
    login(resident).post(
        reverse("proposals:comment_create", args=[comment.proposal_id]),
        {"body": "ありがとうございます", "alignment": "neutral", "parent": comment.pk},
    )
    assert Comment.objects.get(parent=comment).depth == 1


def test_comment_too_short_rerenders_page_with_400(login, resident2, proposal):
    response = login(resident2).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "a", "alignment": "neutral"},
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_comment_on_withdrawn_proposal_is_403(login, resident2, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(state=ProposalState.WITHDRAWN)
    response = login(resident2).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "まだ議論したい", "alignment": "neutral"},
    )
    assert response.status_code == 403
    assert "withdrawn by its author" in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_on_hidden_proposal_is_403(login, resident2, proposal, facilitator):
    Proposal.objects.filter(pk=proposal.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator
    )
    response = login(resident2).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "コメントします", "alignment": "neutral"},
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_reply_to_unknown_comment_is_400(login, resident2, proposal):
    response = login(resident2).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "返信です", "alignment": "neutral", "parent": 987654},
    )
    assert response.status_code == 400
    assert "does not exist any more" in response.content.decode()


def test_reply_beyond_depth_three_is_400(login, resident, proposal):
    root = factories.CommentFactory(proposal=proposal)
    second = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    third = factories.CommentFactory(proposal=proposal, parent=second, depth=2)
    response = login(resident).post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "四段目の返信", "alignment": "neutral", "parent": third.pk},
    )
    assert response.status_code == 400
    assert "at most 3 levels" in response.content.decode()


def test_reply_form_is_offered_only_where_depth_allows(login, resident, proposal):
    root = factories.CommentFactory(proposal=proposal)
    second = factories.CommentFactory(proposal=proposal, parent=root, depth=1)
    third = factories.CommentFactory(proposal=proposal, parent=second, depth=2)
    html = login(resident).get(_detail(proposal)).content.decode()
    assert f"?reply={second.pk}#comment-form" in html
    assert f"?reply={third.pk}#comment-form" not in html


def test_comment_by_anonymous_redirects_to_login(client, proposal):
    response = client.post(
        reverse("proposals:comment_create", args=[proposal.pk]),
        {"body": "コメント", "alignment": "neutral"},
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_comment_edit_marks_edited_on_the_page(login, resident2, comment):
    client = login(resident2)
    client.post(
        reverse("proposals:comment_edit", args=[comment.pk]),
        {"body": "書き直したコメントです", "alignment": "against"},
    )
    html = client.get(_detail(comment.proposal)).content.decode()
    assert "書き直したコメントです" in html
    assert "comment-edited" in html


def test_comment_edit_by_someone_else_is_403(login, resident, comment):
    client = login(resident)
    url = reverse("proposals:comment_edit", args=[comment.pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"body": "乗っ取り", "alignment": "neutral"}).status_code
        == 403
    )
    comment.refresh_from_db()
    assert comment.body != "乗っ取り"


def test_comment_delete_leaves_placeholder_and_keeps_replies(login, resident2, comment):
    reply = factories.CommentFactory(
        proposal=comment.proposal, parent=comment, depth=1, body="返信は残ります"
    )
    client = login(resident2)
    assert (
        client.get(reverse("proposals:comment_delete", args=[comment.pk])).status_code
        == 200
    )
    client.post(reverse("proposals:comment_delete", args=[comment.pk]))
    html = client.get(_detail(comment.proposal)).content.decode()
    assert "This comment was deleted by its author." in html
    assert comment.body not in html
    assert f'id="comment-{reply.pk}"' in html and "返信は残ります" in html


def test_comment_vote_up_presses_the_button(login, resident, comment):
    client = login(resident)
    response = client.post(
        reverse("proposals:comment_vote", args=[comment.pk]), {"value": "up"}
    )
    assert response.status_code == 302
    html = client.get(_detail(comment.proposal)).content.decode()
    assert re.search(r'value="up" class="vote-button" aria-pressed="true"', html)


def test_comment_vote_with_unknown_value_changes_nothing(login, resident, comment):
    response = login(resident).post(
        reverse("proposals:comment_vote", args=[comment.pk]), {"value": "sideways"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 0)


def test_comment_vote_on_own_comment_is_403(login, resident2, comment):
    response = login(resident2).post(
        reverse("proposals:comment_vote", args=[comment.pk]), {"value": "up"}
    )
    assert response.status_code == 403


def test_comment_actions_on_unknown_comment_are_404(login, resident, db):
    client = login(resident)
    assert client.post("/comments/424242/vote/", {"value": "up"}).status_code == 404
    assert client.get("/comments/424242/edit/").status_code == 404


def test_hidden_comment_shows_who_hid_it_when_and_why(client, comment, facilitator):
    Comment.objects.filter(pk=comment.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator, hidden_reason="侮辱的な表現"
    )
    html = client.get(_detail(comment.proposal)).content.decode()
    assert "Hidden by Fumi Facilitator on" in html and "侮辱的な表現" in html
    assert comment.body not in html


def test_hidden_comment_text_is_shown_to_its_author(
    login, resident2, comment, facilitator
):
    Comment.objects.filter(pk=comment.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator, hidden_reason="確認中"
    )
    html = login(resident2).get(_detail(comment.proposal)).content.decode()
    assert comment.body in html and "only you and the facilitators" in html


def test_hidden_comment_text_is_shown_to_facilitator(login, facilitator, comment):
    Comment.objects.filter(pk=comment.pk).update(
        hidden_at=timezone.now(), hidden_by=facilitator, hidden_reason="確認中"
    )
    html = login(facilitator).get(_detail(comment.proposal)).content.decode()
    assert comment.body in html


def test_official_comment_carries_role_and_department_badge(client, proposal, official):
    services.comment_create(
        author=official, proposal=proposal, body="担当課として回答します"
    )
    html = client.get(_detail(proposal)).content.decode()
    assert re.search(r'badge-official">Official · Department \d+', html)


def test_facilitator_comment_carries_badge(client, proposal, facilitator):
    services.comment_create(
        author=facilitator, proposal=proposal, body="論点を整理します"
    )
    html = client.get(_detail(proposal)).content.decode()
    assert 'badge-facilitator">Facilitator' in html


def test_comment_alignment_is_shown_as_label(client, proposal):
    factories.CommentFactory(proposal=proposal, alignment="against")
    html = client.get(_detail(proposal)).content.decode()
    assert 'alignment-against">Against' in html


def test_comments_can_be_ordered_best_first(client, proposal):
    plain = factories.CommentFactory(proposal=proposal, body="普通の意見")
    liked = factories.CommentFactory(proposal=proposal, body="人気の意見", upvotes=5)
    html = client.get(_detail(proposal), {"comments": "best"}).content.decode()
    assert html.index(liked.body) < html.index(plain.body)


def test_proposal_of_draft_process_is_404_for_the_public(login, resident, db):
    draft = factories.ProcessFactory(status="draft")
    proposal = factories.ProposalFactory(process=draft)
    assert login(resident).get(_detail(proposal)).status_code == 404


def test_proposal_of_draft_process_is_visible_to_its_facilitator(client, db):
    draft = factories.ProcessFactory(status="draft")
    facilitator = factories.grant(factories.UserFactory(), "facilitator", process=draft)
    proposal = factories.ProposalFactory(process=draft)
    client.force_login(facilitator)
    assert client.get(_detail(proposal)).status_code == 200
