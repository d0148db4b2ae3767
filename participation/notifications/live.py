"""The live group of a person's notifications bell: ``user.<id>``, served by
``NotificationConsumer`` at ``/ws/notifications/``. Not logged: on reconnect the
bell receives the current unread count."""

from participation.live import registry

USER = registry.register(
    "notifications", prefix="user", socket_path="/ws/notifications/", logged=False
)
