"""Process setup services: create, update, publish, archive, copy, files."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from participation.audit.models import AuditEvent
from participation.errors import Conflict, Invalid, NotAllowed
from participation.spaces import services
from participation.spaces.models import Phase, Process, ProcessAttachment
from tests import factories
from tests.spaces.files import image_upload, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=TOKYO)


def three_phases():
    return [
        services.PhaseInput(
            kind="information",
            title="説明",
            starts_at=at(2027, 1, 1),
            ends_at=at(2027, 2, 1),
        ),
        services.PhaseInput(
            kind="proposals",
            title="提案募集",
            starts_at=at(2027, 2, 1),
            ends_at=at(2027, 3, 1),
            allows_proposing=True,
            allows_supporting=True,
            allows_commenting=True,
        ),
        services.PhaseInput(
            kind="support",
            title="賛同",
            starts_at=at(2027, 3, 1),
            ends_at=at(2028, 2, 29),
            allows_supporting=True,
        ),
    ]


def data(**overrides):
    values = {"title": "公共交通の未来", "summary": "バスと鉄道について。"}
    return services.ProcessInput(**{**values, **overrides})


@pytest.fixture
def draft(admin_user):
    return services.process_create(actor=admin_user, data=data(), phases=three_phases())


def test_create_makes_a_draft_with_phases_and_a_romanised_slug(admin_user):
    category = factories.CategoryFactory()
    process = services.process_create(
        actor=admin_user,
        data=data(categories=[category]),
        phases=three_phases(),
    )
    assert process.status == "draft"
    assert process.slug == "koukyoukoutsuu-no-mirai"
    assert process.phases.count() == 3
    assert list(process.categories.all()) == [category]
    event = AuditEvent.objects.get(action="process.create")
    assert event.actor == admin_user and event.after["phases"] == 3


def test_create_is_refused_to_an_official(official):
    with pytest.raises(NotAllowed):
        services.process_create(actor=official, data=data())
    assert not Process.objects.exists()


def test_contradictory_phase_is_refused_and_nothing_saved(admin_user):
    rows = three_phases()
    rows[2] = services.PhaseInput(
        kind="support",
        title="賛同",
        starts_at=at(2027, 3, 1),
        ends_at=at(2027, 4, 1),
        allows_proposing=True,
        allows_supporting=True,
    )
    with pytest.raises(Invalid) as caught:
        services.process_create(actor=admin_user, data=data(), phases=rows)
    assert caught.value.code == "kind_forbids_flag"
    assert not Process.objects.exists() and not Phase.objects.exists()


def test_overlapping_phases_are_refused(admin_user):
    rows = three_phases()
    rows[1] = services.PhaseInput(
        kind="proposals",
        title="提案募集",
        starts_at=at(2027, 1, 15),
        ends_at=at(2027, 3, 1),
        allows_proposing=True,
    )
    with pytest.raises(Invalid) as caught:
        services.process_create(actor=admin_user, data=data(), phases=rows)
    assert caught.value.code == "phases_overlap"
    assert not Process.objects.exists()


def test_double_submit_with_the_same_key_returns_the_first(admin_user):
    first = services.process_create(
        actor=admin_user, data=data(), idempotency_key="k-1"
    )
    again = services.process_create(
        actor=admin_user, data=data(), idempotency_key="k-1"
    )
    assert again.pk == first.pk
    assert Process.objects.count() == 1


def test_same_title_twice_in_a_row_is_a_conflict(admin_user):
    services.process_create(actor=admin_user, data=data())
    with pytest.raises(Conflict):
        services.process_create(actor=admin_user, data=data())


def test_a_chosen_slug_must_be_free_and_well_formed(admin_user):
    factories.ProcessFactory(slug="bus")
    with pytest.raises(Invalid) as caught:
        services.process_create(actor=admin_user, data=data(slug="bus"))
    assert caught.value.code == "slug_taken"
    with pytest.raises(Invalid) as caught:
        services.process_create(actor=admin_user, data=data(slug="Bus Plan!"))
    assert caught.value.code == "invalid_slug"


def test_update_changes_fields_and_timeline_and_records_what_changed(admin_user, draft):
    phase = draft.phases.order_by("starts_at").first()
    rows = [
        services.PhaseInput(
            id=phase.pk,
            kind="information",
            title="計画の説明",
            starts_at=phase.starts_at,
            ends_at=phase.ends_at,
        ),
        *[
            services.PhaseInput(
                id=p.pk,
                kind="",
                title="",
                starts_at=None,
                ends_at=None,
                delete=True,
            )
            for p in draft.phases.order_by("starts_at")[1:]
        ],
    ]
    services.process_update(
        actor=admin_user,
        process=draft,
        data=data(support_threshold=10),
        phases=rows,
    )
    draft.refresh_from_db()
    assert draft.support_threshold == 10
    assert list(draft.phases.values_list("title", flat=True)) == ["計画の説明"]
    event = AuditEvent.objects.get(action="process.update")
    assert event.after["fields"] == ["support_threshold"]
    assert event.after["phases"] == {"created": 0, "changed": 1, "deleted": 2}


def test_update_refuses_a_phase_of_another_process(admin_user, draft):
    other = factories.PhaseFactory()
    rows = [
        services.PhaseInput(
            id=other.pk,
            kind="response",
            title="x",
            starts_at=at(2030, 1, 1),
            ends_at=at(2030, 2, 1),
        )
    ]
    with pytest.raises(Invalid):
        services.process_update(
            actor=admin_user, process=draft, data=data(), phases=rows
        )
    other.refresh_from_db()
    assert other.kind == "proposals"


def test_phases_left_out_of_the_form_still_count_for_overlaps(admin_user, draft):
    rows = [
        services.PhaseInput(
            kind="response",
            title="回答",
            starts_at=at(2027, 1, 10),
            ends_at=at(2027, 1, 20),
        )
    ]
    with pytest.raises(Invalid):
        services.process_update(
            actor=admin_user, process=draft, data=data(), phases=rows
        )
    assert draft.phases.count() == 3


def test_slug_of_a_published_process_cannot_change(admin_user, draft):
    services.process_publish(actor=admin_user, process=draft)
    with pytest.raises(Invalid) as caught:
        services.process_update(
            actor=admin_user, process=draft, data=data(slug="elsewhere")
        )
    assert caught.value.code == "slug_locked"


def test_publish_then_archive_then_publish_again(admin_user, draft):
    services.process_publish(actor=admin_user, process=draft)
    services.process_archive(actor=admin_user, process=draft)
    draft.refresh_from_db()
    assert draft.status == "archived"
    services.process_publish(actor=admin_user, process=draft)
    actions = list(
        AuditEvent.objects.filter(target_id=str(draft.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["process.publish", "process.archive", "process.publish"]


def test_a_draft_cannot_be_archived(admin_user, draft):
    with pytest.raises(Invalid) as caught:
        services.process_archive(actor=admin_user, process=draft)
    assert caught.value.code == "invalid_transition"


def test_a_process_without_phases_cannot_be_published(admin_user):
    process = services.process_create(actor=admin_user, data=data())
    with pytest.raises(Invalid) as caught:
        services.process_publish(actor=admin_user, process=process)
    assert caught.value.code == "no_phases"


def test_a_facilitator_cannot_publish_their_draft(admin_user, draft):
    facilitator = factories.grant(factories.UserFactory(), "facilitator", process=draft)
    with pytest.raises(NotAllowed):
        services.process_publish(actor=facilitator, process=draft)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_copy_for_next_year_shifts_every_phase_by_one_year(admin_user, draft):
    area = factories.AreaFactory()
    draft.areas.add(area)
    services.process_publish(actor=admin_user, process=draft)
    copy = services.process_copy_for_next_year(actor=admin_user, process=draft)
    assert copy.status == "draft" and copy.pk != draft.pk
    assert copy.slug == "koukyoukoutsuu-no-mirai-2"
    assert list(copy.areas.all()) == [area]
    starts = [
        timezone.localtime(p.starts_at) for p in copy.phases.order_by("starts_at")
    ]
    assert [(d.year, d.month, d.day, d.hour) for d in starts] == [
        (2028, 1, 1, 9),
        (2028, 2, 1, 9),
        (2028, 3, 1, 9),
    ]
    # 29 February 2028 has no twin in 2029.
    last = timezone.localtime(copy.phases.order_by("starts_at").last().ends_at)
    assert (last.year, last.month, last.day) == (2029, 2, 28)
    event = AuditEvent.objects.get(action="process.copy")
    assert event.before["from"] == draft.pk


def test_copy_is_refused_to_a_resident(resident, draft):
    with pytest.raises(NotAllowed):
        services.process_copy_for_next_year(actor=resident, process=draft)
    assert Process.objects.count() == 1


def test_pdf_attachment_is_stored_and_audited(admin_user, draft):
    attachment = services.process_attachment_add(
        actor=admin_user,
        process=draft,
        upload=pdf_upload("../../計画 案.pdf"),
        title="計画案",
    )
    assert attachment.size == len(pdf_bytes())
    assert attachment.filename == "計画_案.pdf"
    assert default_storage.exists(attachment.file.name)
    assert attachment.file.name.startswith("processes/attachments/")
    assert AuditEvent.objects.filter(action="process.attachment_add").count() == 1


def test_a_renamed_non_pdf_is_refused_and_nothing_stored(admin_user, draft, _media):
    with pytest.raises(Invalid) as caught:
        services.process_attachment_add(
            actor=admin_user,
            process=draft,
            upload=pdf_upload("plan.pdf", data=b"<html><script>alert(1)</script>"),
            title="計画案",
        )
    assert caught.value.code == "not_a_pdf"
    assert not ProcessAttachment.objects.exists()
    assert not list(_media.rglob("*.pdf"))


def test_an_oversized_pdf_is_refused(admin_user, draft, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(Invalid) as caught:
        services.process_attachment_add(
            actor=admin_user,
            process=draft,
            upload=pdf_upload(data=pdf_bytes(b"x" * 200)),
            title="計画案",
        )
    assert caught.value.code == "file_too_large"


def test_removing_an_attachment_deletes_its_file(
    admin_user, draft, django_capture_on_commit_callbacks
):
    attachment = services.process_attachment_add(
        actor=admin_user, process=draft, upload=pdf_upload(), title="計画案"
    )
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.process_attachment_remove(actor=admin_user, attachment=attachment)
    assert not default_storage.exists(name)
    assert not ProcessAttachment.objects.exists()


def test_header_image_is_reencoded_and_replaced(
    admin_user, draft, django_capture_on_commit_callbacks
):
    services.process_update(
        actor=admin_user, process=draft, data=data(), header_image=image_upload()
    )
    draft.refresh_from_db()
    first = draft.header_image.name
    assert first.startswith("processes/headers/") and first.endswith(".jpg")
    with django_capture_on_commit_callbacks(execute=True):
        services.process_update(
            actor=admin_user,
            process=draft,
            data=data(),
            header_image=image_upload(),
        )
    draft.refresh_from_db()
    assert draft.header_image.name != first
    assert not default_storage.exists(first)


def test_next_year_keeps_the_local_time():
    moment = at(2027, 6, 1, 0)
    shifted = timezone.localtime(services.next_year(moment), TOKYO)
    assert (shifted.year, shifted.month, shifted.day, shifted.hour) == (2028, 6, 1, 0)
    assert services.next_year(moment) - moment == timedelta(days=366)
