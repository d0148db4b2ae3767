"""The template backend (participation/templating.py): Django's, with the tag
libraries of the installed apps imported when a template first loads them."""

from __future__ import annotations

import pytest
from django import forms
from django.template import TemplateSyntaxError, engines

from participation.templating import DjangoTemplates, FormRenderer, Libraries


def engine():
    return engines["django"].engine


def test_the_site_and_its_forms_render_through_the_lazy_backend():
    assert isinstance(engines["django"], DjangoTemplates)
    assert isinstance(forms.Form().renderer, FormRenderer)
    assert isinstance(forms.Form().renderer.engine, DjangoTemplates)
    assert isinstance(engine().template_libraries, Libraries)


def test_an_installed_apps_library_loads_when_a_template_asks_for_it():
    template = engines["django"].from_string(
        "{% load humanize %}{{ 1234567|intcomma }}"
    )
    assert template.render() == "1,234,567"


def test_a_library_of_a_third_party_app_is_found_too():
    # DRF's: listed from the start, imported only now.
    template = engines["django"].from_string("{% load rest_framework %}ok")
    assert template.render() == "ok"


def test_an_unknown_library_is_refused_with_the_registered_names():
    with pytest.raises(TemplateSyntaxError) as raised:
        engines["django"].from_string("{% load no_such_library %}")
    message = str(raised.value)
    assert "'no_such_library' is not a registered tag library" in message
    assert "humanize" in message


def test_a_module_without_register_is_not_a_library():
    libraries = Libraries({"helpers": ["participation.csvwriter"]})
    with pytest.raises(KeyError):
        libraries["helpers"]


def test_the_last_module_of_a_name_that_is_a_library_wins():
    libraries = Libraries(
        {
            "humanize": [
                "django.contrib.humanize.templatetags.humanize",
                "participation.csvwriter",  # no register: skipped
            ]
        }
    )
    assert "intcomma" in libraries["humanize"].filters
    assert list(libraries) == ["humanize"]
    assert "humanize" in libraries


def test_engine_libraries_name_one_module_each_as_in_django():
    # What Django's check for duplicate library names reads (templates.W003).
    paths = engine().libraries
    assert paths["humanize"] == "django.contrib.humanize.templatetags.humanize"
    assert paths["rest_framework"] == "rest_framework.templatetags.rest_framework"
