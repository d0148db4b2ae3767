"""Review dates (as Loomio): an under review, not adopted or referred decision may
carry a public review date; when it comes the department is reminded and the
tracker shows "review due" until an update is posted."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from participation.errors import Invalid
from participation.notifications.models import Notification
from responses import reminders, selectors, services
from responses.models import TrackerEntry
from responses.transitions import Decision
from tests.responses.conftest import REASON, publish

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def refused(assigned, official):
    with time_machine.travel(DAY, tick=False):
        return publish(
            assigned,
            official,
            decision=Decision.NOT_ADOPTED,
            body=REASON,
            review_on=date(2027, 4, 1),
        )


def test_a_not_adopted_decision_carries_a_public_review_date(refused, client):
    assert refused.review_on == date(2027, 4, 1)
    page = client.get(refused.proposal.get_absolute_url()).content.decode()
    assert "Review date" in page and 'datetime="2027-04-01"' in page
    document = client.get(f"/proposals/{refused.proposal_id}/tracker.json").json()
    assert document["tracker"]["review_on"] == "2027-04-01"
    assert document["tracker"]["review_due"] is False
    csv = b"".join(client.get("/tracker/export.csv").streaming_content).decode()
    assert ",review_on,review_due," in csv.splitlines()[0]
    assert csv.splitlines()[1].endswith(",2027-04-01,no,")
    assert selectors.entry_summary(refused)["review_on"] == date(2027, 4, 1)


def test_a_review_date_must_be_in_the_future(assigned, official):
    with time_machine.travel(DAY, tick=False), pytest.raises(Invalid) as caught:
        publish(
            assigned,
            official,
            decision=Decision.NOT_ADOPTED,
            body=REASON,
            review_on=date(2026, 12, 1),
        )
    assert caught.value.field_errors == {"review_on": ["past"]}
    assert TrackerEntry.objects.get(pk=assigned.pk).response_id is None


def test_an_accepted_decision_cannot_carry_a_review_date(assigned, official):
    with time_machine.travel(DAY, tick=False), pytest.raises(Invalid) as caught:
        publish(assigned, official, review_on=date(2027, 4, 1))
    assert caught.value.field_errors == {"review_on": ["not_allowed"]}


def test_under_review_can_set_a_new_review_date(assigned, official):
    with time_machine.travel(DAY, tick=False):
        services.tracker_set_status(
            actor=official,
            entry=assigned,
            status=Decision.UNDER_REVIEW,
            review_on=date(2027, 1, 15),
        )
        entry = services.tracker_set_status(
            actor=official,
            entry=assigned,
            status=Decision.UNDER_REVIEW,
            review_on=date(2027, 2, 15),
        )
    assert entry.review_on == date(2027, 2, 15)


def test_the_review_date_reminds_the_department_once_and_shows_review_due(
    refused, official, client
):
    TrackerEntry.objects.filter(pk=refused.pk).update(last_update_at=DAY)
    assert reminders.send_review_reminders(datetime(2027, 3, 31, 23, tzinfo=TOKYO)) == 0
    on_the_day = datetime(2027, 4, 1, 0, 30, tzinfo=TOKYO)
    assert reminders.send_review_reminders(on_the_day) == 1
    assert reminders.send_review_reminders(on_the_day) == 0
    note = Notification.objects.get(kind="tracker.review_due")
    assert (note.recipient_id, note.reason) == (official.pk, "department")
    assert note.data["review_on"] == "2027-04-01"
    with time_machine.travel(on_the_day, tick=False):
        entry = TrackerEntry.objects.get(pk=refused.pk)
        assert entry.review_due
        due = selectors.tracker_entries(
            selectors.TrackerFilters(review_due=True), now=on_the_day
        )
        assert [e.pk for e in due] == [refused.pk]
        page = client.get("/tracker/?review_due=on").content.decode()
        assert "Review due" in page and refused.proposal.title in page


def test_an_update_clears_review_due(refused, official):
    TrackerEntry.objects.filter(pk=refused.pk).update(last_update_at=DAY)
    later = datetime(2027, 4, 2, 10, tzinfo=TOKYO)
    with time_machine.travel(later, tick=False):
        services.response_revise(
            actor=official,
            entry=TrackerEntry.objects.get(pk=refused.pk),
            decision=Decision.NOT_ADOPTED,
            body=REASON + "再検討の結果、方針は変わりません。",
            change_note="見直し日に再検討しました。",
            review_on=date(2028, 4, 1),
        )
        entry = TrackerEntry.objects.get(pk=refused.pk)
        assert not entry.review_due
        assert entry.review_on == date(2028, 4, 1)
        due = selectors.tracker_entries(
            selectors.TrackerFilters(review_due=True), now=later
        )
        assert list(due) == []
    assert reminders.send_review_reminders(later) == 0


def test_the_decision_form_takes_a_review_date(client, assigned, official):
    client.force_login(official)
    with time_machine.travel(DAY, tick=False):
        page = client.post(
            f"/proposals/{assigned.proposal_id}/tracker/respond/",
            {
                "decision": "accepted",
                "body": "ご提案どおり実施します。" * 3,
                "review_on": "2027-04-01",
            },
        )
    assert page.status_code == 400
    assert TrackerEntry.objects.get(pk=assigned.pk).response_id is None
