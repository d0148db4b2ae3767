"""What seed_demo refuses to do, and how it calls the other parts' seeders."""

from __future__ import annotations

import sys
import types
from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from demo import content, seed
from participation.spaces.models import Process
from tests import factories

pytestmark = pytest.mark.django_db


def test_refuses_to_take_over_a_real_account_with_a_demo_address():
    factories.UserFactory(email="resident@example.org", real_name="Real Person")
    with pytest.raises(CommandError, match="resident@example.org"):
        call_command("seed_demo", verbosity=0)
    assert not Process.objects.filter(slug__in=content.PROCESS_SLUGS).exists()


def test_refuses_a_half_present_demo_and_points_to_reset():
    factories.ProcessFactory(slug=content.GREEN)
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", verbosity=0)
    assert Process.objects.filter(slug__in=content.PROCESS_SLUGS).count() == 1


def test_missing_extension_seeder_is_skipped_with_a_note(monkeypatch):
    monkeypatch.setattr(
        seed, "EXTENSIONS", (("demo.no_such_seeder", "seed_nothing", "nothing"),)
    )
    lines: list[str] = []
    seed.Seeder(now=timezone.now(), log=lines.append).run_extensions()
    assert lines == ["  - demo.no_such_seeder is not installed: skipping nothing."]


def test_present_extension_seeder_is_called_with_the_seed_time(monkeypatch):
    calls: list[datetime] = []
    module = types.ModuleType("demo.fake_seeder")
    module.seed_fake = calls.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "demo.fake_seeder", module)
    monkeypatch.setattr(
        seed, "EXTENSIONS", (("demo.fake_seeder", "seed_fake", "fake"),)
    )
    now = timezone.now()
    seed.Seeder(now=now, log=lambda line: None).run_extensions()
    assert calls == [now]


def test_seeding_settings_are_restored_afterwards(settings):
    settings.RATE_LIMITS = {"comment": "1/60"}
    with seed.seeding_settings():
        assert settings.RATE_LIMITS == {}
        assert settings.STAFF_MFA_REQUIRED is False
    assert settings.RATE_LIMITS == {"comment": "1/60"}
    assert settings.STAFF_MFA_REQUIRED is True


def test_seeding_people_twice_reuses_the_same_accounts():
    first = seed.Seeder(now=timezone.now(), log=lambda line: None)
    first.seed_people()
    again = seed.Seeder(now=timezone.now(), log=lambda line: None)
    again.seed_people()
    assert {k: u.pk for k, u in first.users.items()} == {
        k: u.pk for k, u in again.users.items()
    }
    assert EmailAddress.objects.filter(email="resident@example.org").count() == 1


def test_live_broadcasts_are_muted_while_history_is_replayed():
    from participation.live import broadcast
    from participation.live.models import LiveEvent

    before = LiveEvent.objects.count()
    with seed.history_is_not_news():
        assert broadcast.send("proposal.1", "proposal.x", {}) is None
    assert LiveEvent.objects.count() == before
    assert broadcast.send.__name__ == "send"
