"""``lazy_include()``: a namespaced URL module imported when first needed.

Django's ``include()`` imports the module when the URLs are loaded, so everything
it imports (the REST API: DRF and the schema tools, ~15 MiB) is in every server
process from its first request on, even one that only ever serves pages. The
resolver made here holds the module's *name* and imports it on first use:

- a request under its prefix (resolving the path);
- ``reverse()`` of one of its names (``"api:root"``), or anything that asks for
  its own names or namespaces;
- the system checks (``manage.py check`` walks every URL).

Reversing a name outside the namespace does not: Django's root resolver asks
every included resolver to populate itself, and this one declines while its
module is not loaded (its names are reachable only through its namespace, which
the root records without looking inside). The one thing given up: the root's
``_is_callback`` (used only by ``django.contrib.admindocs``, not installed) does
not know the module's views.
"""

from __future__ import annotations

from typing import Any

from django.urls.resolvers import RoutePattern, URLResolver


class LazyURLResolver(URLResolver):
    def _loaded(self) -> bool:
        return "urlconf_module" in self.__dict__  # the cached_property is set

    def _populate(self) -> None:
        # Called by the parent's own populating: contribute nothing until loaded.
        if self._loaded():
            super()._populate()

    def _load(self) -> None:
        self.urlconf_module  # noqa: B018 - imports the module (once: cached)

    @property
    def reverse_dict(self) -> Any:
        self._load()
        return super().reverse_dict

    @property
    def namespace_dict(self) -> Any:
        self._load()
        return super().namespace_dict

    @property
    def app_dict(self) -> Any:
        self._load()
        return super().app_dict

    def _is_callback(self, name: str) -> bool:
        self._load()
        return super()._is_callback(name)


def lazy_include(route: str, module: str, *, namespace: str) -> URLResolver:
    """``path(route, include(module))`` for a URL module whose ``app_name`` is
    ``namespace``, imported when first needed (see the module docstring)."""
    return LazyURLResolver(
        RoutePattern(route, is_endpoint=False),
        module,
        app_name=namespace,
        namespace=namespace,
    )
