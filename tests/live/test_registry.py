"""The live registry: each app declares its groups; the transport knows no app."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from participation.live import broadcast, registry


@pytest.mark.parametrize(
    ("kind", "object_id", "group", "path"),
    [
        ("proposal", 7, "proposal.7", "/ws/proposals/7/"),
        ("session", 3, "session.3", "/ws/live/3/"),
        ("tracker", None, "tracker", "/ws/tracker/"),
        ("notifications", 5, "user.5", "/ws/notifications/"),
    ],
)
def test_each_app_declares_its_group_name_and_socket_path(kind, object_id, group, path):
    declared = registry.get(kind)
    assert declared.name(object_id) == group
    assert declared.path(object_id) == path


@pytest.mark.parametrize(
    ("group", "logged"),
    [
        ("proposal.7", True),
        ("session.3", True),
        ("tracker", True),
        ("user.5", False),
        ("unknown.1", False),
    ],
)
def test_only_content_groups_are_kept_for_catch_up(group, logged):
    assert broadcast.is_logged_group(group) is logged


def test_a_per_object_group_needs_an_object_id():
    with pytest.raises(ValueError, match="needs an object id"):
        registry.get("proposal").name()


def test_declaring_a_kind_again_differently_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        registry.register("proposal", socket_path="/ws/elsewhere/{}/")


def test_declaring_the_same_group_again_is_harmless():
    again = registry.register("proposal", socket_path="/ws/proposals/{}/")
    assert again == registry.get("proposal")


def test_an_unknown_kind_in_a_template_is_a_template_error(db):
    template = Template('{% load live %}{% live_socket_path "bench" 1 %}')
    with pytest.raises(TemplateSyntaxError, match="Unknown live group kind"):
        template.render(Context({}))


def test_the_template_tags_read_the_registry(db):
    template = Template(
        '{% load live %}{% live_socket_path "proposal" 4 %} {% live_since "tracker" %}'
    )
    assert template.render(Context({})) == "/ws/proposals/4/ 0"
