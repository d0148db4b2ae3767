"""Published responses are searchable, follow their revisions and their proposal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.search import index
from portal.search import selectors
from responses.models import Response, ResponseRevision, TrackerEntry
from tests import factories

pytestmark = pytest.mark.django_db


def found(q: str, **filters) -> set[tuple[str, int]]:
    return {(d.kind_slug, d.object_id) for d in selectors.search(q, **filters)}


def enter(proposal, department):
    now = timezone.now()
    return TrackerEntry.objects.create(
        proposal=proposal,
        process=proposal.process,
        department=department,
        entered_at=now,
        entered_via="threshold",
        response_due_at=now + timedelta(days=30),
        last_update_at=now,
    )


def publish(entries, official, body, decision="accepted"):
    """The same order of writes as responses.services.response_publish."""
    now = timezone.now()
    department = entries[0].department
    response = Response.objects.create(
        department=department, published_at=now, revision_count=1
    )
    revise(response, official, body, number=1, decision=decision)
    for entry in entries:
        entry.response = response
        entry.decision = decision
        entry.decided_at = now
        entry.save()
    return response


def revise(response, official, body, *, number, decision="accepted"):
    revision = ResponseRevision.objects.create(
        response=response,
        number=number,
        decision=decision,
        body=body,
        author=official,
        author_name=official.real_name,
        department_name=response.department.name,
        created_at=timezone.now(),
    )
    response.current = revision
    response.revision_count = number
    response.save(update_fields=["current", "revision_count"])
    return revision


@pytest.fixture
def entry(proposal, department):
    return enter(proposal, department)


def test_published_response_is_found(entry, official):
    publish([entry], official, "来年度に遊具を更新します。予算を確保しました。")
    assert found("遊具") == {("response", entry.pk)}


def test_revision_replaces_the_searchable_text(entry, official):
    response = publish([entry], official, "来年度に遊具を更新します。")
    revise(response, official, "再来年度にベンチを設置します。", number=2)
    assert found("遊具") == set()
    assert found("ベンチ") == {("response", entry.pk)}


def test_one_response_covering_several_proposals_is_found_for_each(
    entry, official, process, department
):
    other = enter(factories.ProposalFactory(process=process), department)
    publish([entry, other], official, "まとめて回答します。遊具を更新します。")
    assert found("遊具") == {("response", entry.pk), ("response", other.pk)}


def test_response_to_a_hidden_proposal_is_never_found(entry, official, proposal):
    publish([entry], official, "来年度に遊具を更新します。")
    proposal.hidden_at = timezone.now()
    proposal.save(update_fields=["hidden_at"])
    assert found("遊具") == set()


def test_answered_status_keeps_proposals_that_have_a_response(
    entry, official, process, proposal
):
    unanswered = factories.ProposalFactory(process=process, title="公園の照明")
    publish([entry], official, "来年度に遊具を更新します。")
    hits = found("公園", status="answered")
    assert ("proposal", proposal.pk) in hits
    assert ("proposal", unanswered.pk) not in hits


def test_response_hit_names_the_department(entry, official, department):
    publish([entry], official, "来年度に遊具を更新します。")
    (hit,) = selectors.hits(selectors.search("遊具"), "遊具")
    assert hit.kind == "response"
    assert hit.author_name in (department.name, department.name_en)
    assert "<mark>遊具</mark>" in hit.snippet


def test_rebuild_indexes_responses_like_the_triggers(entry, official):
    publish([entry], official, "来年度に遊具を更新します。")
    index.rebuild()
    assert found("遊具") == {("response", entry.pk)}
