"""The one CSV writer: formulas neutralised in every cell of every CSV the product
emits, UTF-8 with a BOM, streamed in chunks."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from participation import csvwriter
from portal.opendata import datasets
from responses import services
from responses.transitions import Decision
from tests import factories
from tests.responses.conftest import REASON

ROOT = Path(__file__).resolve().parents[2]
HYPERLINK = '=HYPERLINK("http://evil","x")'
NUMBER = re.compile(r"-?\d+(\.\d+)?")


# --- the writer -------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [HYPERLINK, "@SUM(1)", "+1+1", "-1+1", "\tcmd", "\r=1", "=", "@"],
)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(value):
    assert csvwriter.cell(value) == "'" + value


@pytest.mark.parametrize(
    "value,text",
    [
        (-3, "-3"),
        (2.5, "2.5"),
        (None, ""),
        (True, "true"),
        (False, "false"),
        ("公園に日陰を", "公園に日陰を"),
        ("a=b", "a=b"),
    ],
)
def test_numbers_and_plain_text_are_written_as_they_are(value, text):
    assert csvwriter.cell(value) == text


def test_chunks_start_with_one_bom_and_keep_every_row():
    rows = ([i, f"行{i}", "=1"] for i in range(200))
    chunks = list(csvwriter.csv_chunks(["n", "text", "f"], rows, chunk_bytes=100))
    assert len(chunks) > 1
    assert chunks[0].startswith(csvwriter.BOM)
    assert not any(chunk.startswith(csvwriter.BOM) for chunk in chunks[1:])
    data = b"".join(chunks)[len(csvwriter.BOM) :].decode("utf-8")
    parsed = list(csv.reader(io.StringIO(data)))
    assert parsed[0] == ["n", "text", "f"]
    assert parsed[1:] == [[str(i), f"行{i}", "'=1"] for i in range(200)]


def test_an_empty_table_is_a_bom_and_a_header():
    assert b"".join(csvwriter.csv_chunks(["a", "b"], [])) == (
        csvwriter.BOM + b"a,b\r\n"
    )


# --- every CSV the product emits --------------------------------------------------
@pytest.fixture
def hostile(db, process, resident, admin_user, official, department):
    """A proposal titled like a formula, with a formula body, a formula comment, and
    referred to a body whose name is a formula."""
    proposal = factories.ProposalFactory(
        process=process, author=resident, title=HYPERLINK, body="@SUM(1)"
    )
    factories.CommentFactory(
        proposal=proposal, author=resident, body="+1+cmd|' /C calc'!A0"
    )
    entry = services.tracker_forward(actor=admin_user, proposal=proposal)
    entry = services.tracker_assign(
        actor=admin_user, entry=entry, department=department
    )
    services.response_publish(
        actor=official,
        entry=entry,
        decision=Decision.REFERRED,
        body=REASON,
        referred_to="@SUM(1)",
    )
    return proposal


def _cells(data: bytes) -> list[list[str]]:
    assert data.startswith(csvwriter.BOM)
    return list(csv.reader(io.StringIO(data[len(csvwriter.BOM) :].decode("utf-8"))))


def _assert_no_formula(rows: list[list[str]], where: str) -> None:
    for row in rows:
        for value in row:
            if NUMBER.fullmatch(value):
                continue
            assert not value.startswith(csvwriter.FORMULA_START), (where, value)


def _download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, path
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_the_tracker_export_neutralises_titles_and_referral_names(client, hostile):
    header, *rows = _cells(_download(client, "/tracker/export.csv"))
    (row,) = [dict(zip(header, r, strict=True)) for r in rows]
    assert row["title"] == "'" + HYPERLINK
    assert row["referred_to"] == "'@SUM(1)"
    _assert_no_formula(rows, "/tracker/export.csv")


@pytest.mark.parametrize("slug", [d.slug for d in datasets.all_datasets()])
def test_no_open_data_download_has_a_live_formula(client, hostile, slug):
    path = f"/opendata/{slug}.csv"
    _assert_no_formula(_cells(_download(client, path)), path)


def test_no_exported_open_data_file_has_a_live_formula(hostile, tmp_path):
    call_command("export_opendata", str(tmp_path), stdout=io.StringIO())
    files = sorted(tmp_path.glob("*.csv"))
    assert len(files) == len(datasets.all_datasets())
    for path in files:
        _assert_no_formula(_cells(path.read_bytes()), path.name)
    rows = _cells((tmp_path / "proposals.csv").read_bytes())
    assert any("'" + HYPERLINK in row for row in rows)


def test_no_module_but_the_csv_writer_writes_csv():
    """Every CSV goes through participation/csvwriter.py: no other module of the
    product imports the csv module."""
    offenders = []
    for package in ("participation", "proposals", "responses", "demo"):
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "participation" / "csvwriter.py":
                continue
            source = path.read_text("utf-8")
            if re.search(r"^\s*(import csv\b|from csv import)", source, re.M):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
