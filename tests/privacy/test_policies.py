"""Terms of use and privacy policy: versions, public pages, acceptance at sign-up
and again after a change, the staff edit page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation.audit.models import AuditEvent
from participation.errors import Invalid, NotAllowed
from participation.privacy import services
from participation.privacy.models import PolicyAcceptance, PolicyDocument, PolicyKind

pytestmark = pytest.mark.django_db


def publish(kind=PolicyKind.TERMS, actor=None, **extra):
    fields = {"title": "利用規約", "body": "第1条 新しい条文。", **extra}
    return services.policy_publish(actor=actor, kind=kind, **fields)


def test_defaults_ship_in_japanese_and_english(db):
    for kind in PolicyKind.values:
        document = PolicyDocument.objects.current(kind)
        assert document.version == 1
        assert document.body and document.body_en
        assert document.body_html.startswith("<p>")
    assert (
        "個人情報の保護に関する法律" in PolicyDocument.objects.current("privacy").body
    )


@pytest.mark.parametrize("url", ["/terms/", "/privacy/"])
def test_public_pages_show_the_current_version(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Version 1" in response.content.decode()


def test_pages_are_in_japanese_for_japanese_readers(client, settings):
    settings.LANGUAGE_CODE = "ja"
    page = client.get("/terms/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "第1条（目的）" in page


def test_footer_links_to_both(client):
    page = client.get("/").content.decode()
    assert 'href="/terms/"' in page and 'href="/privacy/"' in page


def test_a_new_version_is_a_new_row_and_old_ones_stay_readable(client):
    first = PolicyDocument.objects.current("terms")
    second = publish(summary="Article 1 rewritten")
    assert second.version == first.version + 1
    assert PolicyDocument.objects.current("terms") == second
    assert "第1条 新しい条文。" in client.get("/terms/").content.decode()
    old = client.get("/terms/", {"version": first.version}).content.decode()
    assert "This is an earlier version." in old


@pytest.mark.parametrize("version", ["99", "abc", "-1"])
def test_unknown_version_is_404(client, version):
    assert client.get("/terms/", {"version": version}).status_code == 404


def test_publishing_is_audited(admin_user):
    document = publish(actor=admin_user)
    event = AuditEvent.objects.get(action="policy.publish")
    assert event.actor == admin_user and event.target_id == str(document.pk)


@pytest.mark.parametrize("who", ["official", "facilitator", "resident", "admin_no_mfa"])
def test_only_administrators_publish(request, who):
    with pytest.raises(NotAllowed):
        publish(actor=request.getfixturevalue(who))
    assert PolicyDocument.objects.filter(kind="terms").count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"title": " ", "body": "x"},
        {"title": "t", "body": ""},
        {"title": "t", "body": "x", "body_en": "English", "title_en": ""},
        {"title": "t" * 151, "body": "x"},
    ],
)
def test_bad_input_is_refused(admin_user, fields):
    with pytest.raises(Invalid):
        services.policy_publish(actor=admin_user, kind="terms", **fields)


def test_unknown_kind_is_refused(admin_user):
    with pytest.raises(Invalid):
        services.policy_publish(actor=admin_user, kind="cookies", title="t", body="x")


def test_staff_page_publishes_a_new_version(login, admin_user):
    client = login(admin_user)
    url = reverse("privacy:staff_policy_new", args=["privacy"])
    form = client.get(url).content.decode()
    assert "個人情報" in form  # the current text, to edit
    response = client.post(
        url,
        {
            "title": "プライバシーポリシー",
            "body": "改定した本文。",
            "summary": "Contact desk",
            "requires_acceptance": "on",
        },
    )
    assert response.status_code == 302
    assert PolicyDocument.objects.current("privacy").body == "改定した本文。"


def test_staff_page_with_bad_input_is_400(login, admin_user):
    response = login(admin_user).post(
        reverse("privacy:staff_policy_new", args=["terms"]), {"title": "", "body": ""}
    )
    assert response.status_code == 400
    assert PolicyDocument.objects.filter(kind="terms").count() == 1


def test_staff_page_of_unknown_kind_is_404(login, admin_user):
    response = login(admin_user).get(
        reverse("privacy:staff_policy_new", args=["cookies"])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["official", "facilitator", "resident"])
def test_staff_pages_refuse_other_roles(request, login, who):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("privacy:staff_policies")).status_code == 403
    response = client.post(
        reverse("privacy:staff_policy_new", args=["terms"]), {"title": "t", "body": "x"}
    )
    assert response.status_code == 403
    assert PolicyDocument.objects.filter(kind="terms").count() == 1


# --- acceptance -------------------------------------------------------------------


def signup(client, email="new.person@example.org", **extra):
    data = {
        "real_name": "New Person",
        "email": email,
        "password1": "a-long-enough-passphrase-2026",
        "password2": "a-long-enough-passphrase-2026",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_sign_up_requires_accepting_the_terms(client, db):
    response = signup(client)
    assert response.status_code == 200
    assert "Please read and accept" in response.content.decode()
    assert not PolicyAcceptance.objects.exists()


def test_sign_up_records_the_versions_accepted(client, db):
    response = signup(client, accept_terms="on")
    assert response.status_code == 302
    accepted = set(
        PolicyAcceptance.objects.values_list("document__kind", "document__version")
    )
    assert accepted == {("terms", 1), ("privacy", 1)}


def test_a_new_version_asks_again_without_blocking_reading(login, resident):
    services.policies_accept(
        user=resident, documents=services.policies_to_accept(resident)
    )
    client = login(resident)
    assert "Read and accept the new version" not in client.get("/").content.decode()
    publish(summary="New article on moderation")
    page = client.get("/")
    assert page.status_code == 200
    assert "Read and accept the new version" in page.content.decode()
    accept_page = client.get(reverse("privacy:accept")).content.decode()
    assert "New article on moderation" in accept_page


def test_accepting_records_and_stops_asking(login, resident):
    client = login(resident)
    response = client.post(
        reverse("privacy:accept"), {"accept": "on", "next": "/tracker/"}
    )
    assert response.status_code == 302 and response.url == "/tracker/"
    assert services.policies_to_accept(resident) == []
    assert "Read and accept the new version" not in client.get("/").content.decode()


def test_accepting_without_the_box_is_bad_input(login, resident):
    response = login(resident).post(reverse("privacy:accept"), {})
    assert response.status_code == 400
    assert not PolicyAcceptance.objects.exists()


def test_accept_page_never_redirects_off_site(login, resident):
    response = login(resident).post(
        reverse("privacy:accept"), {"accept": "on", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_a_correction_not_asking_for_acceptance_does_not_ask(resident):
    services.policies_accept(
        user=resident, documents=services.policies_to_accept(resident)
    )
    publish(requires_acceptance=False)
    assert services.policies_to_accept(resident) == []


def test_policies_to_accept_is_one_query(django_assert_num_queries, resident):
    publish()
    publish()
    with django_assert_num_queries(1):
        assert [d.kind for d in services.policies_to_accept(resident)] == [
            "privacy",
            "terms",
        ]


def test_signed_out_visitors_are_not_asked(client):
    assert "Read and accept the new version" not in client.get("/").content.decode()


def test_profile_says_the_reading_is_public(login, resident):
    page = login(resident).get(reverse("accounts:profile", args=[resident.pk]))
    assert "reading (furigana) are shown publicly" in page.content.decode()


# --- the banner's answer, remembered (every signed-in page asks it) ---------------


@pytest.fixture
def remembered(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_the_banner_answer_is_remembered_and_costs_no_query_the_second_time(
    remembered, resident
):
    assert services.has_policies_to_accept(resident) is True  # the defaults
    with CaptureQueriesContext(connection) as queries:
        assert services.has_policies_to_accept(resident) is True
    assert not [q for q in queries.captured_queries if "SELECT" in q["sql"]]


def test_accepting_stops_the_remembered_banner_at_once(
    remembered, django_capture_on_commit_callbacks, resident
):
    assert services.has_policies_to_accept(resident) is True
    with django_capture_on_commit_callbacks(execute=True):
        services.policies_accept(
            user=resident, documents=services.policies_to_accept(resident)
        )
    assert services.has_policies_to_accept(resident) is False


def test_a_new_version_shows_the_remembered_banner_at_once(
    remembered, django_capture_on_commit_callbacks, resident
):
    with django_capture_on_commit_callbacks(execute=True):
        services.policies_accept(
            user=resident, documents=services.policies_to_accept(resident)
        )
    assert services.has_policies_to_accept(resident) is False
    with django_capture_on_commit_callbacks(execute=True):
        publish(summary="New article on moderation")
    assert services.has_policies_to_accept(resident) is True


def test_the_banner_is_asked_of_the_database_when_the_cache_fails(
    remembered, monkeypatch, resident
):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(services.cache, "get", broken)
    monkeypatch.setattr(services.cache, "set", broken)
    assert services.has_policies_to_accept(resident) is True


def test_signed_out_visitors_have_nothing_to_accept(remembered):
    from django.contrib.auth.models import AnonymousUser

    assert services.has_policies_to_accept(AnonymousUser()) is False
