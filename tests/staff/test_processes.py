"""/staff/processes/: setting up a process in one form, without the Django admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from participation.accounts.models import Role
from participation.audit.models import AuditEvent
from participation.spaces import services
from participation.spaces.models import Phase, Process, ProcessAttachment
from tests import factories
from tests.spaces.files import image_bytes, pdf_upload

pytestmark = pytest.mark.django_db

NEW = "/staff/processes/new/"


def phase(index, kind, title, starts, ends, *flags):
    prefix = f"phases-{index}-"
    row = {
        prefix + "kind": kind,
        prefix + "title": title,
        prefix + "starts_at": starts,
        prefix + "ends_at": ends,
    }
    for flag in flags:
        row[prefix + f"allows_{flag}"] = "on"
    return row


def form_data(*phases, total=None, **fields):
    data = {
        "title": "公共交通の未来",
        "title_en": "",
        "slug": "",
        "summary": "バスと鉄道について提案を集めます。",
        "support_threshold": "50",
        "response_days": "60",
        "phases-TOTAL_FORMS": str(total if total is not None else len(phases) + 3),
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "12",
    }
    for row in phases:
        data.update(row)
    data.update(fields)
    return data


THREE = (
    phase(0, "information", "説明", "2027-01-01T09:00", "2027-02-01T09:00"),
    phase(
        1,
        "proposals",
        "提案募集",
        "2027-02-01T09:00",
        "2027-03-01T09:00",
        "proposing",
        "supporting",
        "commenting",
    ),
    phase(
        2,
        "support",
        "賛同",
        "2027-03-01T09:00",
        "2027-04-01T09:00",
        "supporting",
        "commenting",
    ),
)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_creates_a_process_with_three_phases_in_one_post(admin_client):
    response = admin_client.post(NEW, form_data(*THREE))
    process = Process.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/processes/{process.pk}/"
    assert process.status == "draft"
    assert process.slug == "koukyoukoutsuu-no-mirai"
    assert list(process.phases.values_list("kind", flat=True)) == [
        "information",
        "proposals",
        "support",
    ]
    assert AuditEvent.objects.filter(action="process.create").count() == 1


def test_the_form_offers_empty_phase_rows_and_the_kinds_table(admin_client):
    html = admin_client.get(NEW).content.decode()
    assert 'name="phases-TOTAL_FORMS" value="3"' in html
    assert "What each kind of phase opens" in html
    assert 'data-phase-rules="information:forbidden,forbidden,optional;' in html


def test_edit_form_shows_existing_phases_and_saves_changes(admin_client):
    admin_client.post(NEW, form_data(*THREE))
    process = Process.objects.get()
    page = admin_client.get(f"/staff/processes/{process.pk}/").content.decode()
    assert 'name="phases-TOTAL_FORMS" value="6"' in page
    ids = list(process.phases.order_by("starts_at").values_list("pk", flat=True))
    rows = [dict(row) for row in THREE]
    for index, pk in enumerate(ids):
        rows[index][f"phases-{index}-id"] = str(pk)
    rows[2]["phases-2-DELETE"] = "on"
    data = form_data(*rows, support_threshold="20", **{"phases-INITIAL_FORMS": "3"})
    response = admin_client.post(f"/staff/processes/{process.pk}/", data)
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.support_threshold == 20
    assert process.phases.count() == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            (
                phase(
                    0,
                    "support",
                    "賛同",
                    "2027-01-01T09:00",
                    "2027-02-01T09:00",
                    "proposing",
                    "supporting",
                ),
            ),
            "cannot let residents may propose",
        ),
        (
            (phase(0, "proposals", "提案", "2027-01-01T09:00", "2027-02-01T09:00"),),
            "must let residents may propose",
        ),
        (
            (
                phase(0, "information", "説明", "2027-01-01T09:00", "2027-02-15T09:00"),
                phase(1, "response", "回答", "2027-02-01T09:00", "2027-03-01T09:00"),
            ),
            "overlap",
        ),
        (
            (phase(0, "response", "回答", "2027-03-01T09:00", "2027-02-01T09:00"),),
            "must end after it starts",
        ),
        (
            (phase(0, "response", "回答", "not a date", "2027-02-01T09:00"),),
            "Enter a valid date/time.",
        ),
        (
            (phase(0, "lottery", "抽選", "2027-01-01T09:00", "2027-02-01T09:00"),),
            "Select a valid choice.",
        ),
    ],
)
def test_bad_timelines_are_answered_400_and_nothing_is_saved(
    admin_client, rows, message
):
    response = admin_client.post(NEW, form_data(*rows))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Process.objects.exists() and not Phase.objects.exists()


def test_refusal_messages_are_translated(admin_client):
    rows = (
        phase(0, "information", "説明", "2027-01-01T09:00", "2027-02-15T09:00"),
        phase(1, "response", "回答", "2027-02-01T09:00", "2027-03-01T09:00"),
    )
    with translation.override("ja"):
        response = admin_client.post(NEW, form_data(*rows), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "重なっています" in response.content.decode()


def test_tampered_post_is_refused_with_400(admin_client):
    other = factories.PhaseFactory()
    admin_client.post(NEW, form_data(*THREE))
    process = Process.objects.get(slug="koukyoukoutsuu-no-mirai")
    row = phase(0, "response", "乗っ取り", "2030-01-01T09:00", "2030-02-01T09:00")
    row["phases-0-id"] = str(other.pk)
    response = admin_client.post(
        f"/staff/processes/{process.pk}/",
        form_data(row, **{"phases-INITIAL_FORMS": "1"}),
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.title != "乗っ取り"


def test_too_many_phase_rows_are_refused(admin_client):
    response = admin_client.post(NEW, form_data(total=500))
    assert response.status_code == 400
    assert not Process.objects.exists()


def test_an_oversized_header_image_is_refused_and_nothing_saved(admin_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.jpg", image_bytes((400, 400)), "image/jpeg")
    response = admin_client.post(NEW, {**form_data(*THREE), "header_image": upload})
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not Process.objects.exists()


def test_a_non_pdf_renamed_pdf_is_refused_with_400(admin_client, admin_user):
    process = services.process_create(
        actor=admin_user,
        data=services.ProcessInput(title="計画", summary="概要"),
    )
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = admin_client.post(
        f"/staff/processes/{process.pk}/attachments/", {"title": "計画案", "file": fake}
    )
    assert response.status_code == 400
    assert "This file is not a PDF document" in response.content.decode()
    assert not ProcessAttachment.objects.exists()


def test_attachment_is_listed_with_size_and_downloaded_safely(
    client, admin_client, admin_user
):
    process = factories.ProcessFactory(slug="plan")
    response = admin_client.post(
        f"/staff/processes/{process.pk}/attachments/",
        {"title": "計画案", "file": pdf_upload("計画案 2027.pdf")},
    )
    assert response.status_code == 302
    attachment = ProcessAttachment.objects.get()
    client.logout()
    page = client.get("/processes/plan/").content.decode()
    assert attachment.get_absolute_url() in page
    assert "PDF," in page
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_header_image_is_served_inline_with_nosniff(client, admin_client, admin_user):
    process = factories.ProcessFactory(slug="pic")
    services.process_update(
        actor=admin_user,
        process=process,
        data=services.ProcessInput(title=process.title, summary=process.summary),
        header_image=SimpleUploadedFile("a.png", image_bytes(), "image/png"),
    )
    response = client.get("/processes/pic/header-image/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        "/processes/pic/header-image/" in client.get("/processes/pic/").content.decode()
    )


def test_publish_button_publishes_and_returns_to_the_preview(admin_client, admin_user):
    admin_client.post(NEW, form_data(*THREE))
    process = Process.objects.get()
    response = admin_client.post(
        f"/staff/processes/{process.pk}/publish/", {"next": process.get_absolute_url()}
    )
    assert response.status_code == 302
    assert response["Location"] == process.get_absolute_url()
    process.refresh_from_db()
    assert process.is_published


def test_publishing_twice_is_answered_with_a_message(admin_client):
    admin_client.post(NEW, form_data(*THREE))
    process = Process.objects.get()
    admin_client.post(f"/staff/processes/{process.pk}/publish/")
    response = admin_client.post(f"/staff/processes/{process.pk}/publish/", follow=True)
    assert "already published" in response.content.decode()


def test_copy_button_opens_the_new_draft(admin_client):
    admin_client.post(NEW, form_data(*THREE))
    process = Process.objects.get()
    response = admin_client.post(f"/staff/processes/{process.pk}/copy/")
    copy = Process.objects.exclude(pk=process.pk).get()
    assert response["Location"] == f"/staff/processes/{copy.pk}/"
    assert copy.phases.count() == 3


@pytest.mark.parametrize("who", ["official", "facilitator", "resident"])
def test_non_admins_are_refused_every_setup_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    process = factories.ProcessFactory(status="draft")
    before = Process.objects.count()
    for url in ["/staff/processes/", NEW, f"/staff/processes/{process.pk}/"]:
        assert client.get(url).status_code == 403, url
    for action in ["publish", "archive", "copy"]:
        assert (
            client.post(f"/staff/processes/{process.pk}/{action}/").status_code == 403
        )
    assert client.post(NEW, form_data(*THREE)).status_code == 403
    process.refresh_from_db()
    assert process.status == "draft" and Process.objects.count() == before


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/staff/processes/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_shows_every_status_with_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries
):
    for status in ("draft", "published", "archived"):
        factories.ProcessFactory(status=status, title=f"{status}-process", title_en="")
    admin_client.get("/staff/processes/")  # warm the session and standing
    # 7: the page's own queries (the standing: one) and the terms banner's one.
    with django_assert_num_queries(7) as baseline:
        page = admin_client.get("/staff/processes/").content.decode()
    for status in ("draft", "published", "archived"):
        assert f"{status}-process" in page
    factories.ProcessFactory.create_batch(5)
    with django_assert_num_queries(len(baseline.captured_queries)):
        admin_client.get("/staff/processes/")


def test_list_filters_by_status(admin_client):
    factories.ProcessFactory(status="draft", title="草案のプロセス", title_en="")
    factories.ProcessFactory(status="published", title="公開中のプロセス", title_en="")
    page = admin_client.get("/staff/processes/?status=draft").content.decode()
    assert "草案のプロセス" in page and "公開中のプロセス" not in page


def test_setup_panel_counts_drafts_open_processes_and_phases_ending(
    admin_client, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    factories.ProcessFactory(status="draft", open_phase=False)
    published = factories.ProcessFactory(status="published", open_phase=False)
    factories.PhaseFactory(
        process=published,
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=2),
    )
    from participation.spaces.staff import PANEL

    with django_assert_max_num_queries(2):
        counts = {str(c.label): c.value for c in PANEL.counts(None)}
    assert counts == {
        "draft processes": 1,
        "open processes": 1,
        "phases ending within a week": 1,
    }
    page = admin_client.get("/staff/").content.decode()
    assert "Setup" in page and 'href="/staff/processes/"' in page


def test_setup_panel_is_hidden_from_facilitators(client, facilitator):
    client.force_login(facilitator)
    assert 'href="/staff/processes/"' not in client.get("/staff/").content.decode()


def test_demo_like_official_cannot_open_a_draft_preview(client, official):
    draft = factories.ProcessFactory(status="draft")
    factories.grant(factories.UserFactory(), Role.FACILITATOR, process=draft)
    client.force_login(official)
    assert client.get(draft.get_absolute_url()).status_code == 404
