"""Proposals and comments in the REST API: ``views`` (the viewsets, registered by
participation/api/urls.py) and ``serializers`` (their representations)."""
