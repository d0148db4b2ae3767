from django.urls import path

from meetings.consumers import SessionConsumer

websocket_urlpatterns = [
    path("ws/live/<int:session_id>/", SessionConsumer.as_asgi(), name="ws-session"),
]
