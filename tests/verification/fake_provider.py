"""A fake identity provider, for tests only (never configured outside them).

``start`` sends the resident straight back with the state; ``finish`` reads the
subject the test put in the query (``fake_subject``), as a real provider would
read it from a verified token.
"""

from __future__ import annotations

from urllib.parse import urlencode

from participation.errors import Invalid
from participation.verification.methods.provider import Assertion
from participation.verification.models import Level


class FakeCardProvider:
    key = "fakecard"
    label = "Fake Card"
    level = Level.IDENTITY

    def start(self, request, *, state, return_url):
        subject = request.POST.get("fake_subject", "")
        return f"{return_url}?{urlencode({'state': state, 'fake_subject': subject})}"

    def finish(self, request, *, state):
        subject = request.GET.get("fake_subject", "")
        if subject == "refuse":
            raise Invalid("The card was not accepted.", code="provider_refused")
        return Assertion(subject=subject, area_slug=request.GET.get("area", ""))
