from django.urls import path

from responses.consumers import TrackerConsumer

websocket_urlpatterns = [
    path("ws/tracker/", TrackerConsumer.as_asgi(), name="ws-tracker"),
]
