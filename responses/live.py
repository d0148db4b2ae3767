"""The live group of the tracker pages: ``tracker``, one for the whole site, served
by ``TrackerConsumer`` at ``/ws/tracker/``; its events are kept for catch-up. Every
broadcast to it invalidates the cached tracker pages (participation/pagecache.py)."""

from participation import pagecache
from participation.live import registry

TRACKER = registry.register(
    "tracker",
    socket_path="/ws/tracker/",
    per_object=False,
    pages=lambda _none: [pagecache.scope("tracker")],
)
