"""Websocket routes: each app with live pages routes its own consumers in its
``routing.py``; this project wiring only collects them (as ``urls.py`` does)."""

from django.urls import URLPattern

from meetings.routing import websocket_urlpatterns as meetings
from participation.notifications.routing import websocket_urlpatterns as bell
from proposals.routing import websocket_urlpatterns as proposals
from responses.routing import websocket_urlpatterns as tracker

websocket_urlpatterns: list[URLPattern] = [*proposals, *tracker, *bell, *meetings]
