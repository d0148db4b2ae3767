"""The template backend: Django's, with tag libraries imported on first ``{% load %}``.

Django's engine imports the tag library of every installed app when it is made
(the first page rendered): to list them it imports every module of every app's
``templatetags`` package. One of them is DRF's (``rest_framework``), which imports
DRF itself and everything its compat module finds installed (Markdown, Pygments,
YAML, requests, psycopg through ``django.contrib.postgres``): about 20 MiB of a
server process that renders pages and never the browsable API (the API renders
JSON only). Here the engine lists the same modules *without importing them* and
imports a library's module when a template first loads it; a library nobody
loads is never imported. As in Django, a later app's library of the same name
wins, and a module without ``register`` is not a library. The builtins (loaded
by every template) are imported at once, as before; ``manage.py check`` still
imports every library (templates.W003).
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.forms import renderers
from django.template.backends.django import DjangoTemplates as DjangoBackend
from django.template.engine import Engine
from django.template.library import InvalidTemplateLibrary


def _candidates() -> dict[str, list[str]]:
    """``{library name: [module paths]}`` of every installed app's templatetags
    modules, in Django's order (``get_template_tag_modules``), none imported."""
    found: dict[str, list[str]] = {}
    packages = ["django.templatetags"]
    packages += [f"{config.name}.templatetags" for config in apps.get_app_configs()]
    for package in packages:
        try:
            module = import_module(package)  # the package's __init__ only
        except ImportError:
            continue
        if not hasattr(module, "__path__"):
            continue
        for entry in pkgutil.walk_packages(module.__path__, package + "."):
            if entry.ispkg:
                continue
            name = entry.name.removeprefix(package).lstrip(".")
            found.setdefault(name, []).append(entry.name)
    return found


def _register(path: str) -> Any:
    try:
        module = import_module(path)
    except ImportError as error:
        raise InvalidTemplateLibrary(
            f"Invalid template library specified. ImportError raised when trying "
            f"to load '{path}': {error}"
        ) from error
    return getattr(module, "register", None)


class Libraries(dict):  # type: ignore[type-arg]
    """``{name: Library}`` as the engine's parser reads it, importing a library on
    first lookup. Iterating gives every candidate name (the "not a registered tag
    library" error lists them)."""

    def __init__(self, candidates: dict[str, list[str]]) -> None:
        super().__init__()
        self.candidates = candidates

    def __missing__(self, name: str) -> Any:
        for path in reversed(self.candidates[name]):  # KeyError: none of that name
            library = _register(path)
            if library is not None:
                self[name] = library
                return library
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return name in self.candidates

    def __iter__(self) -> Iterator[str]:
        return iter(self.candidates)

    def __len__(self) -> int:
        return len(self.candidates)

    def keys(self) -> Any:
        return self.candidates.keys()


class LazyEngine(Engine):
    def get_template_libraries(self, libraries: dict[str, str]) -> Any:
        candidates = _candidates()
        for name, path in libraries.items():
            paths = candidates.setdefault(name, [])
            if not paths or paths[-1] != path:
                paths.append(path)  # OPTIONS' libraries win, as in Django
        return Libraries(candidates)


class DjangoTemplates(DjangoBackend):
    """``django.template.backends.django.DjangoTemplates`` with a ``LazyEngine``:
    Django 5.2's backend, but for the engine's class and the installed libraries
    listed without being imported (``engine.libraries`` is ``{name: module}``,
    as in Django)."""

    def get_templatetag_libraries(self, custom_libraries: dict[str, str]) -> Any:
        libraries = {name: paths[-1] for name, paths in _candidates().items()}
        libraries.update(custom_libraries)
        return libraries

    def __init__(self, params: dict[str, Any]) -> None:
        params = params.copy()
        options = params.pop("OPTIONS").copy()
        options.setdefault("autoescape", True)
        options.setdefault("debug", settings.DEBUG)
        options.setdefault("file_charset", "utf-8")
        libraries = options.get("libraries", {})
        options["libraries"] = self.get_templatetag_libraries(libraries)
        super(DjangoBackend, self).__init__(params)
        self.engine = LazyEngine(self.dirs, self.app_dirs, **options)


class FormRenderer(renderers.DjangoTemplates):
    """Django's default form renderer (``FORM_RENDERER``), on this backend: the
    forms' engine would otherwise import every library too."""

    backend = DjangoTemplates
