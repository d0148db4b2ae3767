"""The notifications page, marking as read, and the bell without JavaScript."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation.notifications import services
from participation.notifications.models import Notification
from tests import factories


def _notify(user, actor=None, url="/proposals/1/", n=1, title="公園の提案"):
    for i in range(n):
        services.notify(
            recipient_ids=[user.pk],
            kind="comment.created",
            actor=actor,
            url=url,
            data={"title": f"{title}{i}", "actor": "Jiro Suzuki"},
        )


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_list_shows_my_notifications_in_my_language(login, resident, resident2):
    _notify(resident, resident2)
    page = login(resident).get(reverse("notifications:list")).content.decode()
    assert "Jiro Suzuki commented on “公園の提案0”." in page


def test_list_never_shows_other_peoples_notifications(login, resident, resident2):
    _notify(resident2, title="他人の通知")
    page = login(resident).get(reverse("notifications:list")).content.decode()
    assert "他人の通知" not in page


def test_list_never_shows_e_mail_addresses(login, resident, resident2):
    _notify(resident, resident2)
    page = login(resident).get(reverse("notifications:list")).content.decode()
    assert resident2.email not in page


def test_unread_filter_lists_only_unread(login, resident):
    _notify(resident, n=2)
    first = Notification.objects.filter(recipient=resident).last()
    services.mark_read(user=resident, notification_ids=[first.pk])
    response = login(resident).get(reverse("notifications:list"), {"filter": "unread"})
    assert [n.pk for n in response.context["page_obj"].object_list] != [first.pk]
    assert len(response.context["page_obj"].object_list) == 1


def test_list_query_count_does_not_grow(
    login, resident, resident2, django_assert_num_queries
):
    client = login(resident)
    _notify(resident, resident2, n=2)
    client.get(reverse("notifications:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    _notify(resident, factories.UserFactory(), n=25)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notifications:list"))


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(login, resident):
    _notify(resident, url="/proposals/5/#comment-9")
    notification = Notification.objects.get()
    response = login(resident).post(
        reverse("notifications:open", args=[notification.pk])
    )
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert response["Location"] == "/proposals/5/#comment-9"


def test_opening_never_redirects_off_site(login, resident):
    _notify(resident, url="//evil.example/")
    notification = Notification.objects.get()
    response = login(resident).post(
        reverse("notifications:open", args=[notification.pk])
    )
    assert response["Location"] == reverse("notifications:list")


def test_opening_someone_elses_notification_is_not_found(login, resident, resident2):
    _notify(resident2)
    notification = Notification.objects.get()
    response = login(resident).post(
        reverse("notifications:open", args=[notification.pk])
    )
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_needs_post(login, resident):
    _notify(resident)
    notification = Notification.objects.get()
    response = login(resident).get(
        reverse("notifications:open", args=[notification.pk])
    )
    assert response.status_code == 405


def test_mark_all_as_read(login, resident):
    _notify(resident, n=3)
    login(resident).post(reverse("notifications:mark_read"))
    assert services.unread_count(resident) == 0


def test_mark_one_as_read_keeps_the_others(login, resident):
    _notify(resident, n=2)
    one = Notification.objects.filter(recipient=resident).first()
    login(resident).post(reverse("notifications:mark_read"), {"id": one.pk})
    assert services.unread_count(resident) == 1


def test_mark_read_with_a_bad_id_changes_nothing(login, resident):
    _notify(resident)
    response = login(resident).post(reverse("notifications:mark_read"), {"id": "abc"})
    assert response.status_code == 302
    assert services.unread_count(resident) == 1


def test_marking_someone_elses_notification_does_nothing(login, resident, resident2):
    _notify(resident2)
    other = Notification.objects.get()
    login(resident).post(reverse("notifications:mark_read"), {"id": other.pk})
    assert services.unread_count(resident2) == 1


def test_mark_read_requires_csrf(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    _notify(resident)
    assert client.post(reverse("notifications:mark_read")).status_code == 403
    assert services.unread_count(resident) == 1


def test_bell_shows_the_unread_count_without_javascript(login, resident):
    _notify(resident, n=3)
    page = login(resident).get(reverse("home")).content.decode()
    assert 'data-bell-count aria-hidden="true">3</span>' in page
    assert 'aria-label="Notifications: 3 unread"' in page


def test_bell_hides_the_count_when_all_is_read(login, resident):
    page = login(resident).get(reverse("home")).content.decode()
    assert 'data-bell-count aria-hidden="true" hidden>0</span>' in page


def test_bell_caps_large_counts(login, resident):
    Notification.objects.bulk_create(
        [Notification(recipient=resident, kind="comment.created") for _ in range(120)]
    )
    page = login(resident).get(reverse("home")).content.decode()
    assert ">99+</span>" in page


def test_bell_is_not_shown_to_anonymous_visitors(client, db):
    assert "data-live-bell" not in client.get(reverse("home")).content.decode()
