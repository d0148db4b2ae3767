"""The live group of a proposal page: ``proposal.<id>``, served by
``ProposalConsumer`` at ``/ws/proposals/<id>/``; its events are kept for catch-up."""

from participation.live import registry

PROPOSAL = registry.register("proposal", socket_path="/ws/proposals/{}/")
