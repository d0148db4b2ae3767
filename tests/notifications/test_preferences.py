"""E-mail preferences per kind group, the rules above them, and the language
e-mails are written in."""

from __future__ import annotations

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from participation.accounts.models import User
from participation.notifications import groups, services
from participation.notifications.models import Delivery, EmailPreference, Notification
from participation.notifications.reasons import Audience

pytestmark = pytest.mark.django_db


def test_defaults_send_own_answers_at_once_and_comments_in_the_daily_digest():
    assert groups.email_mode("response.published", "author", {}) == "immediate"
    assert groups.email_mode("comment.created", "follower", {}) == "daily"
    assert groups.email_mode("live.minutes_published", "participant", {}) == "weekly"


def test_answers_to_a_supported_proposal_are_immediate_even_with_a_digest():
    modes = {"supported": "weekly"}
    assert groups.email_mode("tracker.status_changed", "supporter", modes) == (
        "immediate"
    )
    # A follower who does not support gets the same news in the digest.
    assert groups.email_mode("tracker.status_changed", "follower", modes) == "weekly"
    # Progress updates are not answers.
    assert groups.email_mode("tracker.progress", "supporter", modes) == "weekly"


def test_never_stops_even_answers():
    assert groups.email_mode(
        "response.published", "author", {"own_proposals": "never"}
    ) == ("never")


def test_officials_cannot_turn_off_deadline_reminders_alone(settings):
    off = {"official": "never"}
    assert groups.email_mode("tracker.deadline_near", "department", off) == "immediate"
    assert groups.email_mode("tracker.overdue", "department", off) == "immediate"
    assert groups.email_mode("proposal.assigned", "department", off) == "never"
    settings.NOTIFY_OFFICIAL_REMINDERS_LOCKED = False
    assert groups.email_mode("tracker.overdue", "department", off) == "never"


def test_group_follows_the_reason_for_proposal_news():
    assert groups.group_of("response.published", "author") == "own_proposals"
    assert groups.group_of("response.published", "supporter") == "supported"
    assert groups.group_of("response.published", "department") == "official"
    assert groups.group_of("some.new_kind", "") == "other"


def test_preferences_page_lists_every_group(login, resident):
    response = login(resident).get(reverse("notifications:preferences"))
    assert response.status_code == 200
    page = response.content.decode()
    for label, _help in groups.GROUPS.values():
        assert str(label) in page
    assert 'name="mode-discussion" value="daily" checked' in page


def test_preferences_are_saved(login, resident):
    data = {f"mode-{g}": str(m) for g, m in groups.DEFAULTS.items()}
    data["mode-discussion"] = "immediate"
    response = login(resident).post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert services.email_modes(resident)["discussion"] == "immediate"
    # Only the change is stored.
    assert EmailPreference.objects.count() == 1


def test_bad_choice_is_refused_and_nothing_changes(login, resident):
    data = {f"mode-{g}": str(m) for g, m in groups.DEFAULTS.items()}
    data["mode-discussion"] = "hourly"
    data["mode-supported"] = "never"
    response = login(resident).post(reverse("notifications:preferences"), data)
    assert response.status_code == 400
    assert "That choice is not available." in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_preferences_need_signing_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302


def test_notifications_page_links_to_preferences(login, resident):
    page = login(resident).get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:preferences") in page


def test_switching_language_signed_in_changes_the_email_language(login, resident):
    assert resident.language == "ja"
    login(resident).post(reverse("set_language"), {"language": "en", "next": "/"})
    resident.refresh_from_db()
    assert resident.language == "en"


def test_switching_to_an_unknown_language_changes_nothing(login, resident):
    login(resident).post(reverse("set_language"), {"language": "xx", "next": "/"})
    resident.refresh_from_db()
    assert resident.language == "ja"


def test_signup_stores_the_active_language(client):
    client.cookies["django_language"] = "en"
    client.post(
        "/accounts/signup/",
        {
            "real_name": "Sato Hanako",
            "email": "hanako@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "accept_terms": "on",
        },
    )
    assert User.objects.get(email="hanako@example.org").language == "en"


def _insert_queries(model, n):
    """INSERTs the database needs for ``n`` rows of ``model`` (SQLite caps the
    parameters of a statement, PostgreSQL takes our batch of 1,000)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    per = min(services.BULK_BATCH, connection.ops.bulk_batch_size(fields, [None] * n))
    return math.ceil(n / per)


def _people(n):
    User.objects.bulk_create(
        [User(email=f"f{i}@example.org", real_name=f"F {i}") for i in range(n)],
        batch_size=1000,
    )
    return list(User.objects.order_by("pk").values_list("pk", flat=True))


def test_grouped_answer_fan_out_enqueues_with_bounded_queries(
    settings, django_capture_on_commit_callbacks
):
    """A response covering 50 proposals whose 5,000 followers and supporters are
    told: a fixed number of queries per 1,000 rows, whatever the audience."""
    settings.NOTIFY_EMAIL_BATCH = 200
    ids = _people(5000)
    per_proposal = [ids[i * 100 : (i + 1) * 100] for i in range(50)]
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        for k, followers in enumerate(per_proposal):
            audience = Audience().add(followers[:40], "supporter")
            audience.add(followers, "follower")
            services.notify(
                recipient_ids=audience,
                kind="response.published",
                url=f"/proposals/{k}/",
                data={"title": f"提案{k}", "department": "土木部"},
            )
    assert Notification.objects.count() == 5000
    # Supporters get the answer at once; plain followers in their digest.
    assert Delivery.objects.count() == 50 * 40
    tasks = DBTaskResult.objects.count()
    assert tasks == 50 * math.ceil(40 / 200)
    # Per proposal: the notifications' and deliveries' INSERTs, one query of
    # preferences and a savepoint or two; then the tasks. None per recipient.
    per_proposal_inserts = _insert_queries(Notification, 100) + _insert_queries(
        Delivery, 40
    )
    assert len(queries) <= 50 * (per_proposal_inserts + 3) + tasks


def test_one_notify_to_5000_people_is_a_few_queries(
    settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_EMAIL_BATCH = 500
    ids = _people(5000)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(
            recipient_ids=dict.fromkeys(ids, "supporter"),
            kind="tracker.completed",
            url="/proposals/1/",
            data={"title": "t"},
        )
    assert Delivery.objects.count() == 5000
    assert DBTaskResult.objects.count() == 10
    # The INSERTs of notifications and deliveries, 3 queries of preferences (by
    # 2,000), 10 tasks and the enqueue transaction's savepoint.
    inserts = _insert_queries(Notification, 5000) + _insert_queries(Delivery, 5000)
    assert len(queries) <= inserts + 3 + 10 + 2
