"""The draft pages under /staff/drafts/: forms without JavaScript, the autosave's
JSON, stale edits shown side by side, the dashboard panel, fixed query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation.staff.registry import panels_for
from responses import services
from responses.drafts import selectors
from responses.models import AnswerTemplate, DraftStatus, ResponseDraft
from responses.transitions import Decision
from tests import factories
from tests.responses.conftest import DRAFT_ANSWER

pytestmark = pytest.mark.django_db


def _form(draft, **fields):
    data = {
        "version": draft.version,
        "decision": Decision.ACCEPTED,
        "body": DRAFT_ANSWER,
    }
    data.update(fields)
    return data


@pytest.fixture
def draft(assigned, author, approver):
    draft = services.draft_start(actor=author, entry=assigned)
    return services.draft_save(actor=author, draft=draft, **_form(draft))


@pytest.fixture
def waiting(draft, author):
    return services.draft_submit(actor=author, draft=draft, version=draft.version)


def _url(name, draft):
    return reverse(f"drafts:{name}", args=[draft.pk])


def test_the_handling_page_starts_a_draft(client, assigned, author, approver):
    client.force_login(author)
    response = client.post(reverse("drafts:start", args=[assigned.proposal_id]))
    draft = ResponseDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()


def test_the_handling_page_offers_a_draft(client, assigned, author, approver):
    client.force_login(author)
    page = client.get(reverse("responses:manage", args=[assigned.proposal_id]))
    assert reverse("drafts:start", args=[assigned.proposal_id]) in page.content.decode()


def test_the_editor_page_autosaves_with_a_live_status(client, draft, author):
    client.force_login(author)
    html = client.get(_url("detail", draft)).content.decode()
    assert f'data-autosave-url="{_url("autosave", draft)}"' in html
    assert 'aria-live="polite"' in html
    assert "js/drafts.js" in html


def test_the_save_button_saves_without_javascript(client, draft, author):
    client.force_login(author)
    response = client.post(
        _url("detail", draft), _form(draft, body=DRAFT_ANSWER + "追記")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body.endswith("追記")


def test_a_stale_save_shows_both_texts(client, draft, author, colleague):
    old = draft.version
    services.draft_save(
        actor=colleague,
        draft=draft,
        **_form(draft, body="同僚の文章、二十文字以上の長さです。"),
    )
    client.force_login(author)
    response = client.post(
        _url("detail", draft),
        _form(draft, version=old, body="私の文章、まだ保存されていません。"),
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "同僚の文章" in html and "私の文章" in html
    draft.refresh_from_db()
    assert draft.body.startswith("同僚")


def test_the_autosave_answers_the_new_version(client, draft, author):
    client.force_login(author)
    response = client.post(
        _url("autosave", draft), _form(draft, body=DRAFT_ANSWER + "自動")
    )
    assert response.status_code == 200
    assert response.json()["version"] == draft.version + 1
    assert "Saved at" in response.json()["message"]


def test_a_stale_autosave_is_a_conflict(client, draft, author):
    client.force_login(author)
    response = client.post(
        _url("autosave", draft), _form(draft, version=draft.version - 1)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale_draft"


def test_a_negative_cost_is_a_bad_request(client, draft, author):
    client.force_login(author)
    response = client.post(_url("detail", draft), _form(draft, cost_estimate="-5"))
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.cost_estimate is None


def test_a_reversed_period_is_a_bad_request(client, draft, author):
    client.force_login(author)
    response = client.post(
        _url("detail", draft),
        _form(draft, period_start="2027-04-01", period_end="2027-03-01"),
    )
    assert response.status_code == 400


def test_a_tampered_draft_id_is_not_found(client, author):
    client.force_login(author)
    assert client.get("/staff/drafts/99999999999999999999/").status_code == 404
    assert client.get("/staff/drafts/424242/").status_code == 404


def test_a_tampered_also_id_is_a_bad_request(client, draft, author):
    client.force_login(author)
    response = client.post(_url("detail", draft), _form(draft, also=["424242"]))
    assert response.status_code == 400


def test_use_a_template_fills_the_form_without_saving(
    client, draft, author, department
):
    template = services.answer_template_create(
        actor=author,
        department=department,
        title="予算化",
        body="来年度の予算に計上して実施します。",
    )
    client.force_login(author)
    response = client.post(
        _url("detail", draft),
        _form(draft, template=template.pk, use_template="1"),
    )
    assert response.status_code == 200
    assert "来年度の予算に計上して実施します。" in response.content.decode()
    draft.refresh_from_db()
    assert "計上" not in draft.body


def test_submit_then_approve_publishes_on_the_proposal_page(
    client, draft, author, approver, section, assigned
):
    client.force_login(author)
    assert (
        client.post(_url("submit", draft), {"version": draft.version}).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED
    client.force_login(approver)
    assert (
        client.get(reverse("drafts:approvals"))
        .content.decode()
        .count(draft.get_absolute_url())
        == 1
    )
    assert (
        client.post(_url("approve", draft), {"version": draft.version}).status_code
        == 302
    )
    client.logout()
    page = client.get(reverse("proposals:detail", args=[assigned.proposal_id]))
    html = page.content.decode()
    assert DRAFT_ANSWER in html
    assert section.name_en in html and section.phone in html
    assert approver.real_name not in html


def test_returning_without_a_comment_is_a_bad_request(client, waiting, approver):
    client.force_login(approver)
    response = client.post(_url("return", waiting), {"version": waiting.version})
    assert response.status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == DraftStatus.SUBMITTED


def test_an_approver_of_another_section_is_refused(
    client, waiting, other_section_approver
):
    client.force_login(other_section_approver)
    response = client.post(_url("approve", waiting), {"version": waiting.version})
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == DraftStatus.SUBMITTED


def test_the_review_shows_a_diff_against_the_published_answer(
    client, waiting, approver, colleague, assigned
):
    services.draft_approve(actor=approver, draft=waiting, version=waiting.version)
    revision = services.draft_start(actor=colleague, entry=assigned)
    revision = services.draft_save(
        actor=colleague,
        draft=revision,
        **_form(
            revision,
            body=DRAFT_ANSWER + "設置は七月です。",
            change_note="設置時期を追記しました。",
        ),
    )
    revision = services.draft_submit(
        actor=colleague, draft=revision, version=revision.version
    )
    client.force_login(approver)
    html = client.get(_url("detail", revision)).content.decode()
    assert "<ins>" in html


def test_the_dashboard_panel_counts_drafts(client, waiting, approver, author):
    client.force_login(approver)
    html = client.get(reverse("staff:dashboard")).content.decode()
    assert 'id="panel-drafts"' in html
    assert selectors.draft_counts(approver) == {"mine": 0, "returned": 0, "waiting": 1}
    assert selectors.draft_counts(author) == {"mine": 0, "returned": 0, "waiting": 0}


def test_the_panel_is_for_officials_and_admins(
    resident, facilitator, author, admin_user
):
    def keys(user):
        return [p.key for p in panels_for(user)]

    assert "drafts" in keys(author) and "drafts" in keys(admin_user)
    assert "drafts" not in keys(facilitator) and "drafts" not in keys(resident)


def test_the_panel_counts_run_one_query(waiting, approver, django_assert_num_queries):
    selectors.draft_counts(approver)  # the standing is loaded (and cached) once
    with django_assert_num_queries(1):
        selectors.draft_counts(approver)


def _more_drafts(n, department, process, admin_user, author):
    for _ in range(n):
        entry = services.tracker_forward(
            actor=admin_user, proposal=factories.ProposalFactory(process=process)
        )
        services.tracker_assign(actor=admin_user, entry=entry, department=department)
        services.draft_start(actor=author, entry=entry)


@pytest.mark.parametrize("page", ["drafts:list", "drafts:approvals"])
def test_list_pages_run_a_fixed_number_of_queries(
    client, page, draft, author, admin_user, department, django_assert_max_num_queries
):
    client.force_login(author)
    client.get(reverse(page))
    _more_drafts(1, department, draft.entry.process, admin_user, author)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(reverse(page)).status_code == 200
    _more_drafts(4, department, draft.entry.process, admin_user, author)
    with django_assert_max_num_queries(len(baseline)):
        assert client.get(reverse(page)).status_code == 200


def test_templates_are_managed_from_the_staff_pages(client, author, department):
    client.force_login(author)
    response = client.post(
        reverse("drafts:template_new"),
        {
            "department": department.pk,
            "title": "不採択(財源)",
            "body": "財源の確保が難しく、今年度の実施は見送ります。",
        },
    )
    assert response.status_code == 302
    assert AnswerTemplate.objects.filter(department=department).count() == 1


def test_another_department_cannot_edit_a_template(
    client, author, department, other_official
):
    template = services.answer_template_create(
        actor=author,
        department=department,
        title="予算化",
        body="来年度の予算に計上します。",
    )
    client.force_login(other_official)
    response = client.post(
        reverse("drafts:template_edit", args=[template.pk]),
        {"title": "乗っ取り", "body": "乗っ取りの本文です。十文字以上。"},
    )
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.title == "予算化"


def test_batch_progress_posts_to_the_chosen_proposals(
    client, assigned, admin_user, department, official
):
    second = services.tracker_assign(
        actor=admin_user,
        entry=services.tracker_forward(
            actor=admin_user,
            proposal=factories.ProposalFactory(process=assigned.process),
        ),
        department=department,
    )
    for entry in (assigned, second):
        services.response_publish(
            actor=official, entry=entry, decision=Decision.ACCEPTED, body=DRAFT_ANSWER
        )
    client.force_login(official)
    assert client.get(reverse("drafts:batch_progress")).status_code == 200
    response = client.post(
        reverse("drafts:batch_progress"),
        {
            "entries": [assigned.pk, second.pk],
            "status": "in_progress",
            "percent": "40",
            "body": "工事の発注を終えました。来月着工します。",
        },
    )
    assert response.status_code == 302
    assert assigned.progress_updates.count() == second.progress_updates.count() == 1


def test_a_resident_is_refused_every_staff_page(client, resident):
    client.force_login(resident)
    for name in ("list", "approvals", "templates", "template_new", "batch_progress"):
        assert client.get(reverse(f"drafts:{name}")).status_code == 403, name


def test_the_pages_speak_japanese(client, draft, author):
    client.force_login(author)
    client.cookies["django_language"] = "ja"
    html = client.get(_url("detail", draft), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "下書き" in html
