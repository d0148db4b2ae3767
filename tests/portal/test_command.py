"""manage.py export_opendata DIR."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from participation.audit.models import AuditEvent
from portal.opendata import datasets
from tests import factories

pytestmark = pytest.mark.django_db


def test_command_writes_every_file_and_a_datapackage(tmp_path, process, resident):
    factories.ProposalFactory(process=process, author=resident, title="公園に日陰を")
    out = io.StringIO()
    call_command("export_opendata", str(tmp_path), stdout=out)
    for dataset in datasets.all_datasets():
        assert (
            (tmp_path / f"{dataset.slug}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        )
        assert (tmp_path / f"{dataset.slug}.jsonl").exists()
    assert "公園に日陰を" in (tmp_path / "proposals.csv").read_text("utf-8-sig")
    package = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    assert {r["path"] for r in package["resources"]} >= {"proposals.csv"}
    assert "proposals.csv" in out.getvalue()
    assert not list(tmp_path.glob(".*.partial"))


def test_command_files_match_the_downloads(tmp_path, client, process, resident):
    factories.ProposalFactory(process=process, author=resident)
    call_command(
        "export_opendata",
        str(tmp_path),
        "--dataset",
        "proposals",
        "--format",
        "jsonl",
        stdout=io.StringIO(),
    )
    written = (tmp_path / "proposals.jsonl").read_bytes()
    served = b"".join(client.get("/opendata/proposals.jsonl").streaming_content)
    assert written == served


def test_command_records_the_export_in_the_audit_log(tmp_path, process):
    call_command(
        "export_opendata", str(tmp_path), "--dataset", "comments", stdout=io.StringIO()
    )
    event = AuditEvent.objects.get(action="opendata.export")
    assert event.after["files"] == {"comments.csv": 0, "comments.jsonl": 0}


def test_command_refuses_an_unknown_dataset(tmp_path):
    with pytest.raises(CommandError, match="Unknown dataset"):
        call_command("export_opendata", str(tmp_path), "--dataset", "users")
    assert not AuditEvent.objects.filter(action="opendata.export").exists()
