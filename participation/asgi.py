"""ASGI entry point: HTTP through Django, websockets through channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "participation.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from participation.live.fanout import KeepServerSend  # noqa: E402
from participation.live.origins import SiteOriginValidator  # noqa: E402
from participation.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Only pages of the site's own origin (scheme, host and port) may open a
        # websocket (participation/live/origins.py). The server's own send is
        # kept for the fan-out's writes (participation/live/fanout.py).
        "websocket": KeepServerSend(
            SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# The application is loaded: freeze it and keep the collector out of broadcasts
# (in server processes; a test run that imports the application is left alone).
from django.conf import settings  # noqa: E402

from participation.runtime import tune_gc  # noqa: E402

if not settings.TESTING:
    tune_gc()
