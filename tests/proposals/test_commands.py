from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from proposals.models import Proposal
from tests import factories

pytestmark = pytest.mark.django_db


def test_recount_command_reports_and_fixes_drift(proposal):
    factories.SupportFactory(proposal=proposal)
    out = StringIO()
    call_command("recount", stdout=out)
    assert "Proposals corrected: 1" in out.getvalue()
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1


def test_recount_command_says_when_all_is_exact(proposal):
    out = StringIO()
    call_command("recount", "--proposal", str(proposal.pk), stdout=out)
    assert "Proposals corrected: 0" in out.getvalue()
    assert "All counters are exact." in out.getvalue()
