"""A request that finds no free database connection (or export slot) is told to
come back, in its language, with Retry-After: 503, never 500. Large downloads read
all their rows before the first byte is sent, so a slow client never holds a
connection, and a failure while generating is an error page, never a download cut
after its 200 header. The health checks: /healthz (liveness) never touches the
database, /readyz (readiness) says whether the database answers.

These run on SQLite and PostgreSQL; tests/live/test_stalled_downloads.py shows the
same with a real server and a real pool on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from participation import spool
from portal.opendata import exports
from tests import factories

pytestmark = pytest.mark.django_db

EXPORTS = ["/opendata/proposals.csv", "/opendata/comments.jsonl", "/tracker/export.csv"]


def _pool_timeout() -> OperationalError:
    """What Django raises when psycopg's pool has no connection free in time."""
    from psycopg_pool import PoolTimeout

    try:
        try:
            raise PoolTimeout("couldn't get a connection after 10.00 sec")
        except PoolTimeout as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


@pytest.fixture
def no_free_connection(monkeypatch):
    """Every database access from now on waits for the pool and gives up."""

    def give_up(*args, **kwargs):
        raise _pool_timeout()

    monkeypatch.setattr(connection, "ensure_connection", give_up)


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "The site is very busy right now"), ("ja", "ただいま大変混み合っています")],
)
def test_a_page_that_finds_no_free_connection_answers_503_with_retry_after(
    client, proposal, language, text, request
):
    url = proposal.get_absolute_url()
    request.getfixturevalue("no_free_connection")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert text in response.content.decode()
    assert response["Content-Language"] == language


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "The site is very busy right now"), ("ja", "ただいま大変混み合っています")],
)
def test_the_api_answers_a_busy_pool_with_503_json_and_retry_after(
    client, proposal, language, text, request
):
    request.getfixturevalue("no_free_connection")
    response = client.get("/api/v1/proposals/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "unavailable"
    assert text in response.json()["message"]


def test_an_error_outside_the_pool_is_still_a_500(client, proposal, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("syntax error at or near ...")

    url = proposal.get_absolute_url()
    monkeypatch.setattr(connection, "ensure_connection", broken)
    client.raise_request_exception = False
    assert client.get(url).status_code == 500


@pytest.mark.parametrize("url", EXPORTS)
def test_a_download_reads_every_row_before_its_first_byte(
    client, proposal, url, django_assert_num_queries
):
    factories.CommentFactory(proposal=proposal)
    response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(0):
        body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)


def test_the_personal_data_download_reads_everything_before_its_first_byte(
    client, resident, proposal, django_assert_num_queries
):
    client.force_login(resident)
    response = client.get("/accounts/data/download/")
    assert response.status_code == 200
    with django_assert_num_queries(0):
        body = b"".join(response.streaming_content)
    assert proposal.title in body.decode()
    assert int(response["Content-Length"]) == len(body)


def test_a_failure_while_generating_is_a_503_never_a_cut_download(
    client, proposal, monkeypatch
):
    def breaks_midway(dataset, **kwargs):
        yield b"\xef\xbb\xbfid,title\r\n"
        raise _pool_timeout()

    monkeypatch.setattr(exports, "csv_chunks", breaks_midway)
    response = client.get("/opendata/proposals.csv", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "ただいま大変混み合っています" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Many downloads are being prepared"), ("ja", "多くのダウンロードを準備")],
)
def test_a_download_beyond_the_export_slots_answers_503_with_retry_after(
    client, proposal, settings, language, text
):
    settings.EXPORT_MAX_CONCURRENT = 1
    settings.EXPORT_QUEUE_TIMEOUT = 0
    slots = spool._export_slots()
    assert slots.acquire(timeout=1)  # another download is being generated
    try:
        response = client.get("/opendata/proposals.csv", HTTP_ACCEPT_LANGUAGE=language)
    finally:
        slots.release()
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert text in response.content.decode()
    assert client.get("/opendata/proposals.csv").status_code == 200


def test_healthz_answers_without_the_database(client, no_free_connection):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_503_when_the_database_does_not_answer(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refused)
    if getattr(connection, "pool", None) is not None:
        import psycopg

        monkeypatch.setattr(psycopg, "connect", refused)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_readyz_does_not_wait_for_a_busy_pool(client, no_free_connection):
    if getattr(connection, "pool", None) is None:
        pytest.skip("no pool on this database: /readyz uses the usual connection")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert set(response.json()["pool"]) == {"size", "available", "waiting", "max"}


def _connection_lost() -> OperationalError:
    """What Django raises when PostgreSQL ended the connection a request uses
    (pg_terminate_backend: SQLSTATE 57P01, admin shutdown)."""
    import psycopg.errors

    try:
        try:
            raise psycopg.errors.AdminShutdown(
                "terminating connection due to administrator command"
            )
        except psycopg.Error as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The connection to the database was interrupted"),
        ("ja", "データベースとの接続が途切れました"),
    ],
)
def test_a_lost_database_connection_answers_503_with_retry_after(
    client, proposal, monkeypatch, language, text
):
    def lost(*args, **kwargs):
        raise _connection_lost()

    monkeypatch.setattr(connection, "ensure_connection", lost)
    response = client.get("/api/v1/proposals/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert text in response.json()["message"]


def test_a_statement_error_is_not_taken_for_a_lost_connection():
    import psycopg.errors

    from participation.dbpool import is_lost_connection

    try:
        try:
            raise psycopg.errors.UndefinedColumn("column x does not exist")
        except psycopg.Error as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        assert not is_lost_connection(error)
    assert is_lost_connection(_connection_lost())
