"""Double submits in live sessions: opinions (people and guests, page and socket),
sessions and themes (participation.idempotency)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import LiveSession, Opinion, SessionTheme
from meetings.rules import Guest
from participation.accounts.models import User
from participation.errors import Conflict
from participation.idempotency.services import replayed
from tests import factories
from tests.concurrency import together
from tests.live.sockets import cookie_for, open_socket, receive_type, run_sync
from tests.meetings.conftest import make_session

OPINION = "駐輪場をもっと増やしてほしいです。"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {}


def test_an_opinion_sent_again_with_its_key_returns_the_first(live_session, resident):
    first = services.opinion_post(
        session=live_session, author=resident, body=OPINION, idempotency_key="o1"
    )
    again = services.opinion_post(
        session=live_session, author=resident, body=OPINION, idempotency_key="o1"
    )
    assert again.pk == first.pk and replayed(again)
    assert Opinion.objects.count() == 1


def test_a_guest_opinion_sent_again_with_its_key_returns_the_first(live_session):
    live_session.allow_guests = True
    live_session.save()
    guest = Guest(name="ゲスト 花子", key="g" * 32)
    first = services.opinion_post(
        session=live_session, guest=guest, body=OPINION, idempotency_key="o1"
    )
    again = services.opinion_post(
        session=live_session, guest=guest, body=OPINION, idempotency_key="o1"
    )
    assert again.pk == first.pk and replayed(again)
    assert Opinion.objects.count() == 1


def test_the_opinion_form_sent_twice_stores_one(login, live_session, resident):
    client = login(resident)
    url = reverse("meetings:opinion_create", args=[live_session.pk])
    page = client.get(reverse("meetings:session", args=[live_session.pk]))
    assert 'name="idempotency_key"' in page.content.decode()
    first = client.post(url, {"body": OPINION, "idempotency_key": "f1"})
    again = client.post(url, {"body": OPINION, "idempotency_key": "f1"})
    assert first.status_code == again.status_code == 302
    assert Opinion.objects.count() == 1


@pytest.mark.usefixtures("threads_db")
def test_identical_opinions_sent_at_once_store_one(process, facilitator):
    session = make_session(process, facilitator)
    author = factories.UserFactory()
    results = together(
        8,
        lambda i: services.opinion_post(
            session=session, author=User.objects.get(pk=author.pk), body=OPINION
        ),
    )
    assert all(isinstance(r, Opinion | Conflict) for r in results), results
    assert Opinion.objects.filter(author=author).count() == 1


def test_a_session_sent_again_with_its_key_returns_the_first(
    process, facilitator, live_session
):
    kwargs = {
        "actor": facilitator,
        "process": process,
        "title": "公園の使い方を話し合う会",
        "starts_at": live_session.starts_at,
        "ends_at": live_session.ends_at,
        "venue": "市民会館",
        "idempotency_key": "s1",
    }
    first = services.session_create(**kwargs)
    again = services.session_create(**kwargs)
    assert again.pk == first.pk and replayed(again)
    assert LiveSession.objects.filter(title="公園の使い方を話し合う会").count() == 1


def test_a_theme_sent_again_with_its_key_returns_the_first(live_session, facilitator):
    kwargs = {
        "actor": facilitator,
        "session": live_session,
        "name": "交通",
        "idempotency_key": "t1",
    }
    first = services.theme_create(**kwargs)
    again = services.theme_create(**kwargs)
    assert again.pk == first.pk and replayed(again)
    assert SessionTheme.objects.count() == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_opinion_resent_over_the_socket_with_its_key_is_stored_once(
    live_session, resident
):
    socket = await open_socket(
        f"/ws/live/{live_session.pk}/?view=public", cookie=await cookie_for(resident)
    )
    for ref in ("r1", "r2"):
        await socket.send_json_to(
            {"action": "post", "body": OPINION, "idempotency_key": "w1", "ref": ref}
        )
        assert (await receive_type(socket, "ok"))["ref"] == ref
    assert await run_sync(Opinion.objects.count) == 1
    await socket.disconnect()
