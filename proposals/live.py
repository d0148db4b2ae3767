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


def pages_of_proposal(proposal: Proposal | int) -> Iterable[str]:
    """The version keys of the pages showing a proposal. Given the proposal with
    its process loaded (a support's, ``broadcast.send(..., about=proposal)``), the
    process's slug is read from it; given an id, it is queried. (A proposal never
    changes process; renaming a process's slug bumps every page, ``site``.)"""
    if isinstance(proposal, Proposal):
        proposal_id = proposal.pk
        slug = (
            proposal.process.slug
            if Proposal.process.is_cached(proposal)
            else _slug_of(proposal_id)
        )
    else:
        proposal_id = proposal
        slug = _slug_of(proposal_id)
    yield pagecache.scope("proposal", proposal_id)
    if slug:
        yield pagecache.scope("process", slug)
    yield pagecache.scope("tracker")
    yield pagecache.scope("home")


def _slug_of(proposal_id: int) -> str | None:
    return (
        Proposal.objects.filter(pk=proposal_id)
        .values_list("process__slug", flat=True)
        .first()
    )


def proposal_pages_changed(proposal_id: int) -> None:
    """Invalidate, on commit, the cached pages showing the proposal."""
    pagecache.changed(*pages_of_proposal(proposal_id))


PROPOSAL = registry.register(
    "proposal", socket_path="/ws/proposals/{}/", pages=pages_of_proposal
)
