from django.urls import path

from proposals.consumers import ProposalConsumer

websocket_urlpatterns = [
    path(
        "ws/proposals/<int:proposal_id>/",
        ProposalConsumer.as_asgi(),
        name="ws-proposal",
    ),
]
