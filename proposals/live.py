"""The live group of a proposal page: ``proposal.<id>``, served by
``ProposalConsumer`` at ``/ws/proposals/<id>/``; its events are kept for catch-up.

Every broadcast to it invalidates the cached pages that show the proposal: its own
page, its process's pages (the list's cards, the latest on the process page) and
the tracker (its rows show support counts) and the home page (proposal totals).
Writes that broadcast nothing (a proposal created or edited) call
``proposal_pages_changed``. participation/pagecache.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from participation import pagecache
from participation.live import registry
from proposals.models import Proposal


def pages_of_proposal(proposal_id: int) -> Iterable[str]:
    slug = (
        Proposal.objects.filter(pk=proposal_id)
        .values_list("process__slug", flat=True)
        .first()
    )
    yield pagecache.scope("proposal", proposal_id)
    if slug:
        yield pagecache.scope("process", slug)
    yield pagecache.scope("tracker")
    yield pagecache.scope("home")


def proposal_pages_changed(proposal_id: int) -> None:
    """Invalidate, on commit, the cached pages showing the proposal."""
    pagecache.changed(*pages_of_proposal(proposal_id))


PROPOSAL = registry.register(
    "proposal", socket_path="/ws/proposals/{}/", pages=pages_of_proposal
)
