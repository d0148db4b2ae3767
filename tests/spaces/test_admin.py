"""Admin for departments, categories, areas and processes with phase inlines."""

from __future__ import annotations

import pytest

from participation.audit.models import AuditEvent
from participation.spaces.models import Phase, Process

pytestmark = pytest.mark.django_db


def process_form(**phases: tuple[str, str, str, str]) -> dict[str, object]:
    """POST data for the process add form; phases as name -> (start date, start
    time, end date, end time)."""
    data: dict[str, object] = {
        "title": "公共交通の未来",
        "title_en": "The future of public transport",
        "slug": "public-transport",
        "status": "draft",
        "position": 0,
        "summary": "バスと鉄道について提案を集めます。",
        "summary_en": "",
        "description": "",
        "description_en": "",
        "support_threshold": 50,
        "response_days": 60,
        "phases-TOTAL_FORMS": len(phases),
        "phases-INITIAL_FORMS": 0,
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
    }
    for index, (title, (d1, t1, d2, t2)) in enumerate(phases.items()):
        prefix = f"phases-{index}-"
        data.update(
            {
                prefix + "kind": "proposals",
                prefix + "title": title,
                prefix + "title_en": "",
                prefix + "description": "",
                prefix + "description_en": "",
                prefix + "starts_at_0": d1,
                prefix + "starts_at_1": t1,
                prefix + "ends_at_0": d2,
                prefix + "ends_at_1": t2,
                prefix + "allows_proposing": "on",
            }
        )
    return data


@pytest.fixture
def admin_client(client, admin_user, login):
    return login(admin_user)


def test_process_add_page_shows_phase_inline(admin_client):
    body = admin_client.get("/admin/spaces/process/add/").content.decode()
    assert "phases-TOTAL_FORMS" in body


def test_process_with_phases_is_created_and_audited(admin_client):
    response = admin_client.post(
        "/admin/spaces/process/add/",
        process_form(
            first=("2026-01-01", "00:00:00", "2026-02-01", "00:00:00"),
            second=("2026-02-01", "00:00:00", "2026-03-01", "00:00:00"),
        ),
    )
    assert response.status_code == 302
    process = Process.objects.get(slug="public-transport")
    assert process.phases.count() == 2
    event = AuditEvent.objects.get(action="process.create")
    assert event.target_id == str(process.pk)


def test_overlapping_phases_are_refused_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/spaces/process/add/",
        process_form(
            first=("2026-01-01", "00:00:00", "2026-02-15", "00:00:00"),
            second=("2026-02-01", "00:00:00", "2026-03-01", "00:00:00"),
        ),
    )
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert not Process.objects.exists()
    assert not Phase.objects.exists()


def test_phase_ending_before_it_starts_is_refused(admin_client):
    response = admin_client.post(
        "/admin/spaces/process/add/",
        process_form(first=("2026-03-01", "00:00:00", "2026-02-01", "00:00:00")),
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert not Process.objects.exists()


def test_process_change_is_audited_with_changed_fields(admin_client, process):
    admin_client.post(
        f"/admin/spaces/process/{process.pk}/change/",
        {
            **process_form(),
            "title": process.title,
            "title_en": process.title_en,
            "slug": process.slug,
            "status": "archived",
            "summary": process.summary,
            "summary_en": process.summary_en,
            "support_threshold": process.support_threshold,
            "response_days": process.response_days,
            "phases-INITIAL_FORMS": 0,
        },
    )
    process.refresh_from_db()
    assert process.status == "archived"
    event = AuditEvent.objects.get(action="process.change")
    assert "status" in event.after["fields"]


def test_process_page_lists_facilitators(admin_client, facilitator, process):
    body = admin_client.get(f"/admin/spaces/process/{process.pk}/change/")
    assert facilitator.real_name in body.content.decode()


def test_department_cannot_be_deleted_in_admin(admin_client, department):
    response = admin_client.post(
        f"/admin/spaces/department/{department.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403


def test_category_create_is_audited(admin_client):
    admin_client.post(
        "/admin/spaces/category/add/",
        {"slug": "transport", "name": "交通", "name_en": "Transport"},
    )
    assert AuditEvent.objects.filter(action="category.create").count() == 1


def test_resident_cannot_open_spaces_admin(client, resident, login):
    login(resident)
    response = client.get("/admin/spaces/process/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_makes_the_slug_from_a_japanese_only_title(admin_client):
    data = process_form(first=("2026-01-01", "00:00:00", "2026-02-01", "00:00:00"))
    data.update({"title_en": "", "slug": ""})
    response = admin_client.post("/admin/spaces/process/add/", data)
    assert response.status_code == 302
    assert Process.objects.get().slug == "koukyoukoutsuu-no-mirai"


def test_admin_refuses_flags_the_phase_kind_forbids(admin_client):
    data = process_form(first=("2026-01-01", "00:00:00", "2026-02-01", "00:00:00"))
    data["phases-0-kind"] = "response"  # with "residents may propose" ticked
    response = admin_client.post("/admin/spaces/process/add/", data)
    assert response.status_code == 200
    assert "cannot let residents may propose" in response.content.decode()
    assert not Process.objects.exists()
