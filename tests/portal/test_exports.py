"""Open data downloads: format, streaming, pseudonyms, no personal data."""

from __future__ import annotations

import csv
import io
import json
import types

import pytest
from django.db.models.query import QuerySet
from django.utils import timezone

from participation.spaces.models import ProcessStatus
from portal.opendata import datasets, exports
from tests import factories

pytestmark = pytest.mark.django_db

BOM = "\ufeff".encode()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict[str, str]]:
    data = body_of(response)
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data[len(BOM) :].decode("utf-8"))))


def jsonl_rows(response) -> list[dict]:
    return [json.loads(line) for line in body_of(response).decode().splitlines()]


@pytest.fixture
def content(process, resident, resident2):
    proposal = factories.ProposalFactory(
        process=process, author=resident, title="公園に日陰を", body="暑いです。"
    )
    factories.CommentFactory(proposal=proposal, author=resident2, body="賛成です。")
    return proposal


def test_index_page_lists_every_dataset_with_licence_and_schema(client, settings):
    settings.OPENDATA_LICENCE = "CC BY 4.0"
    html = client.get("/opendata/").content.decode()
    for dataset in datasets.all_datasets():
        assert f"/opendata/{dataset.slug}.csv" in html
        assert f"/opendata/{dataset.slug}.jsonl" in html
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in html
    assert "CC BY 4.0" in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html


def test_csv_download_starts_with_a_bom_and_keeps_japanese_intact(client, content):
    response = client.get("/opendata/proposals.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    (row,) = csv_rows(response)
    assert row["title"] == "公園に日陰を"
    assert row["body"] == "暑いです。"


def test_jsonl_download_has_one_object_per_line(client, content):
    response = client.get("/opendata/comments.jsonl")
    (row,) = jsonl_rows(response)
    assert row["body"] == "賛成です。"
    assert row["proposal_id"] == content.pk
    assert row["hidden"] is False


def test_download_is_generated_from_a_generator_into_a_file_then_streamed(
    client, content
):
    response = client.get("/opendata/proposals.csv")
    assert response.streaming
    assert not isinstance(response.streaming_content, list | tuple)
    body = body_of(response)
    assert int(response["Content-Length"]) == len(body)
    chunks = exports.chunks(datasets.PROPOSALS, "csv")
    assert isinstance(chunks, types.GeneratorType)


@pytest.mark.parametrize(
    "dataset",
    # The scorecards and participation by group are a handful of aggregated rows.
    [
        d
        for d in datasets.all_datasets()
        if d.slug not in {"department_scorecards", "participation_by_group"}
    ],
    ids=lambda d: d.slug,
)
def test_dataset_rows_come_from_a_chunked_iterator_never_a_full_list(
    dataset, content, monkeypatch
):
    calls = []
    original = QuerySet.iterator

    def spy(self, *args, **kwargs):
        calls.append(kwargs.get("chunk_size"))
        return original(self, *args, **kwargs)

    def no_full_fetch(self):
        pytest.fail("the whole queryset was loaded into a list")

    monkeypatch.setattr(QuerySet, "iterator", spy)
    monkeypatch.setattr(QuerySet, "_fetch_all", no_full_fetch)
    rows = dataset.rows()
    assert isinstance(rows, types.GeneratorType)
    list(rows)
    assert calls == [datasets.CHUNK]


def test_export_never_contains_names_or_emails(client, content, resident, resident2):
    for dataset in datasets.all_datasets():
        for fmt in ("csv", "jsonl"):
            data = body_of(client.get(f"/opendata/{dataset.slug}.{fmt}")).decode()
            for person in (resident, resident2):
                assert person.email not in data
                assert person.real_name not in data


def test_authors_are_stable_pseudonyms_shared_across_datasets(
    client, content, resident
):
    (proposal,) = jsonl_rows(client.get("/opendata/proposals.jsonl"))
    again = jsonl_rows(client.get("/opendata/proposals.jsonl"))[0]
    factories.CommentFactory(proposal=content, author=resident, body="補足です。")
    comments = jsonl_rows(client.get("/opendata/comments.jsonl"))
    assert proposal["author"] == again["author"] == datasets.pseudonym(resident.pk)
    assert proposal["author"] in {row["author"] for row in comments}


def test_pseudonym_depends_on_the_secret_key(settings):
    first = datasets.pseudonym(42)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert datasets.pseudonym(42) != first


def test_hidden_proposal_keeps_its_row_without_its_text(client, content):
    content.hidden_at = timezone.now()
    content.save(update_fields=["hidden_at"])
    (row,) = jsonl_rows(client.get("/opendata/proposals.jsonl"))
    assert row["hidden"] is True
    assert row["title"] == "" and row["body"] == ""
    (comment,) = jsonl_rows(client.get("/opendata/comments.jsonl"))
    assert comment["body"] == ""


def test_deleted_comment_keeps_its_row_without_its_text(client, content):
    comment = content.comments.get()
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    (row,) = jsonl_rows(client.get("/opendata/comments.jsonl"))
    assert row["deleted"] is True and row["body"] == ""


def test_draft_process_content_is_not_exported(client, content, process):
    process.status = ProcessStatus.DRAFT
    process.save(update_fields=["status"])
    assert jsonl_rows(client.get("/opendata/proposals.jsonl")) == []
    assert jsonl_rows(client.get("/opendata/comments.jsonl")) == []


def test_csv_neutralises_spreadsheet_formulas(client, process, resident):
    factories.ProposalFactory(
        process=process, author=resident, title="=HYPERLINK(1)", body="@SUM(A1)"
    )
    (row,) = csv_rows(client.get("/opendata/proposals.csv"))
    assert row["title"] == "'=HYPERLINK(1)"
    assert row["body"] == "'@SUM(A1)"
    (raw,) = jsonl_rows(client.get("/opendata/proposals.jsonl"))
    assert raw["title"] == "=HYPERLINK(1)"


def test_times_are_utc_iso_8601(client, content):
    (row,) = jsonl_rows(client.get("/opendata/proposals.jsonl"))
    assert row["created_at"].endswith("Z")


def test_csv_header_follows_the_documented_schema(client, content):
    data = body_of(client.get("/opendata/comments.csv"))[len(BOM) :].decode()
    header = next(csv.reader(io.StringIO(data)))
    assert header == datasets.COMMENTS.field_names


def test_every_dataset_downloads_in_both_formats(client, content):
    for dataset in datasets.all_datasets():
        for fmt in ("csv", "jsonl"):
            response = client.get(f"/opendata/{dataset.slug}.{fmt}")
            assert response.status_code == 200, (dataset.slug, fmt)
            body_of(response)


def test_unknown_dataset_or_format_is_404(client):
    assert client.get("/opendata/users.csv").status_code == 404
    assert client.get("/opendata/proposals.xlsx").status_code == 404


def test_download_only_answers_get(client):
    assert client.post("/opendata/proposals.csv").status_code == 405


def test_datapackage_describes_every_file_with_licence(client, settings):
    settings.OPENDATA_LICENCE = "CC BY 4.0"
    package = client.get("/opendata/datapackage.json").json()
    assert package["licenses"][0]["name"] == "CC BY 4.0"
    paths = {r["path"].rsplit("/", 1)[1] for r in package["resources"]}
    for dataset in datasets.all_datasets():
        assert {f"{dataset.slug}.csv", f"{dataset.slug}.jsonl"} <= paths
    assert package["created"]


# --- tracker datasets ---------------------------------------------------------------


@pytest.fixture
def answered(process, department, official):
    from tests.portal.helpers import progress, publish_response

    entry, response = publish_response(process, department, official)
    progress(entry, official, body="=cmd|' /C calc'!A0")
    return entry, response


def test_tracker_dataset_links_proposals_to_responses(client, answered, department):
    entry, response = answered
    (row,) = jsonl_rows(client.get("/opendata/tracker.jsonl"))
    assert row["proposal_id"] == entry.proposal_id
    assert row["department"] == department.code
    assert row["response_id"] == response.pk
    assert row["decision"] == "accepted"
    assert row["overdue"] is False


def test_responses_dataset_lists_revisions_with_pseudonymous_officials(
    client, answered, official
):
    (row,) = jsonl_rows(client.get("/opendata/responses.jsonl"))
    assert row["revision"] == 1 and row["is_current"] is True
    assert row["author"] == datasets.pseudonym(official.pk)
    data = body_of(client.get("/opendata/responses.csv")).decode()
    assert official.real_name not in data and official.email not in data


def test_progress_dataset_neutralises_formulas_in_csv(client, answered):
    (row,) = csv_rows(client.get("/opendata/progress_updates.csv"))
    assert row["body"].startswith("'=")
    assert row["percent"] == "30"


def test_scorecards_dataset_has_a_row_per_department_and_a_total(
    client, answered, department
):
    rows = jsonl_rows(client.get("/opendata/department_scorecards.jsonl"))
    assert rows[0]["department"] == department.code
    assert rows[0]["received"] == 1 and rows[0]["answered"] == 1
    assert rows[-1]["department"] == ""


def test_scorecards_hide_satisfaction_under_five_ratings(client, answered):
    from tests.portal.helpers import rate

    _entry, response = answered
    for _ in range(4):
        rate(response, satisfied=True)
    rows = jsonl_rows(client.get("/opendata/department_scorecards.jsonl"))
    assert rows[0]["ratings"] == 4
    assert rows[0]["satisfied_percent"] is None


def test_tracker_row_of_a_hidden_proposal_is_left_out(client, answered):
    entry, _response = answered
    entry.proposal.hidden_at = timezone.now()
    entry.proposal.save(update_fields=["hidden_at"])
    assert jsonl_rows(client.get("/opendata/tracker.jsonl")) == []
    assert jsonl_rows(client.get("/opendata/progress_updates.jsonl")) == []


@pytest.fixture
def response_comments(process, resident, resident2, admin_user, department, official):
    from responses import services as responses
    from responses.models import ResponseComment
    from responses.transitions import Decision

    proposal = factories.ProposalFactory(process=process, author=resident)
    entry = responses.tracker_assign(
        actor=admin_user,
        entry=responses.tracker_forward(actor=admin_user, proposal=proposal),
        department=department,
    )
    response = responses.response_publish(
        actor=official,
        entry=entry,
        decision=Decision.ACCEPTED,
        body="ご提案ありがとうございます。来年度に日よけを設置します。",
    )
    kept = responses.response_comment_create(
        author=resident2,
        response=response,
        proposal=proposal,
        body="設置の時期を教えてください。",
    )
    hidden = responses.response_comment_create(
        author=resident,
        response=response,
        proposal=proposal,
        body="この返答は読みにくいと思います。",
    )
    ResponseComment.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    return response, kept, hidden


def test_comments_on_responses_are_open_data_with_hidden_text_withheld(
    client, response_comments
):
    response, kept, hidden = response_comments
    rows = {
        int(r["id"]): r for r in csv_rows(client.get("/opendata/response_comments.csv"))
    }
    assert rows[kept.pk]["body"] == "設置の時期を教えてください。"
    assert rows[kept.pk]["response_id"] == str(response.pk)
    assert rows[kept.pk]["author"] == datasets.pseudonym(kept.author_id)
    assert rows[hidden.pk]["body"] == ""
    assert rows[hidden.pk]["hidden"] == "true"


def test_comments_on_responses_in_draft_processes_are_not_exported(
    client, response_comments, process
):
    type(process).objects.filter(pk=process.pk).update(status=ProcessStatus.DRAFT)
    assert jsonl_rows(client.get("/opendata/response_comments.jsonl")) == []
