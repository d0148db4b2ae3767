"""Websocket routes of the live layer (included by ``participation.routing``)."""

from django.urls import path

from participation.live import consumers

websocket_urlpatterns = [
    path(
        "ws/proposals/<int:proposal_id>/",
        consumers.ProposalConsumer.as_asgi(),
        name="ws-proposal",
    ),
    path("ws/tracker/", consumers.TrackerConsumer.as_asgi(), name="ws-tracker"),
    path(
        "ws/notifications/",
        consumers.NotificationConsumer.as_asgi(),
        name="ws-notifications",
    ),
    path(
        "ws/live/<int:session_id>/",
        consumers.SessionConsumer.as_asgi(),
        name="ws-session",
    ),
]
