"""The tracker's pages, exports and forms over HTTP: status codes, messages, nothing
changed on refusal, fixed query counts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from responses import clock, services
from responses.models import ResponseRevision, TrackerEntry
from tests import factories
from tests.responses.conftest import ANSWER, REASON, publish

ATOM = "{http://www.w3.org/2005/Atom}"


def _url(name, proposal):
    return reverse(f"responses:{name}", args=[proposal.pk])


# --- The public tracker ---------------------------------------------------------------
def test_tracker_lists_tracked_proposals_with_department_and_due_date(client, assigned):
    response = client.get("/tracker/")
    assert response.status_code == 200
    html = response.content.decode()
    assert assigned.proposal.title in html
    assert assigned.department.name_en in html or assigned.department.name in html
    assert f'id="tracker-row-{assigned.proposal_id}"' in html


def test_tracker_shows_overdue_proposals_first_with_days(
    client, assigned, admin_user, process
):
    fresh = services.tracker_forward(
        actor=admin_user, proposal=factories.ProposalFactory(process=process)
    )
    TrackerEntry.objects.filter(pk=assigned.pk).update(
        response_due_at=assigned.entered_at - timedelta(days=3)
    )
    html = client.get("/tracker/").content.decode()
    assert html.index(f"tracker-row-{assigned.proposal_id}") < html.index(
        f"tracker-row-{fresh.proposal_id}"
    )
    assert "days overdue" in html


@pytest.mark.parametrize(
    "query,included",
    [
        ("status=accepted", True),
        ("status=not_adopted", False),
        ("status=decided", True),
        ("status=pending", False),
        ("implementation=not_started", True),
        ("implementation=completed", False),
        ("overdue=on", False),
        ("disputed=on", False),
    ],
)
def test_tracker_filters_by_status(client, accepted, query, included):
    html = client.get(f"/tracker/?{query}").content.decode()
    assert (f"tracker-row-{accepted.proposal_id}" in html) is included


def test_tracker_filters_by_department_process_category_and_area(
    client, accepted, department, other_department, process
):
    row = f"tracker-row-{accepted.proposal_id}"
    assert row in client.get(f"/tracker/?department={department.code}").content.decode()
    assert (
        row
        not in client.get(
            f"/tracker/?department={other_department.code}"
        ).content.decode()
    )
    assert row in client.get(f"/tracker/?process={process.slug}").content.decode()


def test_tracker_filters_by_date_range(client, accepted):
    day = timezone.localdate(accepted.entered_at)
    before = (day - timedelta(days=2)).isoformat()
    assert (
        f"tracker-row-{accepted.proposal_id}"
        in client.get(
            f"/tracker/?entered_from={before}&entered_to={day.isoformat()}"
        ).content.decode()
    )
    assert (
        f"tracker-row-{accepted.proposal_id}"
        not in client.get(f"/tracker/?entered_to={before}").content.decode()
    )


# 14:59 UTC is 23:59 in Tokyo; 15:01 UTC is already the next day there.
@pytest.mark.parametrize(
    ("entered", "local_day"),
    [
        pytest.param(
            datetime(2026, 12, 1, 14, 59, tzinfo=UTC), "2026-12-01", id="23:59JST"
        ),
        pytest.param(
            datetime(2026, 12, 1, 15, 1, tzinfo=UTC), "2026-12-02", id="00:01JST"
        ),
    ],
)
def test_tracker_date_range_filter_uses_the_local_day_of_entry(
    client, admin_user, proposal, entered, local_day
):
    with time_machine.travel(entered, tick=False):
        entry = services.tracker_forward(actor=admin_user, proposal=proposal)
        day = date.fromisoformat(local_day)
        row = f"tracker-row-{entry.proposal_id}"

        def shown(query):
            return row in client.get(f"/tracker/?{query}").content.decode()

        assert shown(f"entered_from={day}&entered_to={day}")
        assert not shown(f"entered_to={day - timedelta(days=1)}")
        assert not shown(f"entered_from={day + timedelta(days=1)}")


def test_csv_file_is_named_for_the_local_date(client, accepted):
    with time_machine.travel(datetime(2026, 12, 1, 15, 1, tzinfo=UTC), tick=False):
        response = client.get("/tracker/export.csv")
    assert 'filename="tracker-2026-12-02.csv"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "query",
    [
        "status=nonsense",
        "department=nowhere",
        "entered_from=yesterday",
        "sort=random",
        "entered_from=2026-05-02&entered_to=2026-05-01",
    ],
)
def test_tracker_refuses_invalid_filters_with_400_and_a_message(
    client, accepted, query
):
    response = client.get(f"/tracker/?{query}")
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode() or "form-errors" in (
        response.content.decode()
    )


def test_tracker_hides_hidden_proposals(client, accepted):
    from django.utils import timezone

    type(accepted.proposal).objects.filter(pk=accepted.proposal_id).update(
        hidden_at=timezone.now(), hidden_reason="spam"
    )
    assert (
        f"tracker-row-{accepted.proposal_id}"
        not in client.get("/tracker/").content.decode()
    )


def test_tracker_query_count_does_not_grow_with_rows(
    client, admin_user, process, department, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            entry = services.tracker_forward(
                actor=admin_user,
                proposal=factories.ProposalFactory(
                    process=process,
                    category=factories.CategoryFactory(),
                    area=factories.AreaFactory(),
                ),
            )
            services.tracker_assign(
                actor=admin_user, entry=entry, department=department
            )

    add(2)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get("/tracker/").status_code == 200
    add(10)
    with django_assert_num_queries(len(baseline)):
        client.get("/tracker/")


def test_tracker_paginates(client, admin_user, process):
    for _ in range(26):
        services.tracker_forward(
            actor=admin_user, proposal=factories.ProposalFactory(process=process)
        )
    page2 = client.get("/tracker/?page=2")
    assert page2.status_code == 200
    assert page2.content.decode().count('class="tracker-row') == 1


# --- Scorecards -----------------------------------------------------------------------
def test_departments_page_shows_each_department_and_accessible_charts(
    client, accepted, department
):
    html = client.get("/tracker/departments/").content.decode()
    assert department.get_absolute_url() in html
    assert 'role="img"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert "<table" in html


def test_department_page_shows_its_figures_and_proposals(client, accepted, department):
    response = client.get(department.get_absolute_url())
    assert response.status_code == 200
    assert accepted.proposal.title in response.content.decode()


def test_unknown_department_is_404(client, db):
    assert client.get("/tracker/departments/nowhere/").status_code == 404


def test_department_page_query_count_is_fixed(
    client, accepted, department, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        client.get(department.get_absolute_url())


# --- Exports --------------------------------------------------------------------------
def test_csv_is_streamed_utf8_with_bom_and_one_row_per_entry(
    client, accepted, assigned
):
    response = client.get("/tracker/export.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffproposal_id,")
    lines = body.strip().splitlines()
    assert len(lines) == 2
    assert accepted.proposal.title in lines[1]
    assert ",accepted," in lines[1]


def test_csv_applies_the_page_filters(client, accepted):
    body = b"".join(
        client.get("/tracker/export.csv?status=not_adopted").streaming_content
    ).decode()
    assert len(body.strip().splitlines()) == 1


def test_json_document_has_every_milestone_timestamped(client, completed):
    response = client.get(f"/proposals/{completed.proposal_id}/tracker.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    kinds = [m["kind"] for m in data["milestones"]]
    assert kinds[0] == "submitted"
    assert {"forwarded", "assigned", "published", "completed"} <= set(kinds)
    assert all(m["at"] for m in data["milestones"])
    tracker = data["tracker"]
    assert tracker["decision"] == "accepted"
    assert tracker["implementation"] == "completed"
    assert tracker["response"]["revisions"][0]["text"] == ANSWER
    assert tracker["department"]["code"] == completed.department.code


def test_json_for_an_untracked_proposal_says_so(client, proposal):
    data = json.loads(client.get(f"/proposals/{proposal.pk}/tracker.json").content)
    assert data["tracker"] is None
    assert data["proposal"]["support_threshold"] == proposal.process.support_threshold


def test_json_of_a_hidden_proposal_is_404(client, proposal):
    from django.utils import timezone

    type(proposal).objects.filter(pk=proposal.pk).update(hidden_at=timezone.now())
    assert client.get(f"/proposals/{proposal.pk}/tracker.json").status_code == 404


def test_json_never_contains_email_addresses(client, completed):
    body = client.get(f"/proposals/{completed.proposal_id}/tracker.json").content
    assert b"@example.org" not in body


@pytest.mark.parametrize("path", ["/tracker/feed/", "process", "department"])
def test_atom_feeds_list_tracker_steps(client, accepted, process, department, path):
    if path == "process":
        path = f"/tracker/feed/processes/{process.slug}/"
    elif path == "department":
        path = f"/tracker/feed/departments/{department.code}/"
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert any(accepted.proposal.title in t for t in titles)


def test_feed_of_an_unknown_process_is_404(client, db):
    assert client.get("/tracker/feed/processes/nowhere/").status_code == 404


# --- The proposal page panel ----------------------------------------------------------
def test_proposal_page_shows_response_department_official_and_timeline(
    client, accepted, official
):
    html = client.get(accepted.proposal.get_absolute_url()).content.decode()
    assert 'id="tracker"' in html
    assert official.real_name in html
    assert "Accepted" in html
    assert 'data-step="published"' in html


def test_proposal_page_shows_revision_history_with_a_diff(client, accepted, official):
    services.response_revise(
        actor=official,
        entry=accepted,
        decision="accepted",
        body=ANSWER + "\n\n工事は来年4月に始めます。",
        change_note="工事の開始時期を追記しました。",
    )
    html = client.get(accepted.proposal.get_absolute_url()).content.decode()
    assert "Revision history (2 versions)" in html
    assert "<ins>" in html
    assert "工事の開始時期を追記しました。" in html


def test_proposal_page_links_to_siblings_of_a_grouped_answer(
    client, assigned, official, process, admin_user, department
):
    other = services.tracker_forward(
        actor=admin_user, proposal=factories.ProposalFactory(process=process)
    )
    services.tracker_assign(actor=admin_user, entry=other, department=department)
    publish(assigned, official, also=[other.pk])
    html = client.get(assigned.proposal.get_absolute_url()).content.decode()
    assert other.proposal.get_absolute_url() in html


def test_response_text_is_escaped(client, assigned, official):
    publish(
        assigned,
        official,
        body="<script>alert('x')</script> 回答本文をここに書きます。",
    )
    html = client.get(assigned.proposal.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_untracked_proposal_page_says_how_many_supports_are_missing(client, proposal):
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "more supports are needed" in html


def test_admin_is_not_offered_to_dispute_a_completion(login, completed, admin_user):
    html = login(admin_user).get(completed.proposal.get_absolute_url()).content.decode()
    assert _url("outcome", completed.proposal) not in html


def test_proposal_page_query_count_does_not_grow_with_history(
    client, accepted, official
):
    client.get(accepted.proposal.get_absolute_url())  # warm the content-type cache
    with CaptureQueriesContext(connection) as few:
        client.get(accepted.proposal.get_absolute_url())
    for percent in (10, 20, 30):
        services.progress_post(
            actor=official,
            entry=accepted,
            status="in_progress",
            percent=percent,
            body=f"工事が{percent}%まで進みました。",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(accepted.proposal.get_absolute_url())
    assert len(many) == len(few)


# --- Staff pages over HTTP ------------------------------------------------------------
@pytest.mark.parametrize(
    "role,status",
    [
        ("resident", 403),
        ("author", 403),
        ("facilitator", 403),
        ("other_official", 403),
        ("official_no_mfa", 403),
        ("official", 200),
        ("admin", 200),
    ],
)
def test_respond_page_is_for_the_assigned_department(
    login, actor, assigned, role, status
):
    response = login(actor(role)).get(_url("respond", assigned.proposal))
    assert response.status_code == status


def test_staff_pages_send_anonymous_visitors_to_log_in(client, assigned):
    response = client.get(_url("respond", assigned.proposal))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_publishing_through_the_form_redirects_to_the_tracker_panel(
    login, assigned, official
):
    response = login(official).post(
        _url("respond", assigned.proposal),
        {"decision": "not_adopted", "body": REASON, "referred_to": ""},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#tracker")
    assigned.refresh_from_db()
    assert assigned.decision == "not_adopted"


def test_a_short_reason_is_shown_next_to_the_field_with_400(login, assigned, official):
    response = login(official).post(
        _url("respond", assigned.proposal),
        {"decision": "not_adopted", "body": "予算がありません。"},
    )
    assert response.status_code == 400
    assert (
        "needs a written reason of at least 50 characters" in response.content.decode()
    )
    assigned.refresh_from_db()
    assert assigned.response_id is None


def test_a_double_submitted_response_is_409(login, accepted, official):
    response = login(official).post(
        _url("respond", accepted.proposal), {"decision": "accepted", "body": ANSWER}
    )
    assert response.status_code == 409
    assert ResponseRevision.objects.count() == 1


def test_official_of_other_department_cannot_post_a_response(
    login, assigned, other_official
):
    response = login(other_official).post(
        _url("respond", assigned.proposal), {"decision": "accepted", "body": ANSWER}
    )
    assert response.status_code == 403
    assigned.refresh_from_db()
    assert assigned.response_id is None


def test_revise_form_is_prefilled_and_refuses_a_stale_base(login, accepted, official):
    client = login(official)
    page = client.get(_url("revise", accepted.proposal))
    assert ANSWER in page.content.decode()
    services.response_revise(
        actor=official,
        entry=accepted,
        decision="accepted",
        body=ANSWER + "追記。",
        change_note="開始時期を追記しました。",
    )
    response = client.post(
        _url("revise", accepted.proposal),
        {
            "decision": "accepted",
            "body": ANSWER + "別の追記。",
            "change_note": "別の内容を追記しました。",
            "base_revision": 1,
        },
    )
    assert response.status_code == 409


def test_progress_form_refuses_percent_over_100_with_400(login, accepted, official):
    response = login(official).post(
        _url("progress", accepted.proposal),
        {"status": "in_progress", "percent": 120, "body": "工事が進んでいます。"},
    )
    assert response.status_code == 400
    assert "from 0 to 100" in response.content.decode()


def test_progress_form_before_acceptance_explains_why(login, assigned, official):
    response = login(official).get(_url("progress", assigned.proposal))
    assert response.status_code == 400
    assert "once the proposal is accepted" in response.content.decode()


def test_assigning_through_the_console(login, entry, facilitator, department):
    response = login(facilitator).post(
        _url("assign", entry.proposal), {"department": department.pk, "note": ""}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.department == department


def test_assigning_without_a_department_is_400(login, entry, facilitator):
    response = login(facilitator).post(
        _url("assign", entry.proposal), {"department": ""}
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.department is None


def test_resident_cannot_assign(login, entry, resident2, department):
    response = login(resident2).post(
        _url("assign", entry.proposal), {"department": department.pk}
    )
    assert response.status_code == 403


def test_claiming_through_the_console(login, entry, official, department):
    response = login(official).post(
        _url("claim", entry.proposal), {"department": department.pk}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.department == department


def test_claiming_for_a_department_one_does_not_belong_to_is_refused(
    login, entry, official, other_department
):
    response = login(official).post(
        _url("claim", entry.proposal), {"department": other_department.pk}
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.department is None


def test_status_through_the_console(login, assigned, official):
    response = login(official).post(
        _url("status", assigned.proposal), {"status": "under_review", "note": ""}
    )
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.decision == "under_review"


def test_an_invalid_transition_through_the_console_is_400(login, assigned, official):
    client = login(official)
    client.post(_url("status", assigned.proposal), {"status": "under_review"})
    response = client.post(
        _url("status", assigned.proposal), {"status": "acknowledged"}
    )
    assert response.status_code == 400
    assert "cannot go from" in response.content.decode()


def test_forwarding_through_the_console(login, proposal, facilitator):
    response = login(facilitator).post(_url("forward", proposal), {"note": ""})
    assert response.status_code == 302
    assert TrackerEntry.objects.filter(proposal=proposal).exists()


def test_manage_console_is_403_for_residents(login, assigned, resident2):
    assert login(resident2).get(_url("manage", assigned.proposal)).status_code == 403


# --- Residents' forms -----------------------------------------------------------------
def test_author_disputes_through_the_form_and_the_flag_shows(
    login, completed, resident
):
    client = login(resident)
    response = client.post(
        _url("outcome", completed.proposal),
        {
            "verdict": "disputed",
            "reason": "正門前の区間がまだ工事されていません。確認してください。",
        },
    )
    assert response.status_code == 302
    html = client.get(completed.proposal.get_absolute_url()).content.decode()
    assert "Completion disputed" in html


def test_a_dispute_without_reason_is_400(login, completed, resident):
    response = login(resident).post(
        _url("outcome", completed.proposal), {"verdict": "disputed", "reason": ""}
    )
    assert response.status_code == 400
    completed.refresh_from_db()
    assert completed.disputed_at is None


def test_official_answers_the_dispute_through_the_form(login, disputed, official):
    response = login(official).post(
        _url("dispute_answer", disputed.proposal), {"body": REASON, "reopen": "on"}
    )
    assert response.status_code == 302
    disputed.refresh_from_db()
    assert disputed.disputed_at is None
    assert disputed.implementation == "in_progress"


def test_rating_through_the_panel_returns_to_the_proposal(login, accepted, resident2):
    response = login(resident2).post(
        reverse("responses:rate", args=[accepted.response_id]),
        {
            "clear": "yes",
            "satisfied": "no",
            "next": accepted.proposal.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == accepted.proposal.get_absolute_url()


def test_rating_redirect_never_leaves_the_site(login, accepted, resident2):
    response = login(resident2).post(
        reverse("responses:rate", args=[accepted.response_id]),
        {"clear": "yes", "satisfied": "yes", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith("/responses/")


def test_an_incomplete_rating_is_400(login, accepted, resident2):
    response = login(resident2).post(
        reverse("responses:rate", args=[accepted.response_id]), {"clear": "yes"}
    )
    assert response.status_code == 400


def test_response_page_lists_covered_proposals_and_comments(login, accepted, resident2):
    client = login(resident2)
    response = client.post(
        reverse("responses:comment", args=[accepted.response_id]),
        {
            "body": "丁寧な回答をありがとうございます。",
            "proposal": accepted.proposal_id,
        },
    )
    assert response.status_code == 302
    html = client.get(
        reverse("responses:response", args=[accepted.response_id])
    ).content
    assert "丁寧な回答をありがとうございます。" in html.decode()
    assert accepted.proposal.title in html.decode()


def test_response_page_of_unknown_response_is_404(client, db):
    assert client.get("/responses/999999/").status_code == 404


def test_huge_ids_are_404_not_500(client, db):
    assert client.get("/proposals/99999999999999999999/tracker.json").status_code == 404


def test_post_without_csrf_token_is_refused(assigned, official):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    response = client.post(
        _url("respond", assigned.proposal), {"decision": "accepted", "body": ANSWER}
    )
    assert response.status_code == 403


def test_overdue_entry_of_the_past_shows_on_the_department_page(
    client, assigned, department
):
    with clock.frozen(assigned.response_due_at + timedelta(days=2)):
        services.notify_overdue()
    TrackerEntry.objects.filter(pk=assigned.pk).update(
        response_due_at=assigned.entered_at - timedelta(days=1)
    )
    html = client.get(department.get_absolute_url()).content.decode()
    assert "overdue" in html


def test_proposal_card_shows_tracker_status_when_the_list_selects_it(accepted):
    from proposals.models import Proposal
    from responses.cards import CardStatus
    from responses.selectors import proposals_with_tracker

    proposal = proposals_with_tracker(Proposal.objects.filter(pk=accepted.proposal_id))[
        0
    ]
    html = CardStatus().render(proposal)
    assert "Accepted" in html


def test_proposal_card_never_queries_for_the_tracker(
    accepted, django_assert_num_queries
):
    from proposals.models import Proposal
    from responses.cards import CardStatus

    proposal = Proposal.objects.get(pk=accepted.proposal_id)
    with django_assert_num_queries(0):
        html = CardStatus().render(proposal)
    assert "Accepted" not in html


def test_tracker_row_renders_from_the_entry_alone(accepted):
    from responses.cards import render_rows
    from responses.selectors import tracker_row

    html = render_rows([tracker_row(accepted.proposal_id)])
    assert f'id="tracker-row-{accepted.proposal_id}"' in html
    assert "Accepted" in html


def test_the_whole_story_through_the_forms(
    client, assigned, official, other_official, resident, admin_user
):
    """Publish with a reason, revise, two progress updates, complete, the author
    disputes, the official answers; the page shows it all, dated; an official of
    another department cannot touch it."""
    proposal = assigned.proposal
    client.force_login(official)
    steps = [
        ("respond", {"decision": "partially_accepted", "body": REASON}),
        (
            "revise",
            {
                "decision": "accepted",
                "body": REASON + "再検討の結果、全面的に実施します。",
                "change_note": "再検討の結果、採用に変更しました。",
                "base_revision": 1,
            },
        ),
        (
            "progress",
            {"status": "in_progress", "percent": 30, "body": "設計が終わりました。"},
        ),
        (
            "progress",
            {"status": "in_progress", "percent": 70, "body": "工事が七割進みました。"},
        ),
        (
            "progress",
            {"status": "completed", "percent": 100, "body": "工事が完了しました。"},
        ),
    ]
    for name, data in steps:
        assert client.post(_url(name, proposal), data).status_code == 302, name
    client.force_login(resident)
    assert (
        client.post(
            _url("outcome", proposal),
            {
                "verdict": "disputed",
                "reason": "正門前の区間がまだ工事されていないようです。",
            },
        ).status_code
        == 302
    )
    client.force_login(other_official)
    assert client.get(_url("dispute_answer", proposal)).status_code == 403
    assert (
        client.post(_url("dispute_answer", proposal), {"body": REASON}).status_code
        == 403
    )
    client.force_login(official)
    assert (
        client.post(
            _url("dispute_answer", proposal), {"body": REASON, "reopen": ""}
        ).status_code
        == 302
    )
    html = client.get(proposal.get_absolute_url()).content.decode()
    for step in ("published", "revised", "progress", "completed", "disputed"):
        assert f'data-step="{step}"' in html
    assert 'data-step="dispute_answered"' in html
    assert "Revision history (2 versions)" in html
    assigned.refresh_from_db()
    assert (assigned.decision, assigned.implementation) == ("accepted", "completed")
    assert assigned.disputed_at is None
