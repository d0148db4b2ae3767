"""The staff workspace's shell: who reaches /staff/, and the header's entry."""

import pytest
from django.urls import reverse

from participation.accounts.selectors import Standing
from participation.staff import registry
from participation.staff.registry import Count, Panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_panel():
    def counts(user):
        return [Count("waiting", 3, urgent=True), Count("calm", 1)]

    panel = Panel(
        key="test-panel",
        label="Test panel",
        visible=lambda standing: standing.is_admin_role,
        counts=counts,
        order=1,
    )
    registry.register(panel)
    yield panel
    registry._PANELS.pop("test-panel", None)


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_resident_is_refused_the_workspace(client, resident):
    client.force_login(resident)
    assert client.get(reverse("staff:dashboard")).status_code == 403


def test_resident_sees_no_staff_entry_in_the_header(client, resident):
    client.force_login(resident)
    page = client.get(reverse("home")).content.decode()
    assert 'href="/staff/"' not in page


@pytest.mark.parametrize("who", ["official", "facilitator", "admin_user"])
def test_every_staff_role_sees_the_header_entry_and_the_dashboard(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert 'href="/staff/"' in client.get(reverse("home")).content.decode()
    assert client.get(reverse("staff:dashboard")).status_code == 200


def test_panel_shows_only_to_the_roles_it_names(
    client, official, admin_user, extra_panel
):
    client.force_login(official)
    assert "Test panel" not in client.get(reverse("staff:dashboard")).content.decode()
    client.force_login(admin_user)
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert "Test panel" in page
    assert page.index("waiting") < page.index("calm")  # urgent counts first


def test_panels_are_ordered_and_filtered_by_standing(extra_panel):
    visible = [
        p.key for p in registry.panels() if p.visible(Standing(is_admin_role=True))
    ]
    assert visible[0] == "test-panel"


def test_standing_knows_sections_and_approvers(official, department):
    from participation.accounts.selectors import forget_standing, standing_of
    from tests.factories import SectionFactory, UserFactory, grant

    section = SectionFactory(department=department)
    approver = grant(UserFactory(), "official", section=section, approver=True)
    head = grant(UserFactory(), "official", department=department, approver=True)
    forget_standing(official)
    assert standing_of(approver).section_ids == {section.pk}
    assert standing_of(approver).approver_section_ids == {section.pk}
    assert standing_of(approver).department_ids == {department.pk}
    assert standing_of(head).approver_department_ids == {department.pk}
    assert not standing_of(official).approver_section_ids
