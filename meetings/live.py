"""The live group of a meeting session: ``session.<id>``, served by
``SessionConsumer`` at ``/ws/live/<id>/``; its events are kept for catch-up."""

from participation.live import registry

SESSION = registry.register("session", socket_path="/ws/live/{}/")
