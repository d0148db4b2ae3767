"""The tracker, responses, progress, scorecards, reports and the moderation log
through the API: reads for everyone, official writes behind the official scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.api import choices
from participation.moderation import services as moderation
from participation.moderation.models import Report
from responses import services
from responses.models import ProgressUpdate, Response, TrackerEntry
from responses.transitions import Decision
from tests import factories
from tests.api.conftest import body

pytestmark = pytest.mark.django_db

ANSWER = "ご提案ありがとうございます。来年度の予算で日よけを設置します。"


@pytest.fixture
def overdue(process, admin_user, department):
    late = factories.ProposalFactory(process=process)
    tracked = services.tracker_forward(actor=admin_user, proposal=late)
    services.tracker_assign(actor=admin_user, entry=tracked, department=department)
    TrackerEntry.objects.filter(pk=tracked.pk).update(
        response_due_at=timezone.now() - timedelta(days=3)
    )
    return late


def test_decision_choices_match_the_tracker():
    assert list(Decision.values) == choices.DECISIONS


# -- reads -------------------------------------------------------------------------


def test_proposal_list_carries_tracker_status_and_department(api, entry, department):
    item = body(api.get("/api/v1/proposals/"))["results"][0]
    assert item["tracker"]["department"] == department.code
    assert item["tracker"]["decision"] == "awaiting"
    assert item["tracker"]["response_due_at"]


def test_status_overdue_lists_overdue_proposals_with_departments(
    api, entry, overdue, department
):
    results = body(api.get("/api/v1/proposals/?status=overdue"))["results"]
    assert [item["id"] for item in results] == [overdue.pk]
    assert results[0]["tracker"]["overdue"] is True
    assert results[0]["tracker"]["department"] == department.code


def test_filter_by_department(api, entry, department, process):
    factories.ProposalFactory(process=process)
    results = body(api.get(f"/api/v1/proposals/?department={department.code}"))
    assert [item["id"] for item in results["results"]] == [entry.proposal_id]


def test_unknown_status_is_400(api):
    response = api.get("/api/v1/proposals/?status=sleeping")
    assert response.status_code == 400
    assert "status" in body(response)["field_errors"]


def test_proposal_list_with_tracker_keeps_one_query(
    api, entry, overdue, django_assert_num_queries
):
    # The page with the tracker joined, and the photos of the whole page.
    with django_assert_num_queries(2):
        api.get("/api/v1/proposals/")


def test_tracker_list_puts_overdue_first(api, entry, overdue):
    rows = body(api.get("/api/v1/tracker/"))["results"]
    assert [row["proposal"]["id"] for row in rows] == [overdue.pk, entry.proposal_id]
    assert rows[0]["days_overdue"] >= 3


def test_tracker_list_filters(api, entry, overdue):
    rows = body(api.get("/api/v1/tracker/?overdue=true"))["results"]
    assert [row["proposal"]["id"] for row in rows] == [overdue.pk]


def test_tracker_list_paginates(api, entry, overdue):
    first = body(api.get("/api/v1/tracker/?page_size=1"))
    second = body(api.get(first["next"]))
    assert second["results"][0]["proposal"]["id"] == entry.proposal_id
    assert second["next"] is None


def test_proposal_tracker_timeline(api, entry):
    data = body(api.get(f"/api/v1/proposals/{entry.proposal_id}/tracker/"))
    kinds = [step["kind"] for step in data["timeline"]]
    assert kinds[0] == "submitted"
    assert "assigned" in kinds
    assert data["entry"]["decision"] == "awaiting"


def test_response_is_404_before_publication(api, entry):
    assert (
        api.get(f"/api/v1/proposals/{entry.proposal_id}/response/").status_code == 404
    )


def test_response_with_all_revisions(api, entry, official):
    services.response_publish(
        actor=official, entry=entry, decision=Decision.ACCEPTED, body=ANSWER
    )
    services.response_revise(
        actor=official,
        entry=entry,
        decision=Decision.ACCEPTED,
        body=ANSWER + "設置場所は南側の広場です。",
        change_note="設置場所を追記しました。",
    )
    data = body(api.get(f"/api/v1/proposals/{entry.proposal_id}/response/"))
    assert [r["number"] for r in data["revisions"]] == [1, 2]
    assert data["current"]["number"] == 2
    assert data["revisions"][0]["body"] == ANSWER
    assert data["current"]["author"]["real_name"] == "Kenji Official"
    assert data["covers"] == [entry.proposal_id]


def test_scorecards(api, entry, department):
    data = body(api.get("/api/v1/scorecards/"))
    row = next(
        r for r in data["departments"] if r["department"]["code"] == department.code
    )
    assert row["received"] == 1
    assert data["total"]["received"] == 1
    one = body(api.get(f"/api/v1/departments/{department.code}/scorecard/"))
    assert one["received"] == 1


def test_scorecard_of_unknown_department_is_404(api):
    assert api.get("/api/v1/departments/nope/scorecard/").status_code == 404


# -- official writes ---------------------------------------------------------------


def test_official_token_publishes_a_response(token_client, entry, official):
    client = token_client(official, ["official"])
    response = client.post(
        f"/api/v1/proposals/{entry.proposal_id}/response/",
        {"decision": "accepted", "body": ANSWER},
        format="json",
    )
    assert response.status_code == 201
    assert body(response)["current"]["decision"] == "accepted"
    assert Response.objects.count() == 1


def test_participate_token_cannot_publish(token_client, entry, official):
    client = token_client(official, ["participate"])
    response = client.post(
        f"/api/v1/proposals/{entry.proposal_id}/response/",
        {"decision": "accepted", "body": ANSWER},
        format="json",
    )
    assert response.status_code == 403
    assert body(response)["code"] == "insufficient_scope"
    assert not Response.objects.exists()


def test_official_of_another_department_is_refused(token_client, entry):
    other = factories.grant(
        factories.UserFactory(), "official", department=factories.DepartmentFactory()
    )
    response = token_client(other, ["official"]).post(
        f"/api/v1/proposals/{entry.proposal_id}/response/",
        {"decision": "accepted", "body": ANSWER},
        format="json",
    )
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_refusal_without_reason_is_400(token_client, entry, official):
    response = token_client(official, ["official"]).post(
        f"/api/v1/proposals/{entry.proposal_id}/response/",
        {"decision": "not_adopted", "body": "できません。"},
        format="json",
    )
    assert response.status_code == 400
    assert "body" in body(response)["field_errors"]


def test_official_revises_a_response(token_client, entry, official):
    services.response_publish(
        actor=official, entry=entry, decision=Decision.ACCEPTED, body=ANSWER
    )
    response = token_client(official, ["official"]).patch(
        f"/api/v1/proposals/{entry.proposal_id}/response/",
        {
            "decision": "partially_accepted",
            "body": (
                "予算の都合で、日よけは一部の広場にだけ設置します。"
                "残りの広場は来年度に改めて検討し、結果をこのページでお知らせします。"
            ),
            "change_note": "予算が確定したため範囲を修正しました。",
        },
        format="json",
    )
    assert response.status_code == 200
    assert body(response)["revision_count"] == 2


def test_status_change_and_invalid_transition(token_client, entry, official):
    client = token_client(official, ["official"])
    url = f"/api/v1/proposals/{entry.proposal_id}/tracker/status/"
    ok = client.post(url, {"status": "acknowledged"}, format="json")
    assert ok.status_code == 200
    assert body(ok)["decision"] == "acknowledged"
    back = client.post(url, {"status": "awaiting"}, format="json")
    assert back.status_code in (400, 409)


def test_admin_assigns_and_unknown_department_is_400(token_client, entry, admin_user):
    client = token_client(admin_user, ["official"])
    url = f"/api/v1/proposals/{entry.proposal_id}/tracker/assign/"
    bad = client.post(url, {"department": "no-such"}, format="json")
    assert bad.status_code == 400
    assert "department" in body(bad)["field_errors"]
    other = factories.DepartmentFactory()
    moved = client.post(url, {"department": other.code}, format="json")
    assert moved.status_code == 200
    assert body(moved)["department"] == other.code


def test_action_on_untracked_proposal_is_409(token_client, proposal, official):
    response = token_client(official, ["official"]).post(
        f"/api/v1/proposals/{proposal.pk}/tracker/status/",
        {"status": "acknowledged"},
        format="json",
    )
    assert response.status_code == 409
    assert body(response)["code"] == "not_tracked"


def test_official_posts_progress(token_client, entry, official):
    services.response_publish(
        actor=official, entry=entry, decision=Decision.ACCEPTED, body=ANSWER
    )
    client = token_client(official, ["official"])
    url = f"/api/v1/proposals/{entry.proposal_id}/progress/"
    response = client.post(
        url,
        {
            "status": "in_progress",
            "percent": 40,
            "body": "設計が終わり、工事の発注をしました。",
        },
        format="json",
    )
    assert response.status_code == 201
    assert body(response)["percent"] == 40
    assert body(client.get(url))[0]["status"] == "in_progress"
    bad = client.post(
        url,
        {"status": "in_progress", "percent": 140, "body": "進捗の報告です。"},
        format="json",
    )
    assert bad.status_code == 400
    assert ProgressUpdate.objects.count() == 1


def test_progress_before_acceptance_is_refused(token_client, entry, official):
    response = token_client(official, ["official"]).post(
        f"/api/v1/proposals/{entry.proposal_id}/progress/",
        {"status": "in_progress", "percent": 10, "body": "始めました。始めました。"},
        format="json",
    )
    assert response.status_code in (400, 403, 409)
    assert not ProgressUpdate.objects.exists()


# -- reports and the moderation log ------------------------------------------------


def test_participate_token_reports_a_comment(token_client, proposal, resident2):
    comment = factories.CommentFactory(proposal=proposal)
    response = token_client(resident2).post(
        "/api/v1/reports/",
        {"target_type": "comment", "target_id": comment.pk, "reason": "spam"},
        format="json",
    )
    assert response.status_code == 201
    assert Report.objects.count() == 1


def test_reporting_twice_is_refused(token_client, proposal, resident2):
    client = token_client(resident2)
    payload = {"target_type": "proposal", "target_id": proposal.pk, "reason": "spam"}
    client.post("/api/v1/reports/", payload, format="json")
    again = client.post("/api/v1/reports/", payload, format="json")
    assert again.status_code in (400, 409)
    assert Report.objects.count() == 1


def test_report_of_unknown_content_is_400(token_client, resident2):
    response = token_client(resident2).post(
        "/api/v1/reports/",
        {"target_type": "comment", "target_id": 99999, "reason": "spam"},
        format="json",
    )
    assert response.status_code == 400
    assert "target_id" in body(response)["field_errors"]


def test_moderation_log_is_public_without_hidden_text(api, proposal, facilitator):
    comment = factories.CommentFactory(proposal=proposal, body="ひどい悪口の文章")
    moderation.content_hide(
        actor=facilitator, target=comment, reason_code="offensive", reason="暴言"
    )
    response = api.get(f"/api/v1/processes/{proposal.process.slug}/moderation-log/")
    assert response.status_code == 200
    row = body(response)["results"][0]
    assert row["kind"] == "hide"
    assert row["facilitator"]["real_name"] == "Fumi Facilitator"
    assert row["target_id"] == comment.pk
    assert "ひどい悪口" not in response.content.decode()
