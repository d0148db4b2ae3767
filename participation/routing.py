"""Websocket routes. Apps with live consumers add their patterns here."""

from django.urls import URLPattern

from participation.live.routing import websocket_urlpatterns as live_patterns

websocket_urlpatterns: list[URLPattern] = [*live_patterns]
