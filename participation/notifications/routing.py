from django.urls import path

from participation.notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path(
        "ws/notifications/",
        NotificationConsumer.as_asgi(),
        name="ws-notifications",
    ),
]
