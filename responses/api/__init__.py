"""The response tracker in the REST API: ``views`` (registered by
participation/api/urls.py) and ``serializers`` (their representations)."""
