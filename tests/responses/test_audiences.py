"""Who hears of a tracker change and why, and that building the audience costs a
bounded number of queries whatever its size."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.accounts.models import User
from participation.notifications import services as notifications
from participation.notifications.models import Follow, Notification
from proposals.audience import proposal_audience
from proposals.models import Proposal, Support
from responses import services
from responses.transitions import Decision
from tests import factories
from tests.responses.conftest import ANSWER, publish

# Rows are inserted in batches the database sizes (SQLite caps the parameters of
# one statement), so their INSERTs grow with the rows; every other query must not.
ROW_INSERTS = (
    'INSERT INTO "notifications_notification"',
    'INSERT INTO "notifications_delivery"',
)


def _reasons(kind: str) -> dict[int, str]:
    return dict(
        Notification.objects.filter(kind=kind).values_list("recipient_id", "reason")
    )


def _queries_besides_notification_rows(ctx: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in ctx.captured_queries
        if not any(insert in q["sql"] for insert in ROW_INSERTS)
    )


def _bulk_users(n: int, prefix: str) -> list[int]:
    User.objects.bulk_create(
        [
            User(email=f"{prefix}{i}@example.org", real_name=f"{prefix} {i}")
            for i in range(n)
        ]
    )
    return list(
        User.objects.filter(email__startswith=prefix).values_list("pk", flat=True)
    )


def _add_supporters(proposal: Proposal, user_ids: list[int]) -> None:
    Support.objects.bulk_create(
        [Support(proposal=proposal, user_id=uid) for uid in user_ids]
    )
    ct = ContentType.objects.get_for_model(Proposal)
    Follow.objects.bulk_create(
        [
            Follow(user_id=uid, content_type=ct, object_id=proposal.pk)
            for uid in user_ids
        ]
    )


def test_a_response_tells_each_person_their_own_reason(
    assigned, official, resident, supporter
):
    proposal = assigned.proposal
    commenter = factories.UserFactory()
    factories.CommentFactory(proposal=proposal, author=commenter)
    follower = factories.UserFactory()
    notifications.follow(user=follower, target=proposal)
    notifications.follow(user=supporter, target=proposal)  # also follows
    publish(assigned, official)
    assert _reasons("response.published") == {
        resident.pk: "author",
        supporter.pk: "supporter",
        commenter.pk: "commenter",
        follower.pk: "follower",
    }


def test_a_deleted_comment_does_not_make_its_author_a_commenter(proposal):
    commenter = factories.UserFactory()
    comment = factories.CommentFactory(proposal=proposal, author=commenter)
    comment.deleted_at = comment.created_at
    comment.save(update_fields=["deleted_at"])
    assert commenter.pk not in proposal_audience(proposal)


def test_assignment_tells_officials_their_department_handles_it(
    entry, admin_user, department, official, resident
):
    services.tracker_assign(actor=admin_user, entry=entry, department=department)
    reasons = _reasons("proposal.assigned")
    assert reasons[official.pk] == "department"
    assert reasons[resident.pk] == "author"


def test_threshold_entry_tells_facilitators_why(proposal, facilitator, resident):
    from responses.services.tracking import on_threshold_reached

    on_threshold_reached(proposal)
    reasons = _reasons("proposal.threshold_reached")
    assert reasons == {resident.pk: "author", facilitator.pk: "facilitator"}


def test_a_dispute_tells_officials_as_their_department(disputed, official):
    assert _reasons("tracker.disputed")[official.pk] == "department"


def test_publishing_costs_the_same_queries_for_3_or_300_supporters(
    department, official, process, admin_user
):
    def measure(n: int, prefix: str) -> tuple[int, int]:
        proposal = factories.ProposalFactory(process=process)
        _add_supporters(proposal, _bulk_users(n, prefix))
        entry = services.tracker_forward(actor=admin_user, proposal=proposal)
        services.tracker_assign(actor=admin_user, entry=entry, department=department)
        with CaptureQueriesContext(connection) as ctx:
            services.response_publish(
                actor=official, entry=entry, decision=Decision.ACCEPTED, body=ANSWER
            )
        sent = Notification.objects.filter(
            kind="response.published", url=entry.get_absolute_url()
        ).count()
        return _queries_besides_notification_rows(ctx), sent

    measure(1, "warm")  # caches (content types, site) filled once
    small, small_sent = measure(3, "few")
    large, large_sent = measure(300, "many")
    assert (small_sent, large_sent) == (4, 301)  # with the author
    assert large == small


def test_a_grouped_answer_for_50_proposals_and_5000_followers_is_bounded(
    department, official, process, admin_user, django_assert_max_num_queries
):
    def group(followers_each: int, prefix: str) -> list:
        entries = []
        users = _bulk_users(followers_each * 51, prefix)
        for i in range(51):
            proposal = factories.ProposalFactory(process=process)
            _add_supporters(
                proposal, users[i * followers_each : (i + 1) * followers_each]
            )
            entry = services.tracker_forward(actor=admin_user, proposal=proposal)
            entries.append(
                services.tracker_assign(
                    actor=admin_user, entry=entry, department=department
                )
            )
        return entries

    def measure(entries: list) -> int:
        with CaptureQueriesContext(connection) as ctx:
            services.response_publish(
                actor=official,
                entry=entries[0],
                decision=Decision.ACCEPTED,
                body=ANSWER,
                also=[e.pk for e in entries[1:]],
            )
        return _queries_besides_notification_rows(ctx)

    measure(group(0, "warm")[:2])  # caches (content types, site) filled once
    baseline = measure(group(1, "one"))
    big = group(100, "hundred")  # 5,100 supporters who follow
    before = Notification.objects.filter(kind="response.published").count()
    with django_assert_max_num_queries(baseline + 51 * 60):
        crowd = measure(big)
    assert crowd == baseline
    sent = Notification.objects.filter(kind="response.published").count() - before
    assert sent == 51 * 101


# --- Changes beyond the tracker -------------------------------------------------------
def test_a_withdrawn_proposal_tells_its_supporters_and_followers(proposal, resident):
    from proposals import services as proposal_services

    supporter = factories.UserFactory()
    factories.SupportFactory(proposal=proposal, user=supporter)
    follower = factories.UserFactory()
    notifications.follow(user=follower, target=proposal)
    proposal_services.proposal_withdraw(actor=resident, proposal=proposal)
    assert _reasons("proposal.withdrawn") == {
        supporter.pk: "supporter",
        follower.pk: "follower",
    }


def test_a_hidden_proposal_tells_its_supporters_and_its_author_why(
    proposal, resident, facilitator
):
    from participation.moderation import services as moderation

    supporter = factories.UserFactory()
    factories.SupportFactory(proposal=proposal, user=supporter)
    moderation.content_hide(
        actor=facilitator, target=proposal, reason_code="spam", reason="広告です。"
    )
    assert _reasons("proposal.hidden") == {supporter.pk: "supporter"}
    assert _reasons("moderation.content_hidden") == {resident.pk: "author"}


def test_a_first_rating_tells_the_department_and_a_changed_one_does_not(
    accepted, official, resident2
):
    response = accepted.response
    services.response_rate(
        user=resident2, response=response, clear=True, satisfied=False
    )
    services.response_rate(
        user=resident2, response=response, clear=True, satisfied=True
    )
    note = Notification.objects.get(kind="response.rated")
    assert (note.recipient_id, note.reason) == (official.pk, "department")
    assert "rated your department's response" in note.message


def test_a_reply_tells_its_parent_author_replied_and_others_their_role(
    proposal, resident, resident2
):
    from proposals import services as proposal_services

    first = factories.UserFactory()
    parent = proposal_services.comment_create(
        author=first, proposal=proposal, body="最初のコメントです。よろしく。"
    )
    proposal_services.comment_create(
        author=resident2,
        proposal=proposal,
        body="返信します。賛成です。",
        parent=parent,
    )
    assert _reasons("comment.reply") == {first.pk: "replied"}
    assert _reasons("comment.created")[resident.pk] == "author"
