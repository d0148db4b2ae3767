"""Writes through the API: the same services as the pages, behind token scopes,
session CSRF and authentication."""

from __future__ import annotations

import pytest
from django.test import override_settings

from proposals.models import Comment, CommentVote, Proposal, Support
from tests import factories
from tests.api.conftest import body, csrf_headers

pytestmark = pytest.mark.django_db

NEW_PROPOSAL = {
    "title": "駅前の駐輪場を増やしてください",
    "body": (
        "朝の駅前は自転車があふれていて、歩道を歩くのが危険です。"
        "駐輪場の拡張を求めます。"
    ),
}


def _proposal_payload(process, **extra):
    return {"process": process.slug, **NEW_PROPOSAL, **extra}


# -- who may write -----------------------------------------------------------------


def test_anonymous_write_is_401_with_challenge(api, process):
    response = api.post("/api/v1/proposals/", _proposal_payload(process), format="json")
    assert response.status_code == 401
    assert body(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not Proposal.objects.exists()


def test_participate_token_creates_a_proposal(token_client, resident, process):
    client = token_client(resident, ["participate"])
    response = client.post(
        "/api/v1/proposals/", _proposal_payload(process), format="json"
    )
    assert response.status_code == 201
    data = body(response)
    assert data["author"]["id"] == resident.pk
    assert response["Location"] == data["api_url"]
    assert Proposal.objects.get().title == NEW_PROPOSAL["title"]


def test_read_only_token_cannot_write(token_client, resident, process):
    client = token_client(resident, ["read"])
    response = client.post(
        "/api/v1/proposals/", _proposal_payload(process), format="json"
    )
    assert response.status_code == 403
    assert body(response)["code"] == "insufficient_scope"
    assert not Proposal.objects.exists()


def test_official_only_token_cannot_take_part(token_client, official, proposal):
    client = token_client(official, ["official"])
    response = client.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.status_code == 403
    assert body(response)["code"] == "insufficient_scope"


def test_session_write_without_csrf_is_refused(session_client, resident, process):
    client = session_client(resident)
    response = client.post(
        "/api/v1/proposals/", _proposal_payload(process), format="json"
    )
    assert response.status_code == 403
    assert body(response)["code"] == "csrf_failed"
    assert not Proposal.objects.exists()


def test_session_write_with_csrf_succeeds(session_client, resident, process):
    client = session_client(resident)
    response = client.post(
        "/api/v1/proposals/",
        _proposal_payload(process),
        format="json",
        **csrf_headers(client),
    )
    assert response.status_code == 201


def test_token_write_needs_no_csrf(token_client, resident, proposal, resident2):
    client = token_client(resident2)
    assert client.post(f"/api/v1/proposals/{proposal.pk}/support/").status_code == 201


def test_unverified_user_is_refused_by_the_service(session_client, unverified, process):
    client = session_client(unverified)
    response = client.post(
        "/api/v1/proposals/",
        _proposal_payload(process),
        format="json",
        **csrf_headers(client),
    )
    assert response.status_code == 403
    assert body(response)["code"] == "not_verified"


# -- proposals ---------------------------------------------------------------------


def test_too_short_title_is_400_with_field_error(token_client, resident, process):
    client = token_client(resident)
    response = client.post(
        "/api/v1/proposals/", _proposal_payload(process, title="短い"), format="json"
    )
    assert response.status_code == 400
    data = body(response)
    assert data["code"] == "too_short"
    assert "title" in data["field_errors"]


def test_missing_fields_are_listed(token_client, resident):
    response = token_client(resident).post("/api/v1/proposals/", {}, format="json")
    assert response.status_code == 400
    assert set(body(response)["field_errors"]) == {"process", "title", "body"}


def test_unknown_process_or_category_is_400(token_client, resident, process):
    client = token_client(resident)
    response = client.post(
        "/api/v1/proposals/",
        _proposal_payload(process, category="no-such-category"),
        format="json",
    )
    assert response.status_code == 400
    assert "category" in body(response)["field_errors"]
    response = client.post(
        "/api/v1/proposals/", {**NEW_PROPOSAL, "process": "nope"}, format="json"
    )
    assert "process" in body(response)["field_errors"]


def test_closed_phase_is_403_phase_closed(token_client, resident):
    process = factories.ProcessFactory(open_phase=False)
    factories.PhaseFactory(process=process, allows_proposing=False)
    response = token_client(resident).post(
        "/api/v1/proposals/", _proposal_payload(process), format="json"
    )
    assert response.status_code == 403
    assert body(response)["code"] == "phase_closed"


def test_duplicate_proposal_is_409(token_client, resident, process):
    client = token_client(resident)
    client.post("/api/v1/proposals/", _proposal_payload(process), format="json")
    response = client.post(
        "/api/v1/proposals/", _proposal_payload(process), format="json"
    )
    assert response.status_code == 409
    assert Proposal.objects.count() == 1


@override_settings(RATE_LIMITS={"proposal": "1/3600"})
def test_rate_limit_is_429_with_retry_after(token_client, resident, process):
    client = token_client(resident)
    client.post("/api/v1/proposals/", _proposal_payload(process), format="json")
    response = client.post(
        "/api/v1/proposals/",
        _proposal_payload(process, title="二つ目の提案のタイトルです"),
        format="json",
    )
    assert response.status_code == 429
    assert body(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_author_edits_a_proposal_partially(token_client, proposal, resident):
    response = token_client(resident).patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"title": "公園に日陰とベンチをつくる提案"},
        format="json",
    )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.title == "公園に日陰とベンチをつくる提案"
    assert proposal.edited_at is not None


def test_someone_else_cannot_edit(token_client, proposal, resident2):
    response = token_client(resident2).patch(
        f"/api/v1/proposals/{proposal.pk}/",
        {"title": "乗っ取りのタイトルです"},
        format="json",
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.edited_at is None


def test_author_withdraws(token_client, proposal, resident):
    response = token_client(resident).post(f"/api/v1/proposals/{proposal.pk}/withdraw/")
    assert response.status_code == 200
    assert body(response)["state"] == "withdrawn"


def test_put_is_not_allowed(token_client, proposal, resident):
    response = token_client(resident).put(
        f"/api/v1/proposals/{proposal.pk}/", {}, format="json"
    )
    assert response.status_code == 405
    assert body(response)["code"] == "method_not_allowed"


# -- supports and follows ----------------------------------------------------------


def test_support_then_double_support_is_409(token_client, proposal, resident2):
    client = token_client(resident2)
    first = client.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert first.status_code == 201
    assert body(first)["support_count"] == 1
    second = client.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert second.status_code == 409
    assert body(second)["code"] == "already_supported"
    assert Support.objects.count() == 1


def test_unsupport(token_client, proposal, resident2):
    client = token_client(resident2)
    client.post(f"/api/v1/proposals/{proposal.pk}/support/")
    response = client.delete(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.status_code == 200
    assert body(response) == {
        "supported": False,
        "support_count": 0,
        "threshold_reached_at": None,
    }
    assert client.delete(f"/api/v1/proposals/{proposal.pk}/support/").status_code == 409


def test_own_proposal_cannot_be_supported(token_client, proposal, resident):
    response = token_client(resident).post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.status_code == 403
    assert body(response)["code"] == "own_proposal"


def test_support_of_unknown_proposal_is_404(token_client, resident):
    assert (
        token_client(resident).post("/api/v1/proposals/98765/support/").status_code
        == 404
    )


def test_follow_and_unfollow(token_client, proposal, resident2):
    from participation.notifications.services import is_following

    client = token_client(resident2)
    assert body(client.post(f"/api/v1/proposals/{proposal.pk}/follow/")) == {
        "following": True
    }
    assert is_following(user=resident2, target=proposal)
    client.delete(f"/api/v1/proposals/{proposal.pk}/follow/")
    assert not is_following(user=resident2, target=proposal)


def test_viewer_block_on_detail(token_client, proposal, resident2):
    client = token_client(resident2, ["read"])
    viewer = body(client.get(f"/api/v1/proposals/{proposal.pk}/"))["viewer"]
    assert viewer["supported"] is False
    assert viewer["can_support"] is True
    assert viewer["can_edit"] is False


# -- comments ----------------------------------------------------------------------


def test_participate_token_posts_a_comment(token_client, proposal, resident2):
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/",
        {"body": "とても良い提案だと思います。", "alignment": "favour"},
        format="json",
    )
    assert response.status_code == 201
    data = body(response)
    assert data["alignment"] == "favour"
    assert response["Location"].endswith(f"/api/v1/comments/{data['id']}/")


def test_token_without_participate_cannot_comment(token_client, proposal, resident2):
    response = token_client(resident2, ["read"]).post(
        f"/api/v1/proposals/{proposal.pk}/comments/",
        {"body": "とても良い提案だと思います。"},
        format="json",
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_reply_to_a_comment(token_client, proposal, resident2):
    root = factories.CommentFactory(proposal=proposal)
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/",
        {"body": "私も同じ意見です。", "parent": root.pk},
        format="json",
    )
    assert response.status_code == 201
    assert body(response)["parent"] == root.pk
    assert body(response)["depth"] == 1


def test_reply_to_unknown_comment_is_400(token_client, proposal, resident2):
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/",
        {"body": "私も同じ意見です。", "parent": 999999},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in body(response)["field_errors"]


def test_invalid_alignment_is_400(token_client, proposal, resident2):
    response = token_client(resident2).post(
        f"/api/v1/proposals/{proposal.pk}/comments/",
        {"body": "賛成です。", "alignment": "sideways"},
        format="json",
    )
    assert response.status_code == 400
    assert "alignment" in body(response)["field_errors"]


def test_author_edits_and_deletes_a_comment(token_client, proposal, resident2):
    comment = factories.CommentFactory(proposal=proposal, author=resident2)
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=1)
    client = token_client(resident2)
    edited = client.patch(
        f"/api/v1/comments/{comment.pk}/", {"body": "書き直しました。"}, format="json"
    )
    assert edited.status_code == 200
    assert body(edited)["body"] == "書き直しました。"
    deleted = client.delete(f"/api/v1/comments/{comment.pk}/")
    assert deleted.status_code == 200
    assert body(deleted)["state"] == "deleted"


def test_others_cannot_edit_a_comment(token_client, proposal, resident):
    comment = factories.CommentFactory(proposal=proposal, body="元の文章です。")
    response = token_client(resident).patch(
        f"/api/v1/comments/{comment.pk}/", {"body": "書き換え"}, format="json"
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "元の文章です。"


def test_vote_toggles(token_client, proposal, resident2):
    comment = factories.CommentFactory(proposal=proposal)
    client = token_client(resident2)
    up = client.post(
        f"/api/v1/comments/{comment.pk}/vote/", {"value": 1}, format="json"
    )
    assert body(up) == {"my_vote": 1, "upvotes": 1, "downvotes": 0}
    again = client.post(
        f"/api/v1/comments/{comment.pk}/vote/", {"value": 1}, format="json"
    )
    assert body(again)["my_vote"] == 0
    assert not CommentVote.objects.exists()


def test_vote_value_must_be_plus_or_minus_one(token_client, proposal, resident2):
    comment = factories.CommentFactory(proposal=proposal)
    response = token_client(resident2).post(
        f"/api/v1/comments/{comment.pk}/vote/", {"value": 5}, format="json"
    )
    assert response.status_code == 400
    assert "value" in body(response)["field_errors"]


# Counted in `make bench-writes` (deploy/README.md, "Write burst"): 18 and 12 before
# the write path was reworked, then 13 and 11 with the page cache. Here: the token,
# the proposal with its process, running phase and verification requirement (one
# query, proposals.selectors.proposal_to_support), the supporter's standing (one
# query), then the transaction (its savepoint in a test, the support, the follow,
# the live event, the counter's UPDATE … RETURNING, the release). The process's
# slug for the page cache comes with the proposal.
SUPPORT_QUERIES = 9
WITHDRAW_QUERIES = 8


def test_a_support_through_the_api_takes_a_fixed_number_of_queries(
    token_client, proposal, resident2, django_assert_num_queries
):
    client = token_client(resident2)
    url = f"/api/v1/proposals/{proposal.pk}/support/"
    client.post(url)  # the token's last use is recorded once a minute
    client.delete(url)
    with django_assert_num_queries(SUPPORT_QUERIES):
        assert client.post(url).status_code == 201


def test_a_withdrawal_through_the_api_takes_a_fixed_number_of_queries(
    token_client, proposal, resident2, django_assert_num_queries
):
    client = token_client(resident2)
    url = f"/api/v1/proposals/{proposal.pk}/support/"
    client.post(url)
    with django_assert_num_queries(WITHDRAW_QUERIES):
        assert client.delete(url).status_code == 200


def test_the_support_count_answered_is_the_one_counted(token_client, proposal):
    others = [factories.UserFactory() for _n in range(3)]
    counts = [
        body(token_client(user).post(f"/api/v1/proposals/{proposal.pk}/support/"))[
            "support_count"
        ]
        for user in others
    ]
    assert counts == [1, 2, 3]
    proposal.refresh_from_db()
    assert proposal.support_count == Support.objects.filter(proposal=proposal).count()


def test_supporting_again_after_withdrawing_keeps_one_follow(
    token_client, proposal, resident2
):
    from participation.notifications.models import Follow

    client = token_client(resident2)
    url = f"/api/v1/proposals/{proposal.pk}/support/"
    client.post(url)
    client.delete(url)
    client.post(url)
    assert Follow.objects.filter(user=resident2, object_id=proposal.pk).count() == 1
