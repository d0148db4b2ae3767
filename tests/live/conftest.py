from __future__ import annotations

import pytest
from channels.layers import channel_layers


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    """Each test gets a new in-memory channel layer (its own groups and queues)."""
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "participation.live.layers.InMemoryChannelLayer"}
    }
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
