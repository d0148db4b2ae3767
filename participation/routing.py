"""Websocket routes. Apps with live consumers add their patterns here."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
