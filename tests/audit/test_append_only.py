"""The audit log is append-only: the application can add rows, never change or
remove them."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from participation.audit.models import AppendOnlyError, AuditEvent
from participation.audit.services import record


@pytest.fixture
def comment(db, proposal):
    from tests import factories

    return factories.CommentFactory(proposal=proposal)


@pytest.fixture
def event(resident):
    return record(
        actor=resident,
        action="test.thing",
        target=resident,
        before={"a": 1},
        after={"a": 2},
    )


def test_record_keeps_actor_action_target_and_changes(event, resident):
    event.refresh_from_db()
    assert event.actor == resident
    assert event.actor_name == "Hanako Sato"
    assert event.action == "test.thing"
    assert event.target_type == "accounts.user"
    assert event.target_id == str(resident.pk)
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})


def test_events_written_during_a_request_carry_its_request_id(
    login, facilitator, comment
):
    login(facilitator).post(
        f"/moderation/comment/{comment.pk}/hide/",
        {"reason_code": "spam"},
        HTTP_X_REQUEST_ID="req-12345678",
    )
    assert AuditEvent.objects.get(action="moderation.hide").request_id == (
        "req-12345678"
    )


def test_record_without_actor_is_a_system_event(db):
    event = record(actor=None, action="system.thing")
    assert event.actor is None
    assert event.actor_name == ""


def test_saving_an_existing_event_raises(event):
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"


def test_deleting_an_event_raises(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_raises(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.changed")


def test_queryset_delete_raises(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_bulk_update_raises(event):
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["action"])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database trigger on PostgreSQL only"
)
def test_postgresql_refuses_raw_update_and_delete(event):
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET action = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing"
