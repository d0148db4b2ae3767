from __future__ import annotations

import pytest

from participation.moderation.models import Block
from tests import factories


@pytest.fixture
def closed_process(db):
    """A published process whose current phase allows nothing (responses phase)."""
    process = factories.ProcessFactory(open_phase=False)
    factories.PhaseFactory(
        process=process,
        kind="response",
        allows_proposing=False,
        allows_supporting=False,
        allows_commenting=False,
    )
    return process


@pytest.fixture
def blocked(db):
    user = factories.UserFactory(real_name="Blocked Person")
    Block.objects.create(user=user, reason="Repeated insults")
    return user


@pytest.fixture
def comment(db, proposal, resident2):
    return factories.CommentFactory(proposal=proposal, author=resident2)


def valid_proposal_data(**overrides):
    data = {
        "title": "駅前に屋根付きの駐輪場をつくる",
        "body": "雨の日に自転車が濡れてしまいます。駅前の駐輪場に屋根をつけてください。"
        "通勤・通学の人がとても助かります。",
        "location_text": "",
    }
    data.update(overrides)
    return data
